"""Stages 4-7 as plain functions: plan the partitions, then generate and load one partition per transaction.

A partition is a bounded batch of users together with everything that hangs off them (accounts,
memberships, setups, gear items, any other table with a foreign-key path to users). The `base`
partition holds reference tables that do not depend on users. Each partition is self-contained:
its rows reference only rows of the same partition, of `base`, or rows that existed before.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import time
from dataclasses import dataclass, field

import polars as pl
import psycopg
from psycopg import sql

from supaseed_pipeline.errors import SupaseedError
from supaseed_pipeline.generate.columns import UnsupportedColumn
from supaseed_pipeline.generate.frames import shared_parents
from supaseed_pipeline.plan import allocation
from supaseed_pipeline.plan.allocation import BASE, Partition
from supaseed_pipeline.plan.framework_tables import framework_table
from supaseed_pipeline.plan.graph import ConstraintGraph
from supaseed_pipeline.plan.mapping import TableMapping
from supaseed_pipeline.seed import ledger as ledger_mod
from supaseed_pipeline.seed import load, locking
from supaseed_pipeline.seed.loader import DatabaseLoader, DryRunLoader
from supaseed_pipeline.seed.planner import PartitionPlanner
from supaseed_pipeline.transient import is_transient
from supaseed_pipeline.settings import SeedSettings
from supaseed_pipeline.snapshot.models import SchemaSnapshot

_NO_PLAN = type("NoPlan", (), {"deferred_fks": ()})()
AUTH_SEEDED = {"auth.users", "auth.identities"}


@dataclass
class PartitionResult:
    key: str
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    replaced: dict[str, int] = field(default_factory=dict)
    preview: dict[str, pl.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    left_out: dict[str, str] = field(default_factory=dict)   # table -> why it was left out of the run
    by_triggers: dict[str, int] = field(default_factory=dict)   # of `rows`: those AFTER triggers made

    @property
    def total(self) -> int:
        return sum(self.rows.values())


class SeedEngine:
    """Everything needed to seed one target: snapshot, graph, mapping, settings and the content domain."""

    def __init__(self, snapshot: SchemaSnapshot, graph: ConstraintGraph, mapping: TableMapping,
                 settings: SeedSettings, domain):
        self.snapshot, self.graph, self.mapping, self.settings, self.domain = snapshot, graph, mapping, settings, domain
        self.seed = settings.seed
        self.skipped: dict[str, str] = dict(graph.skipped)
        self.seedable = self._seedable_tables()
        self.user_scoped = self._user_scoped()
        self.reference = [t for t in graph.load_order if t in self.seedable and t not in self.user_scoped
                          and t != mapping.user_table]
        self._pool_cache: dict[tuple[str, tuple[str, ...]], pl.DataFrame] = {}
        self.existing_owners: pl.DataFrame | None = None
        self.had_rows: dict[str, bool] = {}       # table -> rows when first planned (planner._clear_of_existing)
        self.left_out: dict[str, LeftOut] = {}   # tables the database refused, and those that need them
        # table -> its (direct, via, parent's) FK triples (frames.shared_parents), and what each middle parent
        # must keep of its own FK columns for them
        self.shared_parents = {t.qualified: shared_parents(snapshot, t) for t in snapshot.tables}
        self.owner_columns: dict[str, list[str]] = {}
        for triples in self.shared_parents.values():
            for _direct, via, theirs in triples:
                kept = self.owner_columns.setdefault(via.ref_qualified, [])
                kept += [c for c in theirs.columns if c not in kept]

    # ------------------------------------------------------------------ planning

    def _seedable_tables(self) -> set[str]:
        selected = set(self.settings.schemas)
        optional_off = self.settings.schema_.left_out_tables()
        tables = set()
        for table in self.snapshot.tables:
            name = table.qualified
            config = self.settings.tables.get(name) or self.settings.tables.get(table.name)
            if table.partition_of:
                continue  # rows go through the partitioned parent
            if config and config.skip:
                self.skipped[name] = "skipped in config"
                continue
            machinery = framework_table(table)
            if machinery and not (config and config.count):
                self.skipped[name] = f"{name} is {machinery}, so none are added (tables.{name}.count seeds it anyway)"
                continue
            if table.name in optional_off:   # the old tool's optionalTables: its tables, when present
                self.skipped[name] = optional_off[table.name]
                continue
            if name in self.graph.skipped:
                continue
            if table.schema_name in selected or name in self.mapping.role_tables() or name in AUTH_SEEDED & {
                    self.mapping.user_table, self.mapping.identities_table}:
                if table.schema_name == "auth" and name not in AUTH_SEEDED:
                    continue
                tables.add(name)
        return tables

    def reuses_existing_rows(self, name: str) -> bool:
        """A reference table that already holds rows gets none added when it is a lookup (roles, setup types,
        countries): its rows are sampled as they are. A table that points at what grows with the users (the
        users, their accounts, rows their triggers make) is the app's own data even with a few rows in it
        (basejump's projects: one existing project used to get every seeded task and no company)."""
        growing = self.user_scoped | {self.mapping.user_table, self.mapping.account_table} \
            | {e.target for e in self.graph.trigger_effects} | self.tenants
        table = self.snapshot.table(name)
        if table is None:
            return True
        if name in self.tenants:
            return False
        return not any(fk.ref_qualified in growing and fk.ref_qualified != name for fk in table.foreign_keys)

    @functools.cached_property
    def tenants(self) -> set[str]:
        return {t.qualified for t in self.snapshot.tables if t.qualified in self.seedable and self._is_tenant(t)}

    def _is_tenant(self, table) -> bool:
        """An organization, team or workspace: the users join it through a membership table (a table with
        foreign keys to it and to the users) and at least two tables of the users' data point at it. It grows
        with the users even when it holds a row already (the developer's own organization), where a lookup
        (roles: a text key, referenced by a user-role junction and a permission table) is sampled as it is."""
        users = self.mapping.user_table
        key = table.primary_key.columns if table.primary_key else []
        if not users or not key or any(table.column(c).base_type_name in {"text", "varchar", "bpchar"} for c in key):
            return False
        referencing = [t for t in self.snapshot.tables if t.qualified != table.qualified
                       and any(fk.ref_qualified == table.qualified for fk in t.foreign_keys)]
        membership = any(any(fk.ref_qualified == users for fk in t.foreign_keys) for t in referencing)
        return membership and sum(t.qualified in self.user_scoped for t in referencing) >= 2

    def _user_scoped(self) -> set[str]:
        root = self.mapping.user_table
        if not root or root not in self.seedable:
            return set()
        scoped = {root}
        changed = True
        while changed:
            changed = False
            for table in self.snapshot.tables:
                if table.qualified in scoped or table.qualified not in self.seedable:
                    continue
                plan = self.graph.tables.get(table.qualified)
                parents = {fk.ref_qualified for fk in table.foreign_keys
                           if plan and fk.name not in plan.deferred_update_fks}
                triggered = any(table.qualified == e.target and e.source in scoped for e in self.graph.trigger_effects)
                if parents & scoped or triggered:
                    scoped.add(table.qualified)
                    changed = True
        return scoped

    def owner_total(self, conn: psycopg.Connection | None = None) -> int:
        strategy = self.settings.user_strategy
        new = self.settings.user_count if strategy == "create-new" else (
            self.settings.additional_users.count if strategy == "hybrid" else 0)
        existing = 0
        if strategy in {"use-existing", "hybrid"} and (conn is not None or self.existing_owners is not None):
            # the owners read when the partitions were planned (cached): counts shared over every owner
            existing = self.load_existing_owners(conn).height
        return new + existing

    def partitions(self, conn: psycopg.Connection | None = None) -> list[Partition]:
        """`base` first, then user batches of `batchSize` owners."""
        return allocation.partitions(self.owner_total(conn), self.settings.batch_size)

    def partition_keys(self, conn: psycopg.Connection | None = None) -> list[str]:
        return [p.key for p in self.partitions(conn)]

    def load_existing_owners(self, conn: psycopg.Connection) -> pl.DataFrame:
        """Existing users (use-existing / hybrid), filtered as configured, in a stable order."""
        if self.existing_owners is not None:
            return self.existing_owners
        if conn is None:   # planning from a snapshot alone: no users exist
            self.existing_owners = pl.DataFrame(schema={"user_id": pl.String, "account_id": pl.String})
            return self.existing_owners
        config = self.settings.existing_users
        table = config.table or self.mapping.account_table or self.mapping.user_table
        found = self.snapshot.table(table) if table and "." in table else None
        if found is None and table:
            from supaseed_pipeline.plan.mapping import _qualify
            qualified = _qualify(table, self.snapshot, self.settings.schemas)
            found = self.snapshot.table(qualified) if qualified else None
        if found is None:
            raise SupaseedError(f"existingUsers.table: table '{table}' does not exist in the target",
                                hint="name the table that holds the users to reuse")
        user_column = self.mapping.account_user_field if found.qualified == self.mapping.account_table else "id"
        for column in config.filter:
            if not found.column(column):
                raise SupaseedError(f"existingUsers.filter: column '{column}' does not exist in {found.qualified}",
                                    hint=f"columns: {', '.join(c.name for c in found.columns)}")
        conditions = [sql.SQL("{}::text IS NOT DISTINCT FROM %s").format(sql.Identifier(c)) for c in config.filter]
        where = sql.SQL(" WHERE ") + sql.SQL(" AND ").join(conditions) if conditions else sql.SQL("")
        account_id = "id" if found.column("id") else user_column
        params = [None if v is None else (str(v).lower() if isinstance(v, bool) else str(v)) for v in config.filter.values()]
        params = ["true" if p == "true" else "false" if p == "false" else p for p in params]
        seeded = self._seeded_keys(conn, found.qualified)
        rows = conn.execute(sql.SQL("SELECT {}::text, {}::text FROM {}{} ORDER BY 1, 2").format(
            sql.Identifier(user_column), sql.Identifier(account_id), load.ident(found.qualified), where), params).fetchall()
        frame = pl.DataFrame(rows, schema={"user_id": pl.String, "account_id": pl.String}, orient="row")
        if seeded:
            frame = frame.filter(~pl.col("account_id").is_in(seeded))
        self.existing_owners = frame
        return frame

    def _seeded_keys(self, conn: psycopg.Connection, table: str) -> list[str]:
        if not ledger_mod.ledger_exists(conn):
            return []
        rows = conn.execute(ledger_mod.sql_text(f"SELECT unnest({ledger_mod.recorded_keys(conn)}) FROM supaseed.seeded_keys "
                                                 "WHERE table_name = %s"),
                            (table,)).fetchall()
        return [r[0] for r in rows]

    def expected_rows(self, conn: psycopg.Connection, partitions: list[Partition]) -> dict[str, int | None]:
        """Rows each seeded table should get for these partitions, from the settings alone (progress bars;
        None where the domain decides). `dry_run` gives the exact figures."""
        settings, mapping = self.settings, self.mapping
        reader = DatabaseLoader(conn)
        owners = sum(p.owner_count for p in partitions if p.key != BASE)
        with_base = any(p.key == BASE for p in partitions)
        teams = settings.tenants.count if mapping.has_team_accounts and owners else 0
        expected: dict[str, int | None] = {}
        for name in [t for t in self.graph.load_order if t in self.seedable]:
            config = settings.tables.get(name) or settings.tables.get(name.split(".", 1)[-1])
            if name in self.reference:
                if not with_base:
                    expected[name] = 0
                elif config and config.count is not None:
                    expected[name] = config.count
                elif reader.has_rows(name) and self.reuses_existing_rows(name):
                    expected[name] = 0   # existing rows (lookups such as roles) are reused
                elif name == mapping.lookup_table and self.domain is not None:
                    expected[name] = self.domain.lookup_rows().height
                else:
                    expected[name] = settings.rows_per_table
            elif name in (mapping.user_table, mapping.identities_table):
                expected[name] = owners
            elif name == mapping.account_table:
                expected[name] = owners + teams
            elif name == mapping.membership_table:
                expected[name] = teams * (1 + settings.tenants.members_per_tenant)
            elif name == mapping.content_table:
                expected[name] = owners * settings.setups_per_user
            elif config and config.count is not None:
                expected[name] = config.count
            else:
                expected[name] = None
        return expected

    def describe(self) -> dict:
        """The plan, for dry runs and Dagster metadata."""
        return {
            "framework": self.mapping.framework,
            "load_order": [t for t in self.graph.load_order if t in self.seedable],
            "user_scoped": sorted(self.user_scoped),
            "reference": self.reference,
            "cycles": [c.model_dump() for c in self.graph.cycles],
            "trigger_effects": [e.model_dump() for e in self.graph.trigger_effects],
            "skipped": self.skipped,
        }

    # ------------------------------------------------------------------ running one partition

    def seed_partition(self, conn: psycopg.Connection, partition: Partition, run_id: str,
                       progress=None) -> PartitionResult:
        """Replace the partition's previous rows and load it anew, all in one transaction.

        A table the database (or the generator) refuses is left out, with the tables that need it,
        and the partition is loaded again without them: one table never sinks the run.
        """
        while True:
            try:
                result = self._load_partition(conn, partition, run_id, progress)
            except _TableFailed as failed:
                self._leave_out(failed.left_out)
                self._pool_cache.clear()   # pools read inside the rolled-back transaction may hold its rows
                continue
            result.left_out = {name: entry.line() for name, entry in self.left_out.items()}
            return result

    def _load_partition(self, conn: psycopg.Connection, partition: Partition, run_id: str, progress) -> PartitionResult:
        started = time.perf_counter()
        result = PartitionResult(partition.key)
        record = ledger_mod.PartitionRecord(partition.key, run_id, self.seed, self.settings.fingerprint(),
                                            self.snapshot.fingerprint)
        current_table = "(ledger)"
        tables = self._tables_for(partition)
        try:
            with conn.transaction():
                load.configure_session(conn, statement_timeout_s=self.settings.statement_timeout_seconds,
                                       lock_timeout_s=self.settings.lock_timeout_seconds)
                # the steps and workers of one run share its lock; a partition is theirs one at a time
                locking.partition_lock(conn, partition.key)
                if partition.key == BASE and ledger_mod.same_partition_exists(conn, record):
                    return result  # reference rows are shared by every batch: reseed only when config or schema change
                # bookkeeping and removing the partition's previous rows scale with what was seeded before,
                # not with this batch: statementTimeoutSeconds bounds the loading statements below
                conn.execute("SET LOCAL statement_timeout = 0")
                ledger_mod.ensure_ledger(conn)
                # the batch's previous rows, as cleanup removes a partition (api.seed builds the temporary
                # FK indexes that needs where the schema has none): a reseed stays linear
                with load.index_probes_only(conn):
                    result.replaced = ledger_mod.delete_seeded(conn, self.snapshot, self.graph.load_order, [partition.key])
                ledger = ledger_mod.Ledger(conn, record, self.snapshot)
                ledger.open()
                conn.execute(sql.SQL("SET LOCAL statement_timeout = {}").format(
                    sql.Literal(load.timeout_ms(self.settings.statement_timeout_seconds))))
                deferred = sorted({(t.schema_name, fk.name) for t in self.snapshot.tables for fk in t.foreign_keys
                                   if fk.deferrable and fk.name in self.graph.tables.get(t.qualified, _NO_PLAN).deferred_fks})
                if deferred:
                    conn.execute(sql.SQL("SET CONSTRAINTS {} DEFERRED").format(
                        sql.SQL(", ").join(sql.Identifier(schema, name) for schema, name in deferred)))
                if partition.key != BASE and self.settings.user_strategy != "create-new":
                    self.load_existing_owners(conn)
                planner = PartitionPlanner(self, DatabaseLoader(conn, ledger, check_keys=True), partition, result, progress)
                try:
                    planner.run(tables)
                finally:
                    current_table = planner.current
                ledger.close()
                current_table = "(commit)"
        except psycopg.Error as exc:
            table = _failed_table(exc, current_table, tables)
            if table is None or is_transient(exc) or (exc.sqlstate or "") in _NOT_THE_TABLES_FAULT:
                raise load.explain_load_error(exc, current_table) from None
            raise _TableFailed(left_out_for(table, exc)) from None
        except (UnsupportedColumn, SupaseedError) as exc:
            if current_table not in tables:
                raise SupaseedError(str(exc)) from None
            raise _TableFailed(LeftOut(current_table, str(exc), "", f'tables: {{"{current_table}": {{"skip": true}}}}')) from None
        result.seconds = time.perf_counter() - started
        return result

    def dry_run(self, conn: psycopg.Connection | None, partitions: list[Partition], progress=None) -> list[PartitionResult]:
        """The partitions planned by the real planner with a `DryRunLoader`: the rows a seed would write.

        Nothing is written: the planner's frames stay in memory (a batch's while it is planned, `base`'s,
        which later partitions read, throughout) and the transaction, where the CHECK filter stages candidates, is rolled back.
        Tables the generator refuses are left out as in a real run, on a copy of the engine's list.
        Without a connection the planner runs on the snapshot alone, as if every table were empty.
        """
        saved = self._pool_cache, dict(self.left_out)
        self._pool_cache = {}
        io = DryRunLoader(conn)
        results = []
        try:
            with conn.transaction(force_rollback=True) if conn is not None else contextlib.nullcontext():
                if any(p.key != BASE for p in partitions) and self.settings.user_strategy != "create-new":
                    self.load_existing_owners(conn)
                base_rows: dict[str, pl.DataFrame] = {}
                for partition in partitions:
                    # a batch's own rows are kept while it is planned, as its transaction sees them (a trigger's
                    # rule read against them), then dropped: only `base`'s stay for the batches after it
                    io.kept = dict(base_rows)
                    record = ledger_mod.PartitionRecord(partition.key, "dry-run", self.seed, self.settings.fingerprint(),
                                                        self.snapshot.fingerprint)
                    if partition.key == BASE and conn is not None and ledger_mod.same_partition_exists(conn, record):
                        results.append(PartitionResult(partition.key))   # a real run keeps it as it is
                        continue
                    results.append(self._dry_run_partition(io, partition, progress))
                    if partition.key == BASE:
                        base_rows = dict(io.kept)
        finally:
            self._pool_cache, self.left_out = saved
        return results

    def _dry_run_partition(self, io: DryRunLoader, partition: Partition, progress) -> PartitionResult:
        while True:
            result = PartitionResult(partition.key)
            tables = self._tables_for(partition)
            planner = PartitionPlanner(self, io, partition, result, progress)
            started = time.perf_counter()
            try:
                planner.run(tables)
            except (UnsupportedColumn, SupaseedError) as exc:
                if planner.current not in tables:
                    raise SupaseedError(str(exc)) from None
                self._leave_out(LeftOut(planner.current, str(exc), "",
                                        f'tables: {{"{planner.current}": {{"skip": true}}}}'))
                continue
            result.seconds = time.perf_counter() - started
            result.left_out = {name: entry.line() for name, entry in self.left_out.items()}
            return result

    def _leave_out(self, entry: "LeftOut") -> None:
        """Leave a table out of the run, and every table in scope that cannot do without it."""
        self.left_out[entry.table] = entry
        changed = True
        while changed:
            changed = False
            for table in sorted(self.seedable - set(self.left_out)):
                needs = _needed_parent(self.snapshot, self.graph, table, set(self.left_out))
                if needs:
                    self.left_out[table] = LeftOut(table, f"needs {needs}, which was left out", "",
                                                   f"fix {needs} (see its line), or skip it: "
                                                   f'tables: {{"{table}": {{"skip": true}}}}', because_of=needs)
                    changed = True

    def _tables_for(self, partition: Partition) -> set[str]:
        tables = set(self.reference) if partition.key == BASE else self.user_scoped
        return tables - set(self.left_out)

    def existing_pool(self, io, table: str, columns: list[str]) -> pl.DataFrame:
        """Rows of a parent outside the partition (reference data, existing rows), read once per run."""
        key = (table, tuple(columns))
        if key not in self._pool_cache:
            described = self.snapshot.table(table)
            gone = described.column("deleted_at") if described is not None else None
            rows = io.read(table, columns, live="deleted_at") if gone is not None and not gone.not_null else None
            # new rows point at live rows: a soft-deleted product is nobody's new order line (all of them when
            # every row is deleted, rather than none)
            self._pool_cache[key] = rows if rows is not None and rows.height else io.read(table, columns)
        return self._pool_cache[key]


# lock waits, timeouts, cancels, privileges and resources are about the run, not about a table's rows
_NOT_THE_TABLES_FAULT = {"55P03", "57014", "42501", "53100", "53200", "53300", "54000"}


@dataclass
class LeftOut:
    """A table left out of the run: the database's own message, what is at fault, and the fix."""

    table: str
    reason: str
    at_fault: str
    fix: str
    because_of: str | None = None

    def line(self) -> str:
        fault = f" [{self.at_fault}]" if self.at_fault else ""
        return f"{self.reason}{fault} — {self.fix}"


class _TableFailed(Exception):
    def __init__(self, left_out: LeftOut):
        super().__init__(left_out.line())
        self.left_out = left_out


def _failed_table(exc: psycopg.Error, current: str, tables: set[str]) -> str | None:
    """The table a database error is about: the one it names when that is ours, else the one loading."""
    diag = exc.diag
    named = f"{diag.schema_name}.{diag.table_name}" if diag.table_name and diag.schema_name else None
    if named in tables:
        return named
    return current if current in tables else None


def left_out_for(table: str, exc: psycopg.Error) -> LeftOut:
    diag = exc.diag
    message = load.first_line(diag.message_primary or str(exc))
    trigger = re.search(r"PL/pgSQL function ([\w.\"]+)\(", diag.context or "")
    if diag.constraint_name:
        fault = f"constraint {diag.constraint_name}"
    elif trigger:
        fault = f"trigger function {trigger.group(1)}"
    elif diag.column_name:
        fault = f"column {diag.column_name}"
    else:
        fault = ""
    if diag.column_name:
        fix = (f'set the column: tables: {{"{table}": {{"columns": {{"{diag.column_name}": ...}}}}}}, '
               f'or skip the table: tables: {{"{table}": {{"skip": true}}}}')
    else:
        fix = f'skip it: tables: {{"{table}": {{"skip": true}}}}, or report it so the generator can learn it'
    return LeftOut(table, message, fault, fix)


def _needed_parent(snapshot: SchemaSnapshot, graph: ConstraintGraph, table: str, gone: set[str]) -> str | None:
    """A left-out table that `table` cannot be loaded without (a NOT NULL FK to it, or its rows come
    from a trigger on it)."""
    found = snapshot.table(table)
    for fk in found.foreign_keys if found else ():
        if fk.ref_qualified in gone and fk.ref_qualified != table and \
                all(found.column(c) is not None and found.column(c).not_null for c in fk.columns):
            return fk.ref_qualified
    for effect in graph.trigger_effects:
        if effect.target == table and effect.source in gone:
            return effect.source
    return None


def json_metadata(value) -> str:
    return json.dumps(value, default=str, indent=1)
