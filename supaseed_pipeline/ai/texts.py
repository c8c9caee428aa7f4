"""Pools of model-written texts: generated once per (model, prompt), cached on disk, replayed by row index.

A seed never calls the model per row. Each (table, column, persona) gets a pool of `ai.poolSize`
texts; the pool is a JSON file under `<data dir>/ai-cache/` named by a hash of model and prompt, so
a second seed (any seed value, any row count) reads the files and makes no HTTP call at all. Which
pool entry a row gets is a pure function of (seed, table, column, row index), like every other
generated value (generate/random.py).

"persona" is whatever the text has to agree with: the user's persona for a bio, the row's activity
for a setup description (so it matches the title), the star rating for a review body.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import polars as pl

from supaseed_pipeline.ai.ollama import OllamaClient, OllamaError, display_host, resolve_host
from supaseed_pipeline.errors import SupaseedError, redact
from supaseed_pipeline.generate import random as rnd

CACHE_FOLDER = "ai-cache"
TEMPERATURE = 0.9          # varied texts within a pool; the per-sample seed keeps them reproducible
NUM_PREDICT = 160          # tokens: a bio or a 2-3 sentence description, never an essay
MAX_CHARS = 400            # longer answers are cut at a sentence end
ATTEMPTS_PER_TEXT = 3      # empty or duplicate answers are retried, but not forever


@dataclass(frozen=True)
class PoolSpec:
    table: str      # physical table the texts go to (part of the row pick, not of the cache key)
    column: str
    persona: str    # the persona, activity or rating the texts must agree with
    prompt: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table, self.column, self.persona)

    def label(self) -> str:
        return f"{self.table}.{self.column} ({self.persona})"


def cache_dir() -> Path:
    from supaseed_pipeline.db.embedded import data_dir

    return data_dir() / CACHE_FOLDER


def cache_file(model: str, prompt: str) -> Path:
    digest = hashlib.sha256(json.dumps([model, prompt]).encode()).hexdigest()[:32]
    return cache_dir() / f"{digest}.json"


def read_cache(model: str, prompt: str) -> tuple[list[str], int]:
    """(texts, attempts made so far) from the cache; an unreadable file counts as empty."""
    path = cache_file(model, prompt)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        texts = [t for t in data.get("texts", []) if isinstance(t, str) and t]
        return texts, int(data.get("attempts", len(texts)))
    except (OSError, ValueError, AttributeError, TypeError):
        return [], 0


def write_cache(model: str, prompt: str, texts: list[str], attempts: int) -> None:
    """Atomically (a reader never sees half a file, two writers never interleave)."""
    path = cache_file(model, prompt)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps({"model": model, "prompt": prompt, "attempts": attempts, "texts": texts}, indent=1)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(payload)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def is_complete(model: str, prompt: str, size: int) -> bool:
    texts, attempts = read_cache(model, prompt)
    return len(texts) >= size or (bool(texts) and attempts >= size * ATTEMPTS_PER_TEXT)


_PREAMBLE = re.compile(r"^\s*(sure[,!.]?\s*)?(here(?:'s| is| are)\b[^:\n]*:)\s*", re.IGNORECASE)


def clean_text(raw: str) -> str:
    """The model's answer as one plain line: no "Here is a bio:" preamble, no quotes, at most MAX_CHARS."""
    text = _PREAMBLE.sub("", raw.strip())
    text = " ".join(text.replace("**", "").split())
    if len(text) >= 2 and text[0] in "\"'“" and text[-1] in "\"'”":
        text = text[1:-1].strip()
    if len(text) > MAX_CHARS:
        cut = max(text.rfind(end, 0, MAX_CHARS) for end in (". ", "! ", "? "))
        text = text[: cut + 1] if cut > 0 else text[:MAX_CHARS].rstrip()
    return text


def sample_seed(attempt: int) -> int:
    """Ollama's sampling seed for the n-th attempt of a pool (the pool does not depend on the seed value)."""
    return rnd.salt("supaseed-ai-sample", attempt) & 0x7FFF_FFFF


def fill_pool(client: OllamaClient, model: str, prompt: str, size: int) -> list[str]:
    """The cached texts for (model, prompt), topped up to `size` with new generations (saved after each)."""
    texts, attempts = read_cache(model, prompt)
    while len(texts) < size and attempts < size * ATTEMPTS_PER_TEXT:
        text = clean_text(client.generate(model, prompt, seed=sample_seed(attempts), temperature=TEMPERATURE,
                                          num_predict=NUM_PREDICT))
        attempts += 1
        if text and text not in texts:
            texts.append(text)
        write_cache(model, prompt, texts, attempts)
    if not texts:
        raise OllamaError(f"model {model} answered with no usable text for the prompt {prompt[:60]!r}",
                          hint="try another ai.model")
    return texts[:size]


def same_model(name: str, wanted: str) -> bool:
    """Ollama names a model `name:tag`; `llama3.1` means `llama3.1:latest`."""
    def full(n: str) -> str:
        return n if ":" in n else f"{n}:latest"
    return full(name) == full(wanted)


def warn(message: str) -> None:
    """One line on stderr (the CLI's rich progress display keeps it above the bars)."""
    sys.stderr.write("warning: " + " ".join(redact(message).split()) + "\n")
    sys.stderr.flush()


def note(message: str) -> None:
    sys.stderr.write(" ".join(redact(message).split()) + "\n")
    sys.stderr.flush()


@dataclass
class TextPools:
    """Every pool one seed needs, loaded together on first use: from the cache, else from the model.

    `get` returns None (built-in text) when the server cannot be reached or fails; that is said once,
    on stderr, and the seed goes on.
    """

    model: str
    host: str
    timeout: float
    size: int
    specs: list[PoolSpec]
    warn: Callable[[str], None] = warn
    note: Callable[[str], None] = note
    _pools: dict[tuple[str, str, str], list[str]] | None = field(default=None, init=False)
    _loaded: bool = field(default=False, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @classmethod
    def from_settings(cls, ai, specs: list[PoolSpec]) -> "TextPools":
        return cls(model=ai.model, host=resolve_host(ai.host), timeout=ai.timeout_seconds, size=ai.pool_size,
                   specs=specs)

    def get(self, table: str, column: str, persona: str) -> list[str] | None:
        """The pool for (table, column, persona), or None when AI text is unavailable or has no such pool."""
        self._ensure_loaded()
        return None if self._pools is None else self._pools.get((table, column, persona))

    @property
    def available(self) -> bool:
        self._ensure_loaded()
        return self._pools is not None

    def _ensure_loaded(self) -> None:
        with self._lock:   # two batches asking at once must not generate (or warn) twice
            if not self._loaded:
                self._loaded = True
                self._load()

    def _load(self) -> None:
        prompts = list(dict.fromkeys(spec.prompt for spec in self.specs))
        missing = [p for p in prompts if not is_complete(self.model, p, self.size)]
        try:
            if missing:
                self._generate(missing)
            by_prompt = {}
            for prompt in prompts:
                texts, _ = read_cache(self.model, prompt)
                if not texts:
                    raise OllamaError(f"the cache has no texts for the prompt {prompt[:60]!r}")
                by_prompt[prompt] = texts[: self.size]
        except SupaseedError as exc:
            self.warn(f"ai: {exc}; using the built-in text instead")
            return
        self._pools = {spec.key: by_prompt[spec.prompt] for spec in self.specs}

    def _generate(self, prompts: list[str]) -> None:
        client = OllamaClient(self.host, self.timeout)
        names = [m["name"] for m in client.models()]
        if not any(same_model(n, self.model) for n in names):
            raise OllamaError(f"model {self.model} is not available at {display_host(self.host)}",
                              hint=f"run `ollama pull {self.model}`, or set ai.model to one of: "
                                   f"{', '.join(names) or '(none pulled yet)'}")
        self.note(f"ai: writing {len(prompts)} text pool(s) of {self.size} with {self.model} at "
                  f"{display_host(self.host)} (once: cached in {cache_dir()})")
        for prompt in prompts:
            fill_pool(client, self.model, prompt, self.size)


def replace_text(values: pl.Series, keys: pl.Series, index: np.ndarray, pools: dict[str, list[str]],
                 seed: int, table: str, column: str) -> pl.Series:
    """Each row's text from the pool of its key (persona / activity / rating), vectorised.

    The entry is floor(uniform(seed, table, column, row index) * pool size): a pure function of the
    row, whatever the batch or partition. Rows whose key has no pool, and null values, keep theirs.
    """
    if not pools or values.len() == 0:
        return values
    names = list(pools)
    sizes = np.array([len(pools[n]) for n in names], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    flat = pl.Series(values.name, [t for n in names for t in pools[n]], dtype=pl.String)
    codes = keys.cast(pl.String).replace_strict(names, list(range(len(names))), default=-1,
                                                return_dtype=pl.Int64).fill_null(-1).to_numpy()
    safe = np.maximum(codes, 0)
    u = rnd.uniform(np.asarray(index, dtype=np.int64), rnd.salt(seed, table, column, "ai-text"))
    entry = offsets[safe] + np.minimum((u * sizes[safe]).astype(np.int64), sizes[safe] - 1)
    chosen = flat.gather(entry)
    keep = (codes < 0) | values.is_null().to_numpy()
    return pl.select(pl.when(pl.Series(keep)).then(values.cast(pl.String)).otherwise(chosen)
                     .alias(values.name)).to_series()
