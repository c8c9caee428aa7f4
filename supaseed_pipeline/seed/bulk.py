"""bulkLoad for empty targets: load first, then build keys and indexes and validate foreign keys.

What is dropped: every foreign key of the loaded tables, every index that backs no constraint, and, on
`key_tables` (tables nothing reads back by key while the load runs), primary keys and unique
constraints too. Each definition is written to the ledger's `deferred_ddl` before anything is dropped,
so a run that dies half way is repaired by the next seed or cleanup (`restore`) before it does
anything else. The load then commits batch by batch on several connections; `restore` builds the
indexes on several connections at once, attaches the keys to their indexes, adds the foreign keys
NOT VALID and validates them in parallel: the shape of the fastest load the server can take.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

import psycopg
from psycopg import sql

from supaseed_pipeline.errors import SupaseedError
from supaseed_pipeline.seed.ledger import ensure_ledger, schema, sql_text
from supaseed_pipeline.seed.load import ident

# kind: 'key' (a primary key or unique constraint; index_definition builds its index), 'index',
# 'foreign_key' or 'storage' (name 'fillfactor': the table's own value, '' for none). Ledgers made before
# keys were deferred have a CHECK without 'key': it is replaced.
DDL = """
CREATE TABLE IF NOT EXISTS supaseed.deferred_ddl (
    table_name text NOT NULL,
    kind text NOT NULL,
    name text NOT NULL,
    definition text NOT NULL,
    PRIMARY KEY (table_name, kind, name)
);
ALTER TABLE supaseed.deferred_ddl ADD COLUMN IF NOT EXISTS index_definition text;
ALTER TABLE supaseed.deferred_ddl DROP CONSTRAINT IF EXISTS deferred_ddl_kind_check;
"""

# The fillfactor of the tables the load UPDATEs (the accounts an auth.users trigger made, filled afterwards
# with names and profiles) while they load: an UPDATE whose new row fits in the page is HOT, adding no entry
# to the indexes the load keeps. Rows that grow from defaults (public_data '{}' -> a profile) need about
# twice their room: at 50 half the accounts updates were HOT, at 30 all (200k accounts: 2.7 s instead of
# 6.0). The table's own fillfactor comes back with its indexes; the pages keep their room for later updates.
LOADING_FILLFACTOR = 30

# maintenance_work_mem while rebuilding: the default 64MB sorts a 16M-row uuid index on disk
BUILD_MEMORY = "256MB"


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


def tables_named_by_triggers(conn: psycopg.Connection, tables: list[str]) -> set[str]:
    """Tables whose name appears in the source of an enabled trigger function or a rule that can fire while
    the load runs (on INSERT or UPDATE): such code may look rows up by key (a slug trigger, a counter), so
    their keys stay. A DELETE trigger (MakerKit's owner-membership guard reads auth.users) never fires
    while an empty target fills, and keeping auth.users' ten indexes for it cost a fifth of its COPY."""
    sources = firing_sources(conn)
    named = set()
    for table in tables:
        bare = table.partition(".")[2].strip('"').lower()
        if any(_names(source, bare) for source in sources):
            named.add(table)
    return named


def firing_sources(conn: psycopg.Connection, updated: set[str] | None = None) -> list[str]:
    """Lower-cased sources of the enabled trigger functions and rules that can fire while an empty target
    fills: INSERT ones, and UPDATE ones (on the tables in `updated` only, when given)."""
    rows = conn.execute("""
        SELECT DISTINCT p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
        JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT t.tgisinternal AND t.tgenabled <> 'D'
          AND (t.tgtype & 4 <> 0 OR (t.tgtype & 16 <> 0                           -- TRIGGER_TYPE_INSERT, UPDATE
               AND (%(all)s OR format('%%s.%%s', n.nspname, c.relname) = ANY(%(updated)s))))
        UNION ALL SELECT pg_get_ruledef(r.oid) FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE r.rulename <> '_RETURN' AND (r.ev_type = '3'                          -- ON INSERT
              OR (r.ev_type = '2' AND (%(all)s OR format('%%s.%%s', n.nspname, c.relname) = ANY(%(updated)s))))""",
                        {"all": updated is None, "updated": sorted(updated or ())}).fetchall()
    return [r[0].lower() for r in rows if r[0]]


# what follows a column the code looks rows up by (`where slug = candidate`, `id in (...)`), or precedes it
_COMPARED_AFTER = re.compile(r"\s*(=|<>|!=|<=|>=|<|>|in\b|like\b|ilike\b|is\b|between\b|similar\b|~)")
_COMPARED_BEFORE = re.compile(r"(=|<>|!=|<|>|\bin\s*\(|\bany\s*\()\s*$")


def compared_columns(sources: list[str], table: str, columns: list[str]) -> set[str]:
    """Columns of `table` that trigger or rule code naming the table compares in a condition (its lookups):
    `new.x` and `old.x` are the row itself, not a lookup; code with ON CONFLICT needs the table's unique
    indexes, so every column counts there. A plain INSERT column list compares nothing."""
    bare = table.partition(".")[2].strip('"').lower()
    found: set[str] = set()
    for source in (s for s in sources if _names(s, bare)):
        if "on conflict" in source:
            return set(columns)
        for column in columns:
            for match in re.finditer(rf"(?<![\w$])(?:(\w+)\.)?{re.escape(column.lower())}(?![\w$])", source):
                if match.group(1) in ("new", "old"):
                    continue
                if _COMPARED_AFTER.match(source, match.end()) or _COMPARED_BEFORE.search(source[:match.start()]):
                    found.add(column)
                    break
    return found


def _names(source: str, word: str) -> bool:
    start = source.find(word)
    while start >= 0:
        before = source[start - 1] if start else " "
        after = source[start + len(word)] if start + len(word) < len(source) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return True
        start = source.find(word, start + 1)
    return False


@dataclass
class Lookups:
    """How the load finds rows of a table it reads back while it runs: by `probed` columns with no
    other condition (keys it updates by, the column trigger-made rows are read back by), and by
    `compared` columns in trigger or rule code (whose conditions may match a partial index)."""
    probed: set[str]
    compared: set[str]

    def needs(self, leading: str | None, partial: bool) -> bool:
        if leading is None:   # an expression index: what it serves cannot be told
            return True
        return leading in self.compared or (leading in self.probed and not partial)


def defer(conn: psycopg.Connection, tables: list[str], key_tables: list[str] = (),
          index_tables: list[str] | None = None, lookups: dict[str, Lookups] | None = None,
          updated: list[str] = ()) -> int:
    """Record, then drop, the foreign keys of `tables`, the secondary indexes of `index_tables` (default:
    all of `tables`) and the primary keys and unique constraints of `key_tables` (a subset of both);
    on the tables of `lookups` (read back while loading, so none of the others), the indexes and unique
    constraints no lookup of theirs uses; returns how many definitions were dropped (or changed).
    The plain tables of `updated` (a subset of `tables`: the load UPDATEs their rows) load with room in each
    page (`LOADING_FILLFACTOR`, their own fillfactor recorded as kind 'storage').

    A key another table's foreign key relies on stays unless that foreign key is dropped too; an
    index that backs a constraint (or an exclusion constraint) stays unless its constraint goes.
    """
    with conn.transaction():
        ensure_ledger(conn)
        conn.execute(sql_text(DDL))
        keys = list(key_tables)
        indexed = list(tables if index_tables is None else index_tables)
        rows = conn.execute("""
            WITH t AS (SELECT c.oid, format('%%I.%%I', n.nspname, c.relname) AS quoted
                       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE format('%%s.%%s', n.nspname, c.relname) = ANY(%(tables)s)),
                 ix AS (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE format('%%s.%%s', n.nspname, c.relname) = ANY(%(indexed)s)),
                 k AS (SELECT c.oid, format('%%I.%%I', n.nspname, c.relname) AS quoted
                       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE format('%%s.%%s', n.nspname, c.relname) = ANY(%(keys)s)),
                 dropped_keys AS (
                       SELECT x.oid, x.conindid FROM pg_constraint x JOIN k ON k.oid = x.conrelid
                       WHERE x.contype IN ('p', 'u') AND pg_get_constraintdef(x.oid) NOT LIKE '%%WITHOUT OVERLAPS%%'
                         AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = x.conindid
                                         AND f.conrelid NOT IN (SELECT oid FROM t)))
            SELECT t.quoted, 'foreign_key', f.conname::text, pg_get_constraintdef(f.oid), NULL::text, 1
            FROM pg_constraint f JOIN t ON t.oid = f.conrelid WHERE f.contype = 'f'
            UNION ALL
            SELECT k.quoted, 'key', x.conname::text, pg_get_constraintdef(x.oid), pg_get_indexdef(x.conindid), 2
            FROM pg_constraint x JOIN k ON k.oid = x.conrelid WHERE x.oid IN (SELECT oid FROM dropped_keys)
            UNION ALL
            SELECT t.quoted, 'index', format('%%I.%%I', n.nspname, i.relname), pg_get_indexdef(x.indexrelid), NULL, 3
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = i.relnamespace
            WHERE x.indrelid IN (SELECT oid FROM ix)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.contype <> 'f')
              AND (NOT x.indisunique OR (x.indrelid IN (SELECT oid FROM k) AND NOT EXISTS (
                   SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = x.indexrelid
                   AND f.conrelid NOT IN (SELECT oid FROM t))))
            ORDER BY 6, 1, 3""", {"tables": list(tables), "keys": keys, "indexed": indexed}).fetchall()
        rows = sorted(rows + _unused_indexes(conn, tables, lookups or {}), key=lambda r: (r[5], r[0], r[2]))
        rows += _roomier_pages(conn, [t for t in updated if t in tables])
        for table, kind, name, definition, index_definition, _ in rows:
            conn.execute(sql_text("INSERT INTO supaseed.deferred_ddl (table_name, kind, name, definition, index_definition) "
                                  "VALUES (%s, %s, %s, %s, %s)"), (table, kind, name, definition, index_definition))
            if kind == "storage":
                conn.execute(sql.SQL("ALTER TABLE {} SET (fillfactor = {})").format(sql.SQL(table), sql.Literal(LOADING_FILLFACTOR)))
            elif kind == "index":
                conn.execute(sql.SQL("DROP INDEX {}").format(sql.SQL(name)))
            else:   # foreign keys first (ORDER BY), so the keys they rely on can go after them
                conn.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(sql.SQL(table), sql.Identifier(name)))
    return len(rows)


def _roomier_pages(conn: psycopg.Connection, tables: list[str]) -> list[tuple]:
    """defer's rows for the plain tables of `tables` whose fillfactor is above LOADING_FILLFACTOR: their own
    value ('' for none) as the definition `restore` puts back."""
    if not tables:
        return []
    return [(quoted, "storage", "fillfactor", own or "", None, 4) for quoted, own in conn.execute("""
        SELECT format('%%I.%%I', n.nspname, c.relname),
               (SELECT split_part(o, '=', 2) FROM unnest(c.reloptions) AS o WHERE o LIKE 'fillfactor=%%')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE format('%%s.%%s', n.nspname, c.relname) = ANY(%s) AND c.relkind = 'r'
        ORDER BY 1""", (list(tables),)).fetchall() if not own or int(own) > LOADING_FILLFACTOR]


def _unused_indexes(conn: psycopg.Connection, tables: list[str], lookups: dict[str, Lookups]) -> list[tuple]:
    """defer's rows for the indexes and unique constraints of `lookups`' tables that no lookup uses: each
    trigger-made row and each UPDATE maintains every index of its table (MakerKit's accounts: six)."""
    if not lookups:
        return []
    candidates = conn.execute("""
        SELECT format('%%s.%%s', n.nspname, c.relname), format('%%I.%%I', n.nspname, c.relname),
               format('%%I.%%I', ni.nspname, i.relname), k.conname::text, k.contype::text,
               pg_get_constraintdef(k.oid), pg_get_indexdef(x.indexrelid), x.indpred IS NOT NULL,
               (SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = x.indrelid AND a.attnum = x.indkey[0])
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace ni ON ni.oid = i.relnamespace
        JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_constraint k ON k.conindid = x.indexrelid AND k.conrelid = x.indrelid AND k.contype <> 'f'
        WHERE format('%%s.%%s', n.nspname, c.relname) = ANY(%(trimmed)s)
          AND (k.contype IS NULL OR k.contype = 'u')        -- primary keys (the ledger's, the updates') stay
          AND NOT EXISTS (                                   -- a foreign key the load keeps relies on it
              SELECT 1 FROM pg_constraint f JOIN pg_class fc ON fc.oid = f.conrelid
              JOIN pg_namespace fn ON fn.oid = fc.relnamespace
              WHERE f.contype = 'f' AND f.conindid = x.indexrelid
                AND format('%%s.%%s', fn.nspname, fc.relname) <> ALL(%(tables)s))""",
                              {"trimmed": sorted(set(lookups) & set(tables)), "tables": list(tables)}).fetchall()
    rows = []
    for plain, table, index, constraint, contype, definition, index_definition, partial, leading in candidates:
        if lookups[plain].needs(leading, partial):
            continue
        if contype == "u":
            rows.append((table, "key", constraint, definition, index_definition, 2))
        else:
            rows.append((table, "index", index, index_definition, None, 3))
    return rows


@dataclass
class Failed:
    table: str
    kind: str
    name: str
    message: str
    unique: bool    # duplicate rows: a key or unique index that the rows break


class RebuildFailed(SupaseedError):
    """Keys or indexes that could not be rebuilt; their definitions stay in deferred_ddl, and the
    foreign keys were not touched (they may rely on a key that is missing)."""

    def __init__(self, failures: list[Failed]):
        first = failures[0]
        what = {"key": "key", "index": "index"}[first.kind]
        super().__init__(f"rebuilding {what} {first.name} on {first.table} after a bulk load failed: {first.message}"
                         + (f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""),
                         hint=f"its definition is kept in {schema()}.deferred_ddl; fix the rows and run seed or cleanup again")
        self.failures = failures


def in_parallel(open_connection: Callable[[], psycopg.Connection] | None, connections: int, jobs: list,
                work: Callable[[psycopg.Connection, object], None], conn: psycopg.Connection) -> list[BaseException | None]:
    """work(connection, job) for every job, on up to `connections` connections at once (`conn` alone
    without `open_connection`); returns each job's exception or None, in job order."""
    if not jobs:
        return []
    if open_connection is None or connections <= 1 or len(jobs) == 1:
        outcomes = []
        for job in jobs:
            try:
                work(conn, job)
                outcomes.append(None)
            except psycopg.Error as exc:
                outcomes.append(exc)
        return outcomes
    local = threading.local()
    opened: list[psycopg.Connection] = []
    lock = threading.Lock()

    def run(job):
        if not hasattr(local, "conn"):
            local.conn = open_connection()
            with lock:
                opened.append(local.conn)
        try:
            work(local.conn, job)
        except psycopg.Error as exc:
            return exc
        return None

    try:
        with ThreadPoolExecutor(max_workers=min(connections, len(jobs)), thread_name_prefix="supaseed-rebuild") as pool:
            return list(pool.map(run, jobs))
    finally:
        for opened_conn in opened:
            opened_conn.close()


def table_sizes(conn: psycopg.Connection, tables: list[str]) -> dict[str, int]:
    """Bytes each table's rows take (its main fork, read from the file size: right before any ANALYZE)."""
    return dict(conn.execute("SELECT t, coalesce(pg_relation_size(to_regclass(t)), 0) FROM unnest(%s::text[]) AS t",
                             (tables,)).fetchall())


def _pending(conn: psycopg.Connection) -> list[tuple[str, str, str, str, str | None]]:
    if not conn.execute(sql_text("SELECT to_regclass('supaseed.deferred_ddl') IS NOT NULL")).fetchone()[0]:
        return []
    conn.execute(sql_text(DDL))   # an older ledger's table: index_definition and the kind 'key'
    return conn.execute(sql_text("SELECT table_name, kind, name, definition, index_definition FROM supaseed.deferred_ddl "
                                 "ORDER BY table_name, name")).fetchall()


def _forget(conn: psycopg.Connection, table: str, kind: str, name: str) -> None:
    conn.execute(sql_text("DELETE FROM supaseed.deferred_ddl WHERE table_name = %s AND kind = %s AND name = %s"),
                 (table, kind, name))


def _key_index(table: str, name: str) -> sql.Composable:
    """A key's index has the constraint's name, in the table's schema."""
    return sql.SQL("{}.{}").format(sql.SQL(table.split(".")[0]), sql.Identifier(name))


def _build(conn: psycopg.Connection, entry) -> None:
    """One index (a key's: only its index; `_attach` makes it the key once every build is done)."""
    table, kind, name, definition, index_definition = entry
    conn.execute(sql.SQL("SET maintenance_work_mem = {}").format(sql.Literal(BUILD_MEMORY)))
    with conn.transaction():
        if kind == "index":
            conn.execute(sql.SQL(definition))
            _forget(conn, table, kind, name)
        elif not conn.execute("SELECT to_regclass(%s) IS NOT NULL", (_key_index(table, name).as_string(conn),)).fetchone()[0]:
            conn.execute(sql.SQL(index_definition))   # (built already by a run that died before attaching it)


def _attach(conn: psycopg.Connection, entry) -> None:
    """The key constraint on its built index: a catalog change, no second scan of the table."""
    table, kind, name, definition, _ = entry
    kind_sql = "PRIMARY KEY" if definition.startswith("PRIMARY KEY") else "UNIQUE"
    timing = " DEFERRABLE INITIALLY DEFERRED" if "INITIALLY DEFERRED" in definition else \
        " DEFERRABLE" if "DEFERRABLE" in definition and "NOT DEFERRABLE" not in definition else ""
    with conn.transaction():
        conn.execute(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {} USING INDEX {}{}").format(
            sql.SQL(table), sql.Identifier(name), sql.SQL(kind_sql), sql.Identifier(name), sql.SQL(timing)))
        _forget(conn, table, kind, name)


def restore(conn: psycopg.Connection, *, open_connection: Callable[[], psycopg.Connection] | None = None,
            connections: int = 1, keep_going: bool = False) -> int:
    """Rebuild what `defer` dropped: indexes (keys' included) on up to `connections` connections at
    once, then the keys on their indexes, then foreign keys added NOT VALID and validated in parallel.

    A key or index that cannot be built raises RebuildFailed: before any foreign key is touched, or,
    with `keep_going`, after every foreign key that does not rely on it is back (what removing rows
    needs: their cascades). A foreign key whose rows no longer match stays NOT VALID (declared and
    enforced for new rows, never absent) and the error names the rows that block it.
    """
    rows = _pending(conn)
    if not rows:
        return 0
    for table, kind, name, definition, _ in rows:
        if kind == "storage":   # a catalog change: the rows stay where they are
            with conn.transaction():
                conn.execute(sql.SQL("ALTER TABLE {} SET (fillfactor = {})").format(sql.SQL(table), sql.Literal(int(definition)))
                             if definition else sql.SQL("ALTER TABLE {} RESET (fillfactor)").format(sql.SQL(table)))
                _forget(conn, table, kind, name)
    # the biggest tables' builds first, the small ones fill in after: the connections end together instead
    # of one building a big index alone at the end (longest job first)
    size = table_sizes(conn, sorted({r[0] for r in rows}))
    builds = sorted([r for r in rows if r[1] in ("key", "index")], key=lambda r: -size.get(r[0], 0))
    failures = []
    for entry, outcome in zip(builds, in_parallel(open_connection, connections, builds, _build, conn)):
        if outcome is not None:
            failures.append(Failed(entry[0], entry[1], entry[2], _message(outcome),
                                   isinstance(outcome, psycopg.errors.UniqueViolation)))
    for entry in builds:
        if entry[1] == "key" and not any(f.name == entry[2] and f.table == entry[0] for f in failures):
            try:
                _attach(conn, entry)
            except psycopg.Error as exc:
                failures.append(Failed(entry[0], entry[1], entry[2], _message(exc), False))
    if failures and not keep_going:
        raise RebuildFailed(failures)
    fks, added = [r for r in rows if r[1] == "foreign_key"], []
    for table, kind, name, definition, _ in fks:
        try:
            with conn.transaction():
                conn.execute(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {} NOT VALID").format(
                    sql.SQL(table), sql.Identifier(name), sql.SQL(definition)))
                _forget(conn, table, kind, name)
            added.append((table, kind, name, definition, None))
        except psycopg.Error as exc:
            if failures:   # it relies on a key that is not back: it stays recorded, with that key
                continue
            raise SupaseedError(f"rebuilding foreign key {name} on {table} after a bulk load failed: {_message(exc)}",
                                hint=f"its definition is kept in {schema()}.deferred_ddl; fix the rows and run seed again") from None
    fks = added
    # one job per referencing table: two validations of one table would wait for each other
    by_table: dict[str, list[str]] = {}
    for table, _, name, _, _ in fks:
        by_table.setdefault(table, []).append(name)

    def validate(worker: psycopg.Connection, job) -> None:
        table, names = job
        for name in names:
            try:
                worker.execute(sql.SQL("ALTER TABLE {} VALIDATE CONSTRAINT {}").format(sql.SQL(table), sql.Identifier(name)))
            except psycopg.Error as exc:
                exc.add_note(name)
                raise

    jobs = sorted(by_table.items(), key=lambda job: -size.get(job[0], 0))
    for (table, _), outcome in zip(jobs, in_parallel(open_connection, connections, jobs, validate, conn)):
        if outcome is not None:
            name = (getattr(outcome, "__notes__", None) or ["?"])[-1]
            raise SupaseedError(
                f"foreign key {name} on {table} is back but NOT VALID: "
                f"{(outcome.diag.message_detail or outcome.diag.message_primary or str(outcome)).strip()}",
                hint=f"fix or delete the rows of {table} that reference missing rows, then "
                     f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}")
    if failures:
        raise RebuildFailed(failures)
    return len(rows)


def _message(exc: psycopg.Error) -> str:
    primary = (exc.diag.message_primary or str(exc)).strip()
    detail = (exc.diag.message_detail or "").strip()
    return f"{primary} ({detail})" if detail else primary
