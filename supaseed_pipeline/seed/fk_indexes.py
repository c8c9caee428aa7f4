"""Temporary indexes on referencing columns, so removing seeded rows is linear.

Deleting a row of a referenced table makes PostgreSQL look up the referencing rows of every foreign
key into it (to refuse, cascade or null). Without an index on the referencing columns, each look-up
scans the whole referencing table: removing N users from a table whose `created_by` has no index
costs N scans. Many schemas (Supabase's own `created_by`/`updated_by` columns) have none.

A cleanup builds the missing ones, each recorded in `supaseed.cleanup_indexes` in the same
transaction that creates it, and drops them at the end. A cleanup killed half way leaves them
recorded, and the next cleanup (or seed removal) drops them first. An index is dropped only when its
comment still carries our mark, so an index somebody else made under the same name is never touched.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

from supaseed_pipeline.seed import ledger   # the module: ledger imports this one
from supaseed_pipeline.seed.load import ident

if TYPE_CHECKING:   # annotations only: removal imports the ledger, which imports this module
    from supaseed_pipeline.seed.removal import Reference

MARK = "supaseed cleanup index: dropped by supaseed when its cleanup ends"
PREFIX = "supaseed_cleanup_"

DDL = """
CREATE TABLE IF NOT EXISTS supaseed.cleanup_indexes (
    schema_name text NOT NULL,
    index_name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (schema_name, index_name)
)"""


def unindexed(conn: psycopg.Connection, references: list[Reference]) -> list[tuple[str, tuple[str, ...]]]:
    """(relation, columns) of every foreign key whose referencing columns lead no usable index
    (any column order; partial and expression indexes do not count)."""
    missing: list[tuple[str, tuple[str, ...]]] = []
    for ref in references:
        wanted = (ref.child_rel, tuple(ref.columns))
        if wanted not in missing and not has_index(conn, ref.child_rel, ref.columns):
            missing.append(wanted)
    return missing


def has_index(conn: psycopg.Connection, relation: str, columns) -> bool:
    """Whether an index (not partial, not on expressions) leads with exactly these columns, any order."""
    return conn.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = to_regclass(%(rel)s) AND i.indpred IS NULL "
        "AND i.indnkeyatts >= %(n)s AND (SELECT array_agg(a.attname::text ORDER BY a.attname::text) "
        "FROM pg_attribute a WHERE a.attrelid = i.indrelid "
        "AND a.attnum = ANY((i.indkey::int2[])[0:%(n)s - 1])) = %(cols)s::text[] "
        "AND NOT (0 = ANY((i.indkey::int2[])[0:%(n)s - 1])))",
        {"rel": ident(relation).as_string(conn), "n": len(columns), "cols": sorted(columns)}).fetchone()[0]


def index_name(relation: str, columns: tuple[str, ...]) -> str:
    """Deterministic, short (identifiers stop at 63 bytes) and ours by prefix."""
    signature = f"{relation}({','.join(columns)})"
    return f"{PREFIX}{zlib.crc32(signature.encode()):08x}"


def create(conn: psycopg.Connection, relation: str, columns: tuple[str, ...]) -> bool:
    """Build one index and record it, in one transaction (a kill leaves both or neither). False when
    this role may not index the table or the table is locked: the cleanup is then only slower."""
    schema = relation.partition(".")[0]
    name = index_name(relation, columns)
    if conn.execute("SELECT to_regclass(%s) IS NOT NULL", (sql.Identifier(schema, name).as_string(conn),)).fetchone()[0]:
        return False   # somebody else's relation by that name (ours were all dropped before): leave it alone
    try:
        with conn.transaction():
            conn.execute(ledger.sql_text(DDL))
            conn.execute(ledger.sql_text("INSERT INTO supaseed.cleanup_indexes (schema_name, index_name) VALUES (%s, %s) "
                                         "ON CONFLICT DO NOTHING"), (schema, name))
            conn.execute(sql.SQL("CREATE INDEX {} ON {} ({})").format(
                sql.Identifier(name), ident(relation), sql.SQL(", ").join(sql.Identifier(c) for c in columns)))
            conn.execute(sql.SQL("COMMENT ON INDEX {} IS {}").format(sql.Identifier(schema, name), sql.Literal(MARK)))
    except (psycopg.errors.InsufficientPrivilege, psycopg.errors.LockNotAvailable, psycopg.errors.ObjectInUse,
            psycopg.errors.WrongObjectType, psycopg.errors.FeatureNotSupported):
        return False
    return True


def drop_recorded(conn: psycopg.Connection) -> int:
    """Drop every index a cleanup recorded (this one's, or a killed one's); returns how many went."""
    if not conn.execute(ledger.sql_text("SELECT to_regclass('supaseed.cleanup_indexes') IS NOT NULL")).fetchone()[0]:
        return 0
    dropped = 0
    for schema, name in conn.execute(
            ledger.sql_text("SELECT schema_name, index_name FROM supaseed.cleanup_indexes ORDER BY 1, 2")).fetchall():
        with conn.transaction():
            ours = conn.execute("SELECT obj_description(to_regclass(%s), 'pg_class') = %s",
                                (sql.Identifier(schema, name).as_string(conn), MARK)).fetchone()[0]
            if ours:
                conn.execute(sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier(schema, name)))
                dropped += 1
            conn.execute(ledger.sql_text("DELETE FROM supaseed.cleanup_indexes WHERE schema_name = %s AND index_name = %s"),
                         (schema, name))
    return dropped
