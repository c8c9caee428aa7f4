"""Columns that describe one timeline: a period's end after its start, updates after creation, events after sign-up.

Applied to a whole generated frame (values of neighbouring columns are known only there). Columns the caller
fixed (domain content, config overrides) are never moved; CHECKs comparing columns are applied afterwards
by the frame builder and still win.
"""

from __future__ import annotations

import re

import numpy as np
import polars as pl

from supaseed_pipeline.generate import random as rnd
from supaseed_pipeline.generate.columns import range_bounds
from supaseed_pipeline.generate.semantics import snake_case
from supaseed_pipeline.snapshot.models import Table

DAY = 86_400
# start word -> end words; matched as whole "_"-separated parts of a column name
PAIR_WORDS = {"start": ("end",), "starts": ("ends",), "started": ("ended", "finished", "completed"),
              "begin": ("end",), "begins": ("ends",), "from": ("to", "until", "thru"), "joined": ("left",),
              "opened": ("closed",), "checkin": ("checkout",), "issued": ("expires", "due"), "since": ("until",),
              "rented": ("returned",), "borrowed": ("returned",), "departure": ("arrival",), "first": ("last",)}
CREATED = ("created_at", "created", "inserted_at", "date_created", "created_on", "creation_date", "created_date")
UPDATED = re.compile(r"^(updated|modified|changed|last_update|last_updated|last_modified)(_at|_on|_date)?$")
# single events that happen after the row was created, with what they are about in front too (Laravel's
# email_verified_at, Fortify's two_factor_confirmed_at: a user is not verified before it signed up)
AFTER_CREATION = re.compile(r"^(\w+_)?(canceled|cancelled|cancel|ended|completed|paid|shipped|delivered|confirmed|accepted|"
                            r"read|published|sent|resolved|closed|approved|last_login|last_sign_in|last_seen|"
                            r"processed|refunded|verified|activated|used|last_used|redeemed|consumed|revoked|"
                            r"submitted|reviewed|viewed|answered|responded|fulfilled|rejected|declined|signed|"
                            r"archived|deleted|expired|failed|edited|done|finished|checked)(_at|_on|_date)?$")


def _duration_seconds(stem: str, end: str, index: np.ndarray, purpose: int, is_date: bool) -> np.ndarray:
    """How long a pair lasts, by what it describes (billing periods a month, trials two weeks, events hours)."""
    if "period" in stem:
        return np.full(len(index), 30 * DAY, dtype=np.int64)
    if "trial" in stem:
        return np.array([7, 14, 14, 30], dtype=np.int64)[rnd.choose(index, purpose, 4)] * DAY
    if "valid" in stem or "effective" in stem or end in {"expires", "due"}:
        return rnd.integers(index, purpose, 30, 365) * DAY
    if end == "left":
        return rnd.integers(index, purpose, 7, 600) * DAY
    if is_date or "date" in stem:
        return rnd.integers(index, purpose, 1, 90) * DAY
    if end in {"ended", "finished", "completed"}:
        return rnd.integers(index, purpose, 60, 3 * DAY)
    return rnd.integers(index, purpose, 1, 8) * 3600


def _temporal(frame: pl.DataFrame, name: str) -> bool:
    dtype = frame.schema[name]
    return isinstance(dtype, pl.Datetime) or dtype == pl.Date


def pairs(columns: list[str]) -> list[tuple[str, str, str, str]]:
    """(start column, end column, stem, end word) for every start/end pair present among `columns`."""
    found = []
    present = set(columns)
    for name in columns:
        parts = snake_case(name).replace("check_in", "checkin").replace("check_out", "checkout").split("_")
        for position, part in enumerate(parts):
            for end in PAIR_WORDS.get(part, ()):
                candidate_parts = parts[:position] + [end] + parts[position + 1:]
                for candidate in {"_".join(candidate_parts), "_".join(candidate_parts).replace("checkout", "check_out")}:
                    match = next((c for c in present if snake_case(c) == candidate), None)
                    if match and match != name:
                        stem = "_".join(parts[:position] + parts[position + 1:])
                        found.append((name, match, stem, end))
    return found


OPEN_ENDED = {"left", "ended", "finished", "returned"}


def order_columns(frame: pl.DataFrame, table: str, index: np.ndarray, seed: int, locked: set[str],
                  nullable=lambda name: False) -> pl.DataFrame:
    """Start before end, creation before updates and later events, each pair a plausible length apart."""
    temporal = [c for c in frame.columns if _temporal(frame, c)]
    if not temporal:
        return frame
    words = {c: snake_case(c) for c in temporal}     # "createdAt" (Prisma, TypeORM) reads as created_at
    created = next((c for w in CREATED for c in temporal if words[c] == w), None)
    updates: dict[str, pl.Expr] = {}

    def current(name: str) -> pl.Expr:
        return updates.get(name, pl.col(name))

    def shifted(base: pl.Expr, name: str, seconds: np.ndarray) -> pl.Expr:
        if frame.schema[name] == pl.Date:
            return (base.cast(pl.Datetime("us")) + pl.duration(seconds=pl.Series(seconds))).dt.date()
        return base.cast(frame.schema[name]) + pl.duration(seconds=pl.Series(seconds))

    def after(start_expr: pl.Expr, name: str, seconds: np.ndarray) -> None:
        if name in locked:
            return
        # keep NULLs (an open membership has no left_at) and move only what is present
        updates[name] = pl.when(pl.col(name).is_null() | start_expr.is_null()).then(pl.col(name)) \
            .otherwise(shifted(start_expr, name, seconds))

    pair_list = pairs(temporal)
    if created:
        # a period, a trial, a membership starts after the row was created
        for start, _end, stem, _word in pair_list:
            if start != created and start not in locked and not UPDATED.match(words[start]):
                after(pl.col(created), start, rnd.integers(index, rnd.salt(seed, table, start, "after-created"), 0, 30 * DAY))
    for start, end, stem, word in pair_list:
        seconds = _duration_seconds(stem, word, index, rnd.salt(seed, table, end, "duration"), frame.schema[end] == pl.Date)
        after(current(start), end, seconds)
        if word in OPEN_ENDED and end not in locked and nullable(end):
            # most memberships are still open, most runs still going: their end stays NULL
            still_open = pl.Series(rnd.uniform(index, rnd.salt(seed, table, end, "open")) < 0.75)
            updates[end] = pl.when(pl.lit(still_open)).then(pl.lit(None, dtype=frame.schema[end])).otherwise(updates.get(end, pl.col(end)))
    if created:
        for name in temporal:
            if name == created or name in updates or name in {e for _s, e, _t, _w in pair_list}:
                continue
            if UPDATED.match(words[name]) and not (created == "created_at" and name == "updated_at"):
                after(pl.col(created), name, rnd.integers(index, rnd.salt(seed, table, name, "delay"), 0, 90 * DAY))
            elif AFTER_CREATION.match(words[name]):
                after(pl.col(created), name, rnd.integers(index, rnd.salt(seed, table, name, "delay"), 60, 60 * DAY))
    if not updates:
        return frame
    return frame.with_columns([expr.alias(name) for name, expr in updates.items()])


# an EXCLUDE key that builds a range from two columns: tstzrange(starts_at, ends_at), daterange(check_in, check_out, '[]')
RANGE_OF_COLUMNS = re.compile(r"""^(?P<fn>tstzrange|tsrange|daterange|int4range|int8range|numrange)\(\s*(?P<lo>"[^"]+"|\w+)\s*,"""
                              r"""\s*(?P<hi>"[^"]+"|\w+)\s*(?:,\s*'[\[\]()]{2}'(?:::text)?\s*)?\)$""")


def periods_apart(table: Table, frame: pl.DataFrame, index: np.ndarray, seed: int, locked: set[str]) -> pl.DataFrame:
    """Rows whose periods an EXCLUDE constraint keeps apart (a room's sessions: room_id WITH =,
    tstzrange(starts_at, ends_at) WITH &&) get each their own slot (columns.range_bounds), so no two overlap
    whatever else they share, in any batch. A range column itself is generated that way already."""
    updates: dict[str, pl.Series] = {}
    for exclusion in table.exclusions:
        for column, expression, operator in zip(exclusion.columns, exclusion.expressions, exclusion.operators):
            found = RANGE_OF_COLUMNS.match(expression) if column is None and operator == "&&" else None
            if found is None:
                continue
            lo, hi = (found.group(part).strip('"') for part in ("lo", "hi"))
            if lo not in frame.columns or hi not in frame.columns or {lo, hi} & locked or lo in updates:
                continue
            kind = {"daterange": "date", "tstzrange": "ts", "tsrange": "ts"}.get(found.group("fn"), "int")
            lower, upper = range_bounds(index, rnd.salt(seed, table.qualified, lo, "period"), kind)
            updates[lo], updates[hi] = lower.cast(frame.schema[lo]), upper.cast(frame.schema[hi])
    return frame.with_columns(**updates) if updates else frame


# A boolean flag beside a status column says the same thing the status says (MakerKit's subscriptions.active is
# status IN ('active', 'trialing')). Statuses outside both sets leave the flag as generated.
ACTIVE_STATUSES = frozenset({"active", "trialing", "trial", "enabled", "live"})
INACTIVE_STATUSES = frozenset({"inactive", "canceled", "cancelled", "past_due", "unpaid", "incomplete",
                               "incomplete_expired", "paused", "expired", "suspended", "disabled", "archived", "deleted",
                               "ended", "closed", "banned", "churned", "revoked", "void", "failed"})
CANCELED_STATUSES = frozenset({"canceled", "cancelled"})
ACTIVE_FLAG = re.compile(r"^(is_)?(active|enabled)$")
CANCELED_FLAG = re.compile(r"^(is_)?(canceled|cancelled)$")
CANCELED_STAMP = re.compile(r"^(canceled|cancelled)(_at|_on|_date)?$")


def status_column(columns: list[str]) -> str | None:
    """`status`, else the table's only `*_status` column."""
    if "status" in columns:
        return "status"
    others = [c for c in columns if snake_case(c).endswith("_status")]
    return others[0] if len(others) == 1 else None


def flag_details(flag: str, columns, nullable=lambda column: False) -> list[str]:
    """The nullable columns named after a flag (its word, or the word without -ed / -ned: banned -> ban_): its
    details (`completed` -> `completed_at`, `done` -> `done_at`, `banned` -> `ban_reason`)."""
    word = re.sub(r"^(is|has|was)_", "", snake_case(flag))
    stems = {word} | ({word[:-2], word[:-3]} if word.endswith("ed") and len(word) > 5 else set())
    return [c for c in columns if c != flag and nullable(c) and snake_case(c).split("_")[0] in stems and "_" in snake_case(c)]


def details_follow_flags(frame: pl.DataFrame, locked: set[str], nullable=lambda column: False) -> pl.DataFrame:
    """A flag's details are there only when it is set: `banned` false, so no `ban_reason` / `ban_expires`; not
    `is_archived`, no `archived_at` / `archived_by`. Details are the nullable columns named after the flag
    (flag_details); rows whose flag is set keep theirs."""
    updates = {}
    for flag in (c for c in frame.columns if frame.schema[c] == pl.Boolean):
        details = [c for c in flag_details(flag, frame.columns, nullable) if c not in locked and c not in updates]
        for column in details:
            updates[column] = pl.when(pl.col(flag)).then(pl.col(column)).otherwise(None).alias(column)
    return frame.with_columns(list(updates.values())) if updates else frame


def flags_follow_status(frame: pl.DataFrame, locked: set[str], nullable=lambda column: False) -> pl.DataFrame:
    """active/enabled flags true exactly when the row's status is an active one, canceled flags when it is
    canceled, and a nullable canceled_at set only then; rows whose status is NULL or unknown, and flags the
    caller fixed, keep their values."""
    status = status_column(frame.columns)
    if status is None or frame.schema[status] not in (pl.String, pl.Categorical, pl.Enum):
        return frame
    flags = [c for c in frame.columns if frame.schema[c] == pl.Boolean and c not in locked
             and (ACTIVE_FLAG.match(snake_case(c)) or CANCELED_FLAG.match(snake_case(c)))]
    stamps = [c for c in frame.columns if frame.schema[c].is_temporal() and c not in locked and nullable(c)
              and CANCELED_STAMP.match(snake_case(c))]
    if not flags and not stamps:
        return frame
    value = pl.col(status).cast(pl.String).str.to_lowercase()
    known = value.is_in(list(ACTIVE_STATUSES | INACTIVE_STATUSES))
    # a pending order was never canceled: no canceled_at
    updates = [pl.when(value.is_not_null() & ~value.is_in(list(CANCELED_STATUSES))).then(None).otherwise(pl.col(c)).alias(c)
               for c in stamps]
    for flag in flags:
        truth = value.is_in(list(ACTIVE_STATUSES)) if ACTIVE_FLAG.match(snake_case(flag)) else value.is_in(list(CANCELED_STATUSES))
        updates.append(pl.when(known).then(truth).otherwise(pl.col(flag)).alias(flag))
    return frame.with_columns(updates)
