"""Column values that read like real data, chosen from the column's name and type.

Every generator takes the global row indices and a salt and returns a Polars Series, so a value
depends only on (seed, table, column, row index).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import polars as pl

from supaseed_pipeline.generate import random as rnd
from supaseed_pipeline.generate import semantics
from supaseed_pipeline.generate.pools import CURRENCIES, pool, slugify
from supaseed_pipeline.plan.checks import Atom, ColumnRef
from supaseed_pipeline.snapshot.models import Column

# Fixed so that timestamps do not depend on the day the seed runs.
ANCHOR = dt.datetime(2026, 6, 30, 12, 0, 0)
TWO_YEARS_S = 730 * 86_400
EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example.com"]
PERSON_TABLE_HINT = re.compile(r"user|account|profile|member|customer|employee|person(?!al)|people|author|contact|staff|student")
INT_LIMITS = {"int2": (-32768, 32767), "int4": (-2**31, 2**31 - 1), "int8": (-2**63, 2**63 - 1)}
# Unique integers without a sequence live in a high, seed-specific band, away from hand-made ids.
UNIQUE_INT_BAND = 1_000_000_000


class UnsupportedColumn(Exception):
    """No sensible value exists for this column's type; the message says how to override."""


@dataclass
class ColumnSpec:
    """What the generator must honour for one column."""

    table: str
    column: Column
    unique: bool = False
    atoms: list[Atom] = field(default_factory=list)   # single-branch CHECK atoms on this column
    base_type: str = ""                               # element type after domains: "int4", "text", ...
    enum_labels: list[str] | None = None
    siblings: tuple[str, ...] = ()                    # the table's other column names: slug follows name
    unique_ready: bool = False                        # set when the generator already made the values unique

    @property
    def name(self) -> str:
        return self.column.name


def _pick(series: pl.Series, index: np.ndarray, purpose: int) -> pl.Series:
    return series.gather(rnd.choose(index, purpose, len(series)))


def _ints(index: np.ndarray, purpose: int, low: int, high: int) -> pl.Series:
    return pl.Series(rnd.integers(index, purpose, low, high))


RANGE_SLOTS = 876_000   # hours in 100 years: a row's range slot is its row index modulo this


def range_bounds(index: np.ndarray, purpose: int, kind: str) -> tuple[pl.Series, pl.Series]:
    """(lower, upper) bounds that do not overlap between rows, closed or open: a slot per row index (an hour
    from 2025-01-01 for timestamps, filled 30 to 55 minutes; every other day for dates, filled one day; ten
    for numbers, filled 1 to 9), so an EXCLUDE constraint over a range (a room's bookings) holds for rows fewer
    than RANGE_SLOTS apart, whichever batch made them."""
    slot = pl.Series(np.asarray(index, dtype=np.int64) % RANGE_SLOTS)
    if kind == "int":
        return slot * 10, slot * 10 + _ints(index, purpose, 1, 9)
    if kind == "date":
        day = pl.select(pl.lit(dt.date(2025, 1, 1)) + pl.duration(days=(slot % (RANGE_SLOTS // 48)) * 2)).to_series()
        return day, pl.select(pl.lit(day) + pl.duration(days=1)).to_series()
    start = pl.select(pl.lit(dt.datetime(2025, 1, 1)) + pl.duration(hours=slot)).to_series()
    return start, pl.select(pl.lit(start) + pl.duration(minutes=_ints(index, purpose, 30, 55))).to_series()


def _ranges(index: np.ndarray, purpose: int, kind: str) -> pl.Series:
    """Range values '[lower,upper)' of range_bounds: no two rows' ranges overlap."""
    lower, upper = range_bounds(index, purpose, kind)
    if kind == "int":
        return pl.select(pl.format("[{},{})", lower, upper)).to_series()
    spelling = {"date": "%Y-%m-%d", "tstz": "%Y-%m-%d %H:%M+00"}.get(kind, "%Y-%m-%d %H:%M")
    return pl.select(pl.format("[{},{})", lower.dt.strftime(spelling), upper.dt.strftime(spelling))).to_series()


def _idx(index: np.ndarray) -> pl.Series:
    return pl.Series(index.astype(np.int64)).cast(pl.String)


def person_names(index: np.ndarray, seed: int, table: str = "") -> tuple[pl.Series, pl.Series]:
    """(first, last) names for user rows: shared by every column that talks about the same person.

    Other tables (customers, staff, authors) pass their name, so row 0 of each is a different person.
    """
    scope = ("person",) if not table else ("person", table)
    return (_pick(pool("first_name"), index, rnd.salt(seed, *scope, "first")),
            _pick(pool("last_name"), index, rnd.salt(seed, *scope, "last")))


def emails(index: np.ndarray, seed: int, tag: str = "", table: str = "", domain: str | None = None) -> pl.Series:
    """first.last.N@example.* (or @`domain`) — unique by construction through the row index."""
    first, last = person_names(index, seed, table)
    domain = pl.lit(domain) if domain else _pick(pl.Series(EMAIL_DOMAINS), index, rnd.salt(seed, "email-domain"))
    return pl.select(pl.concat_str([first.str.to_lowercase(), pl.lit("."), last.str.to_lowercase(),
                                    pl.lit("." + tag if tag else "."), _idx(index), pl.lit("@"), domain])
                     .str.replace_all(r"[^a-z0-9.@]", "").str.replace(r"\.\.", ".")).to_series()


def timestamps(index: np.ndarray, purpose: int, *, past_seconds: int = TWO_YEARS_S, future: bool = False) -> pl.Series:
    offsets = rnd.integers(index, purpose, 0, past_seconds)
    sign = 1 if future else -1
    micros = (ANCHOR.timestamp() + sign * offsets) * 1_000_000
    return pl.Series(micros.astype(np.int64)).cast(pl.Datetime("us"))


def _words(index: np.ndarray, purpose: int, count: int) -> pl.Series:
    words = pool("word")
    parts = [_pick(words, index, purpose + k) for k in range(count)]
    return pl.select(pl.concat_str(parts, separator=" ")).to_series()


def _sentences(index: np.ndarray, purpose: int, kind: str = "sentence") -> pl.Series:
    return _pick(pool(kind), index, purpose)


def _json_objects(index: np.ndarray, purpose: int, name: str) -> pl.Series:
    themes = pl.Series(["light", "dark", "system"])
    langs = pl.Series(list(semantics.v.LOCALES))   # "en-US", not Faker's rarest ISO 639 codes ("mag", "lo")
    return pl.select(pl.concat_str([pl.lit('{"source": "supaseed", "theme": "'), _pick(themes, index, purpose),
                                    pl.lit('", "locale": "'), _pick(langs, index, purpose + 1),
                                    pl.lit('", "n": '), _idx(index), pl.lit("}")])).to_series()


NAME_RULES: list[tuple[str, str]] = [
    (r"e_?mail", "email"),
    (r"^(first_?name|given_?name|fname)$", "first_name"),
    (r"^(last_?name|family_?name|surname|lname)$", "last_name"),
    (r"^(full_?name|display_?name|contact_?name|author_?name|author)$", "full_name"),
    (r"user_?name|handle|login|nickname|screen_?name", "username"),
    (r"slug", "slug"),
    (r"avatar|picture|photo|image|logo|thumbnail|icon", "image_url"),
    (r"url|website|homepage|link|referr?er$", "url"),
    (r"phone|mobile|fax|^tel", "phone"),
    (r"street|address|^line_?[12]$", "street"),
    # where a place is (a canteen's, an event's location): a city, not three random words
    (r"^city$|_city$|town|^location$|_location$", "city"),
    (r"^state$|province|region", "state"),
    (r"country_?code", "country_code"),
    (r"country", "country"),
    (r"zip|postal|postcode", "postcode"),
    (r"company|organi[sz]ation|employer|^org_?name", "company"),
    (r"job|occupation|position_?title", "job"),
    (r"currency", "currency"),
    (r"price|amount|cost|total|subtotal|balance|fee|salary|revenue", "money"),
    (r"quantity|qty|stock|count$|on_hand|inventory", "quantity"),
    (r"rating|stars|score", "rating"),
    (r"^age$", "age"),
    (r"^lat(itude)?$", "latitude"),
    (r"^(lng|lon|long|longitude)$", "longitude"),
    (r"colou?r", "color"),
    (r"^ip(_?addr(ess)?)?$", "ip"),
    (r"timezone|time_zone|tz$", "timezone"),
    (r"locale|language|lang$", "language"),
    (r"password|passwd|hash|checksum|digest|fingerprint", "secret_hex"),
    (r"token|secret|api_?key|nonce|recovery_codes|backup_codes", "secret_hex"),   # two-factor codes: not words
    (r"birth|dob", "birth_date"),
    (r"(deleted|archived|banned|cancel+ed|revoked)(_at|_until|_on)?$", "null_if_possible"),
    (r"expires|expire_|expiry|expiration|due|deadline|ends?_at|until", "future_time"),
    (r"updated|modified|changed", "updated_time"),
    (r"created|inserted|registered|joined|started|_at$|_on$|date|time", "past_time"),
    (r"title|subject|headline|heading", "title"),
    (r"description|(^|_)desc$|bio|about|summary|notes?|body|content|comment|message|text|details", "paragraph"),
    (r"tags|labels|keywords|categories", "tags"),
    (r"status", "status"),
    (r"^(is|has|can|should)_|enabled|active|verified|visible|public|published|confirmed", "flag"),
    (r"metadata|settings|preferences|properties|attributes|config|data$|payload|options", "json_object"),
    (r"position|sort_?order|rank|ordinal|seq", "ordinal"),
    (r"version|revision", "version"),
    (r"name", "name"),
]


def semantic_kind(column_name: str) -> str | None:
    lowered = semantics.snake_case(column_name)
    return next((kind for pattern, kind in NAME_RULES if re.search(pattern, lowered)), None)


TEXT_TYPES = {"text", "varchar", "bpchar", "name", "citext"}
NUMERIC_TYPES = {"numeric", "float4", "float8", "money"}
INT_TYPES = {"int2", "int4", "int8"}
TIME_TYPES = {"timestamp", "timestamptz"}


def _text_for_kind(kind: str | None, spec: ColumnSpec, index: np.ndarray, seed: int) -> pl.Series:
    purpose = rnd.salt(seed, spec.table, spec.name)
    if kind == "country" and spec.column.max_length is not None and spec.column.max_length <= 3:
        kind = "country_code"   # char(2)/char(3) country columns hold ISO codes, not cut-off names
    first, last = person_names(index, seed, spec.table)
    if kind == "email":
        return emails(index, seed, table=spec.table)
    if kind == "first_name":
        return first
    if kind == "last_name":
        return last
    if kind == "full_name" or (kind == "name" and PERSON_TABLE_HINT.search(semantics.table_words(spec.table))):
        return pl.select(pl.concat_str([first, last], separator=" ")).to_series()
    if kind == "username":
        return pl.select(pl.concat_str([first.str.to_lowercase(), last.str.to_lowercase().str.slice(0, 1), _idx(index)])
                         .str.replace_all(r"[^a-z0-9_]", "")).to_series()
    if kind == "slug":
        return pl.select(pl.concat_str([slugify(pl.lit(_words(index, purpose, 2))), _idx(index)], separator="-")).to_series()
    if kind == "image_url":
        return pl.select(pl.concat_str([pl.lit(f"https://images.example.com/{spec.name}/"), _idx(index), pl.lit(".jpg")])).to_series()
    if kind == "url":
        return pl.select(pl.concat_str([pl.lit("https://"), _pick(pool("domain"), index, purpose), pl.lit("/"),
                                        _pick(pool("word"), index, purpose + 1)])).to_series()
    if kind == "phone":
        return pl.select(pl.concat_str([pl.lit("+1-555-"), _ints(index, purpose, 100, 999).cast(pl.String), pl.lit("-"),
                                        _ints(index, purpose + 1, 1000, 9999).cast(pl.String)])).to_series()
    if kind in {"street", "city", "state", "country", "country_code", "postcode", "company", "job", "color",
                "timezone", "language"}:
        return _pick(pool(kind), index, purpose)
    if kind == "currency":
        return _pick(pl.Series(CURRENCIES), index, purpose)
    if kind == "ip":
        octets = [_ints(index, purpose + k, 1, 254).cast(pl.String) for k in range(3)]
        return pl.select(pl.concat_str([pl.lit("10"), *octets], separator=".")).to_series()
    if kind == "secret_hex":
        return rnd.hex_tokens(index, purpose)
    if kind == "title":
        return _pick(pool("catch_phrase"), index, purpose)
    if kind == "paragraph":
        return _sentences(index, purpose, "paragraph" if semantics.snake_case(spec.name) in {"body", "content", "description"} else "sentence")
    if kind == "status":
        return _pick(pl.Series(["active", "pending", "inactive", "archived"]), index, purpose)
    if kind == "json_object":
        return _json_objects(index, purpose, spec.name)
    if kind == "name":
        return pl.select(_words(index, purpose, 2).str.to_titlecase()).to_series()
    return _words(index, purpose, 3)


def generate_values(spec: ColumnSpec, index: np.ndarray, seed: int) -> pl.Series:
    """Values for one column over the given global row indices, before CHECK/uniqueness shaping."""
    col = spec.column
    kind = semantic_kind(col.name)
    purpose = rnd.salt(seed, spec.table, col.name)
    base = spec.base_type
    if col.is_array:
        return _array_values(spec, index, purpose, seed)
    if spec.enum_labels:
        return _pick(pl.Series(spec.enum_labels), index, purpose)
    if base == "uuid":
        return rnd.uuids(index, purpose)
    if base == "bool":
        words = semantics.snake_case(col.name)
        share = 0.9 if re.search(r"active|enabled|visible|public|confirmed|verified", words) else (
            0.05 if re.search(r"deleted|archived|banned|disabled|anonymous|sso|superuser|is_staff|is_admin", words) else 0.5)
        return pl.Series(rnd.uniform(index, purpose) < share)
    if base in INT_TYPES:
        return semantics.int_values(spec, index, purpose)
    if base in NUMERIC_TYPES:
        by_meaning = semantics.numeric_values(spec, kind, index, purpose)
        if by_meaning is not None:
            return by_meaning
        if kind == "latitude":
            return pl.Series(rnd.uniform(index, purpose) * 180 - 90).round(6)
        if kind == "longitude":
            return pl.Series(rnd.uniform(index, purpose) * 360 - 180).round(6)
        if kind == "rating":
            return pl.Series(1 + rnd.uniform(index, purpose) * 4).round(1)
        # amounts: log-uniform between 5 and 500 reads like prices
        return pl.Series(np.exp(np.log(5) + rnd.uniform(index, purpose) * (np.log(500) - np.log(5)))).round(2)
    if base in TIME_TYPES or base == "date":
        if kind == "future_time":
            values = timestamps(index, purpose, past_seconds=365 * 86_400, future=True)
        elif kind == "birth_date":
            values = timestamps(index, purpose, past_seconds=50 * 365 * 86_400) - pl.duration(days=18 * 365)
            values = pl.select(values).to_series()
        else:
            values = timestamps(index, purpose)
        return values.dt.date() if base == "date" else values
    if base in {"json", "jsonb"}:
        return _json_objects(index, purpose, col.name)
    if base in TEXT_TYPES:
        typed = semantics.typed_text(spec, index, seed)
        if typed is not None:
            spec.unique_ready = bool(semantics.UNIQUE_READY.search(semantics.snake_case(col.name)) or semantics.identifier_column(col.name))
            return typed
        return _text_for_kind(kind, spec, index, seed)
    return _other_type(spec, index, purpose)


def _other_type(spec: ColumnSpec, index: np.ndarray, purpose: int) -> pl.Series:
    base = spec.base_type
    ints = _ints(index, purpose, 1, 250).cast(pl.String)
    formats: dict[str, Callable[[], pl.Series]] = {
        "time": lambda: _clock_times(spec.name, index, purpose),
        "timetz": lambda: pl.select(pl.format("{}:{}:00+00", _ints(index, purpose, 10, 23), _ints(index, purpose + 1, 10, 59))).to_series(),
        "interval": lambda: pl.select(pl.format("{} minutes", ints)).to_series(),
        "inet": lambda: pl.select(pl.format("10.0.{}.{}", ints, _ints(index, purpose + 2, 1, 254))).to_series(),
        "cidr": lambda: pl.select(pl.format("10.{}.0.0/16", ints)).to_series(),
        "macaddr": lambda: pl.select(pl.format("08:00:2b:01:{}:{}", _ints(index, purpose, 16, 99), _ints(index, purpose + 1, 16, 99))).to_series(),
        "money": lambda: pl.select(pl.format("{}.99", ints)).to_series(),
        "bytea": lambda: pl.select(pl.format("\\x{}", rnd.uuids(index, purpose).str.replace_all("-", ""))).to_series(),
        "tsvector": lambda: _words(index, purpose, 3),
        "xml": lambda: pl.select(pl.format("<item n=\"{}\"/>", ints)).to_series(),
        "bit": lambda: pl.Series(["1"] * len(index)),
        "varbit": lambda: pl.Series(["101"] * len(index)),
        "point": lambda: pl.select(pl.format("({},{})", ints, _ints(index, purpose + 3, 1, 250))).to_series(),
        "int4range": lambda: _ranges(index, purpose, "int"),
        "int8range": lambda: _ranges(index, purpose, "int"),
        "numrange": lambda: _ranges(index, purpose, "int"),
        "daterange": lambda: _ranges(index, purpose, "date"),
        "tsrange": lambda: _ranges(index, purpose, "ts"),
        "tstzrange": lambda: _ranges(index, purpose, "tstz"),
        "oid": lambda: ints,
        # a path in a tree (Top.science.astronomy_17): labels of letters, digits and _, unique through the index
        "ltree": lambda: pl.select(pl.concat_str([pl.lit("Top."), _pick(pool("word"), index, purpose).str.to_lowercase()
                                                  .str.replace_all(r"[^a-z0-9_]", "_"), pl.lit("_"), _idx(index)])).to_series(),
    }
    if base in formats:
        return formats[base]()
    raise UnsupportedColumn(
        f"{spec.table}.{spec.name}: no generator for type {spec.column.data_type}"
        f" — set tables.{spec.table}.columns.{spec.name} (value, choices or pattern) in the config, or skip the table")


def _clock_times(name: str, index: np.ndarray, purpose: int) -> pl.Series:
    """Times of day; an opening time in the morning and a closing one in the evening (opens_at < closes_at)."""
    low, high = (6, 10) if re.search(r"open|start|from|begin", semantics.snake_case(name)) else \
        (16, 21) if re.search(r"close|end|until|(^|_)to$", semantics.snake_case(name)) else (8, 20)
    hours, minutes = _ints(index, purpose, low, high), pl.Series(rnd.choose(index, purpose + 1, 4) * 15)
    return pl.select(pl.format("{}:{}:00", hours.cast(pl.String).str.zfill(2), minutes.cast(pl.String).str.zfill(2))).to_series()


def pg_array(*elements: pl.Series) -> pl.Series:
    """A PostgreSQL array literal per row: {a,b}."""
    inner = pl.concat_str([e.cast(pl.String) for e in elements], separator=",")
    return pl.select(pl.concat_str([pl.lit("{"), inner, pl.lit("}")])).to_series()


def _array_values(spec: ColumnSpec, index: np.ndarray, purpose: int, seed: int) -> pl.Series:
    base = spec.base_type
    if spec.enum_labels:
        first = _pick(pl.Series(spec.enum_labels), index, purpose)
        return pg_array(first)
    if base in INT_TYPES or base in NUMERIC_TYPES:
        return pg_array(_ints(index, purpose, 1, 50), _ints(index, purpose + 1, 51, 99))
    if base == "uuid":
        return pg_array(rnd.uuids(index, purpose))
    if base == "bool":
        return pl.Series(["{true,false}"] * len(index))
    if base in TEXT_TYPES:
        # tags and labels are a team's short vocabulary (billing, urgent), two different ones per row
        words = pl.Series(semantics.v.TAGS) if semantic_kind(spec.name) == "tags" else pool("word")
        first = rnd.choose(index, purpose, len(words))
        second = (first + 1 + rnd.choose(index, purpose + 1, len(words) - 1)) % len(words)
        return pg_array(words.gather(first), words.gather(second))
    return pl.Series(["{}"] * len(index))


# ---------------------------------------------------------------- shaping by CHECKs and uniqueness

_HEX_BYTES = np.array([f"{b:02x}" for b in range(256)])
INTERVAL_MINUTES = 30 * 24 * 60   # distinct unique intervals: 1 minute to 30 days


UNIQUE_KINDS = {"email", "username", "slug", "secret_hex", "image_url"}   # made from the row index: unique as generated


def unique_by_name(column_name: str) -> bool:
    """Whether the column's generated values are unique as they are, by what its name says (a token, an email,
    an id at a provider)."""
    return semantic_kind(column_name) in UNIQUE_KINDS or bool(re.search(r"_id$", semantics.snake_case(column_name)))


def apply_unique(spec: ColumnSpec, values: pl.Series, index: np.ndarray, seed: int) -> pl.Series:
    """Make the column unique by construction from the global row index."""
    base = spec.base_type
    labels = finite_labels(spec)
    if labels is not None:
        # an enum or IN list never gets invented labels: row i takes label i (the row count is capped to fit)
        return pl.Series(labels).gather(index.astype(np.int64) % len(labels)).cast(values.dtype, strict=False)
    if spec.unique_ready or base in {"uuid", "ltree"} or semantic_kind(spec.name) in UNIQUE_KINDS:
        return values
    if base in INT_TYPES:
        start, span = unique_int_band(spec, seed)
        return pl.Series(start + index.astype(np.int64) % span)
    if base in NUMERIC_TYPES:
        low = _lower_bound(spec) or 0
        return pl.Series(index.astype(np.float64) + float(low) + 1)
    if base in TIME_TYPES:
        return pl.Series(((ANCHOR.timestamp() - TWO_YEARS_S) * 1_000_000 + index.astype(np.int64) * 1_000_000).astype(np.int64)).cast(pl.Datetime("us"))
    if base == "date":
        return pl.select((pl.lit(dt.date(2000, 1, 1)) + pl.duration(days=pl.Series(index.astype(np.int64))))).to_series()
    if base in TEXT_TYPES:
        return pl.select(pl.concat_str([values.cast(pl.String), _idx(index)], separator="-")).to_series()
    # other types held as text take distinct values of their own form: a "-17" suffix is no interval or address
    i = pl.Series(index.astype(np.int64))
    octet = lambda shift: ((i // 2 ** shift) % 256).cast(pl.String)   # noqa: E731
    distinct = {
        # minutes within a month, as a time's seconds within a day: the index of a later batch (1,000,000 and up)
        # would be years, past any bound a CHECK puts on it (remind_before <= interval '30 days')
        "interval": lambda: pl.format("{} minutes", i % INTERVAL_MINUTES + 1),
        "inet": lambda: pl.format("10.{}.{}.{}", octet(16), octet(8), octet(0)),
        "cidr": lambda: pl.format("10.{}.{}.0/24", octet(8), octet(0)),
        "time": lambda: pl.format("{}:{}:{}", (i // 3600 % 24).cast(pl.String).str.zfill(2),
                                  (i // 60 % 60).cast(pl.String).str.zfill(2), (i % 60).cast(pl.String).str.zfill(2)),
        "macaddr": lambda: pl.format("08:00:2b:{}:{}:{}", *(pl.Series(_HEX_BYTES[(index.astype(np.int64) >> s) & 255])
                                                            for s in (16, 8, 0))),
        "money": lambda: pl.format("{}.99", i + 1),
        "point": lambda: pl.format("({},{})", i, i % 250),
    }
    if base in distinct:
        return pl.select(distinct[base]()).to_series()
    return values


def finite_labels(spec: ColumnSpec) -> list | None:
    """The only values a column may take (enum labels, CHECK IN list, booleans), or None when unbounded."""
    listed = next((list(a.value) for a in spec.atoms if a.op == "in"), None)
    if listed:
        return listed
    if spec.enum_labels:
        return list(spec.enum_labels)
    if spec.base_type == "bool" and not spec.column.is_array:
        return [False, True]
    return None


def unique_int_band(spec: ColumnSpec, seed: int) -> tuple[int, int]:
    """(first value, how many values fit) for unique integers without a sequence, sized to the column's type.

    bigint keeps a high, seed-specific band away from hand-made ids; integer a lower one that leaves room for
    a billion rows; smallint (and CHECK-bounded columns) start at their lower bound.
    """
    type_low, type_high = semantics.int_bounds(spec)
    low = _lower_bound(spec)
    if low is not None:
        start = int(low)
    elif spec.base_type == "int8":
        start = UNIQUE_INT_BAND + (rnd.salt(seed, spec.table, spec.name) % 1000) * 1_000_000
    elif spec.base_type == "int4" and type_high >= 2**31 - 1:
        start = UNIQUE_INT_BAND + (rnd.salt(seed, spec.table, spec.name) % 100) * 1_000_000
    else:
        start = max(1, type_low)
    return start, max(1, type_high - start + 1)


def unique_capacity(spec: ColumnSpec, seed: int) -> int | None:
    """How many distinct values a unique column can hold, when that is a small enough number to matter."""
    labels = finite_labels(spec)
    if labels is not None:
        return len(labels)
    if spec.base_type in INT_TYPES:
        return unique_int_band(spec, seed)[1]
    if spec.base_type == "interval":
        return INTERVAL_MINUTES
    width = text_width(spec)
    if spec.base_type in TEXT_TYPES and width and width < 10:
        return 26 ** width   # what letter codes hold, should its values not fit (_fitted_unique)
    return None


def _lower_bound(spec: ColumnSpec) -> float | None:
    bounds = [a.value + (1 if a.op == ">" else 0) for a in spec.atoms if a.op in {">", ">="} and isinstance(a.value, (int, float))]
    return max(bounds) if bounds else None


def text_width(spec: ColumnSpec) -> int | None:
    """The most characters a text column's values may have: its declared length or a length CHECK."""
    limits = [spec.column.max_length] if spec.column.max_length else []
    limits += [a.value - (a.op == "len<") for a in spec.atoms if a.op in {"len<=", "len<", "len="} and isinstance(a.value, int)]
    return min(limits) if limits else None


def _fitted_unique(values: pl.Series, index: np.ndarray, width: int, purpose: int) -> pl.Series:
    """Unique values too long for their column: cut, they would collide (cus_zYykBM -> cus_z for every
    customer). A wide column keeps their start and ends in the row index (base 36); a narrow one (bpchar(5))
    gets letter codes."""
    if width >= 10:
        return pl.select(pl.concat_str([values.str.slice(0, width - 7), pl.lit("-"), semantics.base36(index)])).to_series()
    return semantics.letter_codes(index, purpose, width)


def apply_atoms(spec: ColumnSpec, values: pl.Series, index: np.ndarray, seed: int) -> pl.Series:
    """Bend generated values into what single-branch CHECK atoms allow."""
    purpose = rnd.salt(seed, spec.table, spec.name, "check")
    width = text_width(spec)
    if spec.unique and width and values.dtype == pl.String and (values.str.len_chars() > width).any():
        values = _fitted_unique(values, index, width, purpose)
    for atom in spec.atoms:
        if isinstance(atom.value, ColumnRef):
            continue  # cross-column comparisons are applied on the whole frame
        if atom.op == "in":
            allowed = pl.Series([_coerce(v, values.dtype) for v in atom.value])
            values = allowed.gather(index.astype(np.int64) % len(allowed)) if spec.unique else _pick(allowed, index, purpose)
        elif atom.op == "=" and atom.value is not None:
            values = pl.Series([_coerce(atom.value, values.dtype)] * len(index))
        elif atom.op in {"<", "<=", ">", ">="} and values.dtype.is_numeric():
            values = _clamp_numeric(values, atom, spec)
        elif atom.op in {"len>=", "len>", "len="} and values.dtype == pl.String:
            need = atom.value + (1 if atom.op == "len>" else 0)
            values = values.str.pad_end(need, "x")
        elif atom.op in {"len<=", "len<", "len="} and values.dtype == pl.String:
            keep = atom.value - (1 if atom.op == "len<" else 0)
            values = values.str.slice(0, max(keep, 0))
        elif atom.op in {"<>", "not in"}:
            forbidden = atom.value if atom.op == "not in" else (atom.value,)
            listed = None if spec.column.is_array or spec.base_type == "bool" else finite_labels(spec)
            labels = [label for label in listed or [] if str(label) not in {str(f) for f in forbidden}]
            if labels:
                # an enum's row takes another of its labels (role <> 'owner': member, admin), never an invented one
                bad = values.cast(pl.String).is_in([str(f) for f in forbidden])
                other = pl.Series([_coerce(label, values.dtype) for label in labels]).gather(index.astype(np.int64) % len(labels))
                values = pl.select(pl.when(bad).then(other).otherwise(values)).to_series()
            else:
                values = _avoid(values, forbidden)
    if spec.column.max_length and values.dtype == pl.String:
        values = values.str.slice(0, spec.column.max_length)
    return values


def _coerce(value: Any, dtype: pl.DataType) -> Any:
    if dtype.is_integer():
        return int(value)
    if dtype.is_float():
        return float(value)
    if dtype == pl.Boolean:
        return bool(value) if not isinstance(value, str) else value.lower() in {"t", "true", "1"}
    return str(value)


def _clamp_numeric(values: pl.Series, atom: Atom, spec: ColumnSpec) -> pl.Series:
    step = 1 if values.dtype.is_integer() else 10 ** -(spec.column.numeric_scale or 2)
    bound = atom.value
    if atom.op == ">":
        bound = bound + step
    elif atom.op == "<":
        bound = bound - step
    if atom.op in {">", ">="}:
        return values.clip(lower_bound=bound) if (values < bound).any() else values
    return values.clip(upper_bound=bound) if (values > bound).any() else values


def _avoid(values: pl.Series, forbidden: tuple) -> pl.Series:
    if values.dtype == pl.String:
        bad = values.is_in([str(v) for v in forbidden])
        return pl.select(pl.when(bad).then(values + "-ok").otherwise(values)).to_series()
    if values.dtype.is_numeric():
        for _ in range(len(forbidden) + 1):
            bad = values.is_in(list(forbidden))
            if not bad.any():
                break
            values = pl.select(pl.when(bad).then(values + 1).otherwise(values)).to_series()
    return values


def regex_fix(values: pl.Series, pattern: str, index: np.ndarray, purpose: int, *, case_insensitive: bool = False,
              unique: bool = False) -> pl.Series:
    """Replace values that do not match a CHECK's regex with values sampled from the regex itself (holding the row
    index when the column is `unique`, see sample_regex)."""
    flags = "(?i)" if case_insensitive else ""
    try:
        ok = values.str.contains(flags + pattern)
    except Exception:
        return values
    if ok.all():
        return values
    for variant in (values.str.to_lowercase(), values.str.to_uppercase()):
        # the value in the other case when that one matches ('US' under ^[a-z]{2}$ is 'us', not random letters)
        fits = variant.str.contains(flags + pattern).fill_null(False) & ~ok.fill_null(True)
        values = pl.select(pl.when(fits).then(variant).otherwise(values)).to_series().alias(values.name)
        ok = ok | fits
    if ok.fill_null(True).all():
        return values
    fixed = sample_regex(pattern, index[~ok.fill_null(True).to_numpy()], purpose, unique=unique)
    out = values.to_list()
    for position, value in zip(np.flatnonzero(~ok.fill_null(True).to_numpy()), fixed):
        out[position] = value
    return pl.Series(values.name, out, dtype=pl.String)


_CLASS_ESCAPES = {"d": "0123456789", "w": "abcdefghijklmnopqrstuvwxyz0123456789_", "s": " "}


def sample_regex(pattern: str, index: np.ndarray, purpose: int, *, unique: bool = False) -> list[str]:
    """Strings matching a simple anchored regex (classes, escapes, literals, quantifiers, groups), one per row
    index: the pattern parsed once, every row's 64 random draws hashed in one call.

    `unique`: when no run of digits counts the rows, the last repeated class that takes digits holds the row
    index and every other class its fewest characters, so distinct rows get distinct values
    (^[A-Za-z0-9_][A-Za-z0-9_.-]*$: k1000123)."""
    index = np.asarray(index, dtype=np.int64)
    slots = (index[:, None] * 64 + np.arange(64, dtype=np.int64)).ravel()
    draws = rnd.hash64(slots, purpose).reshape(-1, 64).tolist()
    tokens = _regex_tokens(pattern.strip("^$"))
    return [_sample_row(tokens, int(i), row, unique) for i, row in zip(index, draws)]


def _sample_row(tokens: tuple[tuple[str, int, int, bool], ...], index: int, row_draws: list[int], unique: bool) -> str:
    out: list[str] = []
    draws = iter(row_draws)
    digits = str(index)
    # the last run of 3 or more digits counts the rows, zero-padded (INV-0042 for ^INV-[0-9]{4,}$): a number
    # people read, and distinct rows get distinct values
    counter = max((n for n, (choices, low, _, _) in enumerate(tokens) if sorted(choices) == list("0123456789") and low >= 3),
                  default=None)
    if counter is not None and len(digits) > tokens[counter][2]:
        counter = None
    fixed_lengths = False
    if unique and counter is None:
        counter = max((n for n, (choices, low, high, unbounded) in enumerate(tokens)
                       if set("0123456789") <= set(choices) and (unbounded or low <= len(digits) <= high)), default=None)
        fixed_lengths = counter is not None
    for n, (choices, low, high, _) in enumerate(tokens):
        if n == counter:
            out.append(digits.zfill(low))
            continue
        count = low + (next(draws) % (high - low + 1) if high > low and not fixed_lengths else 0)
        out.extend(choices[next(draws) % len(choices)] for _ in range(count))
    return "".join(out)


@functools.lru_cache(maxsize=256)   # once per pattern, not once per row
def _regex_tokens(pattern: str) -> tuple[tuple[str, int, int, bool], ...]:
    """(characters, fewest, most, whether the quantifier has no upper bound) per token; `most` is then fewest + 8."""
    tokens: list[tuple[str, int, int, bool]] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "[":
            end = pattern.index("]", i + 1)
            choices = _expand_class(pattern[i + 1:end])
            i = end + 1
        elif ch == "\\" and i + 1 < len(pattern):
            choices = _CLASS_ESCAPES.get(pattern[i + 1], pattern[i + 1])
            i += 2
        elif ch in "()":
            i += 1
            continue
        elif ch == ".":
            choices, i = "abcdefghijklmnopqrstuvwxyz", i + 1
        else:
            choices, i = ch, i + 1
        start = i
        low, high, i = _quantifier(pattern, i)
        tokens.append((choices, low, high, pattern[start:start + 1] in ("+", "*") or pattern[start:i].endswith(",}")))
    return tuple(tokens)


def _expand_class(body: str) -> str:
    chars: list[str] = []
    i = 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            chars.extend(_CLASS_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        elif i + 2 < len(body) and body[i + 1] == "-":
            chars.extend(chr(c) for c in range(ord(body[i]), ord(body[i + 2]) + 1))
            i += 3
        else:
            chars.append(body[i])
            i += 1
    # prefer letters and digits over punctuation so samples read naturally
    return "".join(sorted(set(chars), key=lambda c: (not c.isalnum(), c))) or "x"


def _quantifier(pattern: str, i: int) -> tuple[int, int, int]:
    if i < len(pattern) and pattern[i] == "{":
        end = pattern.index("}", i)
        low_text, _, high_text = pattern[i + 1:end].partition(",")
        low = int(low_text or 0)
        high = int(high_text) if high_text else (low if "," not in pattern[i:end] else low + 8)
        return low, high, end + 1
    if i < len(pattern) and pattern[i] in "+*?":
        return {"+": (1, 8), "*": (0, 8), "?": (0, 1)}[pattern[i]] + (i + 1,)
    return 1, 1, i
