"""Domain content layer: personas, text tables and the shared machinery every domain builds on.

A domain turns "N users, about K things each" into Polars frames of *logical* columns (title,
slug, price, ...) that the seeding engine later maps onto physical tables. Domains are pure: no
Dagster, no database, no wall clock. Every value is a function of (seed, purpose, global index):

* content rows are keyed by ``content_index = owner_index * 1000 + k`` (k = 1, 2, ... per owner),
* item rows by ``item_index = content_index * 16 + position``,

so a row does not depend on batch size or on which partition of owners produced it. (The one
exception, by design: the *number* of content rows per owner, see ``Domain.content_counts``.)

Speed: one 64-bit counter hash per row is split into 16-bit fields that drive several choices,
and every piece of text is gathered from tables pre-rendered once per domain (templates x places x
seasons ...), so building millions of rows is a handful of vectorised gathers.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import string
import sys
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import polars as pl

from supaseed_pipeline.errors import ConfigError
from supaseed_pipeline.generate import random as rnd

# Fixed so that timestamps never depend on the day the seed runs (UTC, naive in the frames).
ANCHOR = dt.datetime(2026, 6, 30, 12, 0, 0)
ANCHOR_US = int((ANCHOR - dt.datetime(1970, 1, 1)).total_seconds()) * 1_000_000
DAY_US = 86_400 * 1_000_000
TWO_YEARS_US = 730 * DAY_US

MAX_CONTENT_PER_OWNER = 999          # content_index = owner_index * 1000 + k, k in 1..999
ITEM_STRIDE = 16                     # item_index = content_index * 16 + position, position in 1..15
SLUG_SUFFIXES = pl.Series("k", [f"-{k}" for k in range(1000)], dtype=pl.String)   # "-k": slugs unique per owner


PERSONA_FIRST_SHARE = 0.70           # a persona's first activity
PERSONA_OTHER_SHARE = 0.20           # its other preferred activities (split evenly)
# the remaining 10 %: any activity of the domain


@dataclass(frozen=True)
class Persona:
    """A kind of user: shapes how much content they have, what it is about and their bio."""

    key: str                      # "weekend-warrior"
    label: str                    # "Weekend Warrior"
    bios: tuple[str, ...]         # bio sentences, written like a person wrote them
    content_weight: float         # kept for custom domains; content counts are exactly setupsPerUser per owner
    activities: tuple[str, ...]   # preferred activities / categories, most preferred first
    share: float = 1.0            # relative frequency of the persona among users
    level_weights: tuple[float, ...] = ()   # weights over Domain.levels (difficulty, priority, price tier)


# --------------------------------------------------------------------------------------------
# Counter-hash helpers: one hash64 per row, 16-bit fields for individual decisions.
# --------------------------------------------------------------------------------------------

def hash_rows(index: np.ndarray, seed: int, *purpose: object) -> np.ndarray:
    """One uniform uint64 per row for (seed, purpose...): rnd.hash64 of the row index."""
    return rnd.hash64(index, rnd.salt(seed, *purpose))


def byte_fields(h: np.ndarray) -> np.ndarray:
    """The 8 bytes of each hash as an (n, 8) uint8 array, byte j = bits 8j..8j+7 (a view when possible)."""
    if sys.byteorder == "little":
        return h.view(np.uint8).reshape(-1, 8)
    return np.stack([((h >> np.uint64(8 * j)) & np.uint64(0xFF)).astype(np.uint8) for j in range(8)], axis=1)


def b16(h: np.ndarray, k: int) -> np.ndarray:
    """Bits 16k..16k+15 of each hash as uint16 (a strided view when possible; do not modify)."""
    if sys.byteorder == "little":
        return h.view(np.uint16).reshape(-1, 4)[:, k]
    return ((h >> np.uint64(16 * k)) & np.uint64(0xFFFF)).astype(np.uint16)


def sum_per_content(values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Sums of consecutive runs of ``lengths`` values (runs may be empty)."""
    totals = np.zeros(len(lengths), dtype=np.float64 if values.dtype.kind == "f" else np.int64)
    nonempty = lengths > 0
    if nonempty.any():
        starts = (np.cumsum(lengths) - lengths)[nonempty]
        totals[nonempty] = np.add.reduceat(values, starts)
    return totals


def item_rows(content_index: np.ndarray, lengths: np.ndarray) -> dict[str, np.ndarray]:
    """Item rows for content rows with ``lengths`` items each: content_position, position (1-based)
    and the global item_index = content_index * 16 + position."""
    lengths = np.asarray(lengths, dtype=np.int64)
    if len(lengths) and lengths.max(initial=0) >= ITEM_STRIDE:
        raise ValueError(f"at most {ITEM_STRIDE - 1} items per content row")
    total = int(lengths.sum())
    content_position = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    position = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths) + 1
    item_index = np.asarray(content_index, dtype=np.int64)[content_position] * ITEM_STRIDE + position
    return {"content_position": content_position, "position": position, "item_index": item_index}


def field(h: np.ndarray, k: int, bits: int = 16) -> np.ndarray:
    """Bits [k*bits, (k+1)*bits) of each hash as int64."""
    if bits == 16 and sys.byteorder == "little":
        return b16(h, k).astype(np.int64)
    out = h >> np.uint64(k * bits)                      # a new array, masked in place
    if k * bits + bits < 64:
        out &= np.uint64((1 << bits) - 1)
    return out.view(np.int64)


def pick(f: np.ndarray, n: np.ndarray | int, bits: int = 16) -> np.ndarray:
    """A field (0 <= f < 2**bits) -> index in [0, n) (n >= 1, may vary per row)."""
    out = f * n
    out >>= bits
    return out


def frac(f: np.ndarray, bits: int = 16) -> np.ndarray:
    """A field -> float in [0, 1)."""
    return f.astype(np.float64) * (1.0 / (1 << bits))


def pick_weighted(f: np.ndarray, weights: Sequence[float] | np.ndarray, bits: int = 16) -> np.ndarray:
    """A field -> index drawn with fixed weights."""
    cumulative = np.cumsum(np.asarray(weights, dtype=np.float64))
    return np.searchsorted(cumulative / cumulative[-1], frac(f, bits), side="right").clip(0, len(cumulative) - 1)


def pick_weighted_rows(f: np.ndarray, table: np.ndarray, row: np.ndarray, bits: int = 16) -> np.ndarray:
    """Like pick_weighted, but each row uses its own weight vector ``table[row]``."""
    table = np.asarray(table, dtype=np.float64)
    cumulative = np.cumsum(table, axis=1)
    cumulative = cumulative / cumulative[:, -1:]
    u = frac(f, bits)
    out = np.zeros(len(f), dtype=np.int64)
    for column in range(table.shape[1] - 1):
        out += (u >= cumulative[row, column]).astype(np.int64)
    return out


def created_updated(h: np.ndarray, *, window_us: int = TWO_YEARS_US, min_created_us: np.ndarray | None = None,
                    ) -> tuple[pl.Series, pl.Series]:
    """created_at within ``window_us`` before the anchor (after ``min_created_us`` when given);
    updated_at equal to it for ~35 % of rows, otherwise some days to months later, never after the anchor."""
    lo = np.full(len(h), ANCHOR_US - window_us, dtype=np.int64)
    if min_created_us is not None:
        lo = np.maximum(lo, min_created_us)
    span = np.maximum(ANCHOR_US - lo, 1)
    created = lo + (frac(field(h, 0, 32), 32) * span).astype(np.int64)
    created = (created // 1_000_000) * 1_000_000        # whole seconds read better
    edited = frac(field(h, 2)) >= 0.35
    room = np.minimum(ANCHOR_US - created, 240 * DAY_US)
    delay = (frac(field(h, 3)) ** 2 * room).astype(np.int64) // 1_000_000 * 1_000_000
    updated = np.where(edited, created + delay, created)
    return (pl.Series("created_at", created).cast(pl.Datetime("us")),
            pl.Series("updated_at", updated).cast(pl.Datetime("us")))


def slug_text(text: str) -> str:
    """Python-side slugify for pre-rendered tables: lower-case a-z0-9 joined by single dashes."""
    text = text.lower().replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


# --------------------------------------------------------------------------------------------
# Pre-rendered text: templates x placeholder values, gathered by one index per row.
# --------------------------------------------------------------------------------------------

Dim = tuple[str, "Sequence[Mapping[str, str]] | Mapping[str, Sequence[Mapping[str, str]]]"]


class TextTable:
    """Every rendering of a group's templates over all combinations of its dimensions.

    ``groups`` are e.g. activities; ``templates[group]`` are str.format templates; each dimension is
    ``(name, values)`` where values is a list of placeholder dicts shared by all groups or a
    ``{group: [dict, ...]}`` mapping. ``render(group, template, dims...)`` is then one gather.
    """

    def __init__(self, groups: Sequence[str], templates: Mapping[str, Sequence[str]], dims: Sequence[Dim] = (),
                 *, slugs: bool = False):
        self.groups = tuple(groups)
        self.dim_names = tuple(name for name, _ in dims)
        texts: list[str] = []
        offsets, n_templates = [], []
        sizes: dict[str, list[int]] = {name: [] for name in self.dim_names}
        for group in self.groups:
            group_templates = list(templates[group])
            if not group_templates:
                raise ValueError(f"text table has no templates for group {group!r}")
            value_lists = []
            for name, values in dims:
                chosen = values[group] if isinstance(values, Mapping) else values
                if not chosen:
                    raise ValueError(f"text table dimension {name!r} is empty for group {group!r}")
                value_lists.append(list(chosen))
                sizes[name].append(len(chosen))
            offsets.append(len(texts))
            n_templates.append(len(group_templates))
            for template in group_templates:
                fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
                for combo in itertools.product(*value_lists) if value_lists else [()]:
                    values_: dict[str, str] = {}
                    for part in combo:
                        values_.update(part)
                    missing = fields - values_.keys()
                    if missing:
                        raise KeyError(f"template {template!r} uses unknown placeholder(s) {sorted(missing)}")
                    texts.append(template.format(**values_))
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.n_templates = np.asarray(n_templates, dtype=np.int64)
        self.sizes = {name: np.asarray(values, dtype=np.int64) for name, values in sizes.items()}
        self.texts = pl.Series("text", texts, dtype=pl.String)
        self.slugs = pl.Series("slug", [slug_text(t) for t in texts], dtype=pl.String) if slugs else None

    def dim_size(self, name: str, group: np.ndarray) -> np.ndarray:
        return self.sizes[name][group]

    def index(self, group: np.ndarray, template: np.ndarray, **dims: np.ndarray) -> np.ndarray:
        idx = template.astype(np.int64)
        for name in self.dim_names:
            idx = idx * self.sizes[name][group] + dims[name]
        return self.offsets[group] + idx

    def render(self, group: np.ndarray, template: np.ndarray, **dims: np.ndarray) -> pl.Series:
        return self.texts.gather(self.index(group, template, **dims))


class TagTable:
    """Every tag list a row can get: per group, ``len(tags)`` starts x steps coprime with it x lengths,
    so each list holds distinct tags. ``index(group, f_combo, f_length)`` then one gather."""

    def __init__(self, groups: Sequence[str], tags: Mapping[str, Sequence[str]],
                 lengths: Sequence[int] = (2, 3, 4), weights: Sequence[float] = (0.30, 0.45, 0.25)):
        self.lengths, self.weights = tuple(lengths), tuple(weights)
        lists, offsets, combos = [], [], []
        for group in groups:
            values = list(tags[group])
            p = len(values)
            if p < max(lengths) or len(set(values)) != p:
                raise ValueError(f"group {group!r} needs at least {max(lengths)} distinct tags")
            steps = [d for d in range(1, p) if math.gcd(d, p) == 1]
            offsets.append(len(lists))
            combos.append(p * len(steps))
            for start in range(p):
                for step in steps:
                    for length in lengths:
                        lists.append([values[(start + j * step) % p] for j in range(length)])
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.combos = np.asarray(combos, dtype=np.int64)
        self.lists = pl.Series("tags", lists, dtype=pl.List(pl.String))

    def index(self, group: np.ndarray, f_combo: np.ndarray, f_length: np.ndarray) -> np.ndarray:
        combo = pick(f_combo, self.combos[group])
        return self.offsets[group] + combo * len(self.lengths) + pick_weighted(f_length, self.weights)

    def render(self, group: np.ndarray, f_combo: np.ndarray, f_length: np.ndarray) -> pl.Series:
        return self.lists.gather(self.index(group, f_combo, f_length))


def slug_and_description(slugs: pl.Series, k: np.ndarray, opener: pl.Series, rest: pl.Series) -> dict[str, pl.Series]:
    """A content row's slug (its title's slug + "-k", unique per owner) and its description (opener + rest)."""
    return {
        "slug": pl.select(pl.concat_str([slugs, SLUG_SUFFIXES.gather(k)]).alias("slug")).to_series(),
        "description": pl.select(pl.concat_str([opener, pl.lit(" "), rest]).alias("description")).to_series(),
    }


def labels(values: Sequence[str], idx: np.ndarray, name: str | None = None) -> pl.Series:
    """Small label list gathered by code (activity, status ...)."""
    return pl.Series(name or "", list(values), dtype=pl.String).gather(idx)


# --------------------------------------------------------------------------------------------
# The Domain base class.
# --------------------------------------------------------------------------------------------

class Domain:
    """Base class of a content domain (outdoor, saas, ecommerce, or your own).

    Subclasses set the class attributes and implement ``lookup_rows``, ``content`` and ``items``;
    persona assignment, bios, per-owner counts, activity/level choice and timestamps are shared.
    """

    name: str = ""
    content_tables: tuple[str, ...] = ()      # physical table names to look for, most likely first
    item_tables: tuple[str, ...] = ()
    lookup_tables: tuple[str, ...] = ()
    personas: tuple[Persona, ...] = ()
    activities: tuple[str, ...] = ()          # content kinds; match lookup_rows()["activity"]
    levels: tuple[str, ...] = ()              # e.g. difficulty labels, weighted by Persona.level_weights

    # ---- to implement -------------------------------------------------------------------------
    def lookup_rows(self) -> pl.DataFrame:
        """Rows for an empty lookup table: columns slug, name, activity."""
        raise NotImplementedError

    def content(self, owners: pl.DataFrame, per_owner: int, seed: int) -> pl.DataFrame:
        raise NotImplementedError

    def items(self, content: pl.DataFrame, seed: int) -> pl.DataFrame:
        raise NotImplementedError

    def content_with_items(self, owners: pl.DataFrame, per_owner: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
        """``content(...)`` and ``items(content)`` together (domains may share work between them)."""
        content = self.content(owners, per_owner, seed)
        return content, self.items(content, seed)

    # ---- configuration ------------------------------------------------------------------------
    def configure(self, settings: Mapping[str, object]) -> "Domain":
        """This domain with its ``extensions.<name>.settings`` applied, as a new object (the registered
        one is shared). A domain without settings refuses every key: a key that is accepted must be used."""
        if settings:
            raise ConfigError(f"extensions.{self.name}.settings: unknown key '{next(iter(settings))}'; "
                              f"the {self.name} domain takes no settings", hint="remove the settings object")
        return self

    def with_images(self, per_content: int, real: bool) -> "Domain":
        """This domain writing ``per_content`` image URLs per content row (imagesPerSetup/enableRealImages)."""
        raise ConfigError(f"imagesPerSetup/enableRealImages: the {self.name} domain writes no images",
                          hint="remove the keys, or use the outdoor domain (image columns of setups and gear)")

    # ---- validation ---------------------------------------------------------------------------
    def validate(self) -> None:
        """Raise ValueError if the class attributes are inconsistent (called on registration)."""
        if not self.name or not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", self.name):
            raise ValueError(f"domain name {self.name!r} must be lower-case letters, digits, '-' or '_'")
        if not self.personas:
            raise ValueError(f"domain {self.name!r} defines no personas")
        keys = [p.key for p in self.personas]
        if len(set(keys)) != len(keys):
            raise ValueError(f"domain {self.name!r} has duplicate persona keys")
        for p in self.personas:
            if not p.bios:
                raise ValueError(f"persona {p.key!r} of domain {self.name!r} has no bios")
            if p.content_weight <= 0 or p.share <= 0:
                raise ValueError(f"persona {p.key!r} of domain {self.name!r} needs a positive content_weight and share")
            unknown = [a for a in p.activities if self.activities and a not in self.activities]
            if unknown:
                raise ValueError(f"persona {p.key!r} of domain {self.name!r} prefers unknown activities {unknown}; "
                                 f"valid: {', '.join(self.activities)}")
            if p.level_weights and len(p.level_weights) != len(self.levels):
                raise ValueError(f"persona {p.key!r} of domain {self.name!r} needs {len(self.levels)} level_weights")

    # ---- personas -----------------------------------------------------------------------------
    @property
    def persona_keys(self) -> list[str]:
        return [p.key for p in self.personas]

    def _check_personas(self, keys: Sequence[str]) -> None:
        valid = self.persona_keys
        for key in keys:
            if key not in valid:
                raise ValueError(f"unknown persona {key!r} for domain {self.name!r}; valid personas: {', '.join(valid)}")

    def persona_for(self, user_index: np.ndarray, seed: int, allowed: list[str] | None = None) -> pl.Series:
        """A persona key per user, a pure function of (seed, user index), weighted by Persona.share.

        ``allowed`` restricts the choice to some persona keys (None or empty: all of them).
        """
        if allowed:
            self._check_personas(allowed)
            pool = [p for p in self.personas if p.key in set(allowed)]
        else:
            pool = list(self.personas)
        user_index = np.asarray(user_index, dtype=np.int64)
        choice = rnd.weighted(user_index, rnd.salt(seed, self.name, "persona"), [p.share for p in pool])
        return pl.Series("persona", [p.key for p in pool], dtype=pl.String).gather(choice)

    def persona_codes(self, personas: pl.Series) -> np.ndarray:
        """Persona keys -> positions in self.personas (-1 for nulls); unknown keys raise ValueError."""
        personas = personas.cast(pl.String)
        known = personas.is_in(self.persona_keys) | personas.is_null()
        if not known.all():
            self._check_personas([personas.filter(~known)[0]])
        codes = personas.cast(pl.Enum(self.persona_keys)).to_physical()
        return codes.fill_null(-1).cast(pl.Int64).to_numpy()

    def bio(self, personas: pl.Series, user_index: np.ndarray, seed: int) -> pl.Series:
        """A bio sentence per user, chosen among their persona's bios (null persona -> null bio)."""
        codes = self.persona_codes(personas)
        counts = np.array([len(p.bios) for p in self.personas], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
        flat = [b for p in self.personas for b in p.bios] + [None]
        h = hash_rows(user_index, seed, self.name, "bio")
        safe = np.maximum(codes, 0)
        idx = np.where(codes >= 0, offsets[safe] + pick(field(h, 0), counts[safe]), len(flat) - 1)
        return pl.Series("bio", flat, dtype=pl.String).gather(idx)

    # ---- owners -> content rows ---------------------------------------------------------------
    def owner_arrays(self, owners: pl.DataFrame, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """(owner_index int64, persona code) from an owners frame; a null persona gets persona_for's choice."""
        missing = {"owner_index", "persona"} - set(owners.columns)
        if missing:
            raise ValueError(f"owners frame needs columns owner_index and persona (missing: {', '.join(sorted(missing))})")
        owner_index = owners["owner_index"].cast(pl.Int64).to_numpy()
        if owners["owner_index"].null_count():
            raise ValueError("owners.owner_index must not contain nulls")
        if len(owner_index) and owners["owner_index"].n_unique() != len(owner_index):
            raise ValueError("owners.owner_index must be unique")
        if len(owner_index) and (owner_index.min() < 0 or owner_index.max() >= 2**63 // (1000 * ITEM_STRIDE)):
            raise ValueError("owners.owner_index must be between 0 and 5.7e14")
        codes = self.persona_codes(owners["persona"])
        if (codes < 0).any():
            fallback = self.persona_codes(self.persona_for(owner_index, seed))
            codes = np.where(codes < 0, fallback, codes)
        return owner_index, codes

    def content_counts(self, owner_index: np.ndarray, persona_code: np.ndarray, per_owner: int, seed: int) -> np.ndarray:
        """Content rows per owner: exactly ``per_owner`` each, so a seed holds users x setupsPerUser
        content rows at any size and in any batching ("12 users, 36 setups"); personas shape what the
        content is, not how much of it there is."""
        if per_owner > MAX_CONTENT_PER_OWNER:
            raise ValueError(f"per_owner is {per_owner}; at most {MAX_CONTENT_PER_OWNER} content rows per owner are supported")
        return np.full(len(owner_index), max(int(per_owner), 0), dtype=np.int64)

    def expand(self, owners: pl.DataFrame, per_owner: int, seed: int) -> dict[str, np.ndarray]:
        """One entry per content row: owner_position, k (1-based), content_index, persona code."""
        owner_index, codes = self.owner_arrays(owners, seed)
        counts = self.content_counts(owner_index, codes, per_owner, seed)
        total = int(counts.sum())
        owner_position = np.repeat(np.arange(len(owner_index), dtype=np.int64), counts)
        starts = np.cumsum(counts) - counts
        k = np.arange(total, dtype=np.int64) - np.repeat(starts, counts) + 1
        return {
            "owner_position": owner_position,
            "k": k,
            "content_index": owner_index[owner_position] * 1000 + k,
            "persona": codes[owner_position],
        }

    def choose_activity(self, persona_code: np.ndarray, f: np.ndarray) -> np.ndarray:
        """Activity per content row, drawn from ``activity_weights()`` of the row's persona."""
        return pick_weighted_rows(f, self.activity_weights(), persona_code)

    def activity_weights(self) -> np.ndarray:
        """(personas x activities) weights: 70 % the persona's first activity, 20 % its other preferred
        ones, 10 % anything (a persona without preferences: uniform)."""
        n_act = len(self.activities)
        table = np.zeros((len(self.personas), n_act))
        for i, p in enumerate(self.personas):
            prefs = [self.activities.index(a) for a in p.activities]
            if not prefs:
                table[i, :] = 1.0
                continue
            table[i, :] = (1.0 - PERSONA_FIRST_SHARE - PERSONA_OTHER_SHARE) / n_act
            others = prefs[1:]
            table[i, prefs[0]] += PERSONA_FIRST_SHARE + (0.0 if others else PERSONA_OTHER_SHARE)
            for a in others:
                table[i, a] += PERSONA_OTHER_SHARE / len(others)
        return table

    def choose_level(self, persona_code: np.ndarray, f: np.ndarray, default: Sequence[float]) -> np.ndarray:
        table = np.array([p.level_weights or tuple(default) for p in self.personas], dtype=np.float64)
        return pick_weighted_rows(f, table, persona_code)

    # ---- helpers for items(content) -----------------------------------------------------------
    @staticmethod
    def require(frame: pl.DataFrame, columns: Sequence[str], what: str) -> None:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ValueError(f"{what} frame is missing column(s) {', '.join(missing)}")

    def codes_of(self, values: pl.Series, labels: Sequence[str], what: str) -> np.ndarray:
        values = values.cast(pl.String)
        bad = ~values.is_in(list(labels)) | values.is_null()
        if bad.any():
            raise ValueError(f"unknown {what} {values.filter(bad)[0]!r} for domain {self.name!r}; valid: {', '.join(labels)}")
        return values.cast(pl.Enum(list(labels))).to_physical().cast(pl.Int64).to_numpy()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


def money_cents(base_cents: np.ndarray, f_variation: np.ndarray, f_ending: np.ndarray, *, spread: float = 0.10,
                ) -> np.ndarray:
    """Prices in cents (float64, integral) around a base (±spread from a 16-bit field), ending .95 or .99."""
    value = f_variation.astype(np.float64)
    value *= 2.0 * spread / 65536.0 / 100.0
    value += (1.0 - spread) / 100.0
    value *= base_cents                                   # dollars
    np.floor(value, out=value)
    value *= 100.0
    value += 95.0
    value += (f_ending & 1) * 4.0                          # .95 or .99
    return value
