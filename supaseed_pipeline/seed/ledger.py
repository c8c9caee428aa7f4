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
from supaseed_pipeline.seed.load import ident, text_array_literal
from supaseed_pipeline.snapshot.models import SchemaSnapshot

LEDGER_SCHEMA = "supaseed"
LOCK_KEY = 0x5375_7061_5365_6564 & 0x7FFF_FFFF_FFFF_FFFF   # "SupaSeed"

LEDGER_DDL = """
CREATE SCHEMA IF NOT EXISTS supaseed;
CREATE TABLE IF NOT EXISTS supaseed.runs (
    run_id text PRIMARY KEY,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    status text NOT NULL DEFAULT 'running',
    seed bigint NOT NULL,
    config_hash text NOT NULL,
    schema_fingerprint text NOT NULL,
    settings jsonb NOT NULL DEFAULT '{}',
    dagster_run_id text
);
CREATE TABLE IF NOT EXISTS supaseed.partitions (
    partition_key text PRIMARY KEY,
    run_id text NOT NULL REFERENCES supaseed.runs(run_id),
    seed bigint NOT NULL,
    config_hash text NOT NULL,
    schema_fingerprint text NOT NULL,
    seeded_at timestamptz NOT NULL DEFAULT now(),
    row_counts jsonb NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS supaseed.seeded_keys (
    partition_key text NOT NULL REFERENCES supaseed.partitions(partition_key) ON DELETE CASCADE,
    seq int NOT NULL,
    table_name text NOT NULL,
    origin text NOT NULL CHECK (origin IN ('inserted', 'trigger')),
    key_columns text[] NOT NULL,
    keys text[] NOT NULL,
    PRIMARY KEY (partition_key, seq)
);
"""


def ensure_ledger(conn: psycopg.Connection) -> None:
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


def finish_run(conn: psycopg.Connection, run_id: str, status: str) -> None:
    with conn.transaction():
        conn.execute("UPDATE supaseed.runs SET finished_at = now(), status = %s WHERE run_id = %s", (status, run_id))


def drop_if_unused(conn: psycopg.Connection) -> bool:
    """Drop the ledger when it records no seeded rows (a first run that failed before seeding anything)."""
    with conn.transaction():
        conn.execute("SET LOCAL statement_timeout = 0")
        if not ledger_exists(conn) or conn.execute("SELECT EXISTS (SELECT 1 FROM supaseed.seeded_keys)").fetchone()[0]:
            return False
        conn.execute("DROP SCHEMA supaseed CASCADE")
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


def _stage_keys(conn: psycopg.Connection, snapshot: SchemaSnapshot, number: int, table: str,
                key_columns: list[str], keys: list[str]) -> sql.Identifier:
    """A temp table of typed keys, so deletes and reference checks are hash joins, not array scans."""
    found = snapshot.table(table)
    stage = sql.Identifier(f"supaseed_keys_{number}")
    types = [sql.SQL(found.column(c).data_type) if found and found.column(c) else sql.SQL("text") for c in key_columns]
    definition = sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(c), t) for c, t in zip(key_columns, types))
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(stage))
    conn.execute(sql.SQL("CREATE TEMP TABLE {} ({}) ON COMMIT DROP").format(stage, definition))
    if len(key_columns) == 1:
        select = sql.SQL("SELECT k::{} FROM unnest(%s::text[]) AS k").format(types[0])
    else:
        select = sql.SQL("SELECT {} FROM unnest(%s::text[]) AS k").format(sql.SQL(", ").join(
            sql.SQL("(k::jsonb->>{})::{}").format(sql.Literal(c), t) for c, t in zip(key_columns, types)))
    conn.execute(sql.SQL("INSERT INTO {} {}").format(stage, select), (keys,))
    conn.execute(sql.SQL("ANALYZE {}").format(stage))
    return stage


def delete_seeded(conn: psycopg.Connection, snapshot: SchemaSnapshot, load_order: list[str],
                  partition_keys: list[str] | None = None) -> dict[str, int]:
    """Delete the recorded rows of the given partitions (all when None); returns rows deleted per table.

    Runs inside the caller's transaction. Children go first; a child row whose parent row is also
    being deleted through an ON DELETE CASCADE key is left to the cascade, so app triggers that
    forbid direct deletes (e.g. MakerKit's owner-membership guard) are not tripped.
    """
    entries = _key_entries(conn, partition_keys)  # may be empty: the partitions' ledger rows still go below
    position = {t: i for i, t in enumerate(load_order)}
    entries.sort(key=lambda e: position.get(e[0], -1), reverse=True)
    stages = {table: (_stage_keys(conn, snapshot, n, table, cols, keys), cols) for n, (table, cols, keys) in enumerate(entries)}
    _refuse_foreign_references(conn, snapshot, stages)
    _unlink_cycles(conn, snapshot, stages, position)
    conn.execute("SET CONSTRAINTS ALL DEFERRED")   # deferrable cycles are checked once, at commit
    statements: dict[str, sql.Composable] = {}
    for table, (stage, key_columns) in stages.items():
        found = snapshot.table(table)
        if found is None:
            raise SupaseedError(f"{table} is recorded in the ledger but no longer exists",
                                hint="restore the table or remove its entries from supaseed.seeded_keys")
        match = sql.SQL(" AND ").join(sql.SQL("t.{c} = k.{c}").format(c=sql.Identifier(c)) for c in key_columns)
        cascaded = [sql.SQL("NOT EXISTS (SELECT 1 FROM {} AS p WHERE {})").format(
            stages[fk.ref_qualified][0],
            sql.SQL(" AND ").join(sql.SQL("p.{} = t.{}").format(sql.Identifier(r), sql.Identifier(c))
                                  for c, r in zip(fk.columns, fk.ref_columns)))
            for fk in found.foreign_keys
            if fk.on_delete == "CASCADE" and fk.ref_qualified in stages and fk.ref_qualified != table
            and fk.ref_columns == stages[fk.ref_qualified][1]]
        condition = sql.SQL(" AND ").join([match, *cascaded])
        statements[table] = sql.SQL("DELETE FROM {} AS t USING {} AS k WHERE {} RETURNING 1").format(
            ident(table), stage, condition)
    deleted: dict[str, int] = {}
    for group in _deletion_groups(snapshot, list(stages), position):
        # a NOT NULL, non-deferrable cycle can only be deleted by one statement (writable CTEs)
        ctes = sql.SQL(", ").join(sql.SQL("{} AS ({})").format(sql.Identifier(f"d{n}"), statements[t])
                                  for n, t in enumerate(group))
        counts = sql.SQL(", ").join(sql.SQL("(SELECT count(*) FROM {})").format(sql.Identifier(f"d{n}"))
                                    for n in range(len(group)))
        row = conn.execute(sql.SQL("WITH {} SELECT {}").format(ctes, counts)).fetchone()
        deleted.update(zip(group, row))
    if partition_keys is None:
        conn.execute("DELETE FROM supaseed.partitions")
    else:
        conn.execute("DELETE FROM supaseed.partitions WHERE partition_key = ANY(%s)", (partition_keys,))
    return deleted


def _deletion_groups(snapshot: SchemaSnapshot, ordered: list[str], position: dict[str, int]) -> list[list[str]]:
    """Tables in deletion order; tables joined by a NOT NULL, non-deferrable cycle FK form one group."""
    group_of = {t: [t] for t in ordered}
    for table in ordered:
        found = snapshot.table(table)
        for fk in found.foreign_keys if found else ():
            parent = fk.ref_qualified
            forward = position.get(parent, -1) > position.get(table, -1)
            required = any(found.column(c).not_null for c in fk.columns) and not fk.deferrable
            if parent in group_of and parent != table and forward and required and group_of[parent] is not group_of[table]:
                merged = group_of[table] + group_of[parent]
                for member in merged:
                    group_of[member] = merged
    groups, seen = [], set()
    for table in ordered:
        if id(group_of[table]) not in seen:
            seen.add(id(group_of[table]))
            groups.append(sorted(group_of[table], key=ordered.index))
    return groups


def _unlink_cycles(conn, snapshot: SchemaSnapshot, stages, position: dict[str, int]) -> None:
    """Seeded rows pointing "forward" through a nullable cycle FK: clear those links before deleting."""
    for table, (stage, key_columns) in stages.items():
        found = snapshot.table(table)
        for fk in found.foreign_keys if found else ():
            backwards = position.get(fk.ref_qualified, -1) > position.get(table, -1)
            nullable = all(not found.column(c).not_null for c in fk.columns)
            if fk.ref_qualified in stages and backwards and nullable and fk.on_delete in ("NO ACTION", "RESTRICT"):
                assignments = sql.SQL(", ").join(sql.SQL("{} = NULL").format(sql.Identifier(c)) for c in fk.columns)
                match = sql.SQL(" AND ").join(sql.SQL("t.{c} = k.{c}").format(c=sql.Identifier(c)) for c in key_columns)
                conn.execute(sql.SQL("UPDATE {} AS t SET {} FROM {} AS k WHERE {}").format(
                    ident(table), assignments, stage, match))


def _refuse_foreign_references(conn, snapshot: SchemaSnapshot, stages) -> None:
    """Stop if rows that supaseed did not seed reference seeded rows (deleting would cascade into them)."""
    for child in snapshot.tables:
        for fk in child.foreign_keys:
            if fk.ref_qualified not in stages or fk.ref_columns != stages[fk.ref_qualified][1]:
                continue
            parent_stage = stages[fk.ref_qualified][0]
            join = sql.SQL(" AND ").join(sql.SQL("c.{} = p.{}").format(sql.Identifier(c), sql.Identifier(r))
                                         for c, r in zip(fk.columns, fk.ref_columns))
            own = sql.SQL("")
            if child.qualified in stages:
                child_stage, child_cols = stages[child.qualified]
                own = sql.SQL(" WHERE NOT EXISTS (SELECT 1 FROM {} AS o WHERE {})").format(
                    child_stage, sql.SQL(" AND ").join(sql.SQL("o.{c} = c.{c}").format(c=sql.Identifier(c)) for c in child_cols))
            count = conn.execute(sql.SQL("SELECT count(*) FROM {} AS c JOIN {} AS p ON {}{}").format(
                ident(child.qualified), parent_stage, join, own)).fetchone()[0]
            if count:
                raise SupaseedError(
                    f"{count} row(s) of {child.qualified} that supaseed did not seed reference seeded rows of "
                    f"{fk.ref_qualified} through {fk.name}; removing the seed would delete or orphan them",
                    hint=f"delete or re-point those {child.qualified} rows first; nothing was removed")


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
    return {
        "tables": {t: {"rows": int(rows), "partitions": int(parts)} for t, rows, parts in tables},
        "partitions": [dict(zip(["partition", "run_id", "seed", "config_hash", "fingerprint", "seeded_at", "row_counts"], p))
                       for p in partitions],
        "runs": [dict(zip(["run_id", "status", "seed", "config_hash", "started_at", "finished_at"], r)) for r in runs],
    }
