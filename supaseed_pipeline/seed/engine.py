"""Stages 4-7 as plain functions: plan the partitions, then generate and load one partition per transaction.

A partition is a bounded batch of users together with everything that hangs off them (accounts,
memberships, setups, gear items, any other table with a foreign-key path to users). The `base`
partition holds reference tables that do not depend on users. Each partition is self-contained:
its rows reference only rows of the same partition, of `base`, or rows that existed before.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field

import numpy as np
import polars as pl
import psycopg
from psycopg import sql

from supaseed_pipeline.errors import SupaseedError
from supaseed_pipeline.generate import random as rnd
from supaseed_pipeline.generate.columns import UnsupportedColumn
from supaseed_pipeline.generate.frames import TableRequest, build_frame
from supaseed_pipeline.plan import allocation
from supaseed_pipeline.plan.allocation import BASE, Partition
from supaseed_pipeline.plan.graph import ConstraintGraph
from supaseed_pipeline.plan.mapping import TableMapping, link_column
from supaseed_pipeline.seed import ledger as ledger_mod
from supaseed_pipeline.seed import load, locking
from supaseed_pipeline.seed import progress as progress_events
from supaseed_pipeline.seed.roles import UserRoles
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
        self.left_out: dict[str, LeftOut] = {}   # tables the database refused, and those that need them

    # ------------------------------------------------------------------ planning

    def _seedable_tables(self) -> set[str]:
        selected = set(self.settings.schemas)
        tables = set()
        for table in self.snapshot.tables:
            name = table.qualified
            config = self.settings.tables.get(name) or self.settings.tables.get(table.name)
            if table.partition_of:
                continue  # rows go through the partitioned parent
            if config and config.skip:
                self.skipped[name] = "skipped in config"
                continue
            if name in self.graph.skipped:
                continue
            if table.schema_name in selected or name in self.mapping.role_tables() or name in AUTH_SEEDED & {
                    self.mapping.user_table, self.mapping.identities_table}:
                if table.schema_name == "auth" and name not in AUTH_SEEDED:
                    continue
                tables.add(name)
        return tables

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
        rows = conn.execute(ledger_mod.sql_text("SELECT unnest(keys) FROM supaseed.seeded_keys WHERE table_name = %s"),
                            (table,)).fetchall()
        return [r[0] for r in rows]

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
                result.replaced = ledger_mod.delete_seeded(conn, self.snapshot, self.graph.load_order, [partition.key])
                ledger = ledger_mod.Ledger(conn, record)
                ledger.open()
                conn.execute(sql.SQL("SET LOCAL statement_timeout = {}").format(
                    sql.Literal(load.timeout_ms(self.settings.statement_timeout_seconds))))
                deferred = sorted({(t.schema_name, fk.name) for t in self.snapshot.tables for fk in t.foreign_keys
                                   if fk.deferrable and fk.name in self.graph.tables.get(t.qualified, _NO_PLAN).deferred_fks})
                if deferred:
                    conn.execute(sql.SQL("SET CONSTRAINTS {} DEFERRED").format(
                        sql.SQL(", ").join(sql.Identifier(schema, name) for schema, name in deferred)))
                run = _PartitionRun(self, conn, partition, ledger, result, progress)
                for table in self.graph.load_order:
                    if table in tables:
                        current_table = table
                        run.load_table(table)
                current_table = "(deferred foreign keys)"
                run.fill_deferred_updates()
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

    def existing_pool(self, conn: psycopg.Connection, table: str, columns: list[str]) -> pl.DataFrame:
        key = (table, tuple(columns))
        if key not in self._pool_cache:
            self._pool_cache[key] = load.read_rows(conn, table, columns)
        return self._pool_cache[key]


class _PartitionRun(UserRoles):
    """State of one partition while it loads: frames of loaded tables, used as FK pools."""

    def __init__(self, engine: SeedEngine, conn, partition: Partition, ledger, result: PartitionResult, progress):
        self.e, self.conn, self.partition, self.ledger, self.result, self.progress = engine, conn, partition, ledger, result, progress
        self.loaded: dict[str, pl.DataFrame] = {}
        self.rule_rows: dict[str, pl.DataFrame] = {}   # rows INSERT rules made, by table
        self.owners: pl.DataFrame | None = None   # user_id, account_id, persona, owner_index

    # ---- helpers

    def _table(self, name):
        return self.e.snapshot.table(name)

    def _plan(self, name):
        return self.e.graph.tables[name]

    def _referenced_columns(self, name: str) -> list[str]:
        columns = list(self._plan(name).key_columns)
        for table in self.e.snapshot.tables:
            for fk in table.foreign_keys:
                if fk.ref_qualified == name:
                    columns += [c for c in fk.ref_columns if c not in columns]
        return columns

    def pools_for(self, name: str) -> dict[str, pl.DataFrame]:
        pools = {}
        for fk in self._table(name).foreign_keys:
            parent = fk.ref_qualified
            if parent in self.loaded:
                frame = self.loaded[parent]
                if all(c in frame.columns for c in fk.ref_columns):
                    pools[fk.name] = frame.select(fk.ref_columns)
                    continue
            if fk.name in self._plan(name).deferred_fks and parent in self._tables_now():
                pools[fk.name] = self._preview_keys(parent, list(fk.ref_columns))
                continue
            if parent in self.e.user_scoped and self.partition.key != BASE and parent != name:
                continue  # a user-scoped parent comes only from this partition
            pools[fk.name] = self.e.existing_pool(self.conn, parent, list(fk.ref_columns))
        # parents that the table's BEFORE INSERT triggers accept (team accounts, members); when a trigger
        # cannot be read, candidate rows (those this table would load) are probed under a savepoint
        from supaseed_pipeline.seed import trigger_pools

        def probe_frame(fk_name, positions, candidates):
            request = TableRequest(name, self._rows_for(name)[0], len(positions), parent_rows={fk_name: positions})
            return build_frame(self.e.snapshot, self._plan(name), request, self.e.seed, candidates)

        context = trigger_pools.PoolContext(self.conn, self.e.snapshot, self._table(name), self.loaded, probe_frame)
        return trigger_pools.learn(context, pools)

    def _tables_now(self) -> set[str]:
        return self.e._tables_for(self.partition)

    def _preview_keys(self, name: str, columns: list[str]) -> pl.DataFrame:
        """Keys a table of a deferred or one-statement cycle will get, before it is loaded."""
        from supaseed_pipeline.generate.columns import apply_atoms, apply_unique, generate_values
        from supaseed_pipeline.generate.frames import column_spec

        start, count = self._rows_for(name)
        index = np.arange(start, start + count, dtype=np.int64)
        table, plan = self._table(name), self._plan(name)
        values = {}
        for column in columns:
            unique = any(len(s) == 1 and s[0] == column for s in plan.unique_sets)
            spec = column_spec(self.e.snapshot, table, column, unique)
            series = generate_values(spec, index, self.e.seed)
            series = apply_unique(spec, series, index, self.e.seed) if unique else series
            values[column] = apply_atoms(spec, series, index, self.e.seed).cast(pl.String)
        return pl.DataFrame(values)

    def _settings_for(self, name: str):
        table = self._table(name)
        return self.e.settings.tables.get(name) or self.e.settings.tables.get(table.name)

    # ---- loading

    def load_table(self, name: str) -> None:
        mapping = self.e.mapping
        if name == mapping.user_table:
            self._load_users(name)
        elif name == mapping.identities_table:
            self._load_identities(name)
        elif name == mapping.account_table and mapping.account_created_by_trigger and name in self.loaded:
            self._enrich_accounts(name)
            self._load_team_accounts(name)
        elif name == mapping.membership_table and mapping.has_team_accounts:
            self._load_memberships(name)
        elif name == mapping.content_table and self.e.domain is not None and self.owners is not None:
            self._load_content(name)
        elif name == mapping.item_table and self.e.domain is not None and hasattr(self, "content"):
            self._load_items(name)
        elif name == mapping.lookup_table and self.partition.key == BASE:
            self._load_lookup(name)
        elif any(e.target == name and e.source in self.loaded for e in self.e.graph.trigger_effects):
            return  # the trigger already made these rows; they are recorded and used as parents
        elif self._one_statement_cycle(name):
            self._load_cycle_in_one_statement(name)
        else:
            self._load_generic(name)

    def _one_statement_cycle(self, name: str):
        return next((c for c in self.e.graph.cycles if c.strategy == "single_statement" and name in c.tables), None)

    def _load_cycle_in_one_statement(self, name: str) -> None:
        """A NOT NULL, non-deferrable FK cycle (store <-> staff): all its tables inserted by one statement.

        Each table's keys are known first — generated, or serial/identity keys taken from the column's own
        sequence (plan.reserved_keys) — so the rows can reference each other; the one statement checks the
        keys once every row exists, and the sequences are then moved past the keys written.
        """
        cycle = self._one_statement_cycle(name)
        if any(t in self.loaded for t in cycle.tables):
            return
        members = [t for t in self.e.graph.load_order if t in cycle.tables and t in self._tables_now()]
        bands = {member: self._rows_for(member) for member in members}
        keys: dict[str, pl.DataFrame] = {}      # member -> the columns the cycle references, as they will be written
        reserved: dict[str, dict[str, pl.Series]] = {}
        for member in members:
            plan, count = self._plan(member), bands[member][1]
            needed = list(dict.fromkeys(plan.key_columns + [c for t in members for fk in self._table(t).foreign_keys
                                                             if fk.ref_qualified == member and fk.name in self._plan(t).deferred_fks
                                                             for c in fk.ref_columns]))
            reserved[member] = {c: load.reserve_keys(self.conn, member, c, count) for c in plan.reserved_keys} if count else {}
            generated = [c for c in needed if c not in reserved[member]]
            preview = self._preview_keys(member, generated) if generated else pl.DataFrame()
            keys[member] = pl.DataFrame({c: reserved[member][c] if c in reserved[member] else preview[c] for c in needed})
        frames = []
        for member in members:
            start, count = bands[member]
            plan, table = self._plan(member), self._table(member)
            pools = self.pools_for(member)
            for fk in table.foreign_keys:
                parent = fk.ref_qualified
                if fk.name in plan.deferred_fks and parent in keys:
                    pools[fk.name] = (keys[parent].select(fk.ref_columns) if keys[parent].height
                                      else self.e.existing_pool(self.conn, parent, list(fk.ref_columns)))
            config = self._settings_for(member)
            overrides = {c: o for c, o in (config.columns if config else {}).items() if c not in keys[member].columns}
            request = TableRequest(member, start, count, fixed=dict(reserved[member]), overrides=overrides,
                                   distribution=config.distribution if config else "uniform")
            self._add_partition_bounds(member, request)
            frame = build_frame(self.e.snapshot, plan, request, self.e.seed, pools)
            self.result.notes.extend(request.notes.values())
            frames.append((member, frame))
        loading = [(member, frame) for member, frame in frames if frame.height]
        overriding = {member for member, frame in loading
                      if any(self._table(member).column(c).identity == "always" for c in frame.columns)}
        if loading:
            load.insert_in_one_statement(self.conn, loading, overriding=overriding)
        for member, frame in frames:
            load.advance_sequences(self.conn, member, self._plan(member).reserved_keys)
            referenced = [c for c in self._referenced_columns(member) if c in frame.columns]
            kept = frame.select(referenced).with_columns(pl.all().cast(pl.String))
            if frame.height:
                self.ledger.add(member, self._plan(member).key_columns, kept)
                self._record_rule_rows(member, kept)
            self._remember(member, kept)
            self.result.rows[member] = self.result.rows.get(member, 0) + frame.height
            if frame.height and member not in self.result.preview:
                self.result.preview[member] = pl.DataFrame(frame.head(5).to_dicts(), schema=frame.schema)
            progress_events.report(self.partition.key, member, frame.height)
            if self.progress:
                self.progress(member, frame.height)
            if frame.height:
                self._follow_triggers(member, kept)

    def _insert(self, name: str, frame: pl.DataFrame, origin_note: str = "") -> pl.DataFrame:
        """Load a frame, record its keys, keep the columns children reference, and follow trigger effects."""
        table, plan = self._table(name), self._plan(name)
        referenced = self._referenced_columns(name)
        if frame.height == 0:
            self.loaded.setdefault(name, pl.DataFrame(schema={c: pl.String for c in referenced}))
            return frame
        if plan.keys_generated and all(c in frame.columns for c in plan.key_columns) and not plan.rewritten_on_insert:
            load.copy_frame(self.conn, name, frame)
            kept = frame.select([c for c in referenced if c in frame.columns]).with_columns(pl.all().cast(pl.String))
        else:
            # keys the database assigns or a trigger/rule may rewrite: record what was stored
            kept = load.insert_returning(self.conn, table, frame, list(dict.fromkeys(plan.key_columns + referenced)))
        self.ledger.add(name, plan.key_columns, kept)
        self._record_rule_rows(name, kept)
        self._remember(name, kept)
        self.result.rows[name] = self.result.rows.get(name, 0) + frame.height
        if name not in self.result.preview:
            # a copy: a slice would keep the whole partition's buffers alive for as long as the result
            self.result.preview[name] = pl.DataFrame(frame.head(5).to_dicts(), schema=frame.schema)
        progress_events.report(self.partition.key, name, frame.height)
        if self.progress:
            self.progress(name, frame.height)
        self._follow_triggers(name, kept)
        return kept

    def _record_rule_rows(self, source: str, kept: pl.DataFrame) -> None:
        """Rows an INSERT rule on `source` wrote elsewhere: those with the seeded rows' transaction id."""
        plan = self._plan(source)
        if not plan.rule_targets or kept.height == 0:
            return
        first = kept.select(plan.key_columns).head(1)
        xmin = load.read_rows(self.conn, source, ["xmin"], where=(plan.key_columns, first.rename(
            {c: f"k{i}" for i, c in enumerate(plan.key_columns)})))
        for target in plan.rule_targets:
            target_plan = self.e.graph.tables.get(target)
            if target_plan is None or not target_plan.key_columns or xmin.height == 0:
                self.result.notes.append(f"rows that rules on {source} write to {target} are not recorded and stay "
                                         f"after cleanup ({target} has no key supaseed can record)")
                continue
            made = load.rows_with_xmin(self.conn, target, target_plan.key_columns, xmin["xmin"][0])
            known = [f for f in (self.loaded.get(target), self.rule_rows.get(target)) if f is not None and f.height]
            for frame in known:
                made = made.join(frame.select(target_plan.key_columns), on=target_plan.key_columns, how="anti")
            if made.height:
                self.ledger.add(target, target_plan.key_columns, made, origin="rule")
                previous = self.rule_rows.get(target)
                self.rule_rows[target] = made if previous is None else pl.concat([previous, made])

    def _remember(self, name: str, frame: pl.DataFrame) -> None:
        previous = self.loaded.get(name)
        self.loaded[name] = frame if previous is None or previous.height == 0 else pl.concat(
            [previous, frame], how="diagonal_relaxed")

    def _follow_triggers(self, source: str, keys: pl.DataFrame) -> None:
        """Rows that triggers on `source` created: read them back and record them as seeded."""
        source_plan = self._plan(source)
        for effect in self.e.graph.trigger_effects:
            if effect.source != source or effect.timing != "AFTER" or effect.target not in self.e.graph.tables:
                continue
            target = self._table(effect.target)
            target_plan = self._plan(effect.target)
            if not target_plan.key_columns:
                continue
            link = link_column(target, source)
            fk = next((f for f in target.foreign_keys if f.columns == [link] and f.ref_qualified == source), None)
            if fk is not None:
                match_columns, values = [fk.columns[0]], keys.select(pl.col(fk.ref_columns[0]).alias("k0"))
            elif len(target_plan.key_columns) == 1 and len(source_plan.key_columns) == 1:
                match_columns, values = target_plan.key_columns, keys.select(pl.col(source_plan.key_columns[0]).alias("k0"))
            else:
                continue
            referenced = self._referenced_columns(effect.target)
            columns = list(dict.fromkeys(referenced + match_columns))
            created = load.read_rows(self.conn, effect.target, columns, where=(match_columns, values))
            existing = self.loaded.get(effect.target)
            if existing is not None and existing.height:
                created = created.join(existing.select(target_plan.key_columns), on=target_plan.key_columns, how="anti")
            if created.height:
                self.ledger.add(effect.target, target_plan.key_columns, created, origin="trigger")
                self._remember(effect.target, created)
                self.result.rows[effect.target] = self.result.rows.get(effect.target, 0) + created.height

    def _load_generic(self, name: str) -> None:
        start, count = self._rows_for(name)
        if count == 0:
            self.loaded.setdefault(name, pl.DataFrame())
            return
        config = self._settings_for(name)
        request = TableRequest(name, start, count, overrides=dict(config.columns) if config else {},
                               distribution=config.distribution if config else "uniform")
        self._add_partition_bounds(name, request)
        frame = build_frame(self.e.snapshot, self._plan(name), request, self.e.seed, self.pools_for(name))
        self.result.notes.extend(request.notes.values())   # e.g. fewer rows than asked: a narrow unique key
        frame = self._filter_unparsed_checks(name, frame, count)
        self._insert(name, frame)

    def _rows_for(self, name: str) -> tuple[int, int]:
        """(first row index, rows) of a generic table in this partition; see plan/allocation.py."""
        config = self._settings_for(name)
        if self.partition.key == BASE:
            if config and config.count is not None:
                return 0, config.count
            if self._has_rows(name):
                return 0, 0  # a populated table (lookups such as roles): sample its rows, add none
            return 0, self.e.settings.rows_per_table
        if name == self.e.mapping.user_table:
            return allocation.generic_band(self.partition, self.partition.owner_count)
        if config and config.count is not None:
            # the configured total is shared out over the owners, so batches add up to it exactly
            first, count = allocation.share(config.count, max(self.e.owner_total(), 1),
                                            self.partition.owner_start, self.partition.owner_count)
            return allocation.counted_band(first), count
        table = self._table(name)
        parents = [fk.ref_qualified for fk in table.foreign_keys
                   if fk.ref_qualified in self.loaded and fk.ref_qualified != name and fk.name not in self._plan(name).deferred_update_fks]
        parent_rows = max((self.loaded[p].height for p in parents[:1]), default=0)
        per_parent = config.per_parent if config and config.per_parent is not None else 1.0
        return allocation.generic_band(self.partition, int(round(parent_rows * per_parent)))

    def _has_rows(self, name: str) -> bool:
        return self.conn.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(load.ident(name))).fetchone()[0]

    def _add_partition_bounds(self, name: str, request: TableRequest) -> None:
        """Declaratively partitioned tables: keep the partition key inside an existing partition's bounds."""
        from supaseed_pipeline.seed.partitioned import partition_key_values

        values = partition_key_values(self.e.snapshot, name, request.index, self.e.seed)
        request.fixed.update(values)

    def _filter_unparsed_checks(self, name: str, frame: pl.DataFrame, count: int) -> pl.DataFrame:
        plan = self._plan(name)
        if not plan.unparsed_checks or frame.height == 0:
            return frame
        from supaseed_pipeline.seed.check_filter import filter_by_database

        return filter_by_database(self.conn, self._table(name), plan, frame)

    # ---- Supabase / user-driven roles

    def _load_lookup(self, name: str) -> None:
        if self._has_rows(name) or self.e.domain is None:
            self.loaded.setdefault(name, pl.DataFrame())
            return
        rows = self.e.domain.lookup_rows()
        table = self._table(name)
        fixed = {c: rows[c].cast(pl.String) for c in rows.columns if table.column(c) and c in self._plan(name).write_columns}
        request = TableRequest(name, 0, rows.height, fixed=fixed)
        frame = build_frame(self.e.snapshot, self._plan(name), request, self.e.seed, self.pools_for(name))
        self._insert(name, frame)

    def _load_content(self, name: str) -> None:
        from supaseed_pipeline.seed.content import content_request

        request, content = content_request(self, name)
        frame = build_frame(self.e.snapshot, self._plan(name), request, self.e.seed, self.pools_for(name))
        kept = self._insert(name, frame)
        self.content = content.with_columns(kept[self._plan(name).key_columns[0]].alias("__id"))

    def _load_items(self, name: str) -> None:
        from supaseed_pipeline.seed.content import items_request

        request = items_request(self, name)
        frame = build_frame(self.e.snapshot, self._plan(name), request, self.e.seed, self.pools_for(name))
        self._insert(name, frame)

    def fill_deferred_updates(self) -> None:
        """Nullable cycle FKs: now that every table of the partition is loaded, point them at parents."""
        for name, plan in self.e.graph.tables.items():
            if name not in self.loaded or not plan.deferred_update_fks or self.loaded[name].height == 0:
                continue
            table = self._table(name)
            keys = self.loaded[name].select(plan.key_columns)
            index = np.arange(keys.height, dtype=np.int64)
            updates = keys
            pools = self.pools_for(name)
            for fk in table.foreign_keys:
                if fk.name not in plan.deferred_update_fks or fk.name not in pools or pools[fk.name].height == 0:
                    continue
                pool = pools[fk.name]
                positions = rnd.choose(index, rnd.salt(self.e.seed, name, fk.name, "deferred"), pool.height)
                picked = pool[positions]
                updates = updates.with_columns([picked[r].alias(c) for c, r in zip(fk.columns, fk.ref_columns)])
            if updates.width > keys.width:
                load.update_columns(self.conn, table, plan.key_columns, updates)


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
