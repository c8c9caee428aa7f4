"""`supaseed seed --sql PATH`: what a seed would load, as a plain SQL file (`supabase/seed.sql`).

The file must replay with `psql -f` and `supabase db reset` on a fresh database (the Supabase CLI cannot
run `COPY ... FROM STDIN` there), so it holds multi-row INSERTs, UPDATEs and setval calls only.

How, all inside ONE transaction on the target that is rolled back at the end:
1. In a savepoint the ordinary seed runs (same prepare, partitions, ledger); every row the ledger records
   is read back as text: the state the seed leaves ("final").
2. Back at the savepoint (no seeded rows), the INSERTs for the rows the seed inserted are built and
   executed: exactly what a replay does, so the app's triggers make their rows again (MakerKit's personal
   account) and are left to do so. FKs pointing forward (cycles, self references) go in as NULL; a
   NOT NULL forward FK puts its tables in one statement (writable CTEs, checked at its end).
3. Every recorded row is compared with the final state; what differs (trigger-made rows the seed
   enriched, the forward FKs, values later triggers changed) becomes UPDATEs of those columns only.
4. The replayed state must now equal the seed's, row by row, or nothing is written.
nextval is not transactional: sequences the seed advanced are set back after the rollback, unless
another session moved them meanwhile. The ledger is not exported: the file is a plain seed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import psycopg
from psycopg import sql

from supaseed_pipeline.db.connect import Target, connect
from supaseed_pipeline.errors import ConfigError, SupaseedError
from supaseed_pipeline.plan.trigger_rules import claim_column
from supaseed_pipeline.seed import api, ledger
from supaseed_pipeline.seed.load import explain_read_error, first_line, ident, text_array_literal, timeout_ms
from supaseed_pipeline.settings import SeedSettings

BATCH_ROWS = 500
# Text forms that read back unchanged whatever the replaying session's settings are.
SESSION_SETTINGS = {"TimeZone": "UTC", "DateStyle": "ISO, YMD", "IntervalStyle": "postgres", "extra_float_digits": "3"}


@dataclass
class SqlExport:
    """What the file holds: rows inserted and updated per table, rows left to triggers, sequences set."""

    path: Path
    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    by_triggers: dict[str, int] = field(default_factory=dict)
    sequences: list[str] = field(default_factory=list)
    statements: int = 0
    size: int = 0

    @property
    def rows(self) -> dict[str, int]:
        """Rows per table a replay ends with (inserted plus made by triggers)."""
        tables = dict.fromkeys([*self.inserted, *self.by_triggers], 0)
        return {t: self.inserted.get(t, 0) + self.by_triggers.get(t, 0) for t in tables}


@dataclass
class _Column:
    name: str
    type_sql: str          # format_type with an empty search_path: schema-qualified where needed
    generated: bool
    identity_always: bool
    not_null: bool


@dataclass
class _TableRows:
    """The recorded rows of one table, in ledger order."""

    name: str
    key_columns: list[str]
    inserted: list[str] = field(default_factory=list)   # ledger key texts
    trigger: list[str] = field(default_factory=list)
    columns: list[_Column] = field(default_factory=list)
    final: list[tuple | None] = field(default_factory=list)   # inserted + trigger, in that order

    @property
    def keys(self) -> list[str]:
        return self.inserted + self.trigger


@ledger.scoped
def export_sql(target: Target, settings: SeedSettings, path: str | os.PathLike, *,
               batch_rows: int = BATCH_ROWS) -> SqlExport:
    """Write the seed the settings describe as a SQL file; the target database is left as it was."""
    path = Path(path)
    _check_output(path)
    with connect(target, autocommit=True) as conn:
        try:
            conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(timeout_ms(settings.lock_timeout_seconds))))
            conn.execute(sql.SQL("SET statement_timeout = {}").format(
                sql.Literal(timeout_ms(settings.statement_timeout_seconds))))
            for name, value in SESSION_SETTINGS.items():
                conn.execute(sql.SQL("SELECT set_config({}, {}, false)").format(sql.Literal(name), sql.Literal(value)))
            prepared = api.prepare(conn, settings)
            api.guard_production(conn, target, settings, action="export a seed of")
            partitions = prepared.engine.partitions(conn)
            columns = _all_columns(conn, [t.qualified for t in prepared.snapshot.tables])
            before = _sequence_states(conn)
        except psycopg.Error as exc:
            raise explain_read_error(conn, exc, f"reading the schema of {target.identity}") from None
        with api.seeding_lock(conn, target, settings.lock_timeout_seconds):
            seeded: dict[str, tuple[int, bool]] = {}
            try:
                with conn.transaction(force_rollback=True):
                    tables = _seed_and_read(conn, prepared, settings, partitions, columns, seeded)
                    result = SqlExport(path)
                    statements = _replay(conn, prepared, tables, result, batch_rows)
                    statements += _setval_statements(conn, tables, result)
            finally:
                if not conn.closed and not conn.broken:
                    _restore_sequences(conn, before, seeded)
    text = _render(settings, prepared, statements)
    result.statements = len(statements)
    result.size = len(text.encode())
    _write(path, text)
    return result


# ------------------------------------------------------------------------------------------ the seed

def _seed_and_read(conn, prepared: api.Prepared, settings: SeedSettings, partitions,
                   columns: dict[str, list[_Column]], seeded: dict[str, tuple[int, bool]]) -> list[_TableRows]:
    """Run the seed in a savepoint, read every recorded row back, then roll the savepoint back.

    `seeded` receives the sequence states the seed left (they survive the rollback)."""
    run_id = f"sql-{uuid.uuid4().hex[:12]}"
    with conn.transaction(force_rollback=True):
        try:
            ledger.start_run(conn, run_id, settings.seed, settings.fingerprint(), prepared.snapshot.fingerprint,
                             settings.public_dump(), None)
        except psycopg.Error as exc:
            raise explain_read_error(conn, exc, "creating the supaseed ledger (rolled back)") from None
        try:
            api._remove_stale_partitions(conn, prepared, settings, partitions, full_run=True)
            for partition in partitions:
                prepared.engine.seed_partition(conn, partition, run_id)
        finally:
            # also after a failed partition (its savepoint is rolled back, ours is usable): give back what it took
            with contextlib.suppress(psycopg.Error):
                seeded.update(_sequence_states(conn))
        tables = _recorded(conn, prepared)
        try:
            for rows in tables:
                rows.columns = columns[rows.name]
                rows.final = _read(conn, rows, rows.keys)
        except psycopg.Error as exc:
            raise explain_read_error(conn, exc, "reading the seeded rows back") from None
        return tables


def _recorded(conn, prepared: api.Prepared) -> list[_TableRows]:
    """The ledger's keys per table, in load order (the order the seed wrote them)."""
    found: dict[str, _TableRows] = {}
    for table, origin, key_columns, keys in conn.execute(
            ledger.sql_text(f"SELECT table_name, origin, key_columns, {ledger.recorded_keys(conn)} FROM supaseed.seeded_keys "
                            "ORDER BY partition_key, seq")):
        rows = found.setdefault(table, _TableRows(table, list(key_columns)))
        # 'trigger' (and 'rule') rows: the database makes them again when the file's INSERTs run
        (rows.inserted if origin == "inserted" else rows.trigger).extend(keys)
    position = {t: i for i, t in enumerate(prepared.graph.load_order)}
    return sorted(found.values(), key=lambda r: (position.get(r.name, len(position)), r.name))


def _all_columns(conn, tables: list[str]) -> dict[str, list[_Column]]:
    """Columns in attnum order; types spelled as they must be whatever the replaying search_path is."""
    saved = conn.execute("SELECT current_setting('search_path')").fetchone()[0]
    conn.execute("SELECT set_config('search_path', '', false)")   # format_type then qualifies every non-catalog type
    try:
        rows = conn.execute(
            "SELECT n.nspname || '.' || c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
            "a.attgenerated <> '', a.attidentity = 'a', a.attnotnull "
            "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE a.attrelid = ANY(%s::pg_catalog.regclass[]) AND a.attnum > 0 AND NOT a.attisdropped "
            "ORDER BY a.attrelid, a.attnum", ([ident(t).as_string(conn) for t in tables],)).fetchall()
    finally:
        conn.execute("SELECT set_config('search_path', %s, false)", (saved,))
    found: dict[str, list[_Column]] = defaultdict(list)
    for table, *column in rows:
        found[table].append(_Column(*column))
    return found


def _read(conn, rows: _TableRows, keys: list[str]) -> list[tuple | None]:
    """The rows with these keys, every column as text, aligned with `keys` (None: no such row)."""
    if not keys:
        return []
    types = {c.name: c.type_sql for c in rows.columns}
    stage = sql.Identifier("supaseed_export_keys")
    key_names = [sql.Identifier(f"k{i}") for i in range(len(rows.key_columns))]
    conn.execute(sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(stage))
    conn.execute(sql.SQL("CREATE TEMP TABLE {} (ord bigint, {}) ON COMMIT DROP").format(stage, sql.SQL(", ").join(
        sql.SQL("{} {}").format(k, sql.SQL(types[c])) for k, c in zip(key_names, rows.key_columns))))
    if len(rows.key_columns) == 1:
        typed = [sql.SQL("u.k::{}").format(sql.SQL(types[rows.key_columns[0]]))]
    else:
        typed = [sql.SQL("(u.k::jsonb ->> {})::{}").format(sql.Literal(c), sql.SQL(types[c])) for c in rows.key_columns]
    conn.execute(sql.SQL("INSERT INTO {} SELECT u.ord, {} FROM unnest(%s::text[]) WITH ORDINALITY AS u(k, ord)").format(
        stage, sql.SQL(", ").join(typed)), (text_array_literal(pl.Series(keys, dtype=pl.String)),))
    match = sql.SQL(" AND ").join(sql.SQL("t.{} = s.{}").format(sql.Identifier(c), k)
                                  for c, k in zip(rows.key_columns, key_names))
    selected = sql.SQL(", ").join(sql.SQL("t.{}::text").format(sql.Identifier(c.name)) for c in rows.columns)
    found: list[tuple | None] = [None] * len(keys)
    for ord_, *values in conn.execute(sql.SQL("SELECT s.ord, {} FROM {} AS s JOIN {} AS t ON {} ORDER BY s.ord").format(
            selected, stage, ident(rows.name), match)):
        found[ord_ - 1] = tuple(values)
    return found


# ------------------------------------------------------------------------------------------ the replay

def _replay(conn, prepared: api.Prepared, tables: list[_TableRows], result: SqlExport, batch_rows: int) -> list[str]:
    """Build the file's INSERTs and UPDATEs and run them where the seed ran, checking they reproduce it."""
    if ledger.ledger_exists(conn):
        # an earlier seed in the target: a replay starts from a database without it, as the seed replaced it
        try:
            ledger.delete_seeded(conn, prepared.snapshot, prepared.graph.load_order, None)
        except psycopg.Error as exc:
            raise explain_read_error(conn, exc, "setting the earlier seed aside (rolled back)") from None
    order = [t.name for t in tables]
    inserts = _insert_statements(conn, prepared, tables, order, batch_rows)
    statements: list[str] = []
    for table, statement in inserts:
        _execute(conn, statement, table, "INSERT")
        statements.append(statement)
    for rows in tables:
        if rows.inserted:
            result.inserted[rows.name] = len(rows.inserted)
    updates = []
    for rows in tables:
        replayed = _read_or_fail(conn, rows)
        for statement, count in _update_statements(conn, rows, replayed, batch_rows):
            _execute(conn, statement, rows.name, "UPDATE")
            updates.append(statement)
            result.updated[rows.name] = result.updated.get(rows.name, 0) + count
        if rows.trigger:
            made = sum(1 for r in replayed[len(rows.inserted):] if r is not None)
            result.by_triggers[rows.name] = made
    for rows in tables:
        _check_reproduced(conn, rows)
    return statements + updates


def _insert_statements(conn, prepared: api.Prepared, tables: list[_TableRows], order: list[str],
                       batch_rows: int) -> list[tuple[str, str]]:
    """(table, INSERT) in load order; tables joined by a NOT NULL forward FK share one statement."""
    position = {name: i for i, name in enumerate(order)}
    by_name = {t.name: t for t in tables}
    claims = {t.name: claim_column(prepared.snapshot.table(t.name), [c.name for c in t.columns])
              for t in tables if prepared.snapshot.table(t.name) is not None}
    nulled: dict[str, set[str]] = defaultdict(set)
    self_bound: set[str] = set()
    group_of = {t.name: [t.name] for t in tables if t.inserted}
    for rows in tables:
        table = prepared.snapshot.table(rows.name)
        if not rows.inserted or table is None:
            continue
        not_null = {c.name for c in rows.columns if c.not_null}
        for fk in table.foreign_keys:
            parent = fk.ref_qualified
            if parent not in by_name or position[parent] < position[rows.name]:
                continue   # the parent rows exist before these (earlier table, or rows the seed did not make)
            if not any(c in not_null for c in fk.columns):
                nulled[rows.name].update(fk.columns)   # set by an UPDATE once every row exists
            elif parent == rows.name:
                self_bound.add(rows.name)   # rows may point at rows of a later batch: no batches
            elif parent in group_of and group_of[parent] is not group_of[rows.name]:
                merged = group_of[rows.name] + group_of[parent]
                for member in merged:
                    group_of[member] = merged
    out, done = [], set()
    for rows in sorted((t for t in tables if t.inserted), key=lambda t: max(position[m] for m in group_of[t.name])):
        group = group_of[rows.name]
        if id(group) in done:
            continue
        done.add(id(group))
        members = sorted(group, key=position.get)
        single = len(members) > 1 or rows.name in self_bound
        if single:
            # one statement: FKs among these rows are checked at its end
            parts = [_insert_sql(conn, by_name[m], by_name[m].final[:len(by_name[m].inserted)], nulled[m], claims.get(m))
                     for m in members]
            ctes = ", ".join(f"w{i} AS ({part})" for i, part in enumerate(parts[:-1]))
            out.append((", ".join(members), (f"WITH {ctes}\n" if ctes else "") + parts[-1]))
            continue
        final = rows.final[:len(rows.inserted)]
        for start in range(0, len(final), batch_rows):
            out.append((rows.name, _insert_sql(conn, rows, final[start:start + batch_rows], nulled[rows.name],
                                               claims.get(rows.name))))
    return out


def _insert_sql(conn, rows: _TableRows, values: list[tuple], nulled: set[str], claim: str | None = None) -> str:
    written = [i for i, c in enumerate(rows.columns) if not c.generated]
    names = ", ".join(sql.Identifier(rows.columns[i].name).as_string(conn) for i in written)
    overriding = " OVERRIDING SYSTEM VALUE" if any(c.identity_always for c in rows.columns) else ""
    tuples = ",\n  ".join(
        "(" + ", ".join("NULL" if rows.columns[i].name in nulled else literal(row[i]) for i in written) + ")"
        for row in values)
    if claim is None:
        return f"INSERT INTO {ident(rows.name).as_string(conn)} ({names}){overriding} VALUES\n  {tuples}"
    # a BEFORE trigger sets a column from auth.uid(): each row goes in as its own user (see load._insert_from_stage)
    user = f"v.c{next(i for i in written if rows.columns[i].name == claim)}"
    typed = ", ".join(f"v.c{i}::{rows.columns[i].type_sql}" for i in written)
    return (f"INSERT INTO {ident(rows.name).as_string(conn)} ({names}){overriding} SELECT {typed} FROM (VALUES\n  {tuples}"
            f") AS v({', '.join(f'c{i}' for i in written)})\nWHERE set_config('request.jwt.claims', json_build_object("
            f"'sub', {user}, 'role', 'authenticated')::text, true) IS NOT NULL AND set_config('request.jwt.claim.sub', "
            f"coalesce({user}, ''), true) IS NOT NULL")


def _update_statements(conn, rows: _TableRows, replayed: list[tuple | None], batch_rows: int):
    """UPDATEs of the columns whose replayed value differs from the seed's, grouped by those columns."""
    key_index = [next(i for i, c in enumerate(rows.columns) if c.name == k) for k in rows.key_columns]
    changes: dict[tuple[int, ...], list[tuple]] = defaultdict(list)
    for final, now in zip(rows.final, replayed):
        if final is None or now is None or final == now:
            continue   # a trigger row a replay makes with other keys is the trigger's business
        changed = tuple(i for i, (a, b) in enumerate(zip(final, now))
                        if a != b and not rows.columns[i].generated and i not in key_index)
        if changed:
            changes[changed].append(final)
    table = ident(rows.name).as_string(conn)
    for changed, finals in changes.items():
        used = key_index + list(changed)
        aliases = ", ".join(f"c{i}" for i in used)
        sets = ", ".join(f"{_quoted(conn, rows.columns[i].name)} = v.c{i}::{rows.columns[i].type_sql}" for i in changed)
        match = " AND ".join(f"t.{_quoted(conn, rows.columns[i].name)} = v.c{i}::{rows.columns[i].type_sql}"
                             for i in key_index)
        for start in range(0, len(finals), batch_rows):
            chunk = finals[start:start + batch_rows]
            values = ",\n  ".join("(" + ", ".join(literal(row[i]) for i in used) + ")" for row in chunk)
            yield (f"UPDATE {table} AS t SET {sets}\nFROM (VALUES\n  {values}) AS v({aliases})\nWHERE {match}",
                   len(chunk))


def _read_or_fail(conn, rows: _TableRows) -> list[tuple | None]:
    try:
        replayed = _read(conn, rows, rows.keys)
    except psycopg.Error as exc:
        raise explain_read_error(conn, exc, f"reading {rows.name} back") from None
    missing = sum(1 for r in replayed[:len(rows.inserted)] if r is None)
    if missing:
        raise SupaseedError(f"{rows.name}: {missing} row(s) the file inserts are not there after replaying it "
                            "(a trigger deletes or re-keys them)",
                            hint="seed this table directly instead (supaseed seed); no file was written")
    return replayed


def _check_reproduced(conn, rows: _TableRows) -> None:
    """After the UPDATEs every recorded row the replay has must equal the seed's."""
    replayed = _read(conn, rows, rows.keys)
    for key, final, now in zip(rows.keys, rows.final, replayed):
        if final is not None and now is not None and final != now:
            column = next(c.name for c, a, b in zip(rows.columns, final, now) if a != b)
            raise SupaseedError(
                f"{rows.name}.{column}: replaying the file gives another value than the seed for key {key} "
                "(a trigger rewrites it)",
                hint=f"set tables.{rows.name}.columns.{column} to a fixed value, or seed directly; no file was written")


def _execute(conn, statement: str, table: str, verb: str) -> None:
    """Run one statement of the file where the seed ran; a failure means the file would fail too."""
    try:
        conn.execute(statement)
    except psycopg.Error as exc:
        constraint = f" on constraint {exc.diag.constraint_name}" if exc.diag.constraint_name else ""
        column = f" column {exc.diag.column_name}" if exc.diag.column_name else ""
        raise SupaseedError(f"replaying the file's {verb} on {table} failed{constraint}{column}: "
                            f"{first_line(exc.diag.message_primary or str(exc))}",
                            hint="the seed itself loads; seed directly (supaseed seed) and report the schema; "
                                 "no file was written and the database is unchanged") from None


# ------------------------------------------------------------------------------------------ sequences

def _setval_statements(conn, tables: list[_TableRows], result: SqlExport) -> list[str]:
    """setval for the sequences of columns the file writes explicit values into (serial, identity)."""
    statements = []
    for rows in tables:
        if not rows.inserted:
            continue
        for column in rows.columns:
            sequence = conn.execute("SELECT pg_get_serial_sequence(%s, %s)",
                                    (ident(rows.name).as_string(conn), column.name)).fetchone()[0]
            if sequence is None:
                continue
            col, table = _quoted(conn, column.name), ident(rows.name).as_string(conn)
            statements.append(
                f"SELECT pg_catalog.setval({literal(sequence)}, greatest((SELECT max({col}) FROM {table}), "
                f"(SELECT last_value FROM {sequence})))")
            result.sequences.append(sequence)
    for statement in statements:
        _execute(conn, statement, "(sequences)", "setval")
    return statements


def _sequence_states(conn) -> dict[str, tuple[int, bool]]:
    """last_value and is_called of every user sequence we may read and set (nextval survives a rollback)."""
    names = [r[0] for r in conn.execute(
        "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(c.oid, 'SELECT') "   # CASE: evaluated for sequences only
        "AND has_sequence_privilege(c.oid, 'UPDATE') END")]
    states = {}
    for name in names:
        try:
            states[name] = tuple(conn.execute(sql.SQL("SELECT last_value, is_called FROM {}").format(sql.SQL(name))).fetchone())
        except psycopg.Error:
            continue
    return states


def _restore_sequences(conn, before: dict[str, tuple[int, bool]], seeded: dict[str, tuple[int, bool]]) -> None:
    """Put back the values the rolled-back seed took from each sequence.

    Only where the sequence still stands where the seed left it: if another session took values
    meanwhile, setting it back would hand those out twice, so it keeps the gap instead.
    """
    for name, state in before.items():
        left = seeded.get(name, state)
        if left == state:
            continue
        with contextlib.suppress(psycopg.Error):
            conn.execute(sql.SQL("SELECT setval({}, %s, %s) FROM {} WHERE last_value = %s AND is_called = %s").format(
                sql.Literal(name), sql.SQL(name)), (state[0], state[1], left[0], left[1]))


# ------------------------------------------------------------------------------------------ the file

def literal(value: str | None) -> str:
    """A SQL literal of a value's text form (standard_conforming_strings on: only quotes double)."""
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def _quoted(conn, name: str) -> str:
    return sql.Identifier(name).as_string(conn)


def _render(settings: SeedSettings, prepared: api.Prepared, statements: list[str]) -> str:
    head = [
        "-- Seed data written by `supaseed seed --sql` (seed %d, config %s, schema %s)." % (
            settings.seed, settings.fingerprint()[:12], prepared.snapshot.fingerprint[:12]),
        "-- Replays on a freshly migrated database: `supabase db reset`, or",
        "--   psql -v ON_ERROR_STOP=1 --single-transaction -f seed.sql \"$DATABASE_URL\"",
        "-- Rows the app's triggers make (e.g. the personal account of a new auth user) are left to them;",
        "-- the UPDATEs at the end fill in what the seed adds to them and close foreign-key cycles.",
        "",
        "SET statement_timeout = 0;",
        "SET client_encoding = 'UTF8';",
        "SET standard_conforming_strings = on;",
        *[f"SET {name} = {literal(value)};" for name, value in SESSION_SETTINGS.items() if name != "extra_float_digits"],
        "",
    ]
    return "\n".join(head) + "\n" + "\n".join(f"{s};\n" for s in statements)


def _check_output(path: Path) -> None:
    if path.is_dir():
        raise ConfigError(f"--sql {path}: is a directory", hint="give a file name, e.g. supabase/seed.sql")
    parent = path.parent if str(path.parent) else Path(".")
    if parent.exists() and not parent.is_dir():
        raise ConfigError(f"--sql {path}: {parent} is not a directory", hint="give a file name in a directory")
    if parent.exists() and not os.access(parent, os.W_OK):
        raise ConfigError(f"--sql {path}: cannot write into {parent}", hint="choose a writable directory")


def _write(path: Path, text: str) -> None:
    """Whole file or none: written next to the target, then renamed over it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)   # mkstemp makes it 0600; a seed file is an ordinary project file
        os.replace(temporary, path)
    except OSError as exc:
        raise ConfigError(f"--sql {path}: cannot write the file: {exc.strerror or exc}",
                          hint="choose a writable path; the database was not changed") from None


__all__ = ["BATCH_ROWS", "SqlExport", "export_sql", "literal"]
