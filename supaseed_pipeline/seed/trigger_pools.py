"""Parent pools that BEFORE INSERT triggers accept (the rules come from plan/trigger_rules.py).

A trigger that raises unless the referenced account is a team account, or unless the row's user is a
member of its channel, cannot be seen in any constraint. The pools of candidate parents are narrowed
to those that pass: by the parent's columns the trigger tests, by pairs taken whole from the table it
looks in, or — when its condition cannot be read — by probing a few candidate rows under a savepoint.
A rule no parent meets leaves the pool as it was, so the trigger's own message reaches the report — unless
the pool is a user batch's own rows (`PoolContext.own`): the parents the rule wants may all live in other
batches (a team account in its owner's batch), so this batch is left none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import polars as pl

from supaseed_pipeline.plan import trigger_rules
from supaseed_pipeline.plan.trigger_rules import BudgetRule, PairRule, ParentRule
from supaseed_pipeline.snapshot.models import SchemaSnapshot, Table

PROBE_ROWS = 24   # candidate parents tried per opaque trigger and FK


@dataclass
class PoolContext:
    io: object                                                    # the partition's loader (seed/loader.py)
    snapshot: SchemaSnapshot
    table: Table
    loaded: dict[str, pl.DataFrame]                              # frames of tables this partition loaded
    probe_frame: Callable[[str, np.ndarray, dict[str, pl.DataFrame]], pl.DataFrame] | None = None
    # probe_frame(fk name, positions in its pool, pools) -> rows to try, row i referencing pool row positions[i]
    own: frozenset[str] = frozenset()   # FKs whose pool is this user batch's own rows: nothing else may be referenced


def learn(context: PoolContext, pools: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    rules = trigger_rules.analyse(context.table)
    if not rules:
        return pools
    pools = dict(pools)
    for rule in rules.parents:
        _filter_parents(context, rule, pools)
    for rule in rules.pairs:
        _pair_pool(context, rule, pools)
    if context.probe_frame is not None:
        for check in rules.opaque:
            for fk_name in check.fks:
                _probe(context, fk_name, pools)
    return pools


def _fk(table: Table, name: str):
    return next(fk for fk in table.foreign_keys if fk.name == name)


def _as_keys(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    return frame.select([pl.col(c).cast(pl.String).alias(f"k{i}") for i, c in enumerate(columns)])


def _filter_parents(context: PoolContext, rule: ParentRule, pools: dict[str, pl.DataFrame]) -> None:
    """Keep the parents whose tested columns pass (read from the database: pools hold keys only)."""
    pool = pools.get(rule.fk)
    if pool is None or pool.height == 0:
        return
    fk = _fk(context.table, rule.fk)
    tested = [c.column for c in rule.conditions if c.column not in fk.ref_columns]
    parents = context.io.read(fk.ref_qualified, list(fk.ref_columns) + tested,
                             where=(list(fk.ref_columns), _as_keys(pool, list(fk.ref_columns))))
    allowed = parents.filter(trigger_rules.passing(parents, rule.conditions))
    kept = trigger_rules.keep_keys(pool, list(fk.ref_columns), allowed, list(fk.ref_columns))
    if kept.height or rule.fk in context.own:
        pools[rule.fk] = kept


def _pair_pool(context: PoolContext, rule: PairRule, pools: dict[str, pl.DataFrame]) -> None:
    """Rows of the table the trigger looks in whose columns are parents in every FK's pool, as row columns."""
    table = context.table
    if context.snapshot.table(rule.table) is None or any(pools.get(f) is None for f in rule.fks):
        return
    row_columns = [r for r, _ in rule.columns]
    their_columns = [t for _, t in rule.columns]
    tested = [c.column for c in rule.conditions if c.column not in their_columns]
    # read only rows whose first column is a candidate parent: the table may be far larger than a partition
    first_fk = next(f for f in table.foreign_keys if row_columns[0] in f.columns)
    first_pool = pools[first_fk.name]
    first_ref = first_fk.ref_columns[first_fk.columns.index(row_columns[0])]
    found = context.io.read(rule.table, their_columns + tested,
                           where=([their_columns[0]], first_pool.select(pl.col(first_ref).cast(pl.String).alias("k0"))))
    found = found.filter(trigger_rules.passing(found, rule.conditions))
    # sorted: the rows come back in join order, and the same seed must pick the same pairs
    pairs = found.select([pl.col(t).alias(r) for r, t in rule.columns]).unique().sort(row_columns)
    for fk_name in rule.fks:
        fk = _fk(table, fk_name)
        pairs = trigger_rules.keep_keys(pairs, list(fk.columns), pools[fk_name], list(fk.ref_columns))
    if pairs.height:
        pools[rule.pool_key] = pairs


def _probe(context: PoolContext, fk_name: str, pools: dict[str, pl.DataFrame]) -> None:
    """Try rows referencing a spread of candidate parents; keep the parents whose rows the table accepts."""
    pool = pools.get(fk_name)
    if pool is None or pool.height == 0:
        return
    count = min(PROBE_ROWS, pool.height)
    positions = np.unique(np.linspace(0, pool.height - 1, count).astype(np.int64))
    frame = context.probe_frame(fk_name, positions, pools)
    accepted = context.io.accepted(context.table, frame)
    kept = pool[positions.tolist()].filter(pl.Series(accepted, dtype=pl.Boolean))
    if kept.height:
        pools[fk_name] = kept


def fit_budgets(context: PoolContext, frame: pl.DataFrame, pools: dict[str, pl.DataFrame]) -> tuple[pl.DataFrame, int]:
    """Rows that draw on their parent's budget a trigger checks (stock on hand, credit), as it draws them, in
    order: a row its parent can no longer cover moves to the next parent of the pool that can (or, when the
    parent is part of a unique key, or none can, is left out: the count of those is returned)."""
    left_out = 0
    for rule in trigger_rules.analyse(context.table).budgets:
        frame, lost = _fit_budget(context, rule, frame, pools)
        left_out += lost
    return frame, left_out


def _fit_budget(context: PoolContext, rule: BudgetRule, frame: pl.DataFrame,
                pools: dict[str, pl.DataFrame]) -> tuple[pl.DataFrame, int]:
    table = context.table
    theirs = dict(rule.columns)
    fk = next((f for f in table.foreign_keys if set(f.columns) == set(theirs)), None)
    pool = pools.get(fk.name) if fk is not None else None
    if (pool is None or pool.height == 0 or frame.height == 0 or rule.amount not in frame.columns
            or not all(c in frame.columns for c in fk.columns) or trigger_rules.pair_pool(pools, fk.name) is not None):
        return frame, 0
    candidates = pool.select([pl.col(r).cast(pl.String).alias(f"k{i}") for i, r in enumerate(fk.ref_columns)]) \
        .unique(maintain_order=True)
    budgets = context.io.budgets(rule, [theirs[c] for c in fk.columns], candidates)
    if budgets is None:
        return frame, 0
    remaining = {row[:-1]: row[-1] or 0.0 for row in budgets.iter_rows()}
    parents = list(candidates.iter_rows())
    keyed = {c for u in [*table.unique_constraints, *table.unique_indexes] for c in u.columns if c} \
        | set(table.primary_key.columns if table.primary_key else [])
    movable = not (keyed & set(fk.columns))
    rows = list(frame.select([pl.col(c).cast(pl.String) for c in fk.columns]).iter_rows())
    keep = [True] * len(rows)
    cursor, too_much = 0, float("inf")   # too_much: an amount no parent could cover any more
    for i, amount in enumerate(frame[rule.amount].to_list()):
        if amount is None or None in rows[i]:
            continue
        if remaining.get(rows[i], 0.0) >= amount:
            remaining[rows[i]] -= amount
            continue
        found = None
        if movable and amount < too_much:
            for step in range(len(parents)):
                other = parents[(cursor + step) % len(parents)]
                if remaining.get(other, 0.0) >= amount:
                    found, cursor = other, (cursor + step) % len(parents)
                    break
        if found is None:
            too_much = min(too_much, amount) if movable else too_much
            keep[i] = False
            continue
        remaining[found] -= amount
        rows[i] = found
    moved = frame.with_columns([pl.Series(c, [r[k] for r in rows], dtype=pl.String).cast(frame[c].dtype)
                                for k, c in enumerate(fk.columns)])
    return moved.filter(pl.Series(keep, dtype=pl.Boolean)), keep.count(False)
