"""AI text through Ollama: `supaseed ai status|test`, the pool cache, determinism and the offline fallback.

No Ollama server can run here, so each test starts a small HTTP server on loopback that speaks the
two documented endpoints the client uses (GET /api/tags, POST /api/generate with stream false) and
counts the requests it gets. Everything else is real: the console entry point, the Dagster seed
job, the demo database.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from supaseed_pipeline.ai.ollama import OllamaClient
from supaseed_pipeline.ai.texts import PoolSpec, TextPools, replace_text
from supaseed_pipeline.cli import main
from supaseed_pipeline.db.connect import Target, connect

ENV_TO_CLEAR = ("DAGSTER_HOME", "SUPASEED_CONFIG", "SUPASEED_DATABASE_URL", "SUPABASE_DB_URL", "SUPABASE_URL",
                "SUPABASE_SERVICE_ROLE_KEY", "SUPASEED_SEED", "SUPASEED_USER_COUNT", "SUPASEED_BATCH_SIZE",
                "SUPASEED_ALLOW_PRODUCTION", "OLLAMA_HOST")
POOL_SIZE = 3


class FakeOllama:
    """Ollama's /api/tags and /api/generate on 127.0.0.1 (port 0), with a log of the requests received."""

    def __init__(self, models=("llama3.1:latest", "mistral:7b")):
        self.models = list(models)
        self.requests: list[tuple[str, str, dict]] = []
        self.responses: set[str] = set()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):   # keep the test output clean
                pass

            def _reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                fake.requests.append(("GET", self.path, {}))
                if self.path != "/api/tags":
                    return self._reply(404, {"error": "not found"})
                self._reply(200, {"models": [{"name": m, "model": m, "size": 4_920_000_000,
                                              "modified_at": "2025-05-01T10:00:00Z", "digest": "sha256:0"}
                                             for m in fake.models]})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(("POST", self.path, body))
                if self.path != "/api/generate":
                    return self._reply(404, {"error": "not found"})
                if body["model"] not in fake.models:
                    return self._reply(404, {"error": f"model \"{body['model']}\" not found, try pulling it first"})
                self._reply(200, {"model": body["model"], "created_at": "2025-05-01T10:00:00Z", "done": True,
                                  "response": fake.answer(body)})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, body: dict) -> str:
        """A pure function of (model, prompt, seed), as a real model is with a fixed sampling seed."""
        prompt, seed = body["prompt"], body.get("options", {}).get("seed")
        kind = "bio" if "profile bio" in prompt else "description" if "description" in prompt else "review"
        digest = hashlib.sha256(f"{body['model']}|{prompt}|{seed}".encode()).hexdigest()[:12]
        text = f"Model {kind} {digest}."
        self.responses.add(text)
        return f"Here is a {kind}:\n\"{text}\""   # preamble and quotes, as small models answer

    def generate_calls(self) -> list[dict]:
        return [body for method, path, body in self.requests if path == "/api/generate"]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def ollama():
    fake = FakeOllama()
    yield fake
    fake.close()


def closed_port_url() -> str:
    """A loopback URL where nothing listens (the port was just free)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def env(tmp_path: Path, monkeypatch):
    """An empty working directory and a private data dir (so the AI cache starts empty)."""
    monkeypatch.chdir(tmp_path)
    for name in ENV_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SUPASEED_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def supaseed(*args: str, expect: int = 0):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == expect, f"exit {result.exit_code}\n{result.stdout}\n{result.stderr}"
    return result


def write_config(path: Path, ai: dict, **extra) -> str:
    path.write_text(json.dumps({"userCount": 6, "setupsPerUser": 2, "batchSize": 3, "ai": ai, **extra}))
    return str(path)


def seeded_texts(target: Target) -> dict[str, list]:
    """Setup (title, description) and account bios, in a stable order."""
    with connect(target) as conn:
        setups = conn.execute("SELECT title, description FROM public.setups ORDER BY title, description").fetchall()
        bios = conn.execute("SELECT a.public_data->>'bio' FROM public.accounts a JOIN auth.users u ON u.id = a.id "
                            "ORDER BY u.email").fetchall()
    return {"setups": setups, "bios": [b for (b,) in bios]}


# ------------------------------------------------------------------------------------------------ ai status / ai test

def test_ai_status_lists_the_models(env, ollama, monkeypatch):
    monkeypatch.setenv("OLLAMA_HOST", ollama.url.removeprefix("http://"))   # as `ollama` itself takes it
    out = supaseed("ai", "status").stdout
    assert f"Ollama at {ollama.url}: reachable, 2 model(s)" in out
    assert "llama3.1:latest" in out and "mistral:7b" in out and "4.9 GB" in out
    assert "ai.model llama3.1:latest: available" in out
    assert ollama.requests == [("GET", "/api/tags", {})]


def test_ai_status_unreachable_is_one_line_exit_1(env):
    host = closed_port_url()
    result = supaseed("--config", write_config(env / "supaseed.json", {"host": host}), "ai", "status", expect=1)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: no Ollama server reachable at {host}"), result.stderr
    assert "ollama serve" in lines[0] and "Traceback" not in result.output


def test_ai_test_prints_one_sample(env, ollama):
    out = supaseed("ai", "test", "--model", "mistral:7b", "--host", ollama.url).stdout
    [body] = ollama.generate_calls()
    assert body["model"] == "mistral:7b" and body["stream"] is False
    assert isinstance(body["options"]["seed"], int) and 0 < body["options"]["temperature"] <= 1
    assert "profile bio" in body["prompt"]
    [sample] = ollama.responses
    assert out.splitlines()[-1] == sample        # cleaned: no "Here is a bio:" preamble, no quotes

    missing = supaseed("ai", "test", "--model", "nope:1b", "--host", ollama.url, expect=1)
    [line] = [x for x in missing.stderr.splitlines() if x.strip()]
    assert line.startswith("error: Ollama at") and "nope:1b" in line and "ollama pull nope:1b" in line


# ------------------------------------------------------------------------------------------------ seeding

def test_seed_with_ai_text_uses_cached_model_pools(env, ollama, demo_db):
    """Bios and setup descriptions come from the model; a second seed replays the cache with no HTTP call."""
    config = write_config(env / "supaseed.json", {"enabled": True, "host": ollama.url, "poolSize": POOL_SIZE})
    first = supaseed("--config", config, "--database-url", demo_db.url, "seed")
    calls = ollama.generate_calls()
    # 7 outdoor personas (bios) + 6 activities (descriptions), POOL_SIZE texts each, generated once
    assert len(calls) == 13 * POOL_SIZE and all(c["model"] == "llama3.1:latest" for c in calls)
    assert sum(1 for line in first.stderr.splitlines() if line.startswith("ai: writing 13 text pool(s)")) == 1
    texts = seeded_texts(demo_db)
    assert len(texts["setups"]) == 12 and len(texts["bios"]) == 6
    assert all(d in ollama.responses and d.startswith("Model description") for _, d in texts["setups"])
    assert all(b in ollama.responses and b.startswith("Model bio") for b in texts["bios"])
    assert len({d for _, d in texts["setups"]}) > 1          # rows spread over the pools, not one text for all
    cache = env / "data" / "ai-cache"
    assert len(list(cache.glob("*.json"))) == 13

    ollama.requests.clear()
    supaseed("--config", config, "--database-url", demo_db.url, "seed")
    assert ollama.requests == []                             # zero HTTP calls: the cache answered
    assert seeded_texts(demo_db) == texts                    # and the very same rows

    shutil.rmtree(cache)                                     # regenerated: same model, prompts and sample seeds
    supaseed("--config", config, "--database-url", demo_db.url, "seed")
    assert len(ollama.generate_calls()) == 13 * POOL_SIZE
    assert seeded_texts(demo_db) == texts


def test_seed_falls_back_to_built_in_text_when_ollama_is_unreachable(env, demo_db):
    host = closed_port_url()
    config = write_config(env / "ai.json", {"enabled": True, "host": host, "poolSize": POOL_SIZE})
    result = supaseed("--config", config, "--database-url", demo_db.url, "seed")
    said = [line for line in result.stderr.splitlines() if "ai:" in line]
    assert said == [f"warning: ai: no Ollama server reachable at {host} (connection refused) — start it with "
                    f"`ollama serve`, or set OLLAMA_HOST or ai.host; using the built-in text instead"]
    with_fallback = seeded_texts(demo_db)
    assert not (env / "data" / "ai-cache").exists()

    plain = write_config(env / "plain.json", {"enabled": False})
    quiet = supaseed("--config", plain, "--database-url", demo_db.url, "seed")
    assert "ai:" not in quiet.stderr
    assert seeded_texts(demo_db) == with_fallback            # exactly the built-in text


# ------------------------------------------------------------------------------------------------ pools and picks

def test_model_not_pulled_warns_once_and_gives_no_pool(env, ollama):
    said: list[str] = []
    spec = PoolSpec("public.setups", "description", "hiking", "Write the description of a hiking setup.")
    pools = TextPools(model="llama3.2:1b", host=ollama.url, timeout=5, size=2, specs=[spec], warn=said.append)
    assert pools.get(*spec.key) is None and pools.get(*spec.key) is None
    assert len(said) == 1 and "llama3.2:1b is not available" in said[0] and "ollama pull llama3.2:1b" in said[0]
    assert ollama.generate_calls() == []                     # checked with /api/tags before generating anything


def test_pool_pick_is_a_pure_function_of_seed_table_column_and_row(env, ollama):
    spec = PoolSpec("public.setups", "description", "hiking", "Write the description of a hiking setup.")
    pools = TextPools(model="llama3.1:latest", host=ollama.url, timeout=5, size=5, specs=[spec], note=lambda _: None)
    texts = pools.get(*spec.key)
    assert len(texts) == 5 and set(texts) <= ollama.responses
    index = np.arange(200, dtype=np.int64)
    values = pl.Series("description", ["built-in"] * 200)
    keys = pl.Series(["hiking"] * 150 + ["climbing"] * 49 + [None])

    def pick(idx, seed=7, table="public.setups"):
        return replace_text(values[idx], keys[idx], idx, {"hiking": texts}, seed, table, "description").to_list()

    whole = pick(index)
    assert pick(index[:77]) + pick(index[77:]) == whole      # batch boundaries do not matter
    assert set(whole[:150]) == set(texts)                    # every entry used ...
    assert whole[150:] == ["built-in"] * 50                  # ... rows without a pool keep their text
    assert pick(index, seed=8) != whole and pick(index, table="public.other") != whole
    assert pick(index) == whole

    with pytest.raises(Exception, match="not found"):        # the client reports the server's own error
        OllamaClient(ollama.url, 5).generate("nope:1b", "hi")


def test_ecommerce_descriptions_reviews_and_bios_come_from_their_own_pools(env, ollama):
    """Product descriptions follow the product's category, review bodies its star rating, bios the persona;
    every other column is exactly what the domain builds without AI text."""
    from supaseed_pipeline.ai.domain import text_tables, with_ai_text
    from supaseed_pipeline.domains import get_domain
    from supaseed_pipeline.settings import load_settings

    settings = load_settings(None, {"domain": "ecommerce", "ai": {"enabled": True, "host": ollama.url, "poolSize": 2}},
                             use_default_file=False)
    plain = get_domain("ecommerce")
    domain = with_ai_text(plain, settings)
    owners = pl.DataFrame({"owner_index": np.arange(8), "persona": plain.persona_for(np.arange(8), 5)})
    content, items = domain.content_with_items(owners, 3, 5)
    base_content, base_items = plain.content_with_items(owners, 3, 5)
    pools, tables = domain._pools, text_tables(plain)
    assert len(ollama.generate_calls()) == (len(plain.personas) + len(plain.activities) + 5) * 2
    assert content.drop("description").equals(base_content.drop("description"))
    assert items.drop("body").equals(base_items.drop("body")) and items.height > 0
    assert all(d in pools.get(tables["content"], "description", a)
               for a, d in zip(content["activity"], content["description"]))
    assert all(b in pools.get(tables["items"], "body", str(r)) for r, b in zip(items["rating"], items["body"]))
    assert domain.items(content, 5)["body"].equals(items["body"])     # items() alone: the same bodies
    bios = domain.bio(owners["persona"], np.arange(8), 5)
    assert all(b in pools.get(tables["bio"], "bio", p) for p, b in zip(owners["persona"], bios))
