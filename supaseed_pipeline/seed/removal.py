"""Removing seeded rows: exactly the keys the ledger recorded, never a row someone else created.

Used by cleanup, by a partition rerun (its previous rows go first) and by a full reseed that replaces
stale partitions. Everything here runs inside the caller's transaction, so a refusal or a failed
verification leaves the database as it was.

Foreign rows are found from the catalog (`pg_constraint`), not from the snapshot: a foreign key in
any schema (storage, realtime, a user's private schema), through any unique column set, in any
column order, or declared on a partition, counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from supaseed_pipeline.errors import SupaseedError
from supaseed_pipeline.seed import fk_indexes, key_checks, ledger   # modules: ledger imports this one
from supaseed_pipeline.seed.load import ident
from supaseed_pipeline.snapshot.models import SchemaSnapshot

_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


@dataclass(frozen=True)
class Reference:
    """One foreign key from the catalog. `child`/`parent` are partition roots ("schema.table")."""

    name: str
    child: str
    child_rel: str          # the relation the constraint is declared on (a partition, for FKs on partitions)
    columns: tuple[str, ...]
    parent: str
    parent_rel: str
    ref_columns: tuple[str, ...]
    on_delete: str
    deferrable: bool
    not_null: bool          # every referencing column is NOT NULL

    def pairs(self) -> list[tuple[str, str]]:
        return list(zip(self.columns, self.ref_columns))


@dataclass(frozen=True)
class Stage:
    """A temp table of the recorded keys of one table (typed, analyzed: deletes are hash joins)."""

    table: sql.Identifier
    key_columns: tuple[str, ...]


class Removal(dict):
    """Rows removed per table (directly or by a cascade from another seeded row); `.missing`: keys
    recorded whose rows were already gone before this removal (deleted by someone else);
    `.checked_first`: the foreign-row checks ran before the deletes (see `delete_staged`)."""

    def __init__(self, removed: dict[str, int], missing: dict[str, int], *, checked_first: bool = False):
        super().__init__(removed)
        self.missing = {t: n for t, n in missing.items() if n}
        self.checked_first = checked_first


def catalog_references(conn: psycopg.Connection, parents: set[str]) -> list[Reference]:
    """Every foreign key of the database whose referenced table (its partition root) is in `parents`."""
    rows = conn.execute("""
        WITH fk AS (
            SELECT k.oid, k.conname, k.conrelid, k.confrelid, k.conkey, k.confkey, k.confdeltype, k.condeferrable,
                   coalesce(pg_partition_root(k.conrelid), k.conrelid) AS child_root,
                   coalesce(pg_partition_root(k.confrelid), k.confrelid) AS parent_root
            FROM pg_constraint k
            WHERE k.contype = 'f' AND k.conparentid = 0)
        SELECT fk.conname::text,
               (SELECT format('%s.%s', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.oid = fk.child_root),
               (SELECT format('%s.%s', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.oid = fk.conrelid),
               (SELECT array_agg(a.attname::text ORDER BY u.i) FROM unnest(fk.conkey) WITH ORDINALITY u(attnum, i)
                JOIN pg_attribute a ON a.attrelid = fk.conrelid AND a.attnum = u.attnum),
               (SELECT format('%s.%s', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.oid = fk.parent_root),
               (SELECT format('%s.%s', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.oid = fk.confrelid),
               (SELECT array_agg(a.attname::text ORDER BY u.i) FROM unnest(fk.confkey) WITH ORDINALITY u(attnum, i)
                JOIN pg_attribute a ON a.attrelid = fk.confrelid AND a.attnum = u.attnum),
               fk.confdeltype::text, fk.condeferrable,
               (SELECT bool_and(a.attnotnull) FROM unnest(fk.conkey) u(attnum)
                JOIN pg_attribute a ON a.attrelid = fk.conrelid AND a.attnum = u.attnum)
        FROM fk""").fetchall()
    references = []
    for name, child, child_rel, columns, parent, parent_rel, ref_columns, action, deferrable, not_null in rows:
        if parent in parents:
            references.append(Reference(name, child, child_rel, tuple(columns), parent, parent_rel, tuple(ref_columns),
                                        _ACTIONS.get(action, "NO ACTION"), bool(deferrable), bool(not_null)))
    return sorted(references, key=lambda r: (r.child, r.name))


def stage_keys(conn: psycopg.Connection, snapshot: SchemaSnapshot, number: int, table: str,
               key_columns: list[str], keys: list[str]) -> Stage:
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
    _index_and_analyze(conn, stage, key_columns)
    return Stage(stage, tuple(key_columns))


PART = "_supaseed_part"   # a staged key's partition (its position in the list being removed)


def _key_types(snapshot: SchemaSnapshot, table: str, key_columns: list[str]) -> list[sql.Composable]:
    found = snapshot.table(table)
    return [sql.SQL(found.column(c).data_type) if found and found.column(c) else sql.SQL("text") for c in key_columns]


def stage_recorded(conn: psycopg.Connection, snapshot: SchemaSnapshot, number: int, table: str,
                   key_columns: list[str], partition_keys: list[str], *, with_part: bool = False) -> Stage:
    """A temp table of the keys the ledger records for `table` in the given partitions, copied inside
    the server (no round trip of every key through the client), typed and analyzed. `with_part` adds
    the partition's position in `partition_keys` as column `_supaseed_part`."""
    stage = sql.Identifier(f"supaseed_keys_{number}")
    types = _key_types(snapshot, table, key_columns)
    columns = [sql.SQL("{} {}").format(sql.Identifier(c), t) for c, t in zip(key_columns, types)]
    if with_part:
        columns.insert(0, sql.SQL("{} int").format(sql.Identifier(PART)))
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(stage))
    conn.execute(sql.SQL("CREATE TEMP TABLE {} ({}) ON COMMIT DROP").format(stage, sql.SQL(", ").join(columns)))
    if len(key_columns) == 1:
        values = [sql.SQL("k::{}").format(types[0])]
    else:
        values = [sql.SQL("(k::jsonb->>{})::{}").format(sql.Literal(c), t) for c, t in zip(key_columns, types)]
    if with_part:
        values.insert(0, sql.SQL("array_position(%(parts)s::text[], s.partition_key)"))
    conn.execute(sql.SQL(ledger.sql_text(
        f"INSERT INTO {{}} SELECT {{}} FROM supaseed.seeded_keys AS s "
        f"CROSS JOIN LATERAL unnest({ledger.recorded_keys(conn, 's.', uuid=ledger.uuid_key(snapshot, table, key_columns))}) AS k "
        "WHERE s.table_name = %(table)s AND s.partition_key = ANY(%(parts)s::text[])")).format(
        stage, sql.SQL(", ").join(values)), {"parts": partition_keys, "table": table})
    if with_part:
        # the whole-seed pass joins these stages by hash (sequential scans on): no index to build
        conn.execute(sql.SQL("ANALYZE {}").format(stage))
    else:
        _index_and_analyze(conn, stage, key_columns)
    return Stage(stage, tuple(key_columns))


def _index_and_analyze(conn: psycopg.Connection, stage: sql.Identifier, key_columns: list[str]) -> None:
    """Stages are probed per referencing row (NOT EXISTS, cascade checks) in partitions that run with
    sequential scans off: without an index every probe would scan the whole stage (minutes at 10k users)."""
    conn.execute(sql.SQL("CREATE INDEX ON {} ({})").format(stage, sql.SQL(", ").join(sql.Identifier(c) for c in key_columns)))
    conn.execute(sql.SQL("ANALYZE {}").format(stage))


def recorded_tables(conn: psycopg.Connection, partition_keys: list[str]) -> list[tuple[str, list[str], int]]:
    """(table, key columns, keys recorded) over the given partitions, in the order they were recorded."""
    rows = conn.execute(ledger.sql_text(
        "SELECT table_name, (array_agg(array_to_string(key_columns, chr(1)) ORDER BY partition_key, seq))[1], "
        f"sum({ledger.key_count(conn)})::bigint, min(partition_key), min(seq) FROM supaseed.seeded_keys "
        "WHERE partition_key = ANY(%s::text[]) GROUP BY table_name ORDER BY 4, 5, 1"), (partition_keys,)).fetchall()
    return [(table, columns.split(chr(1)), int(count)) for table, columns, count, _, _ in rows]


def _match(left: str, right: str, pairs) -> sql.Composable:
    return sql.SQL(" AND ").join(sql.SQL("{}.{} = {}.{}").format(
        sql.Identifier(left), sql.Identifier(a), sql.Identifier(right), sql.Identifier(b)) for a, b in pairs)


def _seeded_parent_join(ref: Reference, stage: Stage) -> sql.Composable:
    """`c` (the referencing rows) joined to the seeded rows they reference, through any column set."""
    if set(ref.ref_columns) == set(stage.key_columns):
        return sql.SQL("JOIN {} AS k ON {}").format(stage.table, _match("c", "k", ref.pairs()))
    # through a UNIQUE column or unique index other than the recorded key: go via the parent table
    return sql.SQL("JOIN {} AS p ON {} JOIN {} AS k ON {}").format(
        ident(ref.parent), _match("c", "p", ref.pairs()),
        stage.table, _match("p", "k", [(k, k) for k in stage.key_columns]))


def refuse_foreign_references(conn: psycopg.Connection, stages: dict[str, Stage], references: list[Reference],
                               removed_note: str = "nothing was removed") -> None:
    """Stop if rows supaseed did not seed reference seeded rows: deleting would cascade into them,
    null them, or fail half way."""
    for ref in references:
        own = sql.SQL("")
        if ref.child in stages:
            child_stage = stages[ref.child]
            own = sql.SQL(" WHERE NOT EXISTS (SELECT 1 FROM {} AS o WHERE {})").format(
                child_stage.table, _match("o", "c", [(k, k) for k in child_stage.key_columns]))
        count = conn.execute(sql.SQL("SELECT count(*) FROM {} AS c {}{}").format(
            ident(ref.child_rel), _seeded_parent_join(ref, stages[ref.parent]), own)).fetchone()[0]
        _refuse(ref, count, removed_note)


def _refuse(ref: Reference, count: int, removed_note: str) -> None:
    """The refusal of `refuse_foreign_references` when `count` foreign rows reference seeded ones."""
    if count:
        effect = {"CASCADE": "delete", "SET NULL": "change", "SET DEFAULT": "change"}.get(ref.on_delete, "orphan")
        raise SupaseedError(
            f"{count} row(s) of {ref.child_rel} that supaseed did not seed reference seeded rows of "
            f"{ref.parent} through foreign key {ref.name} ({', '.join(ref.columns)} → {', '.join(ref.ref_columns)}, "
            f"ON DELETE {ref.on_delete}); removing the seed would {effect} them",
            hint=f"delete or re-point those {ref.child_rel} rows first, then run again; {removed_note}")


def _cascade_parents(table: str, stages: dict[str, Stage], references: list[Reference],
                     cascading: set[str] | None = None) -> list[Reference]:
    """Seeded rows of `table` that an ON DELETE CASCADE from another seeded row removes on its own.

    They are left to the cascade rather than deleted directly, so app triggers that forbid a direct
    delete (e.g. MakerKit's owner-membership guard) are not tripped. `cascading`: the tables whose rows
    may be left to a cascade (None: every table).
    """
    if cascading is not None and table not in cascading:
        return []
    return _direct_cascade_parents(table, stages, references)


def _direct_cascade_parents(table: str, stages: dict[str, Stage], references: list[Reference]) -> list[Reference]:
    return [r for r in references if r.child == table and r.child_rel == table and r.on_delete == "CASCADE"
            and r.parent in stages and r.parent != table and set(r.ref_columns) == set(stages[r.parent].key_columns)]


def _left_to_cascade(table: str, stages: dict[str, Stage], references: list[Reference],
                     cascading: set[str] | None = None) -> sql.Composable | None:
    """Condition on `t` (a staged row of `table`) for deleting it directly: no cascade from a staged
    parent removes it, or it also references, without a cascade, a table its cascade chain starts
    from (setups -> trip_notes, and trip_notes.author -> auth.users): such a row would be checked
    before the cascade reached it, so it goes first, directly. None: every row is deleted directly."""
    cascades = _cascade_parents(table, stages, references, cascading)
    if not cascades:
        return None
    roots, todo = set(), [r.parent for r in cascades]
    while todo:
        parent = todo.pop()
        if parent not in roots:
            roots.add(parent)
            todo += [r.parent for r in _cascade_parents(parent, stages, references, cascading)]
    blocking = [r for r in references if r.child == table and r.child_rel == table and r.parent in roots
                and r.on_delete in ("NO ACTION", "RESTRICT") and not r.deferrable]
    not_cascaded = sql.SQL(" AND ").join(sql.SQL("NOT EXISTS (SELECT 1 FROM {} AS p WHERE {})").format(
        stages[ref.parent].table, _match("p", "t", [(r, c) for c, r in ref.pairs()])) for ref in cascades)
    linked = [sql.SQL("({})").format(sql.SQL(" AND ").join(sql.SQL("t.{} IS NOT NULL").format(sql.Identifier(c))
                                                          for c in ref.columns)) for ref in blocking]
    return sql.SQL("({})").format(sql.SQL(" OR ").join([sql.SQL("({})").format(not_cascaded), *linked]))


def deletion_order(stages: dict[str, Stage], references: list[Reference], load_order: list[str],
                   cascading: set[str] | None = None) -> list[str]:
    """Staged tables, every referencing table before the tables it references.

    A table whose rows go with a cascade from parent P is gone only once P is deleted, so P must
    also come before every other table those rows reference (a seeded lookup, say).
    """
    position = {t: i for i, t in enumerate(load_order)}
    tables = sorted(stages, key=lambda t: (-position.get(t, -1), t))
    before: dict[str, set[str]] = {t: set() for t in tables}   # before[b] = tables deleted before b
    for table in tables:
        cascades = _cascade_parents(table, stages, references, cascading)
        for ref in references:
            if ref.child != table or ref.parent == table or ref.parent not in stages:
                continue
            before[ref.parent].add(table)
            if ref not in cascades:
                for cascade in cascades:
                    if cascade.parent != ref.parent:
                        before[ref.parent].add(cascade.parent)
    ordered: list[str] = []
    done: set[str] = set()
    while len(ordered) < len(tables):
        ready = [t for t in tables if t not in done and before[t] <= done]
        if not ready:   # a cycle: break it where the load order says (its members are grouped below)
            ready = [next(t for t in tables if t not in done)]
        for table in ready[:1]:
            ordered.append(table)
            done.add(table)
    return ordered


def deletion_groups(references: list[Reference], ordered: list[str]) -> list[list[str]]:
    """Tables in deletion order; tables joined by a NOT NULL, non-deferrable FK cycle form one group
    (only one statement can delete them, through writable CTEs)."""
    group_of = {t: [t] for t in ordered}
    place = {t: i for i, t in enumerate(ordered)}
    for ref in references:
        child, parent = ref.child, ref.parent
        if child in group_of and parent in group_of and child != parent and ref.not_null and not ref.deferrable \
                and place[parent] < place[child] and group_of[parent] is not group_of[child]:
            merged = group_of[child] + group_of[parent]
            for member in merged:
                group_of[member] = merged
    groups, seen = [], set()
    for table in ordered:
        if id(group_of[table]) not in seen:
            seen.add(id(group_of[table]))
            groups.append(sorted(group_of[table], key=place.get))
    return groups


def unlink_cycles(conn: psycopg.Connection, stages: dict[str, Stage], references: list[Reference],
                  ordered: list[str]) -> dict[str, int]:
    """Seeded rows pointing "forward" (at a table deleted later... earlier) through a nullable,
    non-cascading cycle FK: clear those links first, so no delete is blocked by them. Returns the rows
    updated per (staged) table."""
    place = {t: i for i, t in enumerate(ordered)}
    updated: dict[str, int] = {}
    for ref in references:
        if ref.child not in stages or ref.parent not in stages or ref.child == ref.parent or ref.not_null:
            continue
        if place[ref.parent] < place[ref.child] and ref.on_delete in ("NO ACTION", "RESTRICT"):
            stage = stages[ref.child]
            assignments = sql.SQL(", ").join(sql.SQL("{} = NULL").format(sql.Identifier(c)) for c in ref.columns)
            cur = conn.execute(sql.SQL("UPDATE {} AS t SET {} FROM {} AS k WHERE {}").format(
                _own_rows(conn, ref.child_rel), assignments, stage.table, _match("t", "k", [(k, k) for k in stage.key_columns])))
            updated[ref.child] = updated.get(ref.child, 0) + cur.rowcount
    return updated


def _own_rows(conn: psycopg.Connection, table: str) -> sql.Composable:
    """The table itself, without its inheritance children (`ONLY`): a child's row with a seeded row's key
    is someone else's. Partitioned tables keep their partitions (their rows are the table's)."""
    kind = conn.execute("SELECT relkind::text FROM pg_class WHERE oid = to_regclass(%s)",
                        (ident(table).as_string(conn),)).fetchone()
    return sql.SQL("ONLY {}").format(ident(table)) if kind and kind[0] == "r" else ident(table)


def _present(conn: psycopg.Connection, table: str, stage: Stage) -> int:
    return conn.execute(sql.SQL("SELECT count(*) FROM {} AS t JOIN {} AS k ON {}").format(
        _own_rows(conn, table), stage.table, _match("t", "k", [(k, k) for k in stage.key_columns]))).fetchone()[0]


def _why_rows_stay(conn: psycopg.Connection, table: str) -> str:
    """What in the catalog can make a DELETE skip rows silently."""
    return "; ".join(delete_hazards(conn, table)) or "the database kept them (a trigger or rule changed the rows' keys?)"


def delete_hazards(conn: psycopg.Connection, table: str) -> list[str]:
    """Row-level security, BEFORE DELETE triggers and DO INSTEAD rules: what can make a DELETE skip rows."""
    reasons = []
    rls = conn.execute("SELECT c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner) = current_user, "
                       "r.rolbypassrls OR r.rolsuper FROM pg_class c, pg_roles r "
                       "WHERE c.oid = to_regclass(%s) AND r.rolname = current_user",
                       (ident(table).as_string(conn),)).fetchone()
    if rls and rls[0] and not rls[3] and (rls[1] or not rls[2]):
        reasons.append("row-level security without a DELETE policy that lets this role delete them")
    triggers = [r[0] for r in conn.execute(
        "SELECT tgname::text FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal "
        "AND tgenabled <> 'D' AND (tgtype & 2) <> 0 AND (tgtype & 8) <> 0 AND (tgtype & 1) <> 0 ORDER BY 1",
        (ident(table).as_string(conn),)).fetchall()]
    if triggers:
        reasons.append(f"BEFORE DELETE trigger(s) {', '.join(triggers)} that skip the delete (return NULL)")
    rules = [r[0] for r in conn.execute(
        "SELECT rulename::text FROM pg_rewrite WHERE ev_class = to_regclass(%s) AND ev_type = '4' AND is_instead ORDER BY 1",
        (ident(table).as_string(conn),)).fetchall()]
    if rules:
        reasons.append(f"DO INSTEAD rule(s) {', '.join(rules)} on DELETE")
    return reasons


def delete_seeded(conn: psycopg.Connection, snapshot: SchemaSnapshot, load_order: list[str],
                  entries: list[tuple[str, list[str], list[str]]]) -> Removal:
    """Delete the recorded rows (table, key columns, keys); returns rows removed per table.

    Refuses (one line, nothing changed) when rows someone else created reference them; afterwards
    checks that no recorded row is still there, and otherwise fails naming the table and why.
    """
    stages = {table: stage_keys(conn, snapshot, n, table, cols, keys) for n, (table, cols, keys) in enumerate(entries)}
    return delete_staged(conn, stages, {table: len(keys) for table, _, keys in entries}, load_order)


def check_tables_exist(conn: psycopg.Connection, tables) -> None:
    for table in tables:
        if conn.execute("SELECT to_regclass(%s)", (ident(table).as_string(conn),)).fetchone()[0] is None:
            raise SupaseedError(f"{table} is recorded in the ledger but no longer exists",
                                hint=f"restore the table or remove its entries from {ledger.schema()}.seeded_keys")


def delete_staged(conn: psycopg.Connection, stages: dict[str, Stage], recorded: dict[str, int], load_order: list[str],
                  removed_note: str = "nothing was removed") -> Removal:
    """Delete the staged rows (see `delete_seeded`); `removed_note` ends a refusal's hint (what is already gone).

    First optimistically, checked afterwards by what the server counted (`_delete_checked_after`, in a
    savepoint); when that cannot prove that exactly the seeded rows went, the savepoint is rolled back
    and the rows are deleted as before, checked first (`_delete_checked_before`), which refuses or
    explains. Both end in the same state; the first skips two joins per table and foreign key.
    """
    if not stages:
        return Removal({}, {})
    check_tables_exist(conn, stages)
    references = catalog_references(conn, set(stages))
    if _counts_tracked(conn):
        try:
            with conn.transaction():   # a savepoint: a failed proof leaves the rows as they were
                return _delete_checked_after(conn, stages, recorded, references, load_order, removed_note)
        except _Unproven:
            pass
        except psycopg.Error as exc:
            # a foreign row in the way (a key violation, a trigger's refusal): the checks first say which;
            # a timeout or a broken connection would only repeat
            if isinstance(exc, (psycopg.errors.QueryCanceled, psycopg.errors.LockNotAvailable,
                                psycopg.OperationalError)) or conn.broken:
                raise
    return _delete_checked_before(conn, stages, recorded, references, load_order, removed_note)


class _Unproven(Exception):
    """The counts after an optimistic delete do not prove that exactly the seeded rows went."""


def _counts_tracked(conn: psycopg.Connection) -> bool:
    """The server counts row changes and enforces foreign keys (in replica mode a delete leaves
    references dangling without a trace in the counts)."""
    return conn.execute("SELECT current_setting('track_counts')::bool "
                        "AND current_setting('session_replication_role') = 'origin'").fetchone()[0]


# a table with its partitions and inheritance children, at any depth ($1: the table's name)
_FAMILY = """WITH RECURSIVE family(relid) AS (
                 SELECT to_regclass(%(table)s)::oid UNION SELECT i.inhrelid FROM pg_inherits i JOIN family f ON i.inhparent = f.relid)"""


def _guarded(conn: psycopg.Connection, table: str, *, deleted_from: bool, nulled: bool) -> bool:
    """Whether anything of the table or of its partitions and children can keep, change or add rows while
    seeded rows are deleted, unseen by the row counters: a trigger or rule on DELETE (it can cancel a
    cascade's delete); where supaseed deletes from the table itself (`deleted_from`), row-level security
    this role does not bypass; where an ON DELETE SET NULL / SET DEFAULT reaches it (`nulled`), a BEFORE
    UPDATE row trigger or a rule on UPDATE (either can cancel that update, leaving the reference dangling).
    A name the catalog does not resolve counts as guarded: nothing unproven goes unchecked."""
    return conn.execute(_FAMILY + """
        SELECT to_regclass(%(table)s) IS NULL
            OR EXISTS (SELECT 1 FROM pg_trigger t JOIN family f ON t.tgrelid = f.relid
                       WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND (t.tgtype & 8) <> 0)
            OR EXISTS (SELECT 1 FROM pg_rewrite r JOIN family f ON r.ev_class = f.relid WHERE r.ev_type = '4')
            OR %(deleted_from)s AND EXISTS (
                SELECT 1 FROM pg_class c JOIN family f ON c.oid = f.relid, pg_roles o
                WHERE o.rolname = current_user AND c.relrowsecurity AND NOT (o.rolbypassrls OR o.rolsuper)
                  AND (c.relforcerowsecurity OR pg_get_userbyid(c.relowner) <> current_user))
            OR %(nulled)s AND EXISTS (SELECT 1 FROM pg_trigger t JOIN family f ON t.tgrelid = f.relid
                                      WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND (t.tgtype & 19) = 19)
            OR %(nulled)s AND EXISTS (SELECT 1 FROM pg_rewrite r JOIN family f ON r.ev_class = f.relid
                                      WHERE r.ev_type = '2')""",
                        {"table": ident(table).as_string(conn), "deleted_from": deleted_from, "nulled": nulled}
                        ).fetchone()[0]


def _foreign_keys_enforced(conn: psycopg.Connection, tables: list[str]) -> bool:
    """No foreign key trigger of these tables (or their partitions and children) is switched off
    (ALTER TABLE ... DISABLE TRIGGER ALL): a delete would leave references dangling, and no count shows it."""
    return not any(conn.execute(_FAMILY + """
        SELECT EXISTS (SELECT 1 FROM pg_trigger t JOIN family f ON t.tgrelid = f.relid
                       WHERE t.tgisinternal AND t.tgenabled NOT IN ('O', 'A'))""",
                                {"table": ident(table).as_string(conn)}).fetchone()[0] for table in tables)


def _row_changes(conn: psycopg.Connection, tables: list[str]) -> dict[str, tuple[int, int]]:
    """(rows deleted, rows updated) per table in this transaction so far, its partitions and inheritance
    children included; from the server's own counters (pg_stat_xact_all_tables), which count a cascade's
    rows too and keep counting what a rolled-back savepoint did (so only differences are used)."""
    changes = {}
    for table in tables:
        deleted, updated, found = conn.execute(_FAMILY + """
            SELECT coalesce(sum(s.n_tup_del), 0)::bigint, coalesce(sum(s.n_tup_upd), 0)::bigint,
                   to_regclass(%(table)s) IS NOT NULL
            FROM family f LEFT JOIN pg_stat_xact_all_tables s ON s.relid = f.relid""",
                                               {"table": ident(table).as_string(conn)}).fetchone()
        if not found:
            raise _Unproven()   # counters of a table the name does not find would prove nothing
        changes[table] = (int(deleted), int(updated))
    return changes


def _row_checks_skippable(conn: psycopg.Connection, stages: dict[str, Stage], references: list[Reference],
                          ordered: list[str], guarded: set[str]) -> set[str]:
    """Tables whose DELETE may run without the server's per-row foreign key triggers, `_dangling` checking
    every foreign key into them set-based right after (the triggers were a third of a cleanup: auth.users
    alone fires eight, one query per deleted row each). Only for a superuser in the origin role
    (session_replication_role = replica skips them) and a table nothing guards (no DELETE trigger or rule
    would be skipped too), whose recorded rows all go by its own statement (none left to a cascade), whose
    rows no seeded child leaves to its cascade, and that every foreign key references through the recorded
    key (what `_dangling` joins on), compared as the key compares (`_compared_as_the_key_does`), from
    indexed columns (cleanup builds the missing ones; without, each probe would scan the referencing
    table); in READ COMMITTED only. Skipped cascades and SET NULLs are then proven to have had no row to
    act on; if one had, the savepoint rolls back and the checks-first path deletes with the triggers."""
    # the checks afterwards read with a new snapshot: under REPEATABLE READ a row committed during the delete
    # would stay unseen, where the triggers' own checks see the latest rows
    if not key_checks.allowed(conn) or conn.execute("SHOW transaction_isolation").fetchone()[0] != "read committed":
        return set()
    # only guarded tables leave rows to a cascade, so an unguarded one's rows all go by its own statement
    cascaded_into = {r.parent for t in guarded & set(stages) for r in _cascade_parents(t, stages, references, guarded)}
    return {t for t in ordered
            if t not in guarded and t not in cascaded_into
            and all(set(r.ref_columns) == set(stages[t].key_columns) and _compared_as_the_key_does(conn, r)
                    and fk_indexes.has_index(conn, r.child_rel, r.columns) for r in references if r.parent == t)}


def _compared_as_the_key_does(conn: psycopg.Connection, ref: Reference) -> bool:
    """Whether `_dangling`'s `=` finds exactly the rows the foreign key's own check would: a validated key
    (a NOT VALID one may hold rows pointing at keys already gone, which the triggers would never look at),
    each column of the same type as the key's, one whose equality is equality of the value (uuid, integers,
    text and varchar in the default collation; not char(n), whose '=' ignores trailing blanks, nor a
    case-insensitive collation, which the stage, made in the default one, does not carry)."""
    row = conn.execute("""
        SELECT k.convalidated AND bool_and(c.atttypid = p.atttypid AND c.attcollation = p.attcollation
                                           AND c.atttypid = ANY('{uuid,int2,int4,int8,text,varchar}'::regtype[])
                                           AND c.attcollation IN (0, 'default'::regcollation))
        FROM pg_constraint k CROSS JOIN LATERAL unnest(k.conkey, k.confkey) AS u(child_column, parent_column)
        JOIN pg_attribute c ON c.attrelid = k.conrelid AND c.attnum = u.child_column
        JOIN pg_attribute p ON p.attrelid = k.confrelid AND p.attnum = u.parent_column
        WHERE k.contype = 'f' AND k.conrelid = to_regclass(%s) AND k.conname = %s GROUP BY k.convalidated""",
                       (ident(ref.child_rel).as_string(conn), ref.name)).fetchone()
    return bool(row and row[0])


def _dangling(conn: psycopg.Connection, stages: dict[str, Stage], references: list[Reference], deleted: list[str]) -> bool:
    """Whether a row anywhere still references a seeded row of `deleted` (tables whose every recorded row its
    statement just removed): what the skipped foreign key triggers would have refused, cascaded or nulled.
    Through the referencing columns' indexes (the caller's index_probes_only), one probe per recorded key."""
    for ref in references:
        # driven by the recorded keys, one index probe each: as a plain join the planner walks the whole
        # referencing index instead (gear_items at 200k users: 1.25 s a check instead of 0.07)
        if ref.parent in deleted and conn.execute(sql.SQL(
                "SELECT EXISTS (SELECT 1 FROM {} AS k CROSS JOIN LATERAL (SELECT 1 FROM {} AS c WHERE {} LIMIT 1) AS r)").format(
                stages[ref.parent].table, _own_rows(conn, ref.child_rel), _match("c", "k", ref.pairs()))).fetchone()[0]:
            return True
    return False


def _delete_statements(conn: psycopg.Connection, stages: dict[str, Stage], references: list[Reference],
                       ordered: list[str], cascading: set[str] | None = None, unchecked: set[str] = frozenset()) -> dict[str, int]:
    """The deletes themselves, children first; tables in one NOT NULL FK cycle in one statement.
    Returns the rows each table's own DELETE removed (not those a cascade took). A group whose tables are
    all `unchecked` (`_row_checks_skippable`) deletes without the per-row foreign key triggers and raises
    _Unproven when `_dangling` finds a row they would have acted on."""
    conn.execute("SET CONSTRAINTS ALL DEFERRED")   # deferrable cycles are checked once, at commit
    statements: dict[str, sql.Composable] = {}
    for table in ordered:
        stage = stages[table]
        direct = _left_to_cascade(table, stages, references, cascading)
        condition = sql.SQL(" AND ").join([_match("t", "k", [(k, k) for k in stage.key_columns]),
                                           *([direct] if direct is not None else [])])
        statements[table] = sql.SQL("DELETE FROM {} AS t USING {} AS k WHERE {} RETURNING 1").format(
            _own_rows(conn, table), stage.table, condition)
    returned: dict[str, int] = {}
    for group in deletion_groups(references, ordered):
        ctes = sql.SQL(", ").join(sql.SQL("{} AS ({})").format(sql.Identifier(f"d{n}"), statements[t])
                                  for n, t in enumerate(group))
        counts = sql.SQL(", ").join(sql.SQL("(SELECT count(*) FROM {})").format(sql.Identifier(f"d{n}"))
                                    for n in range(len(group)))
        skip = all(t in unchecked for t in group)
        if skip:
            # undone with the caller's savepoint if the statement fails
            conn.execute("SET LOCAL session_replication_role = replica")
        row = conn.execute(sql.SQL("WITH {} SELECT {}").format(ctes, counts)).fetchone()
        if skip:
            conn.execute("SET LOCAL session_replication_role = origin")
            if _dangling(conn, stages, references, group):
                raise _Unproven()
        returned.update(zip(group, (int(n) for n in row)))
    return returned


def _delete_checked_after(conn: psycopg.Connection, stages: dict[str, Stage], recorded: dict[str, int],
                          references: list[Reference], load_order: list[str], removed_note: str) -> Removal:
    """Delete, then prove from the server's row counters that no row supaseed did not seed went or changed.

    A table that nothing guards (no DELETE trigger or rule, no row-level security in the way, on it or
    its partitions and children) has its seeded rows deleted by its own statement, children first, so a
    cascade into it can only reach rows someone else made: such a table must lose exactly the rows its
    DELETE returned and no row of it may change (a SET NULL / SET DEFAULT); one outside the seed that
    references a seeded table must lose and change nothing; deferred foreign keys must hold (NO ACTION
    and RESTRICT fail on their own). Guarded tables, whose triggers may keep rows or turn a delete into
    something else, are checked as `_delete_checked_before` checks every table: foreign rows first,
    rows left afterwards. Raises _Unproven when the counts do not prove it: the caller rolls back to
    before and deletes with the checks first, which refuse or explain."""
    outside = sorted({r.child_rel for r in references if r.child not in stages})
    if not _foreign_keys_enforced(conn, [*stages, *outside]):
        raise _Unproven()
    guarded = _guarded_tables(conn, stages, references, outside)
    refuse_foreign_references(conn, stages, [r for r in references if r.child in guarded or r.child_rel in guarded],
                              removed_note)
    ordered = deletion_order(stages, references, load_order, cascading=guarded)
    present = {table: _present(conn, table, stages[table]) for table in ordered if table in guarded}
    # every table outside the seed is watched, guarded or not: a cascade reaching one at all is a foreign row
    watched = [t for t in ordered if t not in guarded] + outside
    before = _row_changes(conn, watched)
    if any(unlink_cycles(conn, stages, references, ordered).values()):
        # clearing seeded cycle links is an UPDATE whose ON UPDATE actions (and the triggers that may cancel
        # them) reach further than these counters prove: such seeds go with the checks first
        raise _Unproven()
    returned = _delete_statements(conn, stages, references, ordered, cascading=guarded,
                                  unchecked=_row_checks_skippable(conn, stages, references, ordered, guarded))
    if any(r.deferrable for r in references):
        # a deferred foreign key check would otherwise fail only at commit, past the explanation
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        conn.execute("SET CONSTRAINTS ALL DEFERRED")
    after = _row_changes(conn, watched)
    for table in watched:
        deleted, updated = after[table][0] - before[table][0], after[table][1] - before[table][1]
        if updated or deleted != (returned[table] if table in stages else 0):
            raise _Unproven()
    if any(_present(conn, table, stages[table]) for table in present):
        raise _Unproven()
    # an unguarded table's DELETE removed every seeded row still there: those it did not return were gone
    present.update({table: returned[table] for table in ordered if table not in guarded})
    return Removal(present, {t: recorded[t] - present[t] for t in ordered})


def _guarded_tables(conn: psycopg.Connection, stages: dict[str, Stage], references: list[Reference],
                    outside: list[str]) -> set[str]:
    """Tables whose DELETE a trigger, rule or row security may change: left to their parents' cascades."""
    nulled = {r.child if r.child in stages else r.child_rel for r in references if r.on_delete in ("SET NULL", "SET DEFAULT")}
    return {t for t in [*stages, *outside] if _guarded(conn, t, deleted_from=t in stages, nulled=t in nulled)}


def _delete_checked_before(conn: psycopg.Connection, stages: dict[str, Stage], recorded: dict[str, int],
                           references: list[Reference], load_order: list[str], removed_note: str) -> Removal:
    """Refuse when rows supaseed did not seed reference seeded rows, delete, then check that no
    recorded row is left (naming what kept it). Only guarded tables are left to cascades, as in
    `_delete_checked_after`: a row that two cascade paths reach in one statement (an issue deleted with its
    project and nulled by its author's delete) fails PostgreSQL's re-check of its other foreign keys."""
    refuse_foreign_references(conn, stages, references, removed_note)
    guarded = _guarded_tables(conn, stages, references, sorted({r.child_rel for r in references if r.child not in stages}))
    ordered = deletion_order(stages, references, load_order, cascading=guarded)
    present = {table: _present(conn, table, stages[table]) for table in ordered}
    unlink_cycles(conn, stages, references, ordered)
    _delete_statements(conn, stages, references, ordered, cascading=guarded)
    for table in ordered:
        left = _present(conn, table, stages[table])
        if left:
            raise SupaseedError(
                f"{left} of the {present[table]} seeded row(s) of {table} were not deleted: {_why_rows_stay(conn, table)}",
                hint="allow this role to delete them (or run as the table owner), then run cleanup again; "
                     + removed_note)
    return Removal(present, {t: recorded[t] - present[t] for t in ordered}, checked_first=True)


# ------------------------------------------------------------------------------------------ batch by batch

def refuse_and_link(conn: psycopg.Connection, stages: dict[str, Stage], references: list[Reference],
                    removed_note: str = "nothing was removed") -> set[tuple[int, int]]:
    """`refuse_foreign_references`, and the links between partitions, over stages staged `with_part`,
    in one pass per foreign key: (child part, parent part) wherever a seeded row of one partition
    references a seeded row of another. Such partitions must go in one transaction: alone, either
    delete would orphan, cascade into or null the other's rows. The rows referencing seeded rows are
    read once, grouped by the partition of the referencing row (none: a row supaseed did not seed)
    and of the row it references."""
    links: set[tuple[int, int]] = set()
    part = sql.Identifier(PART)
    for ref in references:
        if ref.child not in stages:
            refuse_foreign_references(conn, stages, [ref], removed_note)
            continue
        own = stages[ref.child]
        rows = conn.execute(sql.SQL("SELECT o.{part}, k.{part}, count(*) FROM {child} AS c {join} "
                                    "LEFT JOIN {own} AS o ON {match} GROUP BY 1, 2").format(
            part=part, child=ident(ref.child_rel), own=own.table, join=_seeded_parent_join(ref, stages[ref.parent]),
            match=_match("o", "c", [(k, k) for k in own.key_columns]))).fetchall()
        _refuse(ref, sum(count for child_part, _, count in rows if child_part is None), removed_note)
        links.update((int(a), int(b)) for a, b, _ in rows if a is not None and a != b)
    return links


class _RolledBack(Exception):
    def __init__(self, deleted: int, left: int):
        super().__init__()
        self.deleted, self.left = deleted, left


def probe_deletes(conn: psycopg.Connection, stages: dict[str, Stage], references: list[Reference],
                  removed_note: str = "nothing was removed") -> None:
    """Before a removal that commits batch by batch: on every staged table that row-level security, a
    BEFORE DELETE trigger or a DO INSTEAD rule could keep rows in, delete one recorded row in a
    savepoint and roll it back. A row that stays, or a delete that fails, stops the removal here,
    before any batch is gone (one transaction could roll back at the end; batches cannot)."""
    for table, stage in stages.items():
        if not delete_hazards(conn, table):
            continue
        keys = [(k, k) for k in stage.key_columns]
        # a row a cascade from a seeded parent removes is not deleted directly (see _left_to_cascade)
        direct = _left_to_cascade(table, stages, references)
        condition = sql.SQL(" AND ").join([_match("t", "k", keys), *([direct] if direct is not None else [])])
        own = _own_rows(conn, table)
        one = sql.SQL("(SELECT {} FROM {} AS t JOIN {} AS k ON {} LIMIT 1)").format(
            sql.SQL(", ").join(sql.SQL("k.{}").format(sql.Identifier(c)) for c in stage.key_columns),
            own, stage.table, condition)
        try:
            with conn.transaction():
                deleted = len(conn.execute(sql.SQL("DELETE FROM {} AS t USING {} AS k WHERE {} RETURNING 1").format(
                    own, one, _match("t", "k", keys))).fetchall())
                left = conn.execute(sql.SQL("SELECT count(*) FROM {} AS t JOIN {} AS k ON {}").format(
                    own, one, _match("t", "k", keys))).fetchone()[0]
                raise _RolledBack(deleted, left)
        except _RolledBack as outcome:
            # nothing deleted although a row was there (no row to probe: every one goes with a cascade)
            if outcome.left or (not outcome.deleted and conn.execute(sql.SQL("SELECT EXISTS {}").format(one)).fetchone()[0]):
                present = _present(conn, table, stage)
                raise SupaseedError(
                    f"{_would_stay(conn, table, stage)} of the {present} seeded row(s) of {table} were not "
                    f"deleted: {_why_rows_stay(conn, table)}",
                    hint="allow this role to delete them (or run as the table owner), then run cleanup again; "
                         + removed_note) from None
        except psycopg.errors.ForeignKeyViolation:
            pass   # the row was deleted; only the rows that go before it in the real removal still pointed at it
        except psycopg.Error as exc:
            reason = (exc.diag.message_primary or str(exc)).splitlines()[0]
            raise SupaseedError(f"deleting seeded rows of {table} fails: {reason}",
                                hint=f"change what refuses the delete (see {', '.join(delete_hazards(conn, table))}), "
                                     f"then run cleanup again; {removed_note}") from None


def _would_stay(conn: psycopg.Connection, table: str, stage: Stage) -> str:
    """How many recorded rows a DELETE of them all would keep (rolled back); when that DELETE fails on
    a reference from rows deleted earlier in a real removal, at least one."""
    try:
        with conn.transaction():
            conn.execute(sql.SQL("DELETE FROM {} AS t USING {} AS k WHERE {}").format(
                _own_rows(conn, table), stage.table, _match("t", "k", [(k, k) for k in stage.key_columns])))
            raise _RolledBack(0, _present(conn, table, stage))
    except _RolledBack as outcome:
        return str(outcome.left)
    except psycopg.Error:
        return "at least 1"
