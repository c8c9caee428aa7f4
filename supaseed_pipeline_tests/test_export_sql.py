"""`supaseed seed --sql`: a seed.sql that psql replays on a fresh database gives the same rows as seeding it.

Three databases per test, all real: the source the file is exported from (which must not change), a fresh
one the file is replayed into with psql (what `supabase db reset` does), and a fresh one seeded directly.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import bcrypt
import pytest
from click.testing import CliRunner

from supaseed_pipeline.cli import main
from supaseed_pipeline.db.connect import Target, connect, create_database, drop_database
from supaseed_pipeline.demo import apply_demo_schema
from supaseed_pipeline.seed import api
from supaseed_pipeline.seed.export import export_sql
from supaseed_pipeline.settings import load_settings

HARD_CASES = (Path(__file__).parent / "sql" / "hard_cases.sql").read_text()
DEMO_CONFIG = {"userCount": 7, "setupsPerUser": 2, "batchSize": 3, "seed": 11,
               "tenants": {"count": 2, "membersPerTenant": 2}}
HARD_CONFIG = {"userCount": 9, "batchSize": 4, "rowsPerTable": 6, "seed": 5, "domain": "outdoor"}
ENV_TO_CLEAR = ("DAGSTER_HOME", "SUPASEED_CONFIG", "SUPABASE_DB_URL", "SUPABASE_URL", "DATABASE_URL",
                "SUPABASE_SERVICE_ROLE_KEY", "SUPASEED_SEED", "SUPASEED_USER_COUNT", "SUPASEED_BATCH_SIZE",
                "SUPASEED_ALLOW_PRODUCTION")


def psql_binary() -> str:
    found = shutil.which("psql") or next((p for p in ("/usr/lib/postgresql/15/bin/psql",) if os.path.exists(p)), None)
    if found is None:
        pytest.skip("psql is not installed")
    return found


@pytest.fixture
def databases(pg_server: Target):
    """Create databases on the test server (demo schema or hard cases) and drop them afterwards."""
    created: list[str] = []

    def make(kind: str) -> Target:
        name = f"supaseed_t_sql_{kind}_{uuid.uuid4().hex[:8]}"
        target = create_database(pg_server, name)
        created.append(name)
        with connect(target) as conn:
            if kind == "demo":
                apply_demo_schema(conn)
            else:
                conn.execute(HARD_CASES)
            conn.commit()
        return target

    yield make
    for name in created:
        drop_database(pg_server, name)


def state(target: Target) -> dict[str, object]:
    """Every table's row count and md5 over its ordered rows, every sequence, and the schemas present."""
    with connect(target) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        tables = [r[0] for r in conn.execute(
            "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN "
            "('pg_catalog', 'information_schema', 'pg_toast', 'supaseed') ORDER BY 1")]
        found: dict[str, object] = {}
        for table in tables:
            found[table] = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {table} t").fetchone()
        for (sequence,) in conn.execute(
                "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind = 'S' ORDER BY 1").fetchall():
            found[f"sequence {sequence}"] = conn.execute(f"SELECT last_value, is_called FROM {sequence}").fetchone()
        found["schemas"] = [r[0] for r in conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_(toast_)?temp_' ORDER BY 1")]
    return found


def replay(path: Path, target: Target) -> None:
    """What a user runs: psql -f, stopping at the first error."""
    done = subprocess.run([psql_binary(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(path), target.url],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def without_ledger(found: dict[str, object]) -> dict[str, object]:
    found = dict(found)
    found["schemas"] = [s for s in found["schemas"] if s != "supaseed"]
    return found


@pytest.fixture
def cli(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ENV_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SUPASEED_DATA_DIR", str(tmp_path / "data"))

    def run(target: Target, *args: str, expect: int = 0):
        monkeypatch.setenv("SUPASEED_DATABASE_URL", target.url)
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == expect, f"exit {result.exit_code}\n{result.stdout}\n{result.stderr}"
        return result

    return run


def test_seed_sql_replays_into_a_fresh_demo_database_as_the_seed_itself(cli, databases, tmp_path):
    source, replayed, direct = databases("demo"), databases("demo"), databases("demo")
    (tmp_path / "supaseed.json").write_text(json.dumps(DEMO_CONFIG))
    before = state(source)

    result = cli(source, "seed", "--sql", "supabase/seed.sql")
    seed_file = tmp_path / "supabase" / "seed.sql"
    assert "supabase/seed.sql" in result.stdout and "auth.users" in result.stdout

    # writing the file changed nothing in the source: same rows, same sequences, no ledger schema
    assert state(source) == before
    assert "supaseed" not in state(source)["schemas"]

    text = seed_file.read_text()
    assert "COPY" not in text and "supaseed" not in text.replace("supaseed seed --sql", "")
    replay(seed_file, replayed)
    settings = load_settings(overrides=DEMO_CONFIG, environ={}, use_default_file=False)
    api.seed(direct, settings)
    assert state(replayed) == without_ledger(state(direct))

    # exporting from a database that already holds this seed writes the same file and keeps that seed
    seeded = state(direct)
    export_sql(direct, settings, tmp_path / "again.sql")
    assert (tmp_path / "again.sql").read_text() == text and state(direct) == seeded

    with connect(replayed) as conn:
        users = conn.execute("SELECT id::text, email, encrypted_password FROM auth.users ORDER BY email").fetchall()
        personal = conn.execute("SELECT id::text, public_data FROM public.accounts WHERE is_personal_account").fetchall()
        teams = conn.execute("SELECT count(*) FROM public.accounts WHERE NOT is_personal_account").fetchone()[0]
    assert len(users) == DEMO_CONFIG["userCount"] and teams == 2
    # auth users can sign in: GoTrue checks the bcrypt hash against the password the seed uses
    password = settings.password.get_secret_value()
    assert all(bcrypt.checkpw(password.encode(), hashed.encode()) for _, _, hashed in users)
    # the personal accounts came from the auth.users trigger (never INSERTed by the file), enriched by an UPDATE
    block = re.search(r'INSERT INTO "public"\."accounts" [^\n]*VALUES\n((?:  \(.*\n?)+)', text).group(1)
    inserted_ids = re.findall(r"^  \('([0-9a-f-]{36})'", block, re.M)
    assert len(inserted_ids) == 2 and not {user_id for user_id, _, _ in users} & set(inserted_ids)
    assert 'UPDATE "public"."accounts"' in text
    assert {user_id for user_id, _ in personal} == {user_id for user_id, _, _ in users}
    assert all(data.get("bio") and data.get("username") for _, data in personal)


def test_hard_cases_cycles_identity_and_sequences_replay_in_batches(databases, tmp_path):
    source, replayed, direct = databases("hard"), databases("hard"), databases("hard")
    settings = load_settings(overrides=HARD_CONFIG, environ={}, use_default_file=False)
    before = state(source)

    exported = export_sql(source, settings, tmp_path / "seed.sql", batch_rows=4)
    assert state(source) == before            # sequences the rolled-back seed advanced are set back too
    text = (tmp_path / "seed.sql").read_text()
    # batched multi-row INSERTs, identity ALWAYS written as is, the NOT NULL cycles in one statement each
    assert len(re.findall(r'^INSERT INTO "public"\."users"', text, re.M)) == -(-HARD_CONFIG["userCount"] // 4)
    assert 'INSERT INTO "public"."emp" ' in text and "OVERRIDING SYSTEM VALUE" in text
    assert re.search(r'^WITH w0 AS \(INSERT INTO "public"\."ring_a"', text, re.M)
    assert exported.sequences and exported.inserted["public.users"] == HARD_CONFIG["userCount"]

    replay(tmp_path / "seed.sql", replayed)
    api.seed(direct, settings)
    assert state(replayed) == without_ledger(state(direct))

    # sequences were set: plain inserts after the replay take fresh keys instead of colliding
    with connect(replayed) as conn:
        conn.execute("INSERT INTO dept (name) VALUES ('after the replay')")
        conn.execute("INSERT INTO emp (dept_id, salary, grade) SELECT max(id), 2000, 'a' FROM dept")
        conn.execute("INSERT INTO events (at, kind) VALUES ('2025-06-01', 'after')")
        conn.commit()


def test_bad_output_path_is_one_line_and_changes_nothing(cli, databases, tmp_path):
    source = databases("demo")
    before = state(source)
    (tmp_path / "taken").mkdir()
    result = cli(source, "seed", "--sql", "taken", expect=2)
    assert result.stderr.count("\n") == 1 and "taken" in result.stderr and "directory" in result.stderr
    result = cli(source, "seed", "--sql", "seed.sql", "--partition", "p00000", expect=2)
    assert result.stderr.startswith("error: ") and "--partition" in result.stderr
    assert state(source) == before and not (tmp_path / "seed.sql").exists()


def test_a_seed_that_fails_midway_writes_no_file_and_gives_sequences_back(cli, databases, tmp_path):
    source = databases("hard")
    (tmp_path / "supaseed.json").write_text(json.dumps({**HARD_CONFIG, "lockTimeoutSeconds": 1}))
    before = state(source)
    # dept (serial) loads before emp; emp is then locked by another session, which fails the whole run
    # (a table that refuses its rows would only be left out)
    with connect(source) as holder:
        holder.execute("LOCK TABLE emp IN SHARE MODE")
        result = cli(source, "seed", "--sql", "seed.sql", expect=1)
    assert result.stderr.count("\n") == 1 and "emp" in result.stderr and "lock" in result.stderr
    assert state(source) == before and not (tmp_path / "seed.sql").exists()
