"""COPY with a table's foreign keys checked once per distinct parent key instead of once per row.

PostgreSQL checks a foreign key with a trigger per inserted row: a query and a row lock for every row. In
the default mode those checks were 29% of the server's time (the demo at 200,000 users: 57.8 s with them,
37.9 s without). When the role may (a superuser), a frame whose table has no rules and no trigger that fires
on INSERT is checked by the load itself first: one statement per foreign key looks up every distinct parent
key the frame names and locks it FOR KEY SHARE, the lock each row's check would take, so no other session can
delete or re-key that parent before this transaction commits. Only when every key is found is the frame
copied with session_replication_role = replica, which skips exactly those row checks: no other trigger of the
table fires on an INSERT (a DEFERRABLE unique, primary key or exclusion constraint is checked by one, so such
a table goes the usual way), and CHECK, NOT NULL and the other unique and exclusion constraints are not
triggers, so they hold as before.

Everything else copies as before, the server checking every row: a key not found (a real violation, which
the server then names as always, or a deferred key whose parent comes later in the transaction), a role
that is not a superuser, a table with an INSERT trigger or a rule, a key column the frame does not carry or
holds in a form this check does not compare exactly (only uuid, integer and text keys are compared here).
"""

from __future__ import annotations

import json

import polars as pl
import psycopg
from psycopg import sql

from supaseed_pipeline.seed import load
from supaseed_pipeline.snapshot.models import ForeignKey, Table

# key types compared here, and the type each value is cast to for the comparison (text: varchar's too, without
# its length, which would truncate; integers: the widest, which compares with any of them)
_COMPARED = {"uuid": "uuid", "int2": "int8", "int4": "int8", "int8": "int8", "text": "text", "varchar": "text"}
_VALID_TEXT = {"uuid": r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$",
               "int8": r"^-?[0-9]{1,18}$"}


def allowed(conn: psycopg.Connection) -> bool:
    """Whether this session may skip the row checks: a superuser (who also reads every parent past row-level
    security, as the checks do) whose session runs in the normal (origin) replication role."""
    row = conn.execute("SELECT r.rolsuper AND current_setting('session_replication_role') = 'origin' "
                       "FROM pg_roles r WHERE r.rolname = current_user").fetchone()
    return bool(row and row[0])


class KeyCheckedCopy:
    """`copy` for one transaction: the table's current state (foreign keys and whether each parent is
    partitioned, triggers, rules) read once per table."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn
        self._tables: dict[str, tuple[dict[str, bool], bool] | None] = {}

    def copy(self, table: Table, frame: pl.DataFrame) -> bool:
        """COPY `frame` into `table` with its foreign keys checked per distinct key; False (nothing written)
        when this path does not apply or a key was not found: the caller copies the usual way."""
        keys = self._checked_keys(table, frame)
        if not keys or not all(self._found(table, fk, partitioned, frame) for fk, partitioned in keys):
            return False
        self.conn.execute("SET LOCAL session_replication_role = replica")
        try:
            load.copy_frame(self.conn, table.qualified, frame, table)
        finally:
            if not self.conn.broken and self.conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS:
                self.conn.execute("SET LOCAL session_replication_role = origin")
        return True

    def _checked_keys(self, table: Table, frame: pl.DataFrame) -> list[tuple[ForeignKey, bool]]:
        """(foreign key, its parent is partitioned) for every key of the table, or [] when the path does not apply."""
        state = self._state(table.qualified)
        if state is None:
            return []
        current, guarded = state
        keys = [(fk, current[fk.name]) for fk in table.foreign_keys if fk.name in current]
        if guarded or not keys or len(keys) != len(current):
            return []   # a trigger or rule would be skipped too; a key the snapshot does not know would go unchecked
        for fk, _ in keys:
            for name in fk.columns:
                column = table.column(name)
                if name not in frame.columns or column is None or column.is_array \
                        or column.base_type_name not in _COMPARED:
                    return []
        return keys

    def _state(self, qualified: str) -> tuple[dict[str, bool], bool] | None:
        """(the table's foreign keys now: name -> whether the parent is partitioned, whether a trigger fires on
        its INSERT or it has rules), None for a partition, a partitioned table or one the catalog does not know."""
        if qualified not in self._tables:
            row = self.conn.execute(
                "SELECT c.relkind = 'r' AND NOT c.relispartition, "
                "ARRAY(SELECT ARRAY[f.conname::text, (p.relkind = 'p')::text] FROM pg_constraint f "
                "JOIN pg_class p ON p.oid = f.confrelid WHERE f.conrelid = c.oid AND f.contype = 'f' "
                "AND f.conparentid = 0), "
                # a trigger that fires on INSERT (tgtype bit 2) and is not disabled, other than the foreign-key
                # checks this path replaces: the app's, and the internal ones that enforce a DEFERRABLE unique,
                # primary key or exclusion constraint (replica would skip those too). UPDATE and DELETE
                # triggers (an updated_at stamp) fire on no COPY in either role
                "EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgenabled <> 'D' "
                "AND t.tgtype & 4 <> 0 AND NOT (t.tgisinternal AND t.tgfoid = '\"RI_FKey_check_ins\"'::regproc)) "
                "OR EXISTS (SELECT 1 FROM pg_rewrite r WHERE r.ev_class = c.oid) "
                "FROM pg_class c WHERE c.oid = to_regclass(%s)", (load.ident(qualified).as_string(self.conn),)).fetchone()
            self._tables[qualified] = ({name: partitioned == "true" for name, partitioned in row[1]}, bool(row[2])) \
                if row and row[0] else None
        return self._tables[qualified]

    def _found(self, table: Table, fk: ForeignKey, partitioned: bool, frame: pl.DataFrame) -> bool:
        """Every distinct key of `fk` in the frame exists in its parent, now locked FOR KEY SHARE."""
        keys = frame.select(fk.columns)
        if fk.match_full and len(fk.columns) > 1 and keys.filter(
                pl.any_horizontal(pl.all().is_null()) & pl.any_horizontal(pl.all().is_not_null())).height:
            return False   # MATCH FULL: a key partly NULL is a violation the server names
        complete = keys.drop_nulls()   # MATCH SIMPLE: a key with a NULL is not checked
        # sorted: the parents' index is walked in order (supaseed's uuids are ordered in blocks), not at random
        distinct = complete.unique().sort(fk.columns).with_columns(pl.all().cast(pl.String))
        if distinct.height == 0:
            return True
        casts = [_COMPARED[table.column(c).base_type_name] for c in fk.columns]
        for name, cast in zip(fk.columns, casts):
            values = distinct[name]
            if cast in _VALID_TEXT and not values.str.contains(_VALID_TEXT[cast]).all():
                return False   # a value the cast would refuse: the server names it
            limit = table.column(name).max_length
            if cast == "text" and ((limit is not None and values.str.len_chars().max() > limit)
                                   or values.str.contains("\x00", literal=True).any()):
                # varchar(n): COPY trims trailing spaces beyond n, so it would store another key than the
                # one looked up; a NUL is no text at all. The server decides (and names what it refuses)
                return False
        only = sql.SQL("") if partitioned else sql.SQL("ONLY ")   # a partitioned parent's rows are in its partitions
        parent = load.ident(fk.ref_qualified)
        # the values travel as one JSON array per column: psycopg adapting a list of 30,000 strings to an array
        # took 3 times as long as the whole lookup on the server
        arrays = [json.dumps(distinct[c].to_list()) for c in fk.columns]
        if len(fk.columns) == 1:
            query = sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {}{} p WHERE p.{} = ANY(ARRAY("
                            "SELECT json_array_elements_text(%s::json)::{})) FOR KEY SHARE OF p) AS found").format(
                only, parent, sql.Identifier(fk.ref_columns[0]), sql.SQL(casts[0]))
        else:
            names = [sql.Identifier(f"k{i}") for i in range(len(fk.columns))]
            matches = sql.SQL(" AND ").join(
                sql.SQL("p.{} = v.{}::{}").format(sql.Identifier(ref), name, sql.SQL(cast))
                for ref, name, cast in zip(fk.ref_columns, names, casts))
            query = sql.SQL("SELECT count(*) FROM ROWS FROM ({}) AS v({}) CROSS JOIN LATERAL "
                            "(SELECT 1 FROM {}{} p WHERE {} FOR KEY SHARE OF p) AS found").format(
                sql.SQL(", ").join(sql.SQL("json_array_elements_text(%s::json)") for _ in names),
                sql.SQL(", ").join(names), only, parent, matches)
        found = self.conn.execute(query, arrays).fetchone()[0]
        return found == distinct.height
