"""Small value pools built once with Faker (fixed seed), sampled vectorised by row index.

Faker is never called per row: a pool of a few hundred realistic values is built on first use and
rows pick from it with counter-based indices (see random.py).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
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
        "user_agent": lambda: _user_agent(fake),
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


# Browsers as sessions and audit logs record them today, most common first (Faker's own are of every era:
# "MSIE 7.0; Windows NT 4.0")
_USER_AGENTS = (
    (40, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{chrome}.0.0.0 Safari/537.36"),
    (15, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{chrome}.0.0.0 Safari/537.36"),
    (12, "Mozilla/5.0 (iPhone; CPU iPhone OS {ios} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{safari} "
         "Mobile/15E148 Safari/604.1"),
    (10, "Mozilla/5.0 (Linux; Android {android}; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{chrome}.0.0.0 Mobile Safari/537.36"),
    (8, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{safari} Safari/605.1.15"),
    (7, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{chrome}.0.0.0 Safari/537.36 "
        "Edg/{chrome}.0.0.0"),
    (5, "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{firefox}.0) Gecko/20100101 Firefox/{firefox}.0"),
    (3, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{chrome}.0.0.0 Safari/537.36"),
)


def _user_agent(fake) -> str:
    template = fake.random_element(OrderedDict((t, w) for w, t in _USER_AGENTS))
    safari = fake.random_element(("17.4", "17.5", "17.6", "18.0", "18.1", "18.2", "18.3", "18.5"))
    return template.format(chrome=fake.random_int(124, 138), firefox=fake.random_int(125, 140), android=fake.random_int(12, 15),
                           safari=safari, ios=safari.replace(".", "_"))


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
