"""The seeding operations the CLI and the Dagster assets share: prepare, seed, status, cleanup."""

from __future__ import annotations

import contextlib
import threading
import uuid

from dataclasses import dataclass
from typing import Callable

import psycopg
import psycopg.sql

from supaseed_pipeline.ai.domain import with_ai_text
from supaseed_pipeline.db import guard
from supaseed_pipeline.db.connect import Target, connect
from supaseed_pipeline.domains import load_domain_modules
from supaseed_pipeline.domains.registry import domain_for
from supaseed_pipeline.errors import ConfigError, ProductionGuardError, SupaseedError, TargetBusy
from supaseed_pipeline.plan.graph import ConstraintGraph, build_constraint_graph
from supaseed_pipeline.plan.mapping import TableMapping, detect_mapping
from supaseed_pipeline.seed import bulk, fk_indexes, ledger, locking, removal
from supaseed_pipeline.seed import progress as progress_events
from supaseed_pipeline.seed.engine import BASE, Partition, PartitionResult, SeedEngine
from supaseed_pipeline.seed.load import configure_session, explain_load_error, explain_read_error, timeout_ms
from supaseed_pipeline.seed.planner import trigger_match
from supaseed_pipeline.settings import SeedSettings
from supaseed_pipeline.snapshot.introspect import take_snapshot
from supaseed_pipeline.snapshot.models import SchemaSnapshot

LOCAL_HOSTS = guard.LOCAL_HOSTS


@dataclass
class Prepared:
    snapshot: SchemaSnapshot
    graph: ConstraintGraph
    mapping: TableMapping
    engine: SeedEngine


def resolve_domain(settings: SeedSettings):
    load_domain_modules(settings.domain_modules)
    return domain_for(settings)   # with extensions.<domain>.settings and the image keys applied


def prepare(conn: psycopg.Connection, settings: SeedSettings, snapshot: SchemaSnapshot | None = None) -> Prepared:
    """Snapshot (unless given), graph, mapping and engine for a target."""
    domain = resolve_domain(settings)
    _check_personas(domain, settings)
    snapshot = snapshot or take_snapshot(conn)
    if not snapshot.tables:
        raise SupaseedError("the target database has no tables to seed",
                            hint="apply your migrations first, or point databaseUrl at the right database")
    missing = [name for name in settings.schemas
               if not conn.execute("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %s)", (name,)).fetchone()[0]]
    if missing:
        raise ConfigError(f"schemas: the target has no schema '{missing[0]}'",
                          hint=f"schemas with tables: {', '.join(sorted({t.schema_name for t in snapshot.tables}))}")
    mapping = detect_mapping(snapshot, settings, domain)
    graph = build_constraint_graph(snapshot)
    _check_table_settings(snapshot, settings)
    domain = with_ai_text(domain, settings, mapping)   # ai.enabled: bios/descriptions from cached Ollama pools
    return Prepared(snapshot, graph, mapping, SeedEngine(snapshot, graph, mapping, settings, domain))


def _check_personas(domain, settings: SeedSettings) -> None:
    known = domain.persona_keys
    for key, personas in (("additionalUsers.personas", settings.additional_users.personas), ("personas", settings.personas)):
        unknown = [p for p in personas if p not in known]
        if unknown:
            raise ConfigError(f"{key}: unknown persona '{unknown[0]}' for domain '{domain.name}'",
                              hint=f"available: {', '.join(known)}")


def _check_table_settings(snapshot: SchemaSnapshot, settings: SeedSettings) -> None:
    for name, config in settings.tables.items():
        table = snapshot.table(name) if "." in name else next((t for t in snapshot.tables if t.name == name), None)
        if table is None:
            raise SupaseedError(f"tables.{name}: no such table in the target",
                                hint="use schema.table or a table name from `supaseed detect`")
        for column in config.columns:
            if not table.column(column):
                raise SupaseedError(f"tables.{name}.columns.{column}: {table.qualified} has no column '{column}'",
                                    hint=f"columns: {', '.join(c.name for c in table.columns)}")


def guard_production(conn: psycopg.Connection, target: Target, settings: SeedSettings, *, action: str = "seed") -> None:
    """Refuse targets that do not look like development or staging unless explicitly allowed (see db/guard.py)."""
    _declared_production(target, settings, action)
    guard.guard_production(conn, target, settings, action=action)


def guard_host(target: Target, settings: SeedSettings, *, action: str = "seed") -> None:
    """The host part of the guard, before any connection is opened."""
    _declared_production(target, settings, action)
    guard.guard_host(target, settings, action=action)


def _declared_production(target: Target, settings: SeedSettings, action: str) -> None:
    """`environment: production` in the config: the user says it is production, whatever the host looks like."""
    if settings.environment == "production" and not settings.allow_production and not target.embedded:
        raise ProductionGuardError(f"refusing to {action} {target.identity}: the config says environment: production",
                                   hint="pass --i-know-this-is-production (or allowProduction: true) to go ahead")


def seeding_lock(conn: psycopg.Connection, target: Target, timeout_s: float, token: str | None = None):
    """One run per target at a time (the steps of one run, named by `token`, share it); waits up to timeout_s."""
    return locking.run_lock(conn, target.identity, timeout_s, token or f"run-{uuid.uuid4().hex}")


def select_partitions(engine: SeedEngine, conn: psycopg.Connection, keys: list[str] | None) -> list[Partition]:
    available = {p.key: p for p in engine.partitions(conn)}
    if keys is None:
        return list(available.values())
    unknown = [k for k in keys if k not in available]
    if unknown:
        raise SupaseedError(f"unknown partition(s) {', '.join(unknown)} for this config",
                            hint=f"partitions are {', '.join(list(available)[:6])}{' ...' if len(available) > 6 else ''}")
    return [available[k] for k in keys]


@ledger.scoped
def seed(target: Target, settings: SeedSettings, *, partition_keys: list[str] | None = None,
         dagster_run_id: str | None = None, progress: Callable[[str, int], None] | None = None,
         on_partition: Callable[[PartitionResult], None] | None = None,
         replace_stale: bool | None = None, snapshot: SchemaSnapshot | None = None,
         run_token: str | None = None, replacement_indexes: bool = True) -> list[PartitionResult]:
    """Seed the selected partitions (all by default), each in its own transaction, under the target lock.

    replace_stale (default: when seeding everything) first removes partitions seeded under another
    config or schema; otherwise their presence is an error. A given snapshot (the one planning stored)
    is used instead of introspecting the catalog again. run_token names the run whose steps share
    the target lock (default: this call alone). replacement_indexes=False: the caller builds and drops the
    temporary indexes a reseed needs around several calls (`build_replacement_indexes`), as the steps of
    one run do.
    """
    run_id = dagster_run_id or f"cli-{uuid.uuid4().hex[:12]}"
    results: list[PartitionResult] = []
    guard_host(target, settings)
    with connect(target) as conn:
        conn.autocommit = True
        try:
            # bounded from the start: introspection (pg_get_expr) waits behind an exclusive table lock
            conn.execute(psycopg.sql.SQL("SET lock_timeout = {}").format(
                psycopg.sql.Literal(timeout_ms(settings.lock_timeout_seconds))))
            guard_production(conn, target, settings)
        except psycopg.Error as exc:
            raise explain_read_error(conn, exc, f"reading {target.identity}") from None
        with seeding_lock(conn, target, settings.lock_timeout_seconds, run_token or run_id):
            try:
                # a bulk load that died half way (an older ledger) is repaired before the schema is read,
                # so the snapshot, and every row generated from it, has the user's foreign keys
                bulk.restore(conn, open_connection=lambda: _build_connection(target, settings),
                             connections=settings.workers)
                prepared = prepare(conn, settings, snapshot)
                partitions = select_partitions(prepared.engine, conn, partition_keys)
            except psycopg.Error as exc:
                raise explain_read_error(conn, exc, f"reading the schema of {target.identity}") from None
            had_ledger = ledger.ledger_exists(conn)
            try:
                ledger.start_run(conn, run_id, settings.seed, settings.fingerprint(), prepared.snapshot.fingerprint,
                                 settings.public_dump(), dagster_run_id)
            except psycopg.Error as exc:
                raise explain_read_error(conn, exc, f"creating the supaseed ledger schema in {target.identity}") from None
            status = "failed"
            try:
                full_run = partition_keys is None if replace_stale is None else replace_stale

                def load_all(workers: int = 1) -> None:
                    report = _serialised(on_partition)
                    load_partitions(target, settings, prepared.engine, conn, partitions, run_id, run_token or run_id,
                                    workers=workers, progress=_serialised(progress),
                                    on_partition=lambda r: (results.append(r), report(r)))

                _remove_stale_partitions(conn, prepared, settings, partitions, full_run=full_run)
                if settings.bulk_load and full_run:
                    # Keys, indexes and foreign keys go once for the run (recorded first, see bulk.py); the
                    # batches then commit one by one on `workers` connections, as in the default load; a
                    # run that dies half way is repaired by the next seed or cleanup (bulk.restore above).
                    # populated lookups (roles, setup types) keep their indexes; the tables that grow must be empty
                    tables = bulk.empty_tables(conn, sorted(prepared.engine.seedable), sorted(prepared.engine.user_scoped))
                    read_back = _read_back(conn, prepared, tables)
                    bulk.defer(conn, tables, _droppable_keys(conn, prepared, tables, read_back),
                               [t for t in tables if t not in read_back], _lookups(conn, prepared, read_back),
                               updated=sorted(_updated_while_loading(prepared) & set(tables)))
                    try:
                        load_all(settings.workers)
                    except BaseException:
                        try:   # the definitions come back over what committed; the load's error is the one to report
                            _restore_after_bulk(conn, target, settings, prepared, run_id, run_token or run_id)
                        except (SupaseedError, psycopg.Error):
                            pass
                        raise
                    _restore_after_bulk(conn, target, settings, prepared, run_id, run_token or run_id)
                else:
                    # autocommit: each partition's `conn.transaction()` is a real transaction, committed on its own
                    with _replacement_indexes(conn, prepared, partitions) if replacement_indexes \
                            else contextlib.nullcontext():
                        load_all(settings.workers)
                results.sort(key=lambda r: (r.key != BASE, r.key))
                _refuse_when_nothing_was_seeded(prepared.engine, results)
                status = "succeeded"
                ledger.analyze(conn)
            finally:
                if not conn.closed and not conn.broken:
                    try:
                        # a first run that failed before seeding anything leaves no trace
                        if not (status == "failed" and not had_ledger and ledger.drop_if_unused(conn)):
                            ledger.finish_run(conn, run_id, status)
                    except psycopg.Error:
                        if status == "succeeded":
                            raise
                        # else: keep the error that failed the run (e.g. a connection left mid-COPY)
    return results


def _serialised(callback):
    """A callback safe to call from several loading threads (one call at a time)."""
    if callback is None:
        return lambda *args: None
    lock = threading.Lock()

    def call(*args):
        with lock:
            return callback(*args)
    return call


def load_partitions(target: Target, settings: SeedSettings, engine: SeedEngine, conn: psycopg.Connection,
                    partitions: list[Partition], run_id: str, token: str, *, workers: int, progress, on_partition) -> None:
    """Load partitions, `base` first on `conn`, then user batches on up to `workers` connections at once.

    Batches are independent (disjoint key bands, parents in `base` or in the batch itself, one
    transaction each), so they may commit in any order; each worker's connection holds the run's
    lock in shared mode. After the first failure no new batch starts; the failure is raised once
    the running ones end (committed batches stay, recorded in the ledger).
    """
    first = [p for p in partitions if p.key == BASE]
    batches = [p for p in partitions if p.key != BASE]
    for partition in first:
        on_partition(engine.seed_partition(conn, partition, run_id, progress))
    if max(1, min(workers, len(batches))) == 1:
        for partition in batches:
            on_partition(engine.seed_partition(conn, partition, run_id, progress))
        return
    locking.on_connections(batches, lambda worker, partition: on_partition(
        engine.seed_partition(worker, partition, run_id, progress)), lambda: _worker(target, settings, token), workers)


@contextlib.contextmanager
def _worker(target: Target, settings: SeedSettings, token: str):
    """A connection working for the run `token`: autocommit, holding the run's lock in shared mode."""
    with connect(target) as worker:
        worker.autocommit = True
        with seeding_lock(worker, target, settings.lock_timeout_seconds, token):
            yield worker


def _read_back(conn: psycopg.Connection, prepared: Prepared, tables: list[str]) -> set[str]:
    """Tables the load looks rows up in before it ends: rows a trigger made (read back by their foreign
    key), the accounts it updates, tables a trigger or rule names. They keep their keys and the indexes
    the load looks them up by in bulk mode (`_lookups`): without its foreign-key index, each batch's
    read-back would scan the whole table (quadratic)."""
    made = {e.target for e in prepared.engine.graph.trigger_effects}
    return (made | {prepared.mapping.account_table} | bulk.tables_named_by_triggers(conn, tables)) & set(tables)


def _lookups(conn: psycopg.Connection, prepared: Prepared, read_back: set[str]) -> dict[str, bulk.Lookups]:
    """What the load looks the read-back tables up by (bulk.Lookups): its key (the ledger, UPDATEs), the
    column trigger-made rows are read back by, and the columns that firing trigger or rule code compares
    (INSERT code, and UPDATE code on the tables the load updates). Their other indexes go while loading."""
    graph, snapshot = prepared.engine.graph, prepared.snapshot
    sources = bulk.firing_sources(conn, _updated_while_loading(prepared))
    lookups = {}
    for name in sorted(read_back):
        plan, table = graph.tables.get(name), snapshot.table(name)
        if plan is None or table is None:
            continue
        probed = set(plan.key_columns)
        for effect in graph.trigger_effects:
            if effect.target == name and effect.timing == "AFTER" and effect.source in graph.tables:
                match = trigger_match(table, plan, graph.tables[effect.source], snapshot.table(effect.source))
                probed |= {match[0]} if match else set()
        lookups[name] = bulk.Lookups(probed, bulk.compared_columns(sources, name, [c.name for c in table.columns]))
    return lookups


def _updated_while_loading(prepared: Prepared) -> set[str]:
    """Tables whose rows the load UPDATEs after inserting them: cycle links set afterwards, and the accounts
    an auth.users trigger made (filled with names, pictures and profiles)."""
    updated = {name for name, plan in prepared.engine.graph.tables.items() if plan.deferred_update_fks}
    return updated | ({prepared.mapping.account_table} if prepared.mapping.account_table else set())


def _droppable_keys(conn: psycopg.Connection, prepared: Prepared, tables: list[str], read_back: set[str]) -> list[str]:
    """Empty tables whose primary keys and unique constraints may go while a bulk load runs: loaded by
    COPY with keys we generate, and never looked up by key before the load ends (not read back, no
    UPDATE of their rows, no sequence to advance)."""
    graph = prepared.engine.graph
    keys = []
    for table in tables:
        plan = graph.tables.get(table)
        if plan is None or table in read_back:
            continue
        if not plan.key_columns or not plan.keys_generated or plan.rewritten_on_insert or plan.deferred_update_fks \
                or plan.reserved_keys or plan.rule_targets:
            continue
        keys.append(table)
    return keys


def _build_connection(target: Target, settings: SeedSettings) -> psycopg.Connection:
    """A connection for rebuilding indexes and keys: no statement timeout (a build grows with the table)."""
    worker = connect(target)
    worker.autocommit = True
    configure_session(worker, statement_timeout_s=0, lock_timeout_s=settings.lock_timeout_seconds)
    return worker


def _restore_after_bulk(conn: psycopg.Connection, target: Target, settings: SeedSettings, prepared: Prepared,
                        run_id: str, token: str) -> None:
    """Rebuild what the bulk load dropped, in parallel. Rows that break a key or unique index (a
    duplicate) make the run fail: exactly this run's recorded rows are removed, every definition comes
    back, and the error names the constraint."""
    progress_events.announce("rebuilding keys, indexes and foreign keys (bulkLoad)")
    try:
        # keep_going: when a key fails, every foreign key that does not rely on it comes back first, so
        # the run's rows are removed as cleanup removes them (cascades, triggers that guard direct deletes)
        bulk.restore(conn, open_connection=lambda: _build_connection(target, settings), connections=settings.workers,
                     keep_going=True)
    except bulk.RebuildFailed as failed:
        broken = next((f for f in failed.failures if f.unique), None)
        if broken is None:
            raise
        keys = [r[0] for r in conn.execute(ledger.sql_text("SELECT partition_key FROM supaseed.partitions WHERE run_id = %s "
                                                           "ORDER BY partition_key"), (run_id,)).fetchall()]
        removed = ledger.remove_partitions(conn, prepared.snapshot, prepared.graph.load_order, keys,
                                           statement_timeout_s=settings.statement_timeout_seconds,
                                           lock_timeout_s=settings.lock_timeout_seconds,
                                           open_connection=lambda: _worker(target, settings, token),
                                           workers=settings.workers) if keys else {}
        bulk.restore(conn, open_connection=lambda: _build_connection(target, settings), connections=settings.workers)
        raise SupaseedError(
            f"bulkLoad: the loaded rows break {'key' if broken.kind == 'key' else 'unique index'} {broken.name} on "
            f"{broken.table}: {broken.message}; this run's {sum(removed.values()):,} rows were removed and every key, "
            "index and foreign key is back",
            hint=f"seed without bulkLoad to see which table's rows collide (the default load checks every row), "
                 f"or set tables.{broken.table}.columns so its values are unique") from None


@contextlib.contextmanager
def _replacement_indexes(conn: psycopg.Connection, prepared: Prepared, partitions: list[Partition]):
    """While batches that already hold rows are replaced (a reseed of the same config), the foreign keys into
    the seeded tables get the temporary indexes cleanup builds where the schema has none: each batch deletes
    its previous rows first, and without them every deleted user would scan `created_by`-style columns
    (a 30,000-user reseed: 185 s against an 11 s seed). Dropped at the end; a killed run's are dropped by
    the next cleanup or seed."""
    fk_indexes.drop_recorded(conn)
    if not _recorded_batches(conn) & {p.key for p in partitions}:
        yield
        return
    _create_replacement_indexes(conn, prepared)
    try:
        yield
    finally:
        if not conn.closed and not conn.broken:
            with contextlib.suppress(psycopg.Error):   # best effort: what stays is dropped next time
                fk_indexes.drop_recorded(conn)


@ledger.scoped
def build_replacement_indexes(target: Target, settings: SeedSettings, snapshot: SchemaSnapshot | None = None) -> int:
    """For a run whose steps each load some batches (replacement_indexes=False): the temporary indexes a
    reseed needs, built once before the steps; `drop_replacement_indexes` after the last. Returns how many."""
    with connect(target) as conn:
        conn.autocommit = True
        prepared = prepare(conn, settings, snapshot)
        fk_indexes.drop_recorded(conn)
        if not _recorded_batches(conn):
            return 0   # nothing to replace: a fresh seed deletes nothing
        return _create_replacement_indexes(conn, prepared)


def _recorded_batches(conn: psycopg.Connection) -> set[str]:
    """User batches the ledger records (a seed replacing them deletes their previous rows first)."""
    if not ledger.ledger_exists(conn):
        return set()
    return {r[0] for r in conn.execute(ledger.sql_text("SELECT partition_key FROM supaseed.partitions"))} - {BASE}


def _create_replacement_indexes(conn: psycopg.Connection, prepared: Prepared) -> int:
    """Cleanup's temporary indexes on every unindexed foreign key into the user-scoped tables; how many were built."""
    references = removal.catalog_references(conn, set(prepared.engine.user_scoped))
    return sum(fk_indexes.create(conn, relation, columns) for relation, columns in fk_indexes.unindexed(conn, references))


@ledger.scoped
def drop_replacement_indexes(target: Target, settings: SeedSettings) -> int:
    with connect(target) as conn:
        conn.autocommit = True
        return fk_indexes.drop_recorded(conn)


def _refuse_when_nothing_was_seeded(engine: SeedEngine, results: list[PartitionResult]) -> None:
    """Some tables left out is a partial seed (reported); every table left out is a failed one."""
    # reference data alone writes nothing when its lookups are already filled: judge runs with user batches
    user_run = any(r.key != BASE for r in results) or not engine.user_scoped
    if engine.left_out and user_run and not any(r.rows for r in results):
        first = next(iter(engine.left_out.values()))
        raise SupaseedError(f"nothing could be seeded: {first.table}: {first.reason}"
                            f"{f' [{first.at_fault}]' if first.at_fault else ''}", hint=first.fix)


def _remove_stale_partitions(conn, prepared: Prepared, settings: SeedSettings, partitions: list[Partition], *,
                             full_run: bool) -> None:
    """Partitions seeded under another config or schema (or no longer planned) would collide with new rows.

    A full run removes them first, as cleanup does (partition by partition, each committed on its
    own); a run of selected partitions refuses instead, because other partitions may still reference them.
    """
    planned = {p.key for p in prepared.engine.partitions(conn)}
    rows = conn.execute(ledger.sql_text("SELECT partition_key, config_hash, schema_fingerprint FROM supaseed.partitions")).fetchall()
    current = (settings.fingerprint(), prepared.snapshot.fingerprint)
    stale = sorted(key for key, config, fingerprint in rows if key not in planned or (config, fingerprint) != current)
    selected = {p.key for p in partitions}
    if not stale:
        return
    if not full_run and set(stale) - selected:
        raise SupaseedError(
            f"the target holds {len(stale)} partition(s) seeded with another config or schema ({', '.join(stale[:4])}"
            f"{' ...' if len(stale) > 4 else ''}), which could collide with this run",
            hint="run a full seed (no partition) to replace them all, or `supaseed cleanup --force` first")
    try:
        # the cleanup path: partition by partition, temporary FK indexes, never one transaction over all
        ledger.remove_partitions(conn, prepared.snapshot, prepared.graph.load_order, stale,
                                 statement_timeout_s=settings.statement_timeout_seconds,
                                 lock_timeout_s=settings.lock_timeout_seconds)
    except psycopg.Error as exc:
        raise explain_load_error(exc, "(previous seed)") from None


@ledger.scoped
def cleanup(target: Target, settings: SeedSettings, *, partition_keys: list[str] | None = None,
            run_token: str | None = None, progress: Callable[[ledger.RemovalStep], None] | None = None) -> dict[str, int]:
    """Remove exactly what the ledger records (all partitions by default), partition by partition,
    each in its own transaction (see ledger.remove_partitions); `progress` hears of every one.

    Returns rows removed per table (`.missing`: recorded rows someone else had already deleted).
    """
    guard_host(target, settings, action="clean")
    with connect(target) as conn:
        conn.autocommit = True
        guard_production(conn, target, settings, action="clean")
        if not ledger.ledger_exists(conn):
            return {}
        conn.execute(psycopg.sql.SQL("SET lock_timeout = {}").format(
            psycopg.sql.Literal(timeout_ms(settings.lock_timeout_seconds))))
        token = run_token or f"cleanup-{uuid.uuid4().hex}"
        with seeding_lock(conn, target, settings.lock_timeout_seconds, token):
            try:
                bulk.restore(conn, open_connection=lambda: _build_connection(target, settings),
                             connections=settings.workers)
                snapshot = take_snapshot(conn)
            except psycopg.Error as exc:
                raise explain_read_error(conn, exc, f"reading the schema of {target.identity}") from None
            graph = build_constraint_graph(snapshot)
            try:
                # partitions are independent (as when they were seeded): removed on `workers` connections
                deleted = ledger.remove_partitions(conn, snapshot, graph.load_order, partition_keys,
                                                   statement_timeout_s=settings.statement_timeout_seconds,
                                                   lock_timeout_s=settings.lock_timeout_seconds, progress=progress,
                                                   open_connection=lambda: _worker(target, settings, token),
                                                   workers=settings.workers)
            except psycopg.Error as exc:
                raise explain_load_error(exc, "(cleanup)") from None
    return deleted


@ledger.scoped
def seeded_leftovers(target: Target, settings: SeedSettings | None = None) -> int:
    """How many recorded keys still point at existing rows (0 after a complete cleanup)."""
    with connect(target) as conn:
        return ledger.recorded_row_count(conn)


@ledger.scoped
def status(target: Target, settings: SeedSettings | None = None) -> dict:
    """What the ledger (of settings.ledgerSchema; the current one without settings) records."""
    with connect(target) as conn:
        return ledger.status(conn)


__all__ = ["BASE", "Prepared", "cleanup", "guard_host", "guard_production", "prepare", "seed", "seeding_lock", "status"]
