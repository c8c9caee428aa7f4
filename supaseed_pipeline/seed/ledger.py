"""The ledger: a schema in the target (`supaseed`, or setting ledgerSchema) recording every run, partition and seeded key.

Cleanup and partition reruns delete exactly the recorded keys, children first. Rows that another
session added and that reference seeded rows stop the delete with a message instead of being
cascaded away.
"""

from __future__ import annotations

import functools
import inspect
import json
import re
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Callable, Iterator

import polars as pl
import psycopg
import pyarrow as pa
from psycopg import sql

from supaseed_pipeline.errors import SupaseedError
from supaseed_pipeline.plan.allocation import BASE
from supaseed_pipeline.seed import binary_copy, fk_indexes, locking, removal
from supaseed_pipeline.seed.load import configure_session, index_probes_only
from supaseed_pipeline.settings import LEDGER_SCHEMA_NAME
from supaseed_pipeline.snapshot.models import SchemaSnapshot

LEDGER_SCHEMA = "supaseed"   # the default name (setting ledgerSchema); the current one is schema()

# The ledger's schema name for the code running now. Set once per entry point (seed, cleanup, status,
# export, the Dagster steps) from the settings with `using`; threads started inside copy the context.
_SCHEMA: ContextVar[str] = ContextVar("supaseed_ledger_schema", default=LEDGER_SCHEMA)


def schema() -> str:
    """The ledger schema the current run uses."""
    return _SCHEMA.get()


@contextmanager
def using(name: str | None) -> Iterator[str]:
    """Run the block against the ledger schema `name` (None: keep the current one)."""
    if name is None:
        yield schema()
        return
    if not LEDGER_SCHEMA_NAME.fullmatch(name):   # settings validate it; this keeps any other caller from injecting SQL
        raise SupaseedError(f"invalid ledger schema name {name!r}",
                            hint="ledgerSchema takes a plain lower-case identifier such as seed_ledger")
    token = _SCHEMA.set(name)
    try:
        yield name
    finally:
        _SCHEMA.reset(token)


def scoped(func):
    """Run `func` in the ledger schema of its `settings` argument (the current one when it is None)."""
    signature = inspect.signature(func)

    @functools.wraps(func)
    def run(*args, **kwargs):
        settings = signature.bind_partial(*args, **kwargs).arguments.get("settings")
        with using(getattr(settings, "ledger_schema", None)):
            return func(*args, **kwargs)
    return run


# Ledger SQL is written against the default name; sql_text moves it to the current schema: the
# `supaseed.` qualifier (also inside to_regclass('supaseed.x')), `SCHEMA [IF NOT EXISTS] supaseed` and the literal 'supaseed'.
_QUALIFIER = re.compile(r"(?<![\w.\"])supaseed(?=\.)")
_SCHEMA_WORD = re.compile(r"\b(SCHEMA (?:IF (?:NOT )?EXISTS )?)supaseed\b")
_LITERAL = "'supaseed'"


@functools.lru_cache(maxsize=1024)
def _rewrite(text: str, name: str) -> str:
    quoted = f'"{name}"'   # a validated lower-case name: quoting only guards reserved words
    text = _SCHEMA_WORD.sub(lambda m: m.group(1) + quoted, text)
    text = _QUALIFIER.sub(quoted, text)
    return text.replace(_LITERAL, f"'{name}'")


def sql_text(text: str) -> str:
    """Ledger SQL written for `supaseed` as SQL for the current ledger schema."""
    return _rewrite(text, schema())


# The schema comment marks the ledger as supaseed's own: a schema of the ledger's name without it is
# someone else's, and nothing in it is ever written or dropped.
LEDGER_MARK = "supaseed ledger v2: rows seeded by supaseed; managed by supaseed, do not store your own objects here"
LEDGER_TABLES = ("seeded_keys", "partitions", "runs", "deferred_ddl", "cleanup_indexes")
ORIGINS = ("inserted", "trigger", "rule")

LEDGER_DDL = f"""
CREATE TABLE IF NOT EXISTS supaseed.runs (
    run_id text PRIMARY KEY,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    status text NOT NULL DEFAULT 'running',
    seed bigint NOT NULL,
    config_hash text NOT NULL,
    schema_fingerprint text NOT NULL,
    settings jsonb NOT NULL DEFAULT '{{}}',
    dagster_run_id text
);
CREATE TABLE IF NOT EXISTS supaseed.partitions (
    partition_key text PRIMARY KEY,
    run_id text NOT NULL REFERENCES supaseed.runs(run_id),
    seed bigint NOT NULL,
    config_hash text NOT NULL,
    schema_fingerprint text NOT NULL,
    seeded_at timestamptz NOT NULL DEFAULT now(),
    row_counts jsonb NOT NULL DEFAULT '{{}}'
);
CREATE TABLE IF NOT EXISTS supaseed.seeded_keys (
    partition_key text NOT NULL REFERENCES supaseed.partitions(partition_key) ON DELETE CASCADE,
    seq int NOT NULL,
    table_name text NOT NULL,
    origin text NOT NULL,
    key_columns text[] NOT NULL,
    keys text[],
    uuids uuid[],
    PRIMARY KEY (partition_key, seq)
);
-- a key made of one uuid column is recorded as uuid[] (16 bytes a key, text takes 40: a 1M-user seed's ledger
-- 0.4 GB instead of 0.9, and a seed spends 3-5% less CPU writing it); any other key as text[]
ALTER TABLE supaseed.seeded_keys ADD COLUMN IF NOT EXISTS uuids uuid[];
ALTER TABLE supaseed.seeded_keys ALTER COLUMN keys DROP NOT NULL;
ALTER TABLE supaseed.seeded_keys DROP CONSTRAINT IF EXISTS seeded_keys_one_form;
ALTER TABLE supaseed.seeded_keys ADD CONSTRAINT seeded_keys_one_form CHECK ((keys IS NULL) <> (uuids IS NULL));
-- origin: inserted by supaseed, made by a trigger on a seeded row, or made by a rule (CREATE RULE ... DO ALSO)
ALTER TABLE supaseed.seeded_keys DROP CONSTRAINT IF EXISTS seeded_keys_origin_check;
ALTER TABLE supaseed.seeded_keys ADD CONSTRAINT seeded_keys_origin_check CHECK (origin IN {ORIGINS!r});
-- keys arrays are stored uncompressed: random keys (uuids) do not compress, and pglz trying to costs
-- 5x the insert itself (0.26 s vs 0.05 s for 164,000 uuids), on every batch of every seed
ALTER TABLE supaseed.seeded_keys ALTER COLUMN keys SET STORAGE EXTERNAL;
ALTER TABLE supaseed.seeded_keys ALTER COLUMN uuids SET STORAGE EXTERNAL;
COMMENT ON SCHEMA supaseed IS '{LEDGER_MARK}';
"""


def _ledger_state(conn: psycopg.Connection) -> tuple[bool, bool, list[str]]:
    """(schema exists, carries our mark, objects in it that are not the ledger's)."""
    row = conn.execute("SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
                       (schema(),)).fetchone()
    if row is None:
        return False, False, []
    foreign = [r[0] for r in conn.execute(
        sql_text("SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'supaseed' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relname = ANY(%s) "
        "UNION ALL SELECT p.proname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'supaseed' UNION ALL SELECT t.typname::text FROM pg_type t "
        "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'supaseed' AND t.typtype IN ('e', 'd', 'c') "
        "AND t.typrelid = 0 ORDER BY 1"), (list(LEDGER_TABLES),)).fetchall()]
    return True, row[0] == LEDGER_MARK, foreign


def ensure_ledger(conn: psycopg.Connection) -> None:
    """Create (or upgrade) the ledger; refuse a schema of the ledger's name that supaseed did not create."""
    exists, ours, foreign = _ledger_state(conn)
    if exists and not ours:
        ledger_tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s AND tablename = ANY(%s)",
                                     (schema(), ["runs", "partitions", "seeded_keys"])).fetchone()[0]
        if foreign or ledger_tables < 3:
            # an unmarked schema holding only an earlier ledger's tables is adopted below
            what = f" (it holds {', '.join(foreign[:5])})" if foreign else ""
            raise SupaseedError(
                f"the database already has a schema named {schema()} that supaseed did not create{what}; "
                "supaseed keeps its ledger there and will not write to or drop another schema",
                hint="set ledgerSchema to another name (or rename your schema), then run again; nothing was changed")
    if exists and ours and conn.execute(sql_text(
            "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('supaseed.seeded_keys') "
            "AND conname = 'seeded_keys_origin_check' AND pg_get_constraintdef(oid) LIKE '%rule%') "
            "AND EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('supaseed.seeded_keys') "
            "AND conname = 'seeded_keys_one_form') "
            "AND EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('supaseed.seeded_keys') "
            "AND attname = 'uuids' AND attstorage = 'e')")).fetchone()[0]:
        return
    conn.execute(sql_text("CREATE SCHEMA IF NOT EXISTS supaseed"))
    conn.execute(sql_text(LEDGER_DDL))


def uuid_key(snapshot: SchemaSnapshot, table: str, key_columns: list[str]) -> bool:
    """Whether the ledger records this table's keys as uuid[]: the key is one column, of type uuid."""
    found = snapshot.table(table) if len(key_columns) == 1 else None
    column = found.column(key_columns[0]) if found else None
    return column is not None and column.is_uuid


def _has_uuids(conn: psycopg.Connection) -> bool:
    """False for a ledger written before keys could be uuid[] (until a seed upgrades it: status and cleanup
    read it as it is)."""
    return conn.execute(sql_text("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = "
                                 "to_regclass('supaseed.seeded_keys') AND attname = 'uuids')")).fetchone()[0]


def key_count(conn: psycopg.Connection, alias: str = "") -> str:
    """SQL: how many keys one seeded_keys row records (`alias`: e.g. "s." before the columns)."""
    return f"coalesce(cardinality({alias}keys), cardinality({alias}uuids))" if _has_uuids(conn) else \
        f"cardinality({alias}keys)"


def recorded_keys(conn: psycopg.Connection, alias: str = "", *, uuid: bool = False) -> str:
    """SQL: the keys one seeded_keys row records, as uuid[] for a key that is one uuid column (its `uuids`, or
    the text keys an older ledger wrote, cast), else as text[] (`keys`, or the uuids as text)."""
    if not _has_uuids(conn):
        return f"{alias}keys::uuid[]" if uuid else f"{alias}keys"
    return f"coalesce({alias}uuids, {alias}keys::uuid[])" if uuid else f"coalesce({alias}keys, {alias}uuids::text[])"


def ledger_exists(conn: psycopg.Connection) -> bool:
    return conn.execute(sql_text("SELECT to_regclass('supaseed.seeded_keys') IS NOT NULL")).fetchone()[0]


def recorded_row_count(conn: psycopg.Connection) -> int:
    """How many rows the ledger says supaseed seeded (0 without a ledger)."""
    if not ledger_exists(conn):
        return 0
    return int(conn.execute(sql_text(f"SELECT coalesce(sum({key_count(conn)}), 0)::bigint FROM supaseed.seeded_keys")).fetchone()[0])


def encode_keys(frame: pl.DataFrame, key_columns: list[str]) -> pl.Series:
    """One text per row: the value itself for a single-column key, a JSON object for a composite one."""
    if len(key_columns) == 1:
        return frame[key_columns[0]].cast(pl.String)
    return frame.select(pl.struct([pl.col(c).cast(pl.String) for c in key_columns]).struct.json_encode()).to_series()


@dataclass
class PartitionRecord:
    partition_key: str
    run_id: str
    seed: int
    config_hash: str
    schema_fingerprint: str


class Ledger:
    """Records seeded keys of one partition inside the partition's own transaction."""

    def __init__(self, conn: psycopg.Connection, record: PartitionRecord, snapshot: SchemaSnapshot | None = None):
        self.conn = conn
        self.record = record
        self.snapshot = snapshot   # the column types that say which keys go as uuid[] (without it: all as text)
        self.seq = 0
        self.counts: dict[str, int] = {}

    def open(self) -> None:
        self.conn.execute(sql_text(
            "INSERT INTO supaseed.partitions (partition_key, run_id, seed, config_hash, schema_fingerprint) "
            "VALUES (%s, %s, %s, %s, %s)"),
            (self.record.partition_key, self.record.run_id, self.record.seed, self.record.config_hash,
             self.record.schema_fingerprint))

    def add(self, table: str, key_columns: list[str], keys: pl.DataFrame, origin: str = "inserted") -> None:
        if keys.height == 0:
            return
        self.seq += 1
        uuids = binary_copy.uuid_array(keys[key_columns[0]]) \
            if self.snapshot is not None and uuid_key(self.snapshot, table, key_columns) else None
        if uuids is not None:
            data = binary_copy.row_stream([binary_copy.text(self.record.partition_key), binary_copy.int4(self.seq),
                                           binary_copy.text(table), binary_copy.text(origin),
                                           binary_copy.text_array(key_columns), uuids])
            self._write("uuids", data, table, keys.height)
            return
        # one row, its keys as one text[]: binary COPY spares the client building an array literal and the
        # server parsing it (10,000 uuid keys: 3.8 ms instead of 7.4)
        row = pa.table({"partition_key": pa.array([self.record.partition_key], pa.large_string()),
                        "seq": pa.array([self.seq], pa.int32()),
                        "table_name": pa.array([table], pa.large_string()),
                        "origin": pa.array([origin], pa.large_string()),
                        "key_columns": binary_copy.text_list(pl.Series(key_columns, dtype=pl.String)),
                        "keys": binary_copy.text_list(encode_keys(keys, key_columns))})
        self._write("keys", binary_copy.stream(row), table, keys.height)

    def _write(self, column: str, data: bytes, table: str, rows: int) -> None:
        with self.conn.cursor() as cur, cur.copy(sql_text(
                f"COPY supaseed.seeded_keys (partition_key, seq, table_name, origin, key_columns, {column}) "
                "FROM STDIN (FORMAT binary)")) as copy:
            copy.write(data)
        self.counts[table] = self.counts.get(table, 0) + rows

    def close(self) -> None:
        self.conn.execute(sql_text("UPDATE supaseed.partitions SET row_counts = %s WHERE partition_key = %s"),
                          (json.dumps(self.counts), self.record.partition_key))


def same_partition_exists(conn: psycopg.Connection, record: PartitionRecord) -> bool:
    """True when the partition is already seeded with the same seed, config and schema."""
    if not ledger_exists(conn):
        return False
    row = conn.execute(sql_text("SELECT seed, config_hash, schema_fingerprint FROM supaseed.partitions WHERE partition_key = %s"),
                       (record.partition_key,)).fetchone()
    return row == (record.seed, record.config_hash, record.schema_fingerprint)


def start_run(conn: psycopg.Connection, run_id: str, seed: int, config_hash: str, fingerprint: str,
              settings: dict, dagster_run_id: str | None) -> None:
    with conn.transaction():
        ensure_ledger(conn)
        conn.execute(sql_text(
            "INSERT INTO supaseed.runs (run_id, seed, config_hash, schema_fingerprint, settings, dagster_run_id) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (run_id) DO NOTHING"),
            (run_id, seed, config_hash, fingerprint, json.dumps(settings), dagster_run_id))


def analyze(conn: psycopg.Connection) -> None:
    """Fresh statistics for the ledger, so the planner joins it by hash, not by nested loops on stale guesses."""
    conn.execute(sql_text("ANALYZE supaseed.seeded_keys, supaseed.partitions, supaseed.runs"))


def finish_run(conn: psycopg.Connection, run_id: str, status: str) -> None:
    with conn.transaction():
        conn.execute(sql_text("UPDATE supaseed.runs SET finished_at = now(), status = %s WHERE run_id = %s"), (status, run_id))


def drop_if_unused(conn: psycopg.Connection) -> bool:
    """Drop the ledger when it records no seeded rows (a first run that failed before seeding anything).

    Only the ledger's own tables go, by name; the schema itself only when nothing else is in it.
    """
    with conn.transaction():
        conn.execute("SET LOCAL statement_timeout = 0")
        exists, ours, foreign = _ledger_state(conn)
        if not exists or not ours or conn.execute(sql_text("SELECT EXISTS (SELECT 1 FROM supaseed.seeded_keys)")).fetchone()[0]:
            return False
        if conn.execute(sql_text("SELECT to_regclass('supaseed.deferred_ddl') IS NOT NULL")).fetchone()[0] and \
                conn.execute(sql_text("SELECT EXISTS (SELECT 1 FROM supaseed.deferred_ddl)")).fetchone()[0]:
            return False   # a bulk load's dropped definitions are still to be restored
        for table in LEDGER_TABLES:
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(schema(), table)))
        if not foreign:
            conn.execute(sql_text("DROP SCHEMA supaseed"))   # RESTRICT: anything we did not see keeps it
    return True


# ------------------------------------------------------------------------------------------ removal

def _selected(conn: psycopg.Connection, partition_keys: list[str] | None) -> list[str]:
    """The recorded partitions to remove (all when None), user batches first and `base` last: the
    batches reference the base's rows, never the other way round."""
    rows = conn.execute(sql_text("SELECT partition_key FROM supaseed.partitions ORDER BY partition_key")).fetchall()
    keys = [r[0] for r in rows if partition_keys is None or r[0] in partition_keys]
    return sorted(keys, key=lambda k: (k == BASE, k))


def _stage(conn: psycopg.Connection, snapshot: SchemaSnapshot, keys: list[str], *, with_part: bool = False):
    tables = removal.recorded_tables(conn, keys)
    stages = {table: removal.stage_recorded(conn, snapshot, n, table, columns, keys, with_part=with_part)
              for n, (table, columns, _) in enumerate(tables)}
    return stages, {table: count for table, _, count in tables}


def delete_seeded(conn: psycopg.Connection, snapshot: SchemaSnapshot, load_order: list[str],
                  partition_keys: list[str] | None = None) -> removal.Removal:
    """Delete the recorded rows of the given partitions (all when None) and their ledger entries.

    Runs inside the caller's transaction; see `removal.delete_seeded` for what is refused and checked.
    """
    keys = _selected(conn, partition_keys)
    stages, recorded = _stage(conn, snapshot, keys)
    removed = removal.delete_staged(conn, stages, recorded, load_order)
    conn.execute(sql_text("DELETE FROM supaseed.partitions WHERE partition_key = ANY(%s)"), (keys,))
    return removed


@dataclass
class RemovalStep:
    """One committed step of a batch-by-batch removal (for progress output)."""

    partitions: list[str]
    rows: int          # rows this step removed
    done: int          # partitions removed so far
    total: int         # partitions to remove
    seconds: float     # this step's wall time


def _groups(keys: list[str], links: set[tuple[int, int]]) -> list[list[str]]:
    """Partitions that must go together: linked by a reference between their seeded rows, except a
    batch's reference into `base` (the base goes last anyway). Groups holding the base go last."""
    leader = list(range(len(keys)))

    def find(i: int) -> int:
        while leader[i] != i:
            leader[i] = leader[leader[i]]
            i = leader[i]
        return i

    for child, parent in links:   # 1-based positions (array_position)
        if keys[parent - 1] == BASE and keys[child - 1] != BASE:
            continue
        leader[find(child - 1)] = find(parent - 1)
    members: dict[int, list[str]] = {}
    for i, key in enumerate(keys):
        members.setdefault(find(i), []).append(key)
    return sorted(members.values(), key=lambda g: (BASE in g, keys.index(g[0])))


def _roomy_temp_tables(conn: psycopg.Connection) -> None:
    """Local buffers for the stages (8MB by default: a stage of millions of keys would be written out
    and read back page by page). Only possible before the session first touches a temp table."""
    try:
        with conn.transaction():
            conn.execute("SET temp_buffers = '256MB'")
    except psycopg.Error:
        pass   # this session has used temp tables already: keep its setting


def remove_partitions(conn: psycopg.Connection, snapshot: SchemaSnapshot, load_order: list[str],
                      partition_keys: list[str] | None = None, *, statement_timeout_s: float, lock_timeout_s: float,
                      progress: Callable[[RemovalStep], None] | None = None,
                      open_connection: Callable[[], psycopg.Connection] | None = None,
                      workers: int = 1) -> removal.Removal:
    """Cleanup at scale: remove the recorded partitions batch by batch, each in its own transaction.

    `conn` is in autocommit. First, in one read-only pass over every partition at once: the refusal
    (rows supaseed did not seed reference seeded rows), which partitions reference each other (they go
    together) and a rolled-back probe of tables that could keep rows; a refusal there changes nothing.
    Then indexes for unindexed referencing columns (dropped at the end, see fk_indexes), then one
    transaction per partition: user batches (on up to `workers` connections from `open_connection` at
    once: they are independent, as when they were seeded), then `base`. Killed half way, whole
    partitions are gone with their ledger entries and a rerun continues with the rest.

    Timeouts: the work of one partition is bounded by the seed's own statement timeout (the seed wrote
    that partition under it, and its delete does the same work through indexes); the whole-table passes
    (the up-front check, index builds) grow with everything seeded, so only lock_timeout bounds them.
    """
    fk_indexes.drop_recorded(conn)   # a killed cleanup's leftovers
    keys = _selected(conn, partition_keys)
    if not keys:
        return removal.Removal({}, {})
    configure_session(conn, statement_timeout_s=0, lock_timeout_s=lock_timeout_s)
    _roomy_temp_tables(conn)
    with conn.transaction():
        # the up-front pass stages every recorded key (22M at 1M users): sorts and hashes in memory
        conn.execute("SET LOCAL work_mem = '64MB'")
        stages, _ = _stage(conn, snapshot, keys, with_part=True)
        removal.check_tables_exist(conn, stages)
        references = removal.catalog_references(conn, set(stages))
        links = removal.refuse_and_link(conn, stages, references)
        removal.probe_deletes(conn, stages, references)
    groups = _groups(keys, links)
    removed: dict[str, int] = {}
    missing: dict[str, int] = {}
    done = [0]
    lock = threading.Lock()
    probes_only = False   # decided once the FK indexes are there (below)

    def remove_group(worker: psycopg.Connection, group: list[str]) -> None:
        started = time.perf_counter()
        with lock:
            note = "nothing was removed" if not done[0] else \
                f"{done[0]} of the {len(keys)} partitions were removed before this one; run cleanup again for the rest"
        with worker.transaction():
            configure_session(worker, statement_timeout_s=statement_timeout_s, lock_timeout_s=lock_timeout_s)
            with index_probes_only(worker, joins=probes_only):
                group_stages, recorded = _stage(worker, snapshot, group)
                step = removal.delete_staged(worker, group_stages, recorded, load_order, removed_note=note)
            worker.execute(sql_text("DELETE FROM supaseed.partitions WHERE partition_key = ANY(%s)"), (group,))
        with lock:
            for table, count in step.items():
                removed[table] = removed.get(table, 0) + count
            for table, count in step.missing.items():
                missing[table] = missing.get(table, 0) + count
            done[0] += len(group)
            if progress:
                progress(RemovalStep(group, sum(step.values()), done[0], len(keys), time.perf_counter() - started))

    try:
        for relation, columns in fk_indexes.unindexed(conn, references):
            fk_indexes.create(conn, relation, columns)
        # joins may be limited to index probes only when every one has an index to probe: each foreign
        # key's referencing columns (made above, unless this role may not) and each table's recorded key
        probes_only = not fk_indexes.unindexed(conn, references) and all(
            fk_indexes.has_index(conn, table, stage.key_columns) for table, stage in stages.items())
        batches = [g for g in groups if BASE not in g]
        if open_connection is None or workers <= 1:
            for group in batches:
                remove_group(conn, group)
        else:
            locking.on_connections(batches, remove_group, open_connection, workers)
        for group in groups:
            if BASE in group:
                remove_group(conn, group)
    finally:
        if not conn.closed and not conn.broken and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
            configure_session(conn, statement_timeout_s=0, lock_timeout_s=lock_timeout_s)
            fk_indexes.drop_recorded(conn)
    return removal.Removal(removed, missing)


def status(conn: psycopg.Connection) -> dict:
    """What is seeded: per table rows and partitions, and the runs that seeded them."""
    if not ledger_exists(conn):
        return {"tables": {}, "partitions": [], "runs": []}
    tables = conn.execute(sql_text(
        f"SELECT table_name, sum({key_count(conn)})::bigint, count(DISTINCT partition_key) FROM supaseed.seeded_keys "
        "GROUP BY table_name ORDER BY table_name")).fetchall()
    partitions = conn.execute(sql_text(
        "SELECT partition_key, run_id, seed, config_hash, schema_fingerprint, seeded_at, row_counts "
        "FROM supaseed.partitions ORDER BY partition_key")).fetchall()
    runs = conn.execute(sql_text(
        "SELECT run_id, status, seed, config_hash, started_at, finished_at FROM supaseed.runs "
        "ORDER BY started_at DESC LIMIT 20")).fetchall()
    # a run still marked running whose sessions are gone was killed: never shown as running or succeeded
    live = {key for _, key in locking.holders(conn)}
    runs = [(run_id, "interrupted" if status == "running" and locking.token_key(run_id) not in live else status, *rest)
            for run_id, status, *rest in runs]
    return {
        "tables": {t: {"rows": int(rows), "partitions": int(parts)} for t, rows, parts in tables},
        "partitions": [dict(zip(["partition", "run_id", "seed", "config_hash", "fingerprint", "seeded_at", "row_counts"], p))
                       for p in partitions],
        "runs": [dict(zip(["run_id", "status", "seed", "config_hash", "started_at", "finished_at"], r)) for r in runs],
    }
