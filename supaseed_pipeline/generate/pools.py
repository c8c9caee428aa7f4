"""Small value pools built once with Faker (fixed seed), sampled vectorised by row index.

Faker is never called per row: a pool of a few hundred realistic values is built on first use and
rows pick from it with counter-based indices (see random.py).
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import polars as pl
from faker import Faker

POOL_SIZE = 400
_POOL_SEED = 20240601


@lru_cache(maxsize=1)
def _faker() -> Faker:
    fake = Faker("en_US")
    fake.seed_instance(_POOL_SEED)
    return fake


def _unique(values: list[str], size: int) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(value, None)
    return list(seen)[:size]


_BUILDING = threading.Lock()   # batches load on several threads; one Faker, one pool at a time


@lru_cache(maxsize=None)
def pool(kind: str) -> pl.Series:
    """A named pool of realistic values as a Polars Series."""
    with _BUILDING:
        return _build_pool(kind)


def _build_pool(kind: str) -> pl.Series:
    fake = _faker()
    makers = {
        "first_name": fake.first_name,
        "last_name": fake.last_name,
        "city": fake.city,
        "street": fake.street_address,
        "state": fake.state,
        "country": fake.country,
        "country_code": fake.country_code,
        "postcode": fake.postcode,
        "company": fake.company,
        "job": fake.job,
        "word": fake.word,
        "color": fake.color_name,
        "sentence": lambda: fake.sentence(nb_words=10),
        "paragraph": lambda: fake.paragraph(nb_sentences=3),
        "catch_phrase": fake.catch_phrase,
        "domain": fake.domain_name,
        "timezone": fake.timezone,
        "language": fake.language_code,
        "user_agent": fake.user_agent,
        "file_name": fake.file_name,
        "mime_type": fake.mime_type,
        "ipv4": fake.ipv4_public,
    }
    if kind not in makers:
        raise KeyError(f"unknown pool {kind!r}")
    # each pool from its own seed: a shared Faker's state would make a pool depend on which pools this
    # process happened to build first (different rows in a Dagster step than in the CLI)
    fake.seed_instance(f"{_POOL_SEED}:{kind}")
    return pl.Series(kind, _unique([str(makers[kind]()) for _ in range(POOL_SIZE * 3)], POOL_SIZE))


CURRENCIES = ["USD", "EUR", "GBP", "CAD", "AUD", "JPY", "CHF", "SEK", "NOK", "NZD"]


def slugify(text_expr: pl.Expr) -> pl.Expr:
    """Lower-case, ASCII letters/digits joined by single dashes."""
    return (
        text_expr.str.to_lowercase()
        .str.replace_all(r"[^a-z0-9]+", "-")
        .str.strip_chars("-")
    )


def ascii_handle(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())
