"""The planner of one partition: its rows generated in memory, table by table, in load order.

No database and no Dagster here. Frames are pure functions of (seed, table, column, row index), with counts
and row-index bands from `plan/allocation.py`; everything only the database can answer (keys it assigns,
rows triggers and rules make, existing parents, CHECKs it alone can evaluate) is asked of the loader it is
given (`seed/loader.py`): `DatabaseLoader` in a real run, `DryRunLoader` for `seed --dry-run`.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from supaseed_pipeline.generate import random as rnd
from supaseed_pipeline.generate.frames import TableRequest, build_frame, via_column
from supaseed_pipeline.plan import allocation, trigger_rules
from supaseed_pipeline.plan.allocation import BASE, Partition
from supaseed_pipeline.plan.graph import TablePlan, writable_sequence_keys
from supaseed_pipeline.plan.mapping import link_column
from supaseed_pipeline.seed import progress as progress_events
from supaseed_pipeline.seed.roles import UserRoles
from supaseed_pipeline.snapshot.models import Table


def trigger_match(target: Table, target_plan: TablePlan, source_plan: TablePlan,
                  source_table: Table | None = None) -> tuple[str, str] | None:
    """How rows an AFTER trigger on `source_plan`'s table made in `target` are found again: (column of
    `target`, column of the source) — the target's foreign key to the source, else key to key when the two keys
    are of one type (MakerKit's account id is its user's id). None: nothing ties them (an audit log keyed by
    its own serial), and the rows are the ones the transaction wrote there (`PartitionPlanner._follow_triggers`)."""
    source = source_plan.table
    link = link_column(target, source)
    fk = next((f for f in target.foreign_keys if f.columns == [link] and f.ref_qualified == source), None)
    if fk is not None:
        return fk.columns[0], fk.ref_columns[0]
    if len(target_plan.key_columns) == 1 and len(source_plan.key_columns) == 1:
        mine = target.column(target_plan.key_columns[0])
        theirs = source_table.column(source_plan.key_columns[0]) if source_table is not None else None
        if theirs is None or mine is None or mine.base_type_name == theirs.base_type_name:
            return target_plan.key_columns[0], source_plan.key_columns[0]
    return None


class PartitionPlanner(UserRoles):
    """Generates one partition table by table, in load order; `io` (a loader) writes and reads back.

    Its state is the frames of the tables it has planned (the FK pools of their children) and what the
    roles hand on: the partition's owners, its new users, its teams, its content.
    """

    def __init__(self, engine: "SeedEngine", io, partition: Partition, result: "PartitionResult", progress=None):
        self.e, self.io, self.partition, self.result, self.progress = engine, io, partition, result, progress
        self.loaded: dict[str, pl.DataFrame] = {}        # table -> stored keys and referenced columns
        self.owned: dict[str, pl.DataFrame] = {}         # table -> those plus the owners children agree with
        self.rule_rows: dict[str, pl.DataFrame] = {}     # rows INSERT rules made, by table
        self.owners: pl.DataFrame | None = None          # user_id, account_id, persona, owner_index
        self.new_users: pl.DataFrame | None = None       # the users this partition created ...
        self.new_user_index: np.ndarray | None = None    # ... and their global user indices
        self.account_fill: pl.DataFrame | None = None    # what their trigger-made accounts get, until they have it
        self.teams: pl.DataFrame | None = None           # team accounts (keys as stored) ...
        self.team_owners: pl.Series | None = None        # ... the user owning each ...
        self.first_team: int = 0                         # ... and the first team's global index
        self.content: pl.DataFrame | None = None         # the domain's content rows with their stored ids (__id)
        self.current = "(before the first table)"       # the table being planned, for error messages

    def run(self, tables: set[str]) -> None:
        """Every table of the partition in load order, then the nullable cycle FKs."""
        for table in self.e.graph.load_order:
            if table in tables:
                self.current = table
                self.load_table(table)
        self.current = "(deferred foreign keys)"
        self.fill_deferred_updates()

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
        pools, own = {}, set()
        for fk in self._table(name).foreign_keys:
            parent = fk.ref_qualified
            if parent in self.loaded:
                frame = self.loaded[parent]
                if all(c in frame.columns for c in fk.ref_columns):
                    pools[fk.name] = self._with_owners(name, fk, frame.select(fk.ref_columns))
                    if self.partition.key != BASE and frame.height:
                        own.add(fk.name)
                    continue
            if fk.name in self._plan(name).deferred_fks and parent in self._tables_now():
                pools[fk.name] = self._preview_keys(parent, list(fk.ref_columns))
                continue
            if parent in self.e.user_scoped and self.partition.key != BASE and parent != name:
                continue  # a user-scoped parent comes only from this partition
            pools[fk.name] = self._own_share(name, fk, self.e.existing_pool(self.io, parent, list(fk.ref_columns)))
        # parents that the table's BEFORE INSERT triggers accept (team accounts, members); when a trigger
        # cannot be read, candidate rows (those this table would load) are probed under a savepoint
        from supaseed_pipeline.seed import trigger_pools

        def probe_frame(fk_name, positions, candidates):
            request = TableRequest(name, self._rows_for(name)[0], len(positions), parent_rows={fk_name: positions})
            return build_frame(self.e.snapshot, self._plan(name), request, self.e.seed, candidates)

        context = trigger_pools.PoolContext(self.io, self.e.snapshot, self._table(name), self.loaded, probe_frame,
                                            frozenset(own))
        return trigger_pools.learn(context, pools)

    def _own_share(self, name: str, fk, pool: pl.DataFrame) -> pl.DataFrame:
        """A one-to-one FK's parents outside the partition (base rows every batch reads alike): the partition's
        share of them (allocation.share over the owners), so no two batches take the same parent."""
        if self.partition.key == BASE or not any(set(fk.columns) == set(s) for s in self._plan(name).unique_sets):
            return pool
        first, count = allocation.share(pool.height, max(self.e.owner_total(), 1),
                                        self.partition.owner_start, self.partition.owner_count)
        return pool.slice(first, count)

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
        elif name == mapping.item_table and self.e.domain is not None and self.content is not None:
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
            reserved[member] = {c: self.io.reserve_keys(member, c, count) for c in plan.reserved_keys} if count else {}
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
                                      else self.e.existing_pool(self.io, parent, list(fk.ref_columns)))
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
            self.io.insert_together(loading, overriding)
        for member, frame in frames:
            self.io.advance_sequences(member, self._plan(member).reserved_keys)
            referenced = [c for c in self._referenced_columns(member) if c in frame.columns]
            kept = frame.select(referenced).with_columns(pl.all().cast(pl.String))
            if frame.height:
                self.io.record(member, self._plan(member).key_columns, kept)
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

    def _with_owners(self, name: str, fk, pool: pl.DataFrame) -> pl.DataFrame:
        """The pool of `name`'s FK `fk`, with the owners its parents were planned with, where a child must agree
        with them (frames.shared_parents): a left join, so parents planned otherwise (a trigger's rows) keep none."""
        wanted = {via_column(via, c): c for _direct, via, theirs in self.e.shared_parents[name] if via.name == fk.name
                  for c in theirs.columns}
        owned = self.owned.get(fk.ref_qualified)
        if not wanted or owned is None or not all(c in owned.columns for c in [*fk.ref_columns, *wanted.values()]):
            return pool
        owners = owned.select([*fk.ref_columns, *(pl.col(c).alias(a) for a, c in wanted.items())]) \
            .unique(subset=list(fk.ref_columns), keep="first")
        return pool.join(owners, on=list(fk.ref_columns), how="left", maintain_order="left")

    def _insert(self, name: str, frame: pl.DataFrame, origin_note: str = "", plan: TablePlan | None = None) -> pl.DataFrame:
        """Load a frame, record its keys, keep the columns children reference, and follow trigger effects
        (`plan`: the table's plan as this frame was made, when it writes more columns than the graph's)."""
        table, plan = self._table(name), plan or self._plan(name)
        referenced = self._referenced_columns(name)
        if frame.height == 0:
            self.loaded.setdefault(name, pl.DataFrame(schema={c: pl.String for c in referenced}))
            return frame
        owners = [c for c in self.e.owner_columns.get(name, []) if c in frame.columns]
        if plan.keys_generated and all(c in frame.columns for c in plan.key_columns) and not plan.rewritten_on_insert:
            self.io.copy(table, frame)
            stored = frame.select([c for c in dict.fromkeys(referenced + owners) if c in frame.columns]) \
                .with_columns(pl.all().cast(pl.String))
        else:
            # keys the database assigns or a trigger/rule may rewrite: record what was stored
            stored = self.io.insert_returning(table, frame, list(dict.fromkeys(plan.key_columns + referenced + owners)))
        kept = stored.select([c for c in stored.columns if c in referenced or c in plan.key_columns])
        if owners:   # beside `loaded`, whose columns the roles read as they are
            previous = self.owned.get(name)
            self.owned[name] = stored if previous is None else pl.concat([previous, stored], how="diagonal_relaxed")
        self.io.record(name, plan.key_columns, kept)
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
        for target in plan.rule_targets:
            target_plan = self.e.graph.tables.get(target)
            if target_plan is None or not target_plan.key_columns:
                self.result.notes.append(f"rows that rules on {source} write to {target} are not recorded and stay "
                                         f"after cleanup ({target} has no key supaseed can record)")
                continue
            made = self._not_known(target, self.io.made_by_rule(source, plan.key_columns, first, target,
                                                                target_plan.key_columns))
            if made.height:
                self.io.record(target, target_plan.key_columns, made, origin="rule")
                previous = self.rule_rows.get(target)
                self.rule_rows[target] = made if previous is None else pl.concat([previous, made])

    def _not_known(self, table: str, rows: pl.DataFrame) -> pl.DataFrame:
        """`rows` of `table` that this partition has not recorded yet (loaded, or made by a rule or a trigger)."""
        keys = self._plan(table).key_columns
        for known in (self.loaded.get(table), self.rule_rows.get(table)):
            if known is not None and known.height:
                rows = rows.join(known.select(keys), on=keys, how="anti")
        return rows

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
            match = trigger_match(target, target_plan, source_plan, self._table(source))
            referenced = self._referenced_columns(effect.target)
            if match is None:
                # nothing ties the rows to their source: the ones this transaction wrote there, as a rule's are found
                created = self.io.made_in_transaction(source, source_plan.key_columns, keys.select(source_plan.key_columns),
                                                      effect.target, list(dict.fromkeys(referenced + target_plan.key_columns)))
            else:
                match_columns, values = [match[0]], keys.select(pl.col(match[1]).alias("k0"))
                columns = list(dict.fromkeys(referenced + match_columns))
                fill = self._account_fill_for(source, effect.target, match)
                # found and filled in by one statement where the seed fills them in: no read-back, then an UPDATE
                created = None if fill is None else self.io.filled_by_trigger(target, columns, match[0], fill)
                if created is None:
                    created = self.io.made_by_trigger(effect.target, columns, match_columns, values)
                else:
                    self.account_fill = None
            created = self._not_known(effect.target, created)
            if created.height:
                self.io.record(effect.target, target_plan.key_columns, created, origin="trigger")
                self._remember(effect.target, created)
                self.result.rows[effect.target] = self.result.rows.get(effect.target, 0) + created.height
                self.result.by_triggers[effect.target] = self.result.by_triggers.get(effect.target, 0) + created.height
                progress_events.report(self.partition.key, effect.target, created.height)   # the CLI's count

    def _load_generic(self, name: str) -> None:
        start, count = self._rows_for(name)
        pools = self.pools_for(name) if count else {}
        count = self._per_accepted_parent(name, pools, count) if count else 0
        if count == 0:
            self.loaded.setdefault(name, pl.DataFrame())
            return
        config = self._settings_for(name)
        request = TableRequest(name, start, count, overrides=dict(config.columns) if config else {},
                               distribution=config.distribution if config else "uniform")
        self._add_partition_bounds(name, request)
        plan = self._plan(name)
        taken = self._self_referenced_serials(name)
        if taken:
            # written explicitly, from the column's own sequence: the database would assign the same kind of keys
            write = plan.write_columns + taken
            plan = plan.model_copy(update={"write_columns": write, "db_columns": [c for c in plan.db_columns if c not in taken],
                                           "keys_generated": bool(plan.key_columns) and all(k in write for k in plan.key_columns)})
            request.fixed.update({c: self.io.reserve_keys(name, c, count) for c in taken})
        frame = build_frame(self.e.snapshot, plan, request, self.e.seed, pools)
        self.result.notes.extend(request.notes.values())   # e.g. fewer rows than asked: a narrow unique key
        frame = self._clear_of_existing(name, frame, request.index)
        frame = self._fit_budgets(name, frame, pools)
        frame = self._filter_unparsed_checks(name, frame, count)
        self._insert(name, frame, plan=plan)

    def _clear_of_existing(self, name: str, frame: pl.DataFrame, index: np.ndarray) -> pl.DataFrame:
        """Generated text a unique key shares with rows the table holds already (the user's own 'general'
        channel, 'urgent' tag: words drawn from the same lists) takes the row's index as a suffix
        ('general-r12'), so the load does not fail on it; a row still clashing after that is dropped.
        Rows seeded before are distinct by construction: only what was there before the seed matches, so a
        table empty when this engine first planned it (the first batches, loaded side by side, see no one
        else's rows) is not probed in later batches."""
        had_rows = self.e.had_rows.get(name)
        if had_rows is None:
            had_rows = self.e.had_rows.setdefault(name, self.io.has_rows(name))
        if frame.height == 0 or not had_rows:
            return frame
        table = self._table(name)
        for unique in self._plan(name).unique_sets:
            texts = [c for c in unique if c in frame.columns and frame.schema[c] == pl.String
                     and not any(c in fk.columns for fk in table.foreign_keys) and table.column(c).type_category != "E"]
            if not texts or not all(c in frame.columns and (frame.schema[c] == pl.String or frame.schema[c].is_integer())
                                    for c in unique):
                continue
            for attempt in range(2):
                keys = frame.select([pl.col(c).cast(pl.String).alias(f"k{i}") for i, c in enumerate(unique)])
                taken = self.io.read(name, unique, where=(unique, keys))
                if taken.height == 0:
                    break
                clash = frame.select(pl.struct([pl.col(c).cast(pl.String) for c in unique])
                                     .is_in(taken.select(pl.struct(unique)).to_series().implode())).to_series()
                if attempt == 1:
                    self.result.notes.append(f"{name}: {int(clash.sum())} generated row(s) left out — their "
                                             f"({', '.join(unique)}) is taken by rows the table had")
                    frame = frame.filter(~clash)
                    break
                column, width = texts[0], table.column(texts[0]).max_length
                # "-r12": a letter first, as a round's suffix (compose's "general 2", slugged "general-2") is digits alone
                suffix = pl.format("-r{}", pl.Series(index))
                head = pl.col(column).str.slice(0, max(1, width - 2 - len(str(int(index.max()))))) if width else pl.col(column)
                frame = frame.with_columns(pl.when(pl.lit(clash)).then(pl.concat_str([head, suffix]))
                                           .otherwise(pl.col(column)).alias(column))
        return frame

    def _fit_budgets(self, name: str, frame: pl.DataFrame, pools: dict[str, pl.DataFrame]) -> pl.DataFrame:
        """Rows within the budgets a BEFORE INSERT trigger checks (stock on hand): see trigger_pools.fit_budgets."""
        from supaseed_pipeline.seed import trigger_pools

        context = trigger_pools.PoolContext(self.io, self.e.snapshot, self._table(name), self.loaded)
        frame, left_out = trigger_pools.fit_budgets(context, frame, pools)
        if left_out:
            self.result.notes.append(f"{name}: {left_out} rows left out — no parent's budget that a trigger checks "
                                     f"covered them")
        return frame

    def _self_referenced_serials(self, name: str) -> list[str]:
        """Serial or identity columns a self-reference points at (posts.reply_to, comments.parent_id,
        employees.manager_id), which the plan leaves to the database: taken from their sequences before the
        rows are made, they let a row point at an earlier row of its batch (`frames._self_hierarchy`); left to
        the database, every row would be a root. Not where a trigger may rewrite the row's keys."""
        table, plan = self._table(name), self._plan(name)
        if not plan.self_fks or plan.rewritten_on_insert or plan.reserved_keys:
            return []
        taken = list(dict.fromkeys(c for fk in table.foreign_keys if fk.name in plan.self_fks
                                   for c in fk.ref_columns if c not in plan.write_columns))
        return taken if taken and writable_sequence_keys(table, taken) else []

    def _rows_for(self, name: str) -> tuple[int, int]:
        """(first row index, rows) of a generic table in this partition; see plan/allocation.py."""
        config = self._settings_for(name)
        if self.partition.key == BASE:
            if config and config.count is not None:
                return 0, config.count
            if self._has_rows(name) and self.e.reuses_existing_rows(name):
                # a populated lookup (roles, setup types): sample its rows, add none, and say so, since a
                # store's own few products look the same from here
                self.result.notes.append(f"{name}: its existing rows are used as reference data and none are added; "
                                         f"set tables.{name}.count to add rows")
                return 0, 0
            if name in self.e.tenants:
                # an organization per few users, as a team account holds its owner and tenants.membersPerTenant
                per_tenant = self.e.settings.tenants.members_per_tenant + 1
                return 0, max(1, -(-self.e.owner_total() // per_tenant))
            return 0, self.e.settings.rows_per_table
        if name == self.e.mapping.user_table:
            return allocation.generic_band(self.partition, self.partition.owner_count)
        if config and config.count is not None:
            # the configured total is shared out over the owners, so batches add up to it exactly
            first, count = allocation.share(config.count, max(self.e.owner_total(), 1),
                                            self.partition.owner_start, self.partition.owner_count)
            return allocation.counted_band(first), count
        fk = self._counted_parent(name)
        parent_rows = self.loaded[fk.ref_qualified].height if fk is not None else 0
        return allocation.generic_band(self.partition, int(round(parent_rows * self._per_parent(name))))

    def _counted_parent(self, name: str):
        """The foreign key whose parents in this partition a generic table's rows are counted by: the first one
        to a table loaded here."""
        return next((fk for fk in self._table(name).foreign_keys
                     if fk.ref_qualified in self.loaded and fk.ref_qualified != name
                     and fk.name not in self._plan(name).deferred_update_fks), None)

    def _per_parent(self, name: str) -> float:
        config = self._settings_for(name)
        return config.per_parent if config and config.per_parent is not None else 1.0

    def _per_accepted_parent(self, name: str, pools: dict[str, pl.DataFrame], count: int) -> int:
        """A batch's rows of a table whose trigger takes only some of the parents it is counted by (invitations
        to team accounts, not personal ones): per parent the trigger accepts, so the seed's total is the same
        whichever batches hold those parents (and a batch holding none adds none)."""
        fk, config = self._counted_parent(name), self._settings_for(name)
        if self.partition.key == BASE or fk is None or fk.name not in pools or (config and config.count is not None):
            return count
        if not any(rule.fk == fk.name for rule in trigger_rules.analyse(self._table(name)).parents):
            return count
        return min(count, int(round(pools[fk.name].height * self._per_parent(name))))

    def _has_rows(self, name: str) -> bool:
        return self.io.has_rows(name)

    def _add_partition_bounds(self, name: str, request: TableRequest) -> None:
        """Declaratively partitioned tables: keep the partition key inside an existing partition's bounds."""
        from supaseed_pipeline.seed.partitioned import partition_key_values

        values = partition_key_values(self.e.snapshot, name, request.index, self.e.seed)
        request.fixed.update(values)

    def _filter_unparsed_checks(self, name: str, frame: pl.DataFrame, count: int) -> pl.DataFrame:
        plan = self._plan(name)
        if not plan.unparsed_checks or frame.height == 0:
            return frame
        return self.io.passing_checks(self._table(name), plan, frame)

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
                if any(set(fk.columns) == set(s) for s in plan.unique_sets):
                    # one-to-one: each parent at most once, rows past the last parent left NULL
                    picked = pl.concat([pool.head(keys.height), pl.DataFrame(
                        {c: pl.Series([None] * max(keys.height - pool.height, 0), dtype=pool[c].dtype) for c in pool.columns})])
                else:
                    picked = pool[rnd.choose(index, rnd.salt(self.e.seed, name, fk.name, "deferred"), pool.height)]
                updates = updates.with_columns([picked[r].alias(c) for c, r in zip(fk.columns, fk.ref_columns)])
            if updates.width > keys.width:
                self.io.update(table, plan.key_columns, updates)
