"""Post-load verification by query: FKs, uniques, CHECKs, row counts, personal accounts, password hashes."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Callable

import bcrypt
import psycopg
from psycopg import sql

from supaseed_pipeline.plan.mapping import TableMapping
from supaseed_pipeline.seed.check_filter import check_body
from supaseed_pipeline.seed import locking
from supaseed_pipeline.seed.ledger import key_count, recorded_keys, sql_text, uuid_key
from supaseed_pipeline.seed.load import ident
from supaseed_pipeline.snapshot.models import SchemaSnapshot


def seeded_tables(conn: psycopg.Connection) -> dict[str, int]:
    rows = conn.execute(sql_text(f"SELECT table_name, sum({key_count(conn)})::bigint FROM supaseed.seeded_keys GROUP BY 1")).fetchall()
    return {t: int(n) for t, n in rows}


def not_validated(conn: psycopg.Connection, tables: list[str]) -> set[tuple[str, str]]:
    """(table, constraint) of the FKs and CHECKs of `tables` added NOT VALID and never validated: the only ones
    whose rows PostgreSQL does not vouch for (a validated FK or CHECK holds for every row, a unique constraint
    has its index)."""
    rows = conn.execute(
        "SELECT n.nspname || '.' || c.relname, con.conname::text FROM pg_constraint con "
        "JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE NOT con.convalidated AND con.contype IN ('f', 'c') AND n.nspname || '.' || c.relname = ANY(%s)",
        (list(tables),)).fetchall()
    return {(table, name) for table, name in rows}


def constraint_violations(conn: psycopg.Connection, snapshot: SchemaSnapshot, tables: list[str], *,
                          unvouched: set[tuple[str, str]] | None = None) -> list[str]:
    """Every FK, unique and CHECK on the given tables re-checked by query; returns the violations found.
    `unvouched` (from `not_validated`): only those FKs and CHECKs, the ones PostgreSQL does not enforce on every
    row — the others cannot be broken, and re-checking them scans every table several times (1M users: minutes)."""
    problems = []
    unvouched_only = unvouched is not None
    for name in tables:
        table = snapshot.table(name)
        if table is None:
            continue
        for fk in table.foreign_keys:
            if unvouched_only and (name, fk.name) not in unvouched:
                continue
            join = sql.SQL(" AND ").join(sql.SQL("p.{} = c.{}").format(sql.Identifier(r), sql.Identifier(c))
                                         for c, r in zip(fk.columns, fk.ref_columns))
            not_null = sql.SQL(" AND ").join(sql.SQL("c.{} IS NOT NULL").format(sql.Identifier(c)) for c in fk.columns)
            orphans = conn.execute(sql.SQL("SELECT count(*) FROM {} c WHERE {} AND NOT EXISTS (SELECT 1 FROM {} p WHERE {})")
                                   .format(ident(name), not_null, ident(fk.ref_qualified), join)).fetchone()[0]
            if orphans:
                problems.append(f"{name}: {orphans} rows break foreign key {fk.name}")
        for unique in [] if unvouched_only else [*table.unique_constraints, *([table.primary_key] if table.primary_key else [])]:
            cols = sql.SQL(", ").join(sql.Identifier(c) for c in unique.columns)
            # NULLs never collide unless the constraint says NULLS NOT DISTINCT
            present = sql.SQL(" AND ").join(sql.SQL("{} IS NOT NULL").format(sql.Identifier(c)) for c in unique.columns)
            if getattr(unique, "nulls_not_distinct", False):
                present = sql.SQL("true")
            dupes = conn.execute(sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {} WHERE {} GROUP BY {} HAVING count(*) > 1) d")
                                 .format(ident(name), present, cols)).fetchone()[0]
            if dupes:
                problems.append(f"{name}: {dupes} duplicate keys for {unique.name}")
        for check in table.checks:
            if unvouched_only and (name, check.name) not in unvouched:
                continue
            bad = conn.execute(sql.SQL("SELECT count(*) FROM {} WHERE ({}) IS FALSE").format(
                ident(name), sql.SQL(check_body(check.expression)))).fetchone()[0]
            if bad:
                problems.append(f"{name}: {bad} rows break CHECK {check.name}")
    return problems


def missing_seeded_rows(conn: psycopg.Connection, snapshot: SchemaSnapshot, *,
                        open_connection: Callable[[], AbstractContextManager[psycopg.Connection]] | None = None,
                        workers: int = 1) -> list[str]:
    """Ledger keys whose rows are gone (expected row counts per table and partition). Counted on the server: the
    keys never travel to the client and back (100k users: 11.1 s -> 1.3 s). One index probe per key is the
    whole cost (1M users: 13.9 s, 10.4 of them gear items), so the partitions are split into slices of about
    equal keys, counted on up to `workers` connections (`open_connection`) at once."""
    recorded = conn.execute(sql_text(
        f"SELECT table_name, key_columns, partition_key, sum({key_count(conn)})::bigint FROM supaseed.seeded_keys "
        "WHERE cardinality(key_columns) = 1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")).fetchall()
    recorded = [row for row in recorded if snapshot.table(row[0]) is not None]
    slice_keys = max(1, sum(row[3] for row in recorded) // max(1, 4 * workers))
    slices: list[list] = []   # [table, key columns, partitions, keys]
    for table_name, key_columns, partition, keys in recorded:
        if not slices or slices[-1][:2] != [table_name, key_columns] or slices[-1][3] >= slice_keys:
            slices.append([table_name, key_columns, [], 0])
        slices[-1][2].append(partition)
        slices[-1][3] += keys
    counted: list[tuple[str, str, int, int]] = []

    def count(worker: psycopg.Connection, job: tuple[str, list[str], list[str], int]) -> None:
        table_name, key_columns, partitions, _ = job
        column = snapshot.table(table_name).column(key_columns[0])
        key_array = recorded_keys(worker, "s.", uuid=uuid_key(snapshot, table_name, key_columns))
        rows = worker.execute(sql.SQL(sql_text(
            f"SELECT s.partition_key, sum({key_count(worker, 's.')})::bigint, sum((SELECT count(*) FROM {{}} t "
            f"WHERE t.{{}} = ANY({key_array}::{{}}[])))::bigint FROM supaseed.seeded_keys s "
            "WHERE s.table_name = %s AND s.key_columns = %s AND s.partition_key = ANY(%s) GROUP BY 1")).format(
            ident(table_name), sql.Identifier(key_columns[0]), sql.SQL(column.data_type)),
            (table_name, key_columns, partitions)).fetchall()
        counted.extend((table_name, partition, found, keys) for partition, keys, found in rows)   # list.extend: thread-safe

    jobs = sorted(slices, key=lambda job: -job[3])   # the largest first: the connections end together
    if open_connection is None or workers <= 1:
        for job in jobs:
            count(conn, job)
    else:
        locking.on_connections(jobs, count, open_connection, workers)
    return [f"{table_name} partition {partition}: {recorded - found} of {recorded} seeded rows missing"
            for table_name, partition, found, recorded in sorted(counted) if found != recorded]


def users_without_personal_account(conn: psycopg.Connection, mapping: TableMapping) -> int:
    if not (mapping.is_supabase and mapping.account_table and mapping.account_personal_flag):
        return 0
    return conn.execute(sql.SQL(sql_text(
        f"SELECT count(*) FROM unnest((SELECT array_agg(k) FROM supaseed.seeded_keys s, unnest({recorded_keys(conn, 's.')}) k "
        "WHERE s.table_name = 'auth.users')) AS u(id) WHERE NOT EXISTS (SELECT 1 FROM {} a WHERE a.id::text = u.id "
        "AND a.{} AND a.{}::text = u.id)")).format(
        ident(mapping.account_table), sql.Identifier(mapping.account_personal_flag),
        sql.Identifier(mapping.account_user_field or "id"))).fetchone()[0]


def password_mismatches(conn: psycopg.Connection, password: str, sample: int = 5) -> int:
    rows = conn.execute(sql_text(
        f"SELECT u.encrypted_password FROM auth.users u WHERE u.id::text IN (SELECT unnest({recorded_keys(conn)}) "
        "FROM supaseed.seeded_keys "
        "WHERE table_name = 'auth.users' LIMIT 1000) LIMIT %s"), (sample,)).fetchall()
    return sum(1 for (hashed,) in rows if not hashed or not bcrypt.checkpw(password.encode(), hashed.encode()))


def has_rows(conn: psycopg.Connection, table: str) -> bool:
    return conn.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(ident(table))).fetchone()[0]
