"""Stage 2: the constraint graph — load order, cycles and how each is broken, rules per table."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from supaseed_pipeline.plan.checks import ColumnRef, parse_check
from supaseed_pipeline.snapshot.models import ForeignKey, SchemaSnapshot, Table

_NEXTVAL = re.compile(r"^nextval\(", re.IGNORECASE)
_CONSTANT_DEFAULT = re.compile(r"^(true|false|'[^']*'(::[\w .\[\]\"]+)?|-?\d+(\.\d+)?(::[\w .]+)?|\(-?\d+\)(::[\w .]+)?|NULL(::[\w .]+)?)$", re.IGNORECASE)


class CycleBreak(BaseModel):
    tables: list[str]
    strategy: Literal["nullable_update", "deferred", "single_statement", "unsupported"]
    constraints: list[str]
    columns: list[str]
    detail: str


class TriggerEffect(BaseModel):
    source: str        # table the trigger fires on
    target: str        # table its function inserts into
    trigger: str
    timing: str


class TablePlan(BaseModel):
    table: str
    write_columns: list[str]               # columns supaseed writes
    db_columns: list[str]                  # left to the database (identity, serial, generated, constant defaults)
    key_columns: list[str]                 # primary key (or first NOT NULL unique) used by the ledger
    keys_generated: bool                   # every key column is written by us (known before loading)
    foreign_keys: list[str]                # FK names whose values are sampled from parents
    deferred_update_fks: list[str] = Field(default_factory=list)   # loaded NULL, filled by UPDATE
    deferred_fks: list[str] = Field(default_factory=list)          # checked at commit
    self_fks: list[str] = Field(default_factory=list)
    unique_sets: list[list[str]] = Field(default_factory=list)     # column sets that must be unique
    parsed_checks: list[str] = Field(default_factory=list)
    unparsed_checks: list[str] = Field(default_factory=list)       # honoured by filtering in the database
    false_flags: list[str] = Field(default_factory=list)           # the flag of a partial unique (WHERE is_default): false
    # a BEFORE INSERT row trigger or an INSERT rule may change what is stored: load with INSERT ...
    # RETURNING and record the stored keys, never the frame's (COPY would also bypass the rules)
    rewritten_on_insert: bool = False
    rule_targets: list[str] = Field(default_factory=list)          # tables INSERT rules write to
    # serial / identity keys of a NOT NULL one-statement cycle: taken from their sequences before loading
    # and written explicitly (identity ALWAYS with OVERRIDING SYSTEM VALUE), so the cycle can reference them
    reserved_keys: list[str] = Field(default_factory=list)
    skip_reason: str | None = None
    parent_skips: dict[str, str] = Field(default_factory=dict)     # FK name -> why its parent is never seeded


class ConstraintGraph(BaseModel):
    fingerprint: str                       # of the snapshot it was built from
    load_order: list[str]
    batches: list[list[str]]               # tables of one batch do not depend on each other
    cycles: list[CycleBreak] = Field(default_factory=list)
    trigger_effects: list[TriggerEffect] = Field(default_factory=list)
    tables: dict[str, TablePlan]

    @property
    def skipped(self) -> dict[str, str]:
        return {name: plan.skip_reason for name, plan in self.tables.items() if plan.skip_reason}

    def parents(self, table: str, snapshot: SchemaSnapshot) -> list[str]:
        found = snapshot.table(table)
        return sorted({fk.ref_qualified for fk in found.foreign_keys}) if found else []


def db_assigned(column) -> bool:
    """Columns whose value the database must produce (or that we never write)."""
    # a sequence anywhere in the default ('AW' || lpad(nextval('seq')::text, 8, '0')): the database's numbering
    return bool(column.generated or column.identity or (column.default and "nextval(" in column.default.lower()))


def constant_default(column) -> bool:
    return bool(column.default and _CONSTANT_DEFAULT.match(column.default.strip()))


def _key_columns(table: Table) -> list[str]:
    """The columns that tell a row apart: the primary key, else a unique constraint, else a plain unique index
    (what Prisma writes for @@unique and its implicit many-to-many tables: "_PostToTag" ("A", "B")), over
    NOT NULL columns."""
    if table.primary_key:
        return list(table.primary_key.columns)
    plain_indexes = [index.columns for index in table.unique_indexes if not index.predicate and all(index.columns)]
    candidates = [list(columns) for columns in [*[u.columns for u in table.unique_constraints], *plain_indexes]
                  if all(table.column(c) and table.column(c).not_null for c in columns)]
    return candidates[0] if candidates else []


def _fk_nullable(table: Table, fk: ForeignKey) -> bool:
    return all(not table.column(c).not_null for c in fk.columns)


def _strongly_connected(nodes: list[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components come out children-first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(sorted(component))
    return result


def build_constraint_graph(snapshot: SchemaSnapshot, tables: list[str] | None = None) -> ConstraintGraph:
    """Plan how to load the given tables (default: every table) so every constraint holds."""
    selected = [t for t in snapshot.tables if tables is None or t.qualified in tables]
    names = {t.qualified for t in selected}
    plans = {t.qualified: _table_plan(t) for t in selected}

    # edges child -> parent, among selected tables, self references excluded
    edges: dict[str, set[str]] = {n: set() for n in names}
    fk_of: dict[tuple[str, str], list[ForeignKey]] = {}
    for table in selected:
        for fk in table.foreign_keys:
            if fk.ref_qualified == table.qualified:
                plans[table.qualified].self_fks.append(fk.name)
            elif fk.ref_qualified in names:
                edges[table.qualified].add(fk.ref_qualified)
                fk_of.setdefault((table.qualified, fk.ref_qualified), []).append(fk)

    cycles: list[CycleBreak] = []
    for component in _strongly_connected(sorted(names), edges):
        if len(component) > 1:
            cycles.append(_break_cycle(component, snapshot, edges, fk_of, plans))
    _add_trigger_lookups(selected, names, edges)

    order = _topological(sorted(names), edges)
    batches = _batches(order, edges)
    effects = [
        TriggerEffect(source=t.qualified, target=target, trigger=trig.name, timing=trig.timing)
        for t in selected for trig in t.triggers
        if trig.enabled and "INSERT" in trig.events and trig.for_each_row
        for target in trig.inserts_into if target != t.qualified
    ]
    for table in selected:
        plan = plans[table.qualified]
        if not plan.key_columns and not plan.skip_reason:
            plan.skip_reason = (f"{table.qualified} has no primary key or NOT NULL unique key, so seeded rows could not be "
                                f"told apart for cleanup — add a primary key, or leave it out (tables.{table.qualified}.skip)")
    for table in selected:
        # a child of a table the plan leaves out says so, instead of "the parent has no rows"
        for fk in table.foreign_keys:
            parent = plans.get(fk.ref_qualified)
            if parent is not None and parent.skip_reason and fk.ref_qualified != table.qualified:
                plans[table.qualified].parent_skips[fk.name] = parent.skip_reason
    return ConstraintGraph(fingerprint=snapshot.fingerprint, load_order=order, batches=batches, cycles=cycles,
                           trigger_effects=effects, tables=plans)


def _add_trigger_lookups(selected: list[Table], names: set[str], edges: dict[str, set[str]]) -> None:
    """A table whose BEFORE INSERT trigger looks its row up in another (a member of the channel) loads after
    that table, unless the other depends on it (then the trigger's rows are left out, with its message)."""
    from supaseed_pipeline.plan.trigger_rules import analyse

    for table in selected:
        rules = analyse(table)
        for rule in [*rules.pairs, *rules.budgets]:
            if rule.table in names and rule.table != table.qualified and not _reaches(edges, rule.table, table.qualified):
                edges[table.qualified].add(rule.table)


def _reaches(edges: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, work = set(), [start]
    while work:
        node = work.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            work.extend(edges.get(node, ()))
    return False


def _table_plan(table: Table) -> TablePlan:
    fk_columns = {c for fk in table.foreign_keys for c in fk.columns}
    # a column a CHECK orders against another one (posts_count <= highest_post_number DEFAULT 0) is written with
    # it: left to its default, the pair could not be made to agree
    compared = {name for check in table.checks for conjunction in parse_check(check.expression) or []
                for atom in conjunction if isinstance(atom.value, ColumnRef) and atom.op in {"<", "<=", ">", ">="}
                for name in (atom.column, atom.value.name)}
    # a flag with details (completed -> completed_at, done -> done_at) is written with them: left to its default
    # (false), every row would be not done yet done at some time
    flagged = _flags_with_details(table)
    write, leave = [], []
    for column in table.columns:
        if db_assigned(column) or (constant_default(column) and column.name not in fk_columns
                                   and column.name not in compared and column.name not in flagged
                                   and _leave_constant_default(column)):
            leave.append(column.name)
        else:
            write.append(column.name)
    keys = _key_columns(table)
    parsed, unparsed = [], []
    for check in table.checks:
        (parsed if parse_check(check.expression) is not None else unparsed).append(check.name)
    unique_sets = [list(u.columns) for u in table.unique_constraints]
    if table.primary_key:
        unique_sets.insert(0, list(table.primary_key.columns))
    false_flags = []
    for index in table.unique_indexes:
        flag = _flag_predicate(table, index.predicate)
        if flag and flag in write:
            # one row per key may have the flag (one default project per workspace: WHERE is_default): the
            # seeded rows leave it false, so the index holds whatever the rows' keys are
            false_flags.append(flag)
            continue
        # plain key columns, and the columns inside the expression keys ((company_id, lower(title)): both)
        expressions = [e for c, e in zip(index.columns, index.expressions) if not c]
        referenced = list(dict.fromkeys([c for c in index.columns if c] + _columns_in_expressions(table, expressions)))
        if referenced:
            unique_sets.append(referenced)
    return TablePlan(
        table=table.qualified, write_columns=write, db_columns=leave, key_columns=keys,
        keys_generated=bool(keys) and all(k in write for k in keys),
        foreign_keys=[fk.name for fk in table.foreign_keys], unique_sets=unique_sets,
        parsed_checks=parsed, unparsed_checks=unparsed, false_flags=sorted(set(false_flags)),
        rewritten_on_insert=any(t.enabled and t.timing == "BEFORE" and t.for_each_row and "INSERT" in t.events
                                for t in table.triggers) or any(r.event == "INSERT" for r in table.rules),
        rule_targets=sorted({target for r in table.rules if r.event == "INSERT" for target in r.inserts_into
                             if target != table.qualified}),
    )


def _flag_predicate(table, predicate: str | None) -> str | None:
    """The boolean column of a partial index's predicate `WHERE flag` (or `flag = true`, `flag IS TRUE`)."""
    found = re.fullmatch(r'\(*\s*"?(\w+)"?\s*(?:=\s*true|is\s+true)?\s*\)*', predicate or "", re.IGNORECASE)
    column = table.column(found.group(1)) if found else None
    return column.name if column is not None and column.base_type_name == "bool" and not column.is_array else None


def _flags_with_details(table: Table) -> set[str]:
    """The boolean columns whose details (relations.flag_details) the generator fills in: they say when those apply."""
    from supaseed_pipeline.generate.columns import semantic_kind
    from supaseed_pipeline.generate.relations import flag_details

    names = [c.name for c in table.columns]
    # details that stay NULL anyway (archived_at, deleted_at: null_if_possible) need no flag to agree with
    nullable = lambda name: (not table.column(name).not_null and not db_assigned(table.column(name))   # noqa: E731
                             and semantic_kind(name) != "null_if_possible")
    return {c.name for c in table.columns if c.base_type_name == "bool" and not c.is_array
            and flag_details(c.name, names, nullable)}


def _leave_constant_default(column) -> bool:
    """Constant defaults we keep: empty documents, flags and counters that a fresh row really starts with.

    Enum columns are not among them: a status or plan tier defaults to its first state, but real rows
    are spread over the labels.
    """
    from supaseed_pipeline.generate.columns import semantic_kind

    if column.enum_labels:
        return False
    return column.base_type_name in {"json", "jsonb"} or semantic_kind(column.name) in {
        None, "json_object", "null_if_possible", "version"}


def _columns_in_expressions(table: Table, expressions: list[str]) -> list[str]:
    found = []
    for expression in expressions:
        for token in re.findall(r'"([^"]+)"|([A-Za-z_][A-Za-z0-9_]*)', expression):
            name = token[0] or token[1]
            if table.column(name) and name not in found:
                found.append(name)
    return found


def _break_cycle(component, snapshot, edges, fk_of, plans) -> CycleBreak:
    """Cut nullable FKs first, then defer deferrable ones, else load in one statement, else report."""
    inner = [(child, parent, fk) for (child, parent), fks in fk_of.items()
             if child in component and parent in component for fk in fks]
    nullable = [(child, parent, fk) for child, parent, fk in inner if _fk_nullable(snapshot.table(child), fk)]
    rest = [edge for edge in inner if edge not in nullable]
    for child, parent, fk in nullable:
        plans[child].deferred_update_fks.append(fk.name)
    if not _has_cycle(component, {(c, p) for c, p, _ in rest}):
        _drop_edges(edges, nullable)
        return CycleBreak(tables=component, strategy="nullable_update", constraints=[fk.name for *_, fk in nullable],
                          columns=[f"{c}.{col}" for c, _, fk in nullable for col in fk.columns],
                          detail="nullable foreign keys are loaded as NULL and filled by an UPDATE in the same transaction")
    names = [fk.name for *_, fk in rest]
    columns = [f"{c}.{col}" for c, _, fk in rest for col in fk.columns]
    strategy, detail = None, ""
    needed = {t: _cycle_key_columns(t, plans[t], rest) for t in component}
    reservable = {t: [c for c in needed[t] if c not in plans[t].write_columns] for t in component}
    if all(fk.deferrable for *_, fk in rest):
        strategy, detail = "deferred", "deferrable foreign keys are checked at commit; the cycle loads in one transaction"
    elif all(writable_sequence_keys(snapshot.table(t), reservable[t]) for t in component):
        strategy, detail = "single_statement", ("NOT NULL, non-deferrable cycle: its tables are inserted by one "
                                                "statement (writable CTEs), so the keys are checked once all rows exist")
        taken = [f"{t}.{c}" for t in component for c in reservable[t]]
        if taken:
            detail += (f"; the serial/identity keys {', '.join(taken)} are taken from their sequences first and "
                       f"written explicitly")
        for table in component:
            plan = plans[table]
            plan.reserved_keys = reservable[table]
            plan.write_columns += [c for c in reservable[table] if c not in plan.write_columns]
            plan.db_columns = [c for c in plan.db_columns if c not in reservable[table]]
            plan.keys_generated = bool(plan.key_columns) and all(k in plan.write_columns for k in plan.key_columns)
    if strategy:
        for child, _, fk in rest:
            plans[child].deferred_fks.append(fk.name)
        _drop_edges(edges, inner)
        if strategy == "single_statement":
            # the cycle loads as one unit at its first table's turn: every table's outside parents go before it
            outside = set().union(*(edges[t] for t in component)) - set(component)
            for table in component:
                edges[table] |= outside
        return CycleBreak(tables=component, strategy=strategy, constraints=names, columns=columns, detail=detail)
    for child, _, fk in nullable:
        plans[child].deferred_update_fks.remove(fk.name)
    blocked = [f"{t}.{c}" for t in component for c in reservable[t] if not writable_sequence_keys(snapshot.table(t), [c])]
    reason = (f"foreign-key cycle {' -> '.join(component + component[:1])} through NOT NULL, non-deferrable "
              f"{', '.join(columns)} cannot be loaded because its key {', '.join(blocked)} cannot be written before "
              f"the rows exist (a generated column, or assigned without a sequence); make one of {', '.join(names)} "
              f"DEFERRABLE or nullable, or skip one of these tables")
    for table in component:
        plans[table].skip_reason = reason
    _drop_edges(edges, inner)
    return CycleBreak(tables=component, strategy="unsupported", constraints=names, columns=columns, detail=reason)


def _cycle_key_columns(table: str, plan: TablePlan, edges) -> list[str]:
    """Columns of a cycle table that must be known before loading: its key (recorded for cleanup) and the
    columns the cycle's foreign keys reference in it."""
    columns = list(plan.key_columns)
    for _, parent, fk in edges:
        if parent == table:
            columns += [c for c in fk.ref_columns if c not in columns]
    return columns


def writable_sequence_keys(table: Table, columns: list[str]) -> bool:
    """Serial and identity columns accept explicit values (identity ALWAYS with OVERRIDING SYSTEM VALUE);
    generated columns never do."""
    for name in columns:
        column = table.column(name)
        if column is None or column.generated or column.base_type_name not in {"int2", "int4", "int8"}:
            return False
        if not (column.identity or (column.default and _NEXTVAL.match(column.default))):
            return False
    return True


def _drop_edges(edges: dict[str, set[str]], fk_edges) -> None:
    for child, parent, _ in fk_edges:
        edges[child].discard(parent)


def _has_cycle(nodes: list[str], pairs: set[tuple[str, str]]) -> bool:
    graph = {n: {p for c, p in pairs if c == n} for n in nodes}
    return any(len(c) > 1 for c in _strongly_connected(nodes, graph))


def _topological(nodes: list[str], edges: dict[str, set[str]]) -> list[str]:
    """Parents before children; ties broken by name for a stable plan."""
    remaining = {n: {p for p in edges.get(n, ()) if p in edges and p != n} for n in nodes}
    order: list[str] = []
    while remaining:
        ready = sorted(n for n, parents in remaining.items() if not parents)
        if not ready:  # only possible inside cycles that were reported; load them by name
            ready = [sorted(remaining)[0]]
        for node in ready:
            order.append(node)
            remaining.pop(node)
        for parents in remaining.values():
            parents.difference_update(ready)
    return order


def _batches(order: list[str], edges: dict[str, set[str]]) -> list[list[str]]:
    depth: dict[str, int] = {}
    for node in order:
        depth[node] = 1 + max((depth.get(p, 0) for p in edges.get(node, ()) if p in depth), default=-1)
    grouped: dict[int, list[str]] = {}
    for node in order:
        grouped.setdefault(depth[node], []).append(node)
    return [grouped[d] for d in sorted(grouped)]
