"""One table's rows for one partition as a Polars DataFrame, honouring keys, FKs, uniques and CHECKs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import import_module

import numpy as np
import polars as pl

from supaseed_pipeline.errors import SupaseedError
from supaseed_pipeline.generate import random as rnd
from supaseed_pipeline.generate.columns import (ColumnSpec, apply_atoms, apply_unique, generate_values, regex_fix,
                                                sample_regex, unique_by_name, unique_capacity)
from supaseed_pipeline.generate.relations import details_follow_flags, flags_follow_status, order_columns, periods_apart
from supaseed_pipeline.generate.semantics import snake_case
from supaseed_pipeline.plan import trigger_rules
from supaseed_pipeline.plan.checks import Atom, ColumnRef, parse_check
from supaseed_pipeline.plan.graph import TablePlan
from supaseed_pipeline.settings import ColumnOverride
from supaseed_pipeline.snapshot.models import ForeignKey, SchemaSnapshot, Table

# Nullable "who did it" references stay NULL: seeded rows were made by the seeder, not by a user,
# and NO ACTION audit references between seeded rows would block removing them later.
AUDIT_PREFIXES = ("created_by", "updated_by", "deleted_by", "modified_by", "invited_by")
_TYPE_ALIASES = {"character varying": "varchar", "integer": "int4", "bigint": "int8", "smallint": "int2"}


@dataclass
class TableRequest:
    """What to generate: `count` rows of `table`, global row indices from `start`."""

    table: str
    start: int
    count: int
    fixed: dict[str, pl.Series] = field(default_factory=dict)     # physical column -> values (domain content)
    parent_rows: dict[str, np.ndarray] = field(default_factory=dict)  # FK name -> row positions in the parent pool
    overrides: dict[str, ColumnOverride] = field(default_factory=dict)
    distribution: str = "uniform"
    notes: dict[str, str] = field(default_factory=dict)   # table -> why it got fewer rows than requested

    @property
    def index(self) -> np.ndarray:
        return np.arange(self.start, self.start + self.count, dtype=np.int64)


def column_spec(snapshot: SchemaSnapshot, table: Table, name: str, unique: bool) -> ColumnSpec:
    column = table.column(name)
    atoms: list[Atom] = []
    for check in table.checks:
        rule = parse_check(check.expression)
        if rule is not None and len(rule) == 1:
            atoms.extend(a for a in rule[0] if a.column == name)
    enum_labels = column.enum_labels
    base = column.base_type_name
    if column.domain:
        domain = snapshot.domain(column.domain)
        for text in domain.checks if domain else []:
            rule = parse_check(text)
            if rule is not None and len(rule) == 1:
                atoms.extend(Atom(name, a.op, a.value) for a in rule[0] if a.column.upper() == "VALUE")
    return ColumnSpec(table=table.qualified, column=column, unique=unique, atoms=atoms,
                      base_type=_TYPE_ALIASES.get(base, base), enum_labels=enum_labels,
                      siblings=tuple(c.name for c in table.columns))


def build_frame(snapshot: SchemaSnapshot, plan: TablePlan, request: TableRequest, seed: int,
                pools: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Rows for `request`: FK columns sampled from `pools` (FK name -> parent key frame)."""
    table = snapshot.table(plan.table)
    index = request.index
    fk_by_column = {c: fk for fk in table.foreign_keys for c in fk.columns}
    unique_single = {s[0] for s in plan.unique_sets if len(s) == 1}
    labelled: dict[str, tuple[str, int]] = {}   # FK name -> (the column it is unique with, how many values it holds)
    histories: list[tuple[list[str], str]] = []  # (FK columns, the date that orders each parent's rows)
    # in a composite unique without a generated driver, make the first non-FK column unique
    for unique_set in plan.unique_sets:
        if len(unique_set) > 1 and not any(c in unique_single for c in unique_set):
            free = [c for c in unique_set if c not in fk_by_column and c in plan.write_columns and c not in request.fixed]
            pair = _labelled_pair(snapshot, table, unique_set, free, request, pools, seed)
            dated = _dated_history(table, unique_set, free)
            if pair is not None:
                labelled[pair[0]] = pair[1:]
            elif dated is not None:
                histories.append(dated)
            elif free:
                # one whose values are unique as generated (a token, an id at a provider: (provider,
                # provider_account_id)), so the others keep theirs ("google", not "google-3")
                unique_single.add(next((c for c in free if unique_by_name(c)), free[0]))
    local = _batch_positions(index)
    partner = {column: (fk_name, size) for fk_name, (column, size) in labelled.items()}

    columns: dict[str, pl.Series] = {}
    capacity: tuple[int, str] | None = None
    for name in plan.write_columns:
        if name in request.overrides:  # the user's config wins over domain content and generators
            columns[name] = override_values(request.overrides[name], index, rnd.salt(seed, plan.table, name))
        elif name in request.fixed:
            columns[name] = _conform(column_spec(snapshot, table, name, False), request.fixed[name], index, seed)
        elif name not in fk_by_column:
            spec = column_spec(snapshot, table, name, name in unique_single or name in partner)
            values = generate_values(spec, index, seed)
            if name in partner:
                # (parent, label) pairs in mixed radix: row i takes label i mod L of parent i div L (office_hours
                # (office_id, weekday): each office's seven days), see _labelled_pair
                fk_name, size = partner[name]
                values = apply_unique(spec, values, local % size, seed)
                fits = size * pools[fk_name].height
                if fits < len(index) and (capacity is None or fits < capacity[0]):
                    capacity = (fits, name)
            elif spec.unique:
                values = apply_unique(spec, values, index, seed)
                fits = unique_capacity(spec, seed)
                if fits is not None and fits < len(index) and (capacity is None or fits < capacity[0]):
                    capacity = (fits, name)
            values = apply_atoms(spec, values, index, seed)
            for atom in spec.atoms:
                if atom.op in {"~", "~*"} and isinstance(atom.value, str):
                    values = regex_fix(values.cast(pl.String), atom.value, index, rnd.salt(seed, plan.table, name, "re"),
                                       case_insensitive=atom.op == "~*", unique=spec.unique)
            # by the snake_case name: TypeORM's and Prisma's "deletedAt" is a soft delete too, and set on every row
            # would hide every seeded row from the ORM's queries
            if not spec.column.not_null and snake_case(spec.column.name).endswith(("deleted_at", "banned_until", "archived_at")):
                values = pl.Series([None] * len(index), dtype=values.dtype)
            if name in plan.false_flags:
                values = pl.Series([False] * len(index), dtype=pl.Boolean)
            columns[name] = values

    sampled = []
    for fk in table.foreign_keys:
        if any(c in request.fixed for c in fk.columns) or not all(c in plan.write_columns for c in fk.columns):
            continue
        audit = all(c.startswith(AUDIT_PREFIXES) and not table.column(c).not_null for c in fk.columns)
        if fk.name in plan.deferred_update_fks or fk.name in plan.self_fks or audit:
            for name in fk.columns:
                columns[name] = pl.Series([None] * len(index), dtype=pl.String)
            continue
        sampled.append(fk)
    # foreign keys sharing a column (org_id in (org_id, room_id) and (org_id, instructor_id)): the widest first,
    # from its parents that every other one can match; the others then take parents that match it
    shares = lambda a, b: a is not b and set(a.columns) & set(b.columns)   # noqa: E731
    sampled.sort(key=lambda fk: -len(fk.columns) if any(shares(fk, o) for o in sampled) else 0)
    assigned: list[str] = []
    unequal = _unequal_pairs(table)
    for number, fk in enumerate(sampled):
        if any(c in assigned for c in fk.columns):
            columns.update(_matching_parents(fk, pools.get(fk.name), columns, assigned, unequal))
        else:
            later = [o for o in sampled[number + 1:] if shares(fk, o)]
            columns.update(_sample_parents(table, plan, fk, request, seed,
                                           {**pools, fk.name: _matchable(fk, pools.get(fk.name), later, pools, unequal)}
                                           if later and fk.name in pools else pools, labelled.get(fk.name, (None, 0))[1]))
        assigned += [c for c in fk.columns if c not in assigned]
    columns.update(_one_owner(snapshot, table, plan, request, pools, columns))
    for parent_columns, dated_column in histories:
        if dated_column in columns and dated_column not in request.fixed and dated_column not in request.overrides:
            columns[dated_column] = _one_after_another(columns, parent_columns, dated_column)

    frame = pl.DataFrame({name: columns[name] for name in plan.write_columns if name in columns})
    frame = _updated_after_created(frame, request, index, seed, plan.table)
    frame = order_columns(frame, plan.table, index, seed, set(request.fixed) | set(request.overrides),
                          nullable=lambda c: not table.column(c).not_null)
    frame = periods_apart(table, frame, index, seed, set(request.fixed) | set(request.overrides))
    frame = flags_follow_status(frame, set(request.fixed) | set(request.overrides), lambda c: not table.column(c).not_null)
    frame = details_follow_flags(frame, set(request.fixed) | set(request.overrides), lambda c: not table.column(c).not_null)
    # the hierarchy before the CHECKs: a row whose branch wants no parent (type = 'Group' OR parent_id IS NULL)
    # becomes a root instead of getting one after the CHECK was met
    for fk_name in plan.self_fks:
        fk = next(f for f in table.foreign_keys if f.name == fk_name)
        if all(c in frame.columns for c in fk.ref_columns):
            frame = _self_hierarchy(table, frame, fk, index, seed)
    frame = _apply_cross_column_rules(table, frame, index, seed, set(request.fixed))
    frame = _distinct_parent_tuples(table, plan, request, frame)
    if capacity is not None:
        # a unique column of a narrow type, an enum or a boolean holds only so many distinct values
        request.notes[plan.table] = (f"{plan.table}: {capacity[0]} of {len(index)} requested rows seeded — unique column "
                                     f"{capacity[1]} ({table.column(capacity[1]).data_type}) holds {capacity[0]} values")
        frame = frame.head(capacity[0])
    return frame


def _conform(spec, values: pl.Series, index: np.ndarray, seed: int) -> pl.Series:
    """Domain values that a table's CHECK IN-list or enum does not allow are replaced by allowed ones."""
    allowed = next((list(a.value) for a in spec.atoms if a.op == "in"), None) or spec.enum_labels
    if allowed and values.dtype == pl.String and not spec.column.is_array:
        choices = pl.Series([str(v) for v in allowed])
        replacement = choices.gather(rnd.choose(index, rnd.salt(seed, spec.table, spec.name, "conform"), len(choices)))
        values = pl.select(pl.when(values.is_in(choices.implode()) | values.is_null()).then(values)
                           .otherwise(replacement)).to_series()
    if spec.column.max_length and values.dtype == pl.String:
        values = values.str.slice(0, spec.column.max_length)
    return values


def _updated_after_created(frame: pl.DataFrame, request: TableRequest, index: np.ndarray, seed: int,
                           table: str) -> pl.DataFrame:
    """updated_at follows created_at by up to 90 days, as it does in real data."""
    if "created_at" not in frame.columns or "updated_at" not in frame.columns or "updated_at" in request.fixed:
        return frame
    if not isinstance(frame.schema["created_at"], pl.Datetime) or frame.schema["created_at"] != frame.schema["updated_at"]:
        return frame
    delay = pl.Series(rnd.integers(index, rnd.salt(seed, table, "updated_at", "delay"), 0, 90 * 86_400))
    return frame.with_columns((pl.col("created_at") + pl.duration(seconds=delay)).alias("updated_at"))


def override_values(override: ColumnOverride, index: np.ndarray, purpose: int) -> pl.Series:
    """Values from a config override: constant, choice list, pattern with {i}, or a callable expression."""
    if override.choices is not None:
        return pl.Series(override.choices).gather(rnd.choose(index, purpose, len(override.choices)))
    if override.pattern is not None:
        head, sep, tail = override.pattern.partition("{i}")
        if sep:
            return pl.select(pl.concat_str([pl.lit(head), pl.Series(index).cast(pl.String), pl.lit(tail)])).to_series()
        return pl.Series(sample_regex(override.pattern, index, purpose), dtype=pl.String)
    if override.expression is not None:
        module_name, _, attribute = override.expression.partition(":")
        function = getattr(import_module(module_name), attribute)
        return pl.select(function(pl.Series("i", index))).to_series()
    return pl.Series([override.value] * len(index))


def _one_parent(table: Table, unique_set: list[str], free: list[str]) -> ForeignKey | None:
    """The foreign key of a unique set made of one foreign key and the `free` columns the generator fills."""
    fks = [fk for fk in table.foreign_keys if set(fk.columns) <= set(unique_set)]
    return fks[0] if len(fks) == 1 and set(unique_set) - set(free) == set(fks[0].columns) else None


def _batch_positions(index: np.ndarray) -> np.ndarray:
    """Row positions within the batch (0, 1, ...): how pairs and junction tuples are laid out over its parents."""
    return (index - index[0]).astype(np.int64) if len(index) else np.asarray(index, dtype=np.int64)


def _dated_history(table: Table, unique_set: list[str], free: list[str]) -> tuple[list[str], str] | None:
    """(FK columns, date column) when a unique set is one foreign key, a date or timestamp and maybe more
    (salaries (emp_no, from_date), titles (emp_no, title, from_date), price_history (product_id, valid_from)):
    a parent's history, whose dates follow one another (_one_after_another) rather than count up from one
    day for the whole table."""
    fk = _one_parent(table, unique_set, free)
    dated = [c for c in free if table.column(c).base_type_name in {"date", "timestamp", "timestamptz"}
             and not table.column(c).is_array] if fk is not None else []
    return (list(fk.columns), dated[0]) if dated else None


def _one_after_another(columns: dict[str, pl.Series], parent_columns: list[str], name: str) -> pl.Series:
    """Each parent's rows a year apart (a date) or 30 days apart (a time), back from the latest date generated
    for it (none in the future): distinct within the parent, so the key holds, and a history that reads like one."""
    values = columns[name]
    step = pl.duration(days=365) if values.dtype == pl.Date else pl.duration(days=30)
    frame = pl.DataFrame({**{c: columns[c] for c in parent_columns}, name: values})
    later = pl.len().over(parent_columns) - 1 - pl.int_range(pl.len()).over(parent_columns)
    return frame.select((pl.col(name).max().over(parent_columns) - step * later).alias(name)).to_series()


def _labelled_pair(snapshot: SchemaSnapshot, table: Table, unique_set: list[str], free: list[str], request: TableRequest,
                   pools: dict[str, pl.DataFrame], seed: int) -> tuple[str, str, int] | None:
    """(FK name, column, how many values the column holds) when a unique set is one foreign key plus one column of
    few values (an enum, an IN list, a narrow integer: office_hours (office_id, weekday), translations (product_id,
    locale)): its rows are the (parent, value) pairs. Making the column unique alone would seed only as many rows
    as it has values."""
    fk = _one_parent(table, unique_set, free)
    if len(free) != 1 or fk is None:
        return None
    if fk.name in request.parent_rows or any(c in request.fixed for c in fk.columns) or not pools.get(fk.name, pl.DataFrame()).height:
        return None
    size = unique_capacity(column_spec(snapshot, table, free[0], True), seed)
    return (fk.name, free[0], size) if size and size <= 10_000 else None


def _sample_parents(table: Table, plan: TablePlan, fk: ForeignKey, request: TableRequest, seed: int,
                    pools: dict[str, pl.DataFrame], radix: int = 0) -> dict[str, pl.Series]:
    """The parent rows of `fk` per row; with `radix`, parent i div radix (the pairs of _labelled_pair)."""
    pool = pools.get(fk.name)
    nullable = all(not table.column(c).not_null for c in fk.columns)
    n = len(request.index)
    if pool is None or pool.height == 0:
        if nullable:
            return {c: pl.Series([None] * n, dtype=pl.String) for c in fk.columns}
        raise _no_parent_rows(table, plan, fk)
    pair = trigger_rules.pair_pool(pools, fk.name) if fk.name not in request.parent_rows else None
    if pair is not None:
        # a trigger wants these FKs together as one row of another table (a member of the channel):
        # every FK of the pair reads the same positions of that frame of pairs
        key, pairs = pair
        unique = any(set(s) <= set(pairs.columns) for s in plan.unique_sets)
        positions = np.arange(n) % pairs.height if unique else rnd.choose(
            request.index, rnd.salt(seed, table.qualified, key), pairs.height)
        return {col: pairs[col].gather(positions) for col in fk.columns}
    if fk.name in request.parent_rows:
        positions = request.parent_rows[fk.name]
    elif radix:
        positions = _batch_positions(request.index) // radix % pool.height
    elif any(set(fk.columns) == set(s) for s in plan.unique_sets):
        # one-to-one: each parent at most once
        positions = np.arange(n) % pool.height
    elif junction := next((s for s in plan.unique_sets
                           if set(fk.columns) < set(s) and all(_is_fk_column(table, c) for c in s)), None):
        positions = _junction_positions(table, fk, junction, request.index, pools, seed)
    elif request.distribution == "power_law":
        positions = rnd.power_law(request.index, rnd.salt(seed, table.qualified, fk.name), pool.height)
    else:
        positions = rnd.choose(request.index, rnd.salt(seed, table.qualified, fk.name), pool.height)
    picked = pool[positions]
    return {col: picked[ref] for col, ref in zip(fk.columns, fk.ref_columns)}


def shared_parents(snapshot: SchemaSnapshot, table: Table) -> list[tuple[ForeignKey, ForeignKey, ForeignKey]]:
    """(direct, via, parent's): the table references a parent both directly and through another parent that
    references it too — a subscription's account_id and its billing customer, itself of an account; an
    invitation's account and its inviter, the account's owner. One row names one owner along both paths."""
    found = []
    for via in table.foreign_keys:
        middle = snapshot.table(via.ref_qualified)
        if middle is None or middle.qualified == table.qualified:
            continue
        for direct in table.foreign_keys:
            if direct is via or direct.ref_qualified == middle.qualified or direct.ref_qualified == table.qualified:
                continue
            candidates = [fk for fk in middle.foreign_keys if fk.ref_qualified == direct.ref_qualified
                          and fk.ref_columns == direct.ref_columns and len(fk.columns) == len(direct.columns)]
            # the owner (accounts.primary_owner_user_id), not an audit column that is mostly NULL (created_by)
            candidates.sort(key=lambda fk: (any(c.startswith(AUDIT_PREFIXES) for c in fk.columns),
                                            not all(middle.column(c).not_null for c in fk.columns)))
            if candidates:
                found.append((direct, via, candidates[0]))
    return found


OWNER_PREFIX = "__owner__"


def via_column(via: ForeignKey, column: str) -> str:
    """The name a parent's own FK column travels under in the pool of `via` (never one of its key columns)."""
    return f"{OWNER_PREFIX}{via.name}__{column}"


def _one_owner(snapshot: SchemaSnapshot, table: Table, plan: TablePlan, request: TableRequest,
               pools: dict[str, pl.DataFrame], columns: dict[str, pl.Series]) -> dict[str, pl.Series]:
    """The direct FK of each `shared_parents` triple takes the owner of the parent picked through `via`, where
    the pool carries it (parents planned in this run) and the direct columns are free to move: not fixed, not in
    a unique set (one subscription per account stays one), not paired by a trigger. Rows whose middle parent has
    no owner keep the owner they were given."""
    moved: dict[str, pl.Series] = {}
    if not any(c.startswith(OWNER_PREFIX) for pool in pools.values() for c in pool.columns):
        return moved   # most tables: no pool carries owners, so no FK triples to look for on every batch
    locked = set(request.fixed) | set(request.overrides)
    for direct, via, theirs in shared_parents(snapshot, table):
        pool = pools.get(via.name)
        carried = [via_column(via, c) for c in theirs.columns]
        if pool is None or not all(c in pool.columns for c in carried) or not all(c in columns for c in via.columns):
            continue
        audit = all(c.startswith(AUDIT_PREFIXES) and not table.column(c).not_null for c in direct.columns)
        # a column another foreign key shares (a tenant's org_id in two composite keys) stays as the keys agreed
        shared = any(c in other.columns for other in table.foreign_keys if other.name != direct.name for c in direct.columns)
        if audit or shared or any(c in locked or c in moved or c not in columns for c in direct.columns) \
                or any(set(direct.columns) & set(u) for u in plan.unique_sets) \
                or direct.name in request.parent_rows or direct.name in plan.deferred_update_fks \
                or direct.name in plan.self_fks or trigger_rules.pair_pool(pools, direct.name) is not None:
            continue   # audit columns stay NULL as build_frame left them
        picked = pl.DataFrame({ref: columns[c] for c, ref in zip(via.columns, via.ref_columns)}).with_row_index("__row")
        owners = picked.join(pool.select([*via.ref_columns, *carried]).unique(subset=via.ref_columns, keep="first"),
                             on=via.ref_columns, how="left").sort("__row")
        for column, owner in zip(direct.columns, carried):
            moved[column] = owners[owner].fill_null(columns[column].cast(pl.String)).alias(column)
    return moved


def _distinct_parent_tuples(table: Table, plan: TablePlan, request: TableRequest, frame: pl.DataFrame) -> pl.DataFrame:
    """A key made of foreign key columns that two keys fill together (lesson_progress (lesson_id, user_id) from an
    enrollment and a lesson of its course) can repeat when there are fewer such pairs than rows: the repeats
    are dropped, and the note says how many rows the pairs allow."""
    for unique in plan.unique_sets:
        if len(unique) < 2 or not all(c in frame.columns and _is_fk_column(table, c) for c in unique):
            continue
        present = pl.all_horizontal([pl.col(c).is_not_null() for c in unique])
        keep = frame.select(~present | pl.struct(unique).is_first_distinct()).to_series()
        if not keep.all():
            before = frame.height
            frame = frame.filter(keep)
            request.notes[plan.table] = (f"{plan.table}: {frame.height} of {before} requested rows seeded — its parents "
                                         f"make only so many distinct ({', '.join(unique)})")
    return frame


def _matchable(fk: ForeignKey, pool: pl.DataFrame, later: list[ForeignKey], pools: dict[str, pl.DataFrame],
               unequal: set[frozenset[str]] = frozenset()) -> pl.DataFrame:
    """`fk`'s parents whose shared columns every later foreign key sharing them can match (an organization's
    room, where the organization has members) with a parent that a CHECK keeping two columns apart allows too
    (an instructor's organization has a member other than her to book as the student); all of them when none can."""
    ref_of = dict(zip(fk.columns, fk.ref_columns))
    viable = pool
    for other in later:
        other_pool = pools.get(other.name)
        if other_pool is None or other_pool.height == 0:
            continue
        shared = [c for c in fk.columns if c in other.columns]
        other_ref = dict(zip(other.columns, other.ref_columns))
        apart = [(mine, theirs) for mine in fk.columns if mine not in shared
                 for theirs in other.columns if theirs not in shared and frozenset((mine, theirs)) in unequal]
        keys = [ref_of[c] for c in shared]
        partners = other_pool.select([pl.col(other_ref[c]).cast(pl.String).alias(ref_of[c]) for c in shared]
                                     + [pl.col(other_ref[t]).cast(pl.String).alias(f"__apart{i}")
                                        for i, (_, t) in enumerate(apart)])
        viable = viable.with_columns([pl.col(c).cast(pl.String) for c in keys])
        if not apart:
            viable = viable.join(partners.select(keys).unique(), on=keys, how="semi", maintain_order="left")
            continue
        # a group of partners offers one that differs from the parent's value unless its only value is that one
        ids = range(len(apart))
        groups = partners.group_by(keys).agg([pl.col(f"__apart{i}").n_unique().alias(f"__n{i}") for i in ids]
                                             + [pl.col(f"__apart{i}").first() for i in ids])
        differs = pl.all_horizontal([(pl.col(f"__n{i}") > 1)
                                     | (pl.col(f"__apart{i}") != pl.col(ref_of[mine]).cast(pl.String))
                                     for i, (mine, _) in enumerate(apart)]).fill_null(False)
        viable = viable.filter(viable.join(groups, on=keys, how="left", maintain_order="left").select(differs).to_series())
    return viable if viable.height else pool


def _unequal_pairs(table: Table) -> set[frozenset[str]]:
    """Pairs of columns a CHECK keeps apart (`instructor_id <> student_id`)."""
    pairs = set()
    for check in table.checks:
        rule = parse_check(check.expression)
        for atom in rule[0] if rule is not None and len(rule) == 1 else ():
            if atom.op in {"<>", "!="} and isinstance(atom.value, ColumnRef):
                pairs.add(frozenset((atom.column, atom.value.name)))
    return pairs


def _matching_parents(fk: ForeignKey, pool: pl.DataFrame | None, columns: dict[str, pl.Series],
                      assigned: list[str], unequal: set[frozenset[str]] = frozenset()) -> dict[str, pl.Series]:
    """Values for a foreign key whose columns partly hold values already (`assigned`, from a foreign key sampled
    before it): each row takes a parent whose shared columns hold the row's values; the k-th row with the same
    assigned values the k-th such parent (an enrollment's progress rows go through its course's lessons in
    turn, so (lesson, user) stays unique), the next one where a CHECK keeps a column apart from an assigned one
    it would equal (a booking's student is not its instructor). A row that no parent matches gets NULLs, which
    the database names."""
    shared = [c for c in fk.columns if c in assigned]
    rest = [c for c in fk.columns if c not in assigned]
    if not rest:
        return {}
    n = len(columns[assigned[0]])
    if pool is None or pool.height == 0:
        return {c: pl.Series(c, [None] * n, dtype=pl.String) for c in rest}
    ref_of = dict(zip(fk.columns, fk.ref_columns))
    candidates = (pool.select([pl.col(ref_of[c]).cast(pl.String).alias(c) for c in fk.columns]).unique(maintain_order=True)
                  .with_columns(pl.int_range(pl.len()).over(shared).alias("__k")))
    counts = candidates.group_by(shared).agg(pl.len().alias("__n"))
    rows = pl.DataFrame({c: columns[c].cast(pl.String) for c in assigned}).with_row_index("__row")
    choices = candidates.select([*shared, "__k", *rest])
    picked = (rows.with_columns(pl.int_range(pl.len()).over(assigned).alias("__seq"))
              .join(counts, on=shared, how="left")
              .with_columns((pl.col("__seq") % pl.col("__n")).alias("__k"))
              .join(choices, on=[*shared, "__k"], how="left")
              .sort("__row"))
    apart = [(c, other) for c in rest for other in assigned if frozenset((c, other)) in unequal]
    if apart:
        # candidates are distinct within a group: the next one differs from the value the k-th one equals
        clash = pl.any_horizontal([pl.col(c) == pl.col(other) for c, other in apart]).fill_null(False)
        picked = (picked.with_columns(pl.when(clash & (pl.col("__n") > 1)).then((pl.col("__k") + 1) % pl.col("__n"))
                                      .otherwise(pl.col("__k")).alias("__k"))
                  .drop(rest).join(choices, on=[*shared, "__k"], how="left").sort("__row"))
    return {c: picked[c] for c in rest}


def _no_parent_rows(table: Table, plan: TablePlan, fk: ForeignKey) -> SupaseedError:
    """A NOT NULL foreign key whose parent has no rows to reference: say why the parent has none."""
    where = f"{table.qualified}.{', '.join(fk.columns)}: foreign key {fk.name} needs rows in {fk.ref_qualified}"
    skip = f"or skip {table.qualified} (tables.{table.qualified}.skip)"
    reason = plan.parent_skips.get(fk.name)
    if reason:
        # the plan leaves the parent out (an unloadable cycle, no key): that is the cause, not the schemas list
        return SupaseedError(f"{where}, which is left out of the seed and holds none: {reason}",
                             hint=f"fix {fk.ref_qualified} as its reason says, or give it rows, {skip}")
    return SupaseedError(f"{where}, which holds none and got none in this run",
                         hint=f"seed {fk.ref_qualified} in the same run (its schema in `schemas`, not skipped in "
                              f"`tables`) or give it rows, {skip}")


def _is_fk_column(table: Table, column: str) -> bool:
    return any(column in fk.columns for fk in table.foreign_keys)


def _junction_positions(table: Table, fk: ForeignKey, unique: list[str], index: np.ndarray,
                        pools: dict[str, pl.DataFrame], seed: int) -> np.ndarray:
    """Positions in `fk`'s pool such that the rows' parents, over the foreign keys that make up the unique set
    `unique` (a junction: post_hashtags, follows), are distinct tuples for as many rows as there are tuples.

    Row i's tuple is the i-th in mixed radix, the foreign keys in name order: the first one's position is
    i mod its pool's size; each next one's is its digit of i plus a multiple of the position before (so the
    first pool's rows do not all share one partner), which given that position is still one-to-one. A key
    whose pool is the one before's (a self many-to-many: follows, friendships) takes one of the other rows,
    never the same one: nobody follows themselves, and a `follower_id <> followee_id` CHECK holds."""
    local = _batch_positions(index)
    keys = sorted((f for f in table.foreign_keys if set(f.columns) <= set(unique) and f.name in pools),
                  key=lambda f: f.name)
    radix, before, before_pool, before_fk = 1, None, None, None
    for key in keys:
        pool = pools[key.name]
        size = max(pool.height, 1)
        same = (before_fk is not None and size > 1 and (key.ref_qualified, list(key.ref_columns)) ==
                (before_fk.ref_qualified, list(before_fk.ref_columns)) and pool.equals(before_pool))
        span = size - 1 if same else size
        digit = (local // radix) % span
        if before is None:
            position = digit
        else:
            digit = (digit + (rnd.salt(seed, table.qualified, key.name) % span) * before) % span
            position = (before + 1 + digit) % size if same else digit
        if key.name == fk.name:
            return position
        radix = min(radix * span, 1 << 62)   # beyond every row index: the later digits are 0
        before, before_pool, before_fk = position, pool, key
    return local % max(pools[fk.name].height, 1)


def _choose_branches(frame: pl.DataFrame, rule, pinned: dict[str, np.ndarray], start: np.ndarray,
                     table: Table | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the first branch (from a random start) that agrees with the values pinned in that row (by the
    caller, or by an earlier CHECK's branch), and the rows where none does (the chosen branch then overrides
    the pins). A branch on a column the frame does not write (the database's default fills it: a deal's stage
    'lead') holds only where that is a plain NULL."""
    # feasible: branches the frame can make true (a branch on a column the database fills cannot be, but for a
    # plain NULL); compatible: those that also agree with the pins. Where none is compatible, a feasible one beats
    # one on a defaulted column: closed_at IS NULL over state_id = 2 when state_id is left to its default 1
    feasible = np.ones((frame.height, len(rule)), dtype=bool)
    for number, conjunction in enumerate(rule):
        for atom in conjunction:
            if atom.column not in frame.columns:
                column = table.column(atom.column) if table is not None else None
                null_default = column is not None and not column.default and not column.generated and not column.identity
                if not (atom.op == "is null" and null_default):
                    feasible[:, number] = False
    compatible = feasible.copy()
    for number, conjunction in enumerate(rule):
        for atom in conjunction:
            if atom.column in pinned and atom.column in frame.columns:
                values = frame[atom.column]
                if atom.op == "is null":
                    holds = values.is_null().to_numpy()
                elif atom.op == "is not null":
                    holds = values.is_not_null().to_numpy()
                elif atom.op in ("=", "<>") and not isinstance(atom.value, ColumnRef):
                    equal = (values.cast(pl.String) == str(atom.value).lower()
                             if values.dtype == pl.Boolean else values == atom.value).fill_null(False).to_numpy()
                    holds = equal if atom.op == "=" else ~equal & values.is_not_null().to_numpy()
                else:
                    continue
                compatible[:, number] &= holds | ~pinned[atom.column]
    rows = np.arange(frame.height)
    choice = start.copy()
    for possible in (feasible, compatible):
        for offset in range(len(rule) - 1, -1, -1):
            candidate = (start + offset) % len(rule)
            choice = np.where(possible[rows, candidate], candidate, choice)
    return choice, ~compatible.any(axis=1)


def _apply_cross_column_rules(table: Table, frame: pl.DataFrame, index: np.ndarray, seed: int,
                              fixed: set[str] = frozenset()) -> pl.DataFrame:
    """Multi-branch CHECKs (pick a branch per row) and column-vs-column comparisons. A branch pins the columns
    it sets in its rows, so a later CHECK on the same columns picks a branch those values satisfy
    (`status <> 'cancelled' OR cancelled_at IS NOT NULL` with `status = 'cancelled' OR cancelled_at IS NULL`)."""
    pinned = {c: np.ones(frame.height, dtype=bool) for c in fixed}
    for check in table.checks:
        rule = parse_check(check.expression)
        if rule is None:
            continue
        if len(rule) > 1:
            branch, conflicted = _choose_branches(frame, rule, pinned, rnd.choose(index, rnd.salt(seed, table.qualified, check.name),
                                                                                  len(rule)), table)
            for number, conjunction in enumerate(rule):
                chosen = branch == number
                for atom in conjunction:
                    held = pinned.get(atom.column, np.zeros(frame.height, dtype=bool)) & ~conflicted
                    if (chosen & ~held).any():
                        frame = _force_atom(frame, atom, pl.Series(chosen & ~held), table)
                    pinned[atom.column] = held | chosen
        for atom in rule[0] if len(rule) == 1 else ():
            if isinstance(atom.value, ColumnRef) and atom.column in frame.columns and atom.value.name in frame.columns:
                frame = _force_atom(frame, atom, pl.Series([True] * frame.height, dtype=pl.Boolean), table)
    return frame


def _force_atom(frame: pl.DataFrame, atom: Atom, mask: pl.Series, table: Table | None = None) -> pl.DataFrame:
    if atom.column not in frame.columns:
        return frame
    current = pl.col(atom.column)
    dtype = frame.schema[atom.column]
    if atom.op == "is null":
        target = pl.lit(None, dtype=dtype)
    elif atom.op == "is not null":
        # generated values are present unless the column is nullable by choice: a missing one takes a
        # neighbouring row's (a value of the column's own kind)
        target = current.fill_null(strategy="forward").fill_null(strategy="backward")
    elif atom.op == "=" and not isinstance(atom.value, ColumnRef):
        target = pl.lit(atom.value).cast(dtype)
    elif atom.op == "<>" and not isinstance(atom.value, ColumnRef):
        # the value to avoid gives way to a neighbouring row's other value
        others = pl.when(current == pl.lit(atom.value).cast(dtype)).then(None).otherwise(current)
        target = others.fill_null(strategy="forward").fill_null(strategy="backward")
    elif isinstance(atom.value, ColumnRef) and atom.value.name in frame.columns:
        if atom.op in {">", ">=", "<", "<="}:
            return _order_pair(frame, atom, mask, table)
        if atom.op in {"<>", "!="}:
            return _differ_pair(frame, atom, mask, table)
        target = pl.col(atom.value.name) if atom.op == "=" else current
    elif atom.op == "in":
        target = pl.lit(atom.value[0]).cast(dtype)
    else:
        return frame
    return frame.with_columns(pl.when(pl.lit(mask)).then(target).otherwise(current).alias(atom.column))


def _differ_pair(frame: pl.DataFrame, atom: Atom, mask: pl.Series, table: Table | None = None,
                 reach: int = 16) -> pl.DataFrame:
    """`a <> b` between two columns: each row (of `mask`) whose two values are equal swaps its `a` with a nearby
    row's (of `mask` too) where both rows then differ. A swap keeps the column's values, so a unique or foreign
    key column stays valid; a row with no such partner within `reach` keeps its values (the database then names
    the CHECK)."""
    left, right = frame[atom.column], frame[atom.value.name]
    if left.dtype != right.dtype:
        left_text, right_text = left.cast(pl.String), right.cast(pl.String)
    else:
        left_text, right_text = left, right
    equal = ((left_text == right_text).fill_null(False) & mask).to_numpy()
    if not equal.any():
        return frame
    # the other columns of a composite foreign key through `a` (a tenant's org_id): a partner must hold the
    # same values there, or the swap would pair `a` with another tenant's row
    tied = sorted({c for fk in (table.foreign_keys if table is not None else []) if atom.column in fk.columns
                   for c in fk.columns if c != atom.column and c in frame.columns})
    group = frame.select(pl.concat_str([pl.col(c).cast(pl.String) for c in tied], separator="\x1f")).to_series().to_list() \
        if tied else None
    a, b, allowed = left_text.to_list(), right_text.to_list(), mask.to_numpy()
    order = np.arange(frame.height)
    n = frame.height
    for i in np.flatnonzero(equal):
        if a[i] != b[i]:
            continue   # already fixed by an earlier swap
        for step in range(1, min(reach, n - 1) + 1):
            j = (i + step) % n
            if allowed[j] and a[j] != b[i] and a[i] != b[j] and (group is None or group[i] == group[j]):
                a[i], a[j] = a[j], a[i]
                order[i], order[j] = order[j], order[i]
                break
    return frame.with_columns(left.gather(order).alias(atom.column))


_DAY_US = 86_400 * 1_000_000
_TIME_TEXT = r"^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(.*)$"
# PostgreSQL compares intervals with 30-day months and 360-day years
_INTERVAL_UNITS_US = {"microsecond": 1, "millisecond": 1_000, "second": 1_000_000, "minute": 60_000_000,
                      "hour": 3_600_000_000, "day": _DAY_US, "week": 7 * _DAY_US, "mon": 30 * _DAY_US,
                      "month": 30 * _DAY_US, "year": 360 * _DAY_US}
_INTERVAL_TOKEN = r"(-?\d+(?:\.\d+)?)\s*(microsecond|millisecond|second|minute|hour|day|week|month|mon|year)s?\b"


@dataclass
class _Ordinal:
    """A column as numbers ordered the way PostgreSQL orders its values, and the way back."""

    kind: str                      # number, date, timestamp, time, interval: only the same kinds compare
    values: pl.Series              # Int64 (Float64 for numbers)
    step: float                    # the smallest difference that makes `>` true
    back: object                   # callable: numbers -> values of the column's dtype
    low: float | None = None
    high: float | None = None


def _ordinal(values: pl.Series, column) -> _Ordinal | None:
    """Numbers, dates, timestamps, times and intervals, typed or as text; None for anything else."""
    base = column.base_type_name if column is not None else ""
    dtype = values.dtype
    text = dtype == pl.String
    if dtype == pl.Time or (text and base in {"time", "timetz"}):
        if not text:
            return _Ordinal("time", values.cast(pl.Int64) // 1_000, 1_000_000,
                            lambda us: (us * 1_000).cast(pl.Time), 0, _DAY_US - 1)
        parts = values.str.extract_groups(_TIME_TEXT)
        us = (parts.struct.field("1").cast(pl.Int64) * 3_600_000_000 + parts.struct.field("2").cast(pl.Int64) * 60_000_000
              + parts.struct.field("3").fill_null("0").cast(pl.Int64) * 1_000_000
              + parts.struct.field("4").fill_null("0").str.pad_end(6, "0").cast(pl.Int64))
        suffix = parts.struct.field("5").fill_null("")

        def back(us: pl.Series) -> pl.Series:
            seconds = us // 1_000_000
            clock = pl.select(pl.format("{}:{}:{}", (seconds // 3600).cast(pl.String).str.zfill(2),
                                        (seconds % 3600 // 60).cast(pl.String).str.zfill(2),
                                        (seconds % 60).cast(pl.String).str.zfill(2))).to_series()
            fraction = pl.select(pl.when(us % 1_000_000 == 0).then(pl.lit(""))
                                 .otherwise(pl.lit(".") + (us % 1_000_000).cast(pl.String).str.zfill(6))).to_series()
            return clock + fraction + suffix
        return _Ordinal("time", us, 1_000_000, back, 0, _DAY_US - 1)
    if dtype == pl.Date or (text and base == "date"):
        days = values.cast(pl.Int64) if not text else values.str.to_date(strict=False).cast(pl.Int64)
        return _Ordinal("date", days, 1, lambda d: d.cast(pl.Date) if not text else d.cast(pl.Date).cast(pl.String))
    if isinstance(dtype, pl.Datetime) or (text and base in {"timestamp", "timestamptz"}):
        if not text:
            return _Ordinal("timestamp", values.dt.cast_time_unit("us").cast(pl.Int64), 1_000_000,
                            lambda us: us.cast(pl.Datetime("us", dtype.time_zone)).dt.cast_time_unit(dtype.time_unit))
        parsed = values.str.to_datetime(time_unit="us", strict=False)
        aware = getattr(parsed.dtype, "time_zone", None) is not None
        stamps = parsed.dt.convert_time_zone("UTC") if aware else parsed
        return _Ordinal("timestamp", stamps.cast(pl.Int64), 1_000_000,
                        lambda us: us.cast(pl.Datetime("us")).dt.strftime("%Y-%m-%d %H:%M:%S%.6f" + ("+00" if aware else "")))
    if isinstance(dtype, pl.Duration) or (text and base == "interval"):
        if not text:
            return _Ordinal("interval", values.dt.cast_time_unit("us").cast(pl.Int64), 1_000_000,
                            lambda us: us.cast(pl.Duration("us")).dt.cast_time_unit(dtype.time_unit))
        return _Ordinal("interval", _interval_us(values), 1_000_000, _interval_text)
    if dtype.is_numeric() or (text and base in {"int2", "int4", "int8", "numeric", "float4", "float8"}):
        scale = column.numeric_scale if column is not None and base == "numeric" and column.numeric_scale else 0
        integer = base in {"int2", "int4", "int8"} or dtype.is_integer()
        step = 1 if integer or base != "numeric" else 10 ** -scale

        def back_number(x: pl.Series) -> pl.Series:
            x = x.round(0).cast(pl.Int64) if integer else x.round(scale) if base == "numeric" else x
            return x.cast(pl.String) if text else x.cast(dtype)
        return _Ordinal("number", values.cast(pl.Float64, strict=False), step, back_number)
    return None


def _interval_us(values: pl.Series) -> pl.Series:
    """Microseconds of interval texts such as '90 minutes', '1 mon 2 days 03:00:00' (30-day months)."""
    tokens = values.str.extract_all(_INTERVAL_TOKEN)
    totals = []
    for items, text in zip(tokens.to_list(), values.to_list()):
        if text is None:
            totals.append(None)
            continue
        total = 0.0
        for item in items or []:
            number, unit = re.match(_INTERVAL_TOKEN, item).groups()
            total += float(number) * _INTERVAL_UNITS_US[unit]
        clock = re.search(r"(-?)(\d+):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*$", text)
        if clock:
            sign = -1 if clock.group(1) else 1
            total += sign * (int(clock.group(2)) * 3_600_000_000 + int(clock.group(3)) * 60_000_000
                             + int(clock.group(4) or 0) * 1_000_000 + int((clock.group(5) or "0").ljust(6, "0")[:6]))
        totals.append(int(total) if items or clock else None)
    return pl.Series(totals, dtype=pl.Int64)


def _interval_text(us: pl.Series) -> pl.Series:
    """An interval in the largest unit that divides it: '3 days', '90 minutes'."""
    out = []
    for value in us.to_list():
        if value is None:
            out.append(None)
            continue
        unit = next(u for u in ("week", "day", "hour", "minute", "second", "microsecond")
                    if value % _INTERVAL_UNITS_US[u] == 0)
        count = value // _INTERVAL_UNITS_US[unit]
        out.append(f"{count} {unit}{'' if abs(count) == 1 else 's'}")
    return pl.Series(out, dtype=pl.String)


def _order_pair(frame: pl.DataFrame, atom: Atom, mask: pl.Series, table: Table | None) -> pl.DataFrame:
    """Make `column op other` (>, >=, <, <=) true on the masked rows for numbers, dates, timestamps, times and
    intervals: the column moves past the other one by the smallest step, or, where the type ends first (a
    time just before midnight), both move. Rows that already hold are left exactly as they were."""
    name, other_name = atom.column, atom.value.name
    mine = _ordinal(frame[name], table.column(name) if table else None)
    theirs = _ordinal(frame[other_name], table.column(other_name) if table else None)
    if mine is None or theirs is None or mine.kind != theirs.kind:
        return frame
    a, b = mine.values, theirs.values
    strict = atom.op in {">", "<"}
    # a NULL passes a CHECK: closed_at IS NULL stays NULL (another CHECK may need it so: closed only when closed)
    if atom.op in {">", ">="}:
        need = b + (mine.step if strict else 0)
        wrong = a < need
        limit = mine.high
        over = need > limit if limit is not None else pl.Series([False] * len(a))
    else:
        need = b - (mine.step if strict else 0)
        wrong = a > need
        limit = mine.low
        over = need < limit if limit is not None else pl.Series([False] * len(a))
    # an all-NULL column compares to a Null-typed series: cast before combining
    fix = (mask.cast(pl.Boolean).fill_null(False) & wrong.cast(pl.Boolean).fill_null(False) & b.is_not_null())
    over = (fix & over.cast(pl.Boolean)).fill_null(False)
    target = pl.select(pl.when(over).then(pl.lit(limit)).otherwise(need)).to_series()
    updates = [pl.when(fix).then(mine.back(target.cast(a.dtype))).otherwise(frame[name]).alias(name)]
    if over.any():
        shifted = pl.Series([limit], dtype=b.dtype) - (mine.step if strict else 0) * (1 if atom.op in {">", ">="} else -1)
        moved = theirs.back(pl.select(pl.when(over).then(shifted.item()).otherwise(b)).to_series().cast(b.dtype))
        updates.append(pl.when(over).then(moved).otherwise(frame[other_name]).alias(other_name))
    return frame.with_columns(updates)


def _self_hierarchy(table: Table, frame: pl.DataFrame, fk: ForeignKey, index: np.ndarray, seed: int) -> pl.DataFrame:
    """Each row reports to an earlier row of the same partition; the first rows are roots."""
    n = frame.height
    local = np.arange(n)
    u = rnd.uniform(index, rnd.salt(seed, table.qualified, fk.name, "parent"))
    parent = np.floor(u * local).astype(np.int64)
    nullable = all(not table.column(c).not_null for c in fk.columns)
    roots = local < max(1, n // 10)
    updates = {}
    for col, ref in zip(fk.columns, fk.ref_columns):
        values = frame[ref].gather(np.where(roots, local, parent))
        if nullable:
            values = pl.select(pl.when(pl.Series(roots)).then(None).otherwise(values)).to_series()
        updates[col] = values.cast(frame.schema[ref]) if col in frame.columns else values
    return frame.with_columns([v.alias(c) for c, v in updates.items()])
