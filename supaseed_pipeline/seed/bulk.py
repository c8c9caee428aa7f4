"""bulkLoad for empty targets: load first, then build secondary indexes and validate foreign keys.

The dropped definitions are written to the ledger's `deferred_ddl` before anything is dropped, so a run
that dies half way is repaired by the next seed or cleanup (`restore`) before it does anything else.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from supaseed_pipeline.errors import SupaseedError
from supaseed_pipeline.seed.ledger import ensure_ledger, schema, sql_text
from supaseed_pipeline.seed.load import ident

DDL = """
CREATE TABLE IF NOT EXISTS supaseed.deferred_ddl (
    table_name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('index', 'foreign_key')),
    name text NOT NULL,
    definition text NOT NULL,
    PRIMARY KEY (table_name, kind, name)
);
"""


def empty_tables(conn: psycopg.Connection, tables: list[str], must_be_empty: list[str]) -> list[str]:
    """The given tables that hold no rows; a table of `must_be_empty` with rows is an error."""
    empty = []
    for table in tables:
        has_rows = conn.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(ident(table))).fetchone()[0]
        if has_rows and table in must_be_empty:
            raise SupaseedError(f"bulkLoad needs empty tables, but {table} already has rows",
                                hint="drop bulkLoad for this target (the default load is safe for non-empty databases)")
        if not has_rows:
            empty.append(table)
    return empty


def defer(conn: psycopg.Connection, tables: list[str]) -> int:
    """Record, then drop, the secondary indexes and foreign keys of the given tables; returns how many."""
    with conn.transaction():
        ensure_ledger(conn)
        conn.execute(sql_text(DDL))
        rows = conn.execute("""
            SELECT format('%%I.%%I', n.nspname, c.relname), 'index', format('%%I.%%I', n.nspname, i.relname),
                   pg_get_indexdef(x.indexrelid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT x.indisunique AND NOT x.indisprimary AND format('%%s.%%s', n.nspname, c.relname) = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
            UNION ALL
            SELECT format('%%I.%%I', n.nspname, c.relname), 'foreign_key', k.conname, pg_get_constraintdef(k.oid)
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE k.contype = 'f' AND format('%%s.%%s', n.nspname, c.relname) = ANY(%s)""", (tables, tables)).fetchall()
        for table, kind, name, definition in rows:
            conn.execute(sql_text("INSERT INTO supaseed.deferred_ddl VALUES (%s, %s, %s, %s)"), (table, kind, name, definition))
            if kind == "index":
                conn.execute(sql.SQL("DROP INDEX {}").format(sql.SQL(name)))
            else:
                conn.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(sql.SQL(table), sql.Identifier(name)))
    return len(rows)


def restore(conn: psycopg.Connection) -> int:
    """Rebuild what `defer` dropped: indexes, then foreign keys added NOT VALID and validated.

    A foreign key whose rows no longer match stays NOT VALID (declared and enforced for new rows,
    never absent) and the error names the rows that block it.
    """
    if not conn.execute(sql_text("SELECT to_regclass('supaseed.deferred_ddl') IS NOT NULL")).fetchone()[0]:
        return 0
    rows = conn.execute(sql_text("SELECT table_name, kind, name, definition FROM supaseed.deferred_ddl "
                                 "ORDER BY kind DESC, table_name, name")).fetchall()
    for table, kind, name, definition in rows:
        try:
            with conn.transaction():
                if kind == "index":
                    conn.execute(sql.SQL(definition))
                else:
                    conn.execute(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {} NOT VALID").format(
                        sql.SQL(table), sql.Identifier(name), sql.SQL(definition)))
                conn.execute(sql_text("DELETE FROM supaseed.deferred_ddl WHERE table_name = %s AND kind = %s AND name = %s"),
                             (table, kind, name))
        except psycopg.Error as exc:
            raise SupaseedError(f"rebuilding {kind.replace('_', ' ')} {name} on {table} after a bulk load failed: "
                                f"{(exc.diag.message_primary or str(exc)).strip()}",
                                hint=f"its definition is kept in {schema()}.deferred_ddl; fix the rows and run seed again") from None
        if kind == "foreign_key":
            try:
                with conn.transaction():
                    conn.execute(sql.SQL("ALTER TABLE {} VALIDATE CONSTRAINT {}").format(sql.SQL(table), sql.Identifier(name)))
            except psycopg.Error as exc:
                raise SupaseedError(
                    f"foreign key {name} on {table} is back but NOT VALID: {(exc.diag.message_detail or exc.diag.message_primary or str(exc)).strip()}",
                    hint=f"fix or delete the rows of {table} that reference missing rows, then "
                         f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}") from None
    return len(rows)
