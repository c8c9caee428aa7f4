"""The ledger: a `supaseed` schema in the target recording every run, partition and seeded key.

Cleanup and partition reruns delete exactly the recorded keys, children first. Rows that another
session added and that reference seeded rows stop the delete with a message instead of being
cascaded away.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import polars as pl
import psycopg
from psycopg import sql

from supaseed_pipeline.errors import SupaseedError
from supaseed_pipeline.seed import locking, removal
from supaseed_pipeline.seed.load import text_array_literal
from supaseed_pipeline.snapshot.models import SchemaSnapshot

LEDGER_SCHEMA = "supaseed"

# The schema comment marks the ledger as supaseed's own: a `supaseed` schema without it is someone
# else's, and nothing in it is ever written or dropped.
LEDGER_MARK = "supaseed ledger v2: rows seeded by supaseed; managed by supaseed, do not store your own objects here"
LEDGER_TABLES = ("seeded_keys", "partitions", "runs", "deferred_ddl")
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
    keys text[] NOT NULL,
    PRIMARY KEY (partition_key, seq)
);
-- origin: inserted by supaseed, made by a trigger on a seeded row, or made by a rule (CREATE RULE ... DO ALSO)
ALTER TABLE supaseed.seeded_keys DROP CONSTRAINT IF EXISTS seeded_keys_origin_check;
ALTER TABLE supaseed.seeded_keys ADD CONSTRAINT seeded_keys_origin_check CHECK (origin IN {ORIGINS!r});
COMMENT ON SCHEMA supaseed IS '{LEDGER_MARK}';
"""


def _ledger_state(conn: psycopg.Connection) -> tuple[bool, bool, list[str]]:
    """(schema exists, carries our mark, objects in it that are not the ledger's)."""
    row = conn.execute("SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = 'supaseed'").fetchone()
    if row is None:
        return False, False, []
    foreign = [r[0] for r in conn.execute(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'supaseed' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relname = ANY(%s) "
        "UNION ALL SELECT p.proname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'supaseed' UNION ALL SELECT t.typname::text FROM pg_type t "
        "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'supaseed' AND t.typtype IN ('e', 'd', 'c') "
        "AND t.typrelid = 0 ORDER BY 1", (list(LEDGER_TABLES),)).fetchall()]
    return True, row[0] == LEDGER_MARK, foreign


def ensure_ledger(conn: psycopg.Connection) -> None:
    """Create (or upgrade) the ledger; refuse a `supaseed` schema that supaseed did not create."""
    exists, ours, foreign = _ledger_state(conn)
    if exists and not ours:
        ledger_tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'supaseed' AND tablename = ANY(%s)",
                                     (["runs", "partitions", "seeded_keys"],)).fetchone()[0]
        if foreign or ledger_tables < 3:
            # an unmarked schema holding only an earlier ledger's tables is adopted below
            what = f" (it holds {', '.join(foreign[:5])})" if foreign else ""
            raise SupaseedError(
                f"the database already has a schema named supaseed that supaseed did not create{what}; "
                "supaseed keeps its ledger there and will not write to or drop another schema",
                hint="rename your schema (ALTER SCHEMA supaseed RENAME TO ...), then run again; nothing was changed")
    if exists and ours and conn.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('supaseed.seeded_keys') "
            "AND conname = 'seeded_keys_origin_check' AND pg_get_constraintdef(oid) LIKE '%rule%')").fetchone()[0]:
        return
    conn.execute("CREATE SCHEMA IF NOT EXISTS supaseed")
    conn.execute(LEDGER_DDL)


def ledger_exists(conn: psycopg.Connection) -> bool:
    return conn.execute("SELECT to_regclass('supaseed.seeded_keys') IS NOT NULL").fetchone()[0]


def recorded_row_count(conn: psycopg.Connection) -> int:
    """How many rows the ledger says supaseed seeded (0 without a ledger)."""
    if not ledger_exists(conn):
        return 0
    return int(conn.execute("SELECT coalesce(sum(cardinality(keys)), 0)::bigint FROM supaseed.seeded_keys").fetchone()[0])


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

    def __init__(self, conn: psycopg.Connection, record: PartitionRecord):
        self.conn = conn
        self.record = record
        self.seq = 0
        self.counts: dict[str, int] = {}

    def open(self) -> None:
        self.conn.execute(
            "INSERT INTO supaseed.partitions (partition_key, run_id, seed, config_hash, schema_fingerprint) "
            "VALUES (%s, %s, %s, %s, %s)",
            (self.record.partition_key, self.record.run_id, self.record.seed, self.record.config_hash,
             self.record.schema_fingerprint))

    def add(self, table: str, key_columns: list[str], keys: pl.DataFrame, origin: str = "inserted") -> None:
        if keys.height == 0:
            return
        self.seq += 1
        self.conn.execute(
            "INSERT INTO supaseed.seeded_keys (partition_key, seq, table_name, origin, key_columns, keys) "
            "VALUES (%s, %s, %s, %s, %s, %s::text[])",
            (self.record.partition_key, self.seq, table, origin, key_columns,
             text_array_literal(encode_keys(keys, key_columns))))
        self.counts[table] = self.counts.get(table, 0) + keys.height

    def close(self) -> None:
        self.conn.execute("UPDATE supaseed.partitions SET row_counts = %s WHERE partition_key = %s",
                          (json.dumps(self.counts), self.record.partition_key))


def same_partition_exists(conn: psycopg.Connection, record: PartitionRecord) -> bool:
    """True when the partition is already seeded with the same seed, config and schema."""
    if not ledger_exists(conn):
        return False
    row = conn.execute("SELECT seed, config_hash, schema_fingerprint FROM supaseed.partitions WHERE partition_key = %s",
                       (record.partition_key,)).fetchone()
    return row == (record.seed, record.config_hash, record.schema_fingerprint)


def start_run(conn: psycopg.Connection, run_id: str, seed: int, config_hash: str, fingerprint: str,
              settings: dict, dagster_run_id: str | None) -> None:
    with conn.transaction():
        ensure_ledger(conn)
        conn.execute(
            "INSERT INTO supaseed.runs (run_id, seed, config_hash, schema_fingerprint, settings, dagster_run_id) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (run_id) DO NOTHING",
            (run_id, seed, config_hash, fingerprint, json.dumps(settings), dagster_run_id))


def analyze(conn: psycopg.Connection) -> None:
    """Fresh statistics for the ledger, so the planner joins it by hash, not by nested loops on stale guesses."""
    conn.execute("ANALYZE supaseed.seeded_keys, supaseed.partitions, supaseed.runs")


def finish_run(conn: psycopg.Connection, run_id: str, status: str) -> None:
    with conn.transaction():
        conn.execute("UPDATE supaseed.runs SET finished_at = now(), status = %s WHERE run_id = %s", (status, run_id))


def drop_if_unused(conn: psycopg.Connection) -> bool:
    """Drop the ledger when it records no seeded rows (a first run that failed before seeding anything).

    Only the ledger's own tables go, by name; the schema itself only when nothing else is in it.
    """
    with conn.transaction():
        conn.execute("SET LOCAL statement_timeout = 0")
        exists, ours, foreign = _ledger_state(conn)
        if not exists or not ours or conn.execute("SELECT EXISTS (SELECT 1 FROM supaseed.seeded_keys)").fetchone()[0]:
            return False
        if conn.execute("SELECT to_regclass('supaseed.deferred_ddl') IS NOT NULL").fetchone()[0] and \
                conn.execute("SELECT EXISTS (SELECT 1 FROM supaseed.deferred_ddl)").fetchone()[0]:
            return False   # a bulk load's dropped definitions are still to be restored
        for table in LEDGER_TABLES:
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier("supaseed", table)))
        if not foreign:
            conn.execute("DROP SCHEMA supaseed")   # RESTRICT: anything we did not see keeps it
    return True


# ------------------------------------------------------------------------------------------ removal

def _key_entries(conn: psycopg.Connection, partition_keys: list[str] | None) -> list[tuple[str, list[str], list[str]]]:
    """(table, key columns, keys) merged per table over the selected partitions."""
    where = sql.SQL("") if partition_keys is None else sql.SQL("WHERE partition_key = ANY(%s)")
    rows = conn.execute(sql.SQL("SELECT table_name, key_columns, keys FROM supaseed.seeded_keys {} "
                                "ORDER BY partition_key, seq").format(where),
                        () if partition_keys is None else (partition_keys,)).fetchall()
    merged: dict[str, tuple[list[str], list[str]]] = {}
    for table, key_columns, keys in rows:
        merged.setdefault(table, (key_columns, []))[1].extend(keys)
    return [(table, cols, keys) for table, (cols, keys) in merged.items()]


def delete_seeded(conn: psycopg.Connection, snapshot: SchemaSnapshot, load_order: list[str],
                  partition_keys: list[str] | None = None) -> removal.Removal:
    """Delete the recorded rows of the given partitions (all when None) and their ledger entries.

    Runs inside the caller's transaction; see `removal.delete_seeded` for what is refused and checked.
    """
    removed = removal.delete_seeded(conn, snapshot, load_order, _key_entries(conn, partition_keys))
    if partition_keys is None:
        conn.execute("DELETE FROM supaseed.partitions")
    else:
        conn.execute("DELETE FROM supaseed.partitions WHERE partition_key = ANY(%s)", (partition_keys,))
    return removed


def status(conn: psycopg.Connection) -> dict:
    """What is seeded: per table rows and partitions, and the runs that seeded them."""
    if not ledger_exists(conn):
        return {"tables": {}, "partitions": [], "runs": []}
    tables = conn.execute(
        "SELECT table_name, sum(cardinality(keys))::bigint, count(DISTINCT partition_key) FROM supaseed.seeded_keys "
        "GROUP BY table_name ORDER BY table_name").fetchall()
    partitions = conn.execute(
        "SELECT partition_key, run_id, seed, config_hash, schema_fingerprint, seeded_at, row_counts "
        "FROM supaseed.partitions ORDER BY partition_key").fetchall()
    runs = conn.execute(
        "SELECT run_id, status, seed, config_hash, started_at, finished_at FROM supaseed.runs "
        "ORDER BY started_at DESC LIMIT 20").fetchall()
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
