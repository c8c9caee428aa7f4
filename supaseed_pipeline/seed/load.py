"""Bulk loading with COPY, key read-back for database-assigned keys, and deferred FK updates."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor

import polars as pl
import psycopg
from psycopg import sql

from supaseed_pipeline.errors import ConnectionFailed, SupaseedError
from supaseed_pipeline.seed import binary_copy
from supaseed_pipeline.snapshot.models import Table

COPY_CHUNK_ROWS = 50_000


def ident(qualified: str) -> sql.Composable:
    schema, _, name = qualified.partition(".")
    return sql.Identifier(schema, name)


def column_list(columns: list[str]) -> sql.Composable:
    return sql.SQL(", ").join(sql.Identifier(c) for c in columns)


def configure_session(conn: psycopg.Connection, *, statement_timeout_s: float, lock_timeout_s: float) -> None:
    """UTC timestamps, bounded waits: a blocked table becomes a clear error instead of a hang."""
    conn.execute("SET TIME ZONE 'UTC'")
    conn.execute(sql.SQL("SET statement_timeout = {}").format(sql.Literal(timeout_ms(statement_timeout_s))))
    conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(timeout_ms(lock_timeout_s))))


def timeout_ms(seconds: float) -> int:
    """Seconds as PostgreSQL milliseconds; a positive timeout never rounds down to 0 (which means no limit)."""
    return max(1, round(seconds * 1000)) if seconds > 0 else 0


def _csv_bytes(chunk: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    chunk.write_csv(buffer, include_header=False)
    return buffer.getvalue()


def _csv_chunks(frame: pl.DataFrame):
    """CSV bytes in COPY_CHUNK_ROWS slices. The next slice is serialised in a helper thread (Polars
    releases the GIL) while the caller sends the current one, so the server is not kept waiting."""
    if frame.height <= COPY_CHUNK_ROWS:
        if frame.height:
            yield _csv_bytes(frame)
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="supaseed-csv") as pool:
        pending = None
        for chunk in frame.iter_slices(COPY_CHUNK_ROWS):
            upcoming = pool.submit(_csv_bytes, chunk)
            if pending is not None:
                yield pending.result()
            pending = upcoming
        if pending is not None:
            yield pending.result()


def copy_frame(conn: psycopg.Connection, table: str, frame: pl.DataFrame, described: Table | None = None) -> int:
    """COPY the frame's columns into the table; returns rows written. With the table's description, in
    binary when every column has an exact binary form (`binary_copy`), else as CSV."""
    return _copy_into(conn, ident(table), frame, described)


def _copy_into(conn: psycopg.Connection, target: sql.Composable, frame: pl.DataFrame, described: Table | None) -> int:
    """`copy_frame` into any relation (a temp stage shaped like `described`'s columns too)."""
    if frame.height == 0:
        return 0
    binary = binary_copy.encoded(described, frame, conn.info.parameter_status("TimeZone")) if described else None
    columns = column_list(frame.columns)
    with conn.cursor() as cur:
        if binary is None:
            with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(target, columns)) as copy:
                for data in _csv_chunks(frame):
                    copy.write(data)
        else:
            encoder, arrow = binary
            with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN (FORMAT binary)").format(target, columns)) as copy:
                copy.write(encoder.write_header())
                for batch in arrow.to_batches(max_chunksize=COPY_CHUNK_ROWS):
                    copy.write(encoder.write_batch(batch))
                copy.write(encoder.finish())
    return frame.height


def _as_text(columns: list[str]) -> sql.Composable:
    return sql.SQL(", ").join(sql.SQL("{}::text").format(sql.Identifier(c)) for c in columns)


def _stage_frame(cur: psycopg.Cursor, table: Table, frame: pl.DataFrame, stage: sql.Identifier, row: str) -> None:
    """A temp table shaped like `table`'s columns of the frame plus a row number, holding the frame."""
    cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(stage))
    select_cols = sql.SQL(", ").join([sql.SQL("0::bigint AS {}").format(sql.Identifier(row))] +
                                     [sql.Identifier(c) for c in frame.columns])
    cur.execute(sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA")
                .format(stage, select_cols, ident(table.qualified)))
    numbered = frame.with_row_index(row).select([row, *frame.columns])
    if frame.height:
        with cur.copy(sql.SQL("COPY {} FROM STDIN (FORMAT csv)").format(stage)) as copy:
            for data in _csv_chunks(numbered):
                copy.write(data)


_CLAIM_SETTINGS = ("request.jwt.claims", "request.jwt.claim.sub", "request.jwt.claim.role")


def _insert_from_stage(table: Table, columns: list[str], stage: sql.Identifier, row: str, claim: str | None,
                       only_row: bool = False) -> sql.Composed:
    """INSERT ... SELECT of the staged rows in row order (only row %s with `only_row`).

    With `claim`, every row is inserted as its own signed-in user, the way PostgREST sets the JWT claims
    for a request: the settings are set by a WHERE of the outer query over an ordered subquery (OFFSET 0
    keeps it from being flattened, and a volatile filter is never pushed below its sort), so the executor
    sets them for one row just before it inserts that row and fires its BEFORE ROW triggers."""
    target = ident(table.qualified)
    where_row = sql.SQL("WHERE {} = %s ").format(sql.Identifier(row)) if only_row else sql.SQL("")
    source = sql.SQL("(SELECT * FROM {} {}ORDER BY {} OFFSET 0) AS s").format(stage, where_row, sql.Identifier(row))
    if claim is not None:
        user = sql.SQL("s.{}").format(sql.Identifier(claim))
        source = sql.SQL("{} WHERE set_config('request.jwt.claims', json_build_object('sub', {}, 'role', "
                         "'authenticated')::text, true) IS NOT NULL AND set_config('request.jwt.claim.sub', "
                         "coalesce({}::text, ''), true) IS NOT NULL AND set_config('request.jwt.claim.role', "
                         "'authenticated', true) IS NOT NULL").format(source, user, user)
    if not columns:
        return sql.SQL("INSERT INTO {} SELECT FROM {}").format(target, source)
    return sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {}").format(
        target, column_list(columns), sql.SQL(", ").join(sql.SQL("s.{}").format(sql.Identifier(c)) for c in columns),
        source)


def _saved_claims(cur: psycopg.Cursor) -> list[str]:
    return list(cur.execute(sql.SQL("SELECT {}").format(sql.SQL(", ").join(
        sql.SQL("coalesce(current_setting({}, true), '')").format(sql.Literal(n)) for n in _CLAIM_SETTINGS))).fetchone())


def _restore_claims(cur: psycopg.Cursor, saved: list[str]) -> None:
    """Claims set for seeded rows end with them: later tables and AFTER triggers see the session's own."""
    cur.execute(sql.SQL("SELECT {}").format(sql.SQL(", ").join(
        sql.SQL("set_config({}, %s, true)").format(sql.Literal(n)) for n in _CLAIM_SETTINGS)), saved)


def insert_returning(conn: psycopg.Connection, table: Table, frame: pl.DataFrame, returning: list[str]) -> pl.DataFrame:
    """Load through a temp table and INSERT ... RETURNING, for keys the database assigns (identity, serial)
    and for rows a BEFORE trigger may rewrite (e.g. one that sets a column from auth.uid())."""
    from supaseed_pipeline.plan.trigger_rules import claim_column

    stage = sql.Identifier("supaseed_stage")
    row = "__supaseed_row"
    claim = claim_column(table, frame.columns)
    with conn.cursor() as cur:
        _stage_frame(cur, table, frame, stage, row)
        saved = _saved_claims(cur) if claim else None
        cur.execute(sql.SQL("{} RETURNING {}").format(
            _insert_from_stage(table, frame.columns, stage, row, claim), _as_text(returning)))
        rows = cur.fetchall()
        if saved is not None:
            _restore_claims(cur, saved)
        cur.execute(sql.SQL("DROP TABLE {}").format(stage))
    return pl.DataFrame(rows, schema={c: pl.String for c in returning}, orient="row")


def accepted_rows(conn: psycopg.Connection, table: Table, frame: pl.DataFrame) -> list[bool]:
    """Which rows of `frame` the table accepts: each is inserted alone under a savepoint that is then rolled
    back, so triggers run and nothing stays. For business rules a trigger enforces in ways no query of ours
    can read (a helper function): the loader keeps the parents whose rows pass."""
    from supaseed_pipeline.plan.trigger_rules import claim_column

    stage = sql.Identifier("supaseed_probe")
    row = "__supaseed_row"
    claim = claim_column(table, frame.columns)
    accepted = []
    with conn.cursor() as cur:
        _stage_frame(cur, table, frame, stage, row)
        saved = _saved_claims(cur) if claim else None
        statement = _insert_from_stage(table, frame.columns, stage, row, claim, only_row=True)
        for number in range(frame.height):
            try:
                with conn.transaction():
                    cur.execute(statement, (number,))
                    raise psycopg.Rollback()
            except psycopg.Error as exc:
                if connection_lost(exc) or (exc.sqlstate or "") in {"55P03", "57014"}:
                    raise
                accepted.append(False)
            else:
                accepted.append(True)
        if saved is not None:
            _restore_claims(cur, saved)
        cur.execute(sql.SQL("DROP TABLE {}").format(stage))
    return accepted


def insert_in_one_statement(conn: psycopg.Connection, frames: list[tuple[str, pl.DataFrame]],
                            overriding: Collection[str] = ()) -> None:
    """Insert several tables with one statement (writable CTEs): FKs between them are checked at its end.

    Tables in `overriding` have identity ALWAYS columns among the frame's: written with OVERRIDING SYSTEM VALUE.
    """
    with conn.cursor() as cur:
        parts = []
        for number, (table, frame) in enumerate(frames):
            stage = sql.Identifier(f"supaseed_cycle_{number}")
            cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(stage))
            cur.execute(sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA")
                        .format(stage, column_list(frame.columns), ident(table)))
            copy_frame(conn, f"pg_temp.supaseed_cycle_{number}", frame)
            parts.append(sql.SQL("INSERT INTO {} ({}){} SELECT {} FROM {}").format(
                ident(table), column_list(frame.columns),
                sql.SQL(" OVERRIDING SYSTEM VALUE" if table in overriding else ""), column_list(frame.columns), stage))
        ctes = sql.SQL(", ").join(sql.SQL("{} AS ({})").format(sql.Identifier(f"w{n}"), part)
                                  for n, part in enumerate(parts[:-1]))
        statement = sql.SQL("WITH {} {}").format(ctes, parts[-1]) if len(parts) > 1 else parts[0]
        cur.execute(statement)


_COLUMN_SEQUENCE = """
    SELECT coalesce(pg_get_serial_sequence(%(table)s, %(column)s)::regclass,
                    substring(pg_get_expr(d.adbin, d.adrelid) FROM '^nextval\(''(.+)''::regclass\)$')::regclass)::oid
    FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = %(table)s::regclass AND a.attname = %(column)s AND NOT a.attisdropped"""


def _column_sequence(conn: psycopg.Connection, table: str, column: str) -> int | None:
    """The sequence behind a serial or identity column (owned, or named by its nextval default), as an oid."""
    row = conn.execute(_COLUMN_SEQUENCE, {"table": ident(table).as_string(conn), "column": column}).fetchone()
    return row[0] if row else None


def reserve_keys(conn: psycopg.Connection, table: str, column: str, count: int) -> pl.Series:
    """`count` values from the column's own sequence: the keys the database would have assigned, taken before
    the rows exist so that other rows of the same statement can reference them (never colliding with the
    table's existing rows, and within the column's type)."""
    sequence = _column_sequence(conn, table, column)
    if sequence is None:
        raise SupaseedError(f"{table}.{column} has no sequence to take keys from",
                            hint=f"skip the table: tables.{table}.skip")
    rows = conn.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", (sequence, count)).fetchall()
    return pl.Series(column, sorted(r[0] for r in rows), dtype=pl.Int64).cast(pl.String)


def advance_sequences(conn: psycopg.Connection, table: str, columns: list[str]) -> None:
    """Serial/identity columns written with explicit values: move each sequence past the largest value in
    the table, so the application's next plain INSERT takes a fresh key instead of colliding."""
    for column in columns:
        sequence = _column_sequence(conn, table, column)
        if sequence is None:
            continue
        conn.execute(sql.SQL(
            "SELECT setval(s.seqrelid, m.v) FROM pg_sequence s, (SELECT max({})::bigint AS v FROM {}) m "
            "WHERE s.seqrelid = %(seq)s AND s.seqincrement > 0 AND m.v BETWEEN s.seqmin AND s.seqmax "
            "AND m.v > coalesce(pg_sequence_last_value(s.seqrelid), s.seqstart - 1)").format(
            sql.Identifier(column), ident(table)), {"seq": sequence})


@contextlib.contextmanager
def index_probes_only(conn: psycopg.Connection, *, joins: bool = True, bitmap: bool = False):
    """Inside the caller's transaction (a partition's removal, an UPDATE of its rows): reach its rows through
    the key and FK indexes, never by a whole-table scan per partition (that makes cleanup and reseeds quadratic) nor, with
    `joins`, by a merge or hash join over a whole index (the planner takes a merge join that reads a table's
    index from its first key to the partition's last once each partition is a few % of it: 600k users,
    2.07 s -> 0.23 s a statement). `joins` needs an index on every join's columns.

    `bitmap`: probes by bitmap scans only, for a join of the table with an unindexed stage. With plain index
    scans allowed, a whole-index scan of the table, outer to the stage, is disabled no more than the stage's seq
    scan, and it wins whenever the table looks empty: one emptied by a cleanup and vacuumed without truncation
    keeps its pages with reltuples 0, so each row counts as none until the next ANALYZE (a reseed after a
    cleanup, 100k users: each batch's accounts UPDATE read every account per stage row, 11-41 s instead of
    about 1). No index scan at all leaves the stage as the only driving side. Restored on exit."""
    settings = ("enable_seqscan", "enable_mergejoin", "enable_hashjoin") if joins else ("enable_seqscan",)
    settings += ("enable_indexscan", "enable_indexonlyscan") if bitmap else ()
    for setting in settings:
        conn.execute(f"SET LOCAL {setting} = off")
    yield
    for setting in settings:
        conn.execute(f"SET LOCAL {setting} TO DEFAULT")


def update_columns(conn: psycopg.Connection, table: Table, keys: list[str], frame: pl.DataFrame) -> int:
    """UPDATE the table's non-key columns from the frame, matched on the key columns (via a temp table)."""
    return _staged_update(conn, table, keys, frame)[0]


def update_returning(conn: psycopg.Connection, table: Table, match: str, frame: pl.DataFrame,
                     returning: list[str]) -> pl.DataFrame | None:
    """UPDATE the rows whose `match` column holds one of the frame's values with the frame's other columns,
    RETURNING `returning` as text, sorted by `match` first (as a read-back by it is); None, with nothing
    done, when no plain index leads with `match` (each stage row would scan the table)."""
    with conn.cursor() as cur:
        if _typed_key_matches(cur, table.qualified, [match]) is None:
            return None
    rows = _staged_update(conn, table, [match], frame, returning)[1]
    return pl.DataFrame(rows, schema={c: pl.String for c in returning}, orient="row").sort(
        [match, *[c for c in returning if c != match]])


def _staged_update(conn: psycopg.Connection, table: Table, keys: list[str], frame: pl.DataFrame,
                   returning: list[str] = ()) -> tuple[int, list[tuple]]:
    """(rows updated, the RETURNING rows) of an UPDATE from the frame, staged in a temp table and matched on `keys`."""
    if frame.height == 0:
        return 0, []
    stage = sql.Identifier("supaseed_update")
    columns = frame.columns
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(stage))
        cur.execute(sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA")
                    .format(stage, column_list(columns), ident(table.qualified)))
        _copy_into(conn, stage, frame, table)   # the stage has the table's column types: binary where it can
        assignments = sql.SQL(", ").join(
            sql.SQL("{} = s.{}").format(sql.Identifier(c), sql.Identifier(c)) for c in columns if c not in keys)
        match = sql.SQL(" AND ").join(
            sql.SQL("t.{} = s.{}").format(sql.Identifier(k), sql.Identifier(k)) for k in keys)
        returned = sql.SQL(" RETURNING {}").format(sql.SQL(", ").join(
            sql.SQL("t.{}::text").format(sql.Identifier(c)) for c in returning)) if returning else sql.SQL("")
        # by key probes: the planner, knowing nothing of the stage, hashes the whole table for every
        # batch (1M users: each batch's accounts UPDATE read every account seeded before it)
        with index_probes_only(conn, bitmap=True):
            cur.execute(sql.SQL("UPDATE {} AS t SET {} FROM {} AS s WHERE {}{}").format(
                ident(table.qualified), assignments, stage, match, returned))
        updated, rows = cur.rowcount, (cur.fetchall() if returning else [])
        cur.execute(sql.SQL("DROP TABLE {}").format(stage))
    return updated, rows


def read_rows(conn: psycopg.Connection, table: str, columns: list[str], *, limit: int = 10_000,
              where: tuple[list[str], pl.DataFrame] | None = None, live: str | None = None) -> pl.DataFrame:
    """Existing rows' columns (sorted, so sampling from them is deterministic), optionally matching keys;
    `live`: only the rows whose soft-delete column (deleted_at) is NULL."""
    with conn.cursor() as cur:
        if where is None:
            cur.execute(sql.SQL("SELECT {} FROM {} {} ORDER BY {} LIMIT {}").format(
                sql.SQL(", ").join(sql.SQL("{}::text").format(sql.Identifier(c)) for c in columns), ident(table),
                sql.SQL("WHERE {} IS NULL").format(sql.Identifier(live)) if live else sql.SQL(""),
                column_list(columns), sql.Literal(limit)))
        else:
            match_columns, values = where
            arrays = [text_array_literal(values[c]) for c in values.columns]
            unnest = sql.SQL(", ").join(sql.SQL("%s::text[]") for _ in arrays)
            keys = sql.SQL(", ").join(sql.Identifier(f"k{i}") for i in range(len(arrays)))
            selected = sql.SQL(", ").join(sql.SQL("t.{}::text").format(sql.Identifier(c)) for c in columns)
            typed = _typed_key_matches(cur, table, match_columns)
            if typed is not None:
                # One index probe per key, in key order (the order the merge join below returns), instead
                # of scanning and sorting the whole table, which grows with every partition.
                match = sql.SQL(" AND ").join(sql.SQL("t.{} = {}").format(sql.Identifier(m), cast)
                                              for m, cast in zip(match_columns, typed))
                cur.execute(sql.SQL("SELECT t.* FROM unnest({}) AS k({}) CROSS JOIN LATERAL "
                                    "(SELECT {} FROM {} AS t WHERE {} OFFSET 0) AS t ORDER BY {}").format(
                    unnest, keys, selected, ident(table), match, keys), arrays)
            else:
                match = sql.SQL(" AND ").join(sql.SQL("t.{}::text = k.{}").format(sql.Identifier(m), sql.Identifier(f"k{i}"))
                                              for i, m in enumerate(match_columns))
                cur.execute(sql.SQL("SELECT {} FROM {} AS t JOIN unnest({}) AS k({}) ON {}").format(
                    selected, ident(table), unnest, keys, match), arrays)
        rows = cur.fetchall()
    return pl.DataFrame(rows, schema={c: pl.String for c in columns}, orient="row")


def rows_with_xmin(conn: psycopg.Connection, table: str, columns: list[str], xmin: str) -> pl.DataFrame:
    """Key columns of the rows one (sub)transaction wrote: rows a rule made along with seeded rows."""
    rows = conn.execute(sql.SQL("SELECT {} FROM {} WHERE xmin::text = %s").format(
        sql.SQL(", ").join(sql.SQL("{}::text").format(sql.Identifier(c)) for c in columns), ident(table)), (xmin,)).fetchall()
    return pl.DataFrame(rows, schema={c: pl.String for c in columns}, orient="row")


_UUID_TEXT = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def _typed_key_matches(cur: psycopg.Cursor, table: str, match_columns: list[str]) -> list[sql.Composable] | None:
    """Index-friendly equivalents of `t.col::text = k.kN`, or None when there is no such rewrite.

    Only for uuid and text/varchar key columns with a plain index leading with one of them: a uuid
    prints as exactly one lower-case text, so `col = kN::uuid` (cast only when kN has that form)
    matches the same rows as the text comparison; text and varchar compare as text anyway.
    """
    rows = cur.execute(
        "SELECT a.attname, t.typname, EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid "
        "AND i.indisvalid AND i.indpred IS NULL AND i.indkey[0] = a.attnum) "
        "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
        "WHERE a.attrelid = to_regclass(%s) AND a.attname = ANY(%s) AND NOT a.attisdropped",
        (ident(table).as_string(cur), list(match_columns))).fetchall()
    found = {name: (type_name, indexed) for name, type_name, indexed in rows}
    if len(found) != len(set(match_columns)) or not any(found[m][1] for m in match_columns):
        return None
    casts = []
    for i, column in enumerate(match_columns):
        key = sql.Identifier("k", f"k{i}")
        type_name = found[column][0]
        if type_name == "uuid":
            casts.append(sql.SQL("CASE WHEN {k} ~ {p} THEN {k}::uuid END").format(k=key, p=sql.Literal(_UUID_TEXT)))
        elif type_name in {"text", "varchar"}:
            casts.append(key)
        else:
            return None
    return casts


def read_budgets(conn: psycopg.Connection, table: str, alias: str, expression: str, columns: list[str],
                 keys: pl.DataFrame) -> pl.DataFrame | None:
    """A trigger's budget `expression` (its SQL, over `table` AS `alias`) per row whose `columns` are one of `keys`
    (k0, k1, ...), as (k0, ..., budget); None when the server cannot evaluate it on its own."""
    arrays = [text_array_literal(keys[c]) for c in keys.columns]
    names = [sql.Identifier(f"k{i}") for i in range(len(arrays))]
    statement = sql.SQL("SELECT {}, ({})::float8 FROM unnest({}) AS k({}) JOIN {} AS {} ON {}").format(
        sql.SQL(", ").join(sql.SQL("k.{}").format(n) for n in names), sql.SQL(expression),
        sql.SQL(", ").join(sql.SQL("%s::text[]") for _ in arrays), sql.SQL(", ").join(names), ident(table),
        sql.Identifier(alias), sql.SQL(" AND ").join(sql.SQL("{}.{}::text = k.{}").format(sql.Identifier(alias), sql.Identifier(c), n)
                                                     for c, n in zip(columns, names)))
    try:
        with conn.transaction(), conn.cursor() as cur:
            cur.execute(statement, arrays)
            rows = cur.fetchall()
    except psycopg.Error as exc:
        if connection_lost(exc):
            raise
        return None
    return pl.DataFrame(rows, schema={**{f"k{i}": pl.String for i in range(len(arrays))}, "budget": pl.Float64}, orient="row")


def text_array_literal(values: pl.Series) -> str:
    """A PostgreSQL text[] literal of the values (NULL stays NULL), built vectorised.

    The same array psycopg would send for `values.to_list()`, without its per-element Python work.
    """
    text = values.cast(pl.String)
    quoted = pl.concat_str([pl.lit('"'), text.str.replace_all("\\", "\\\\", literal=True)
                            .str.replace_all('"', '\\"', literal=True), pl.lit('"')])
    elements = pl.select(pl.when(text.is_null()).then(pl.lit("NULL")).otherwise(quoted)).to_series()
    return "{" + elements.str.join(",").item() + "}"


def explain_load_error(exc: psycopg.Error, table: str) -> SupaseedError:
    """Turn a database error during loading into a one-line message naming table, column and constraint."""
    diag = exc.diag
    where = diag.table_name and f"{diag.schema_name}.{diag.table_name}" or table
    parts = [f"loading {where} failed"]
    if diag.constraint_name:
        parts.append(f"on constraint {diag.constraint_name}")
    if diag.column_name:
        parts.append(f"column {diag.column_name}")
    message = first_line(diag.message_primary or str(exc))
    if connection_lost(exc):
        return ConnectionFailed(f"lost the connection to the database while loading {where}: {message}",
                                hint="nothing was written for this partition; run again when the server is back "
                                     "(committed partitions are kept)")
    hint = "nothing was written for this partition; "
    sqlstate = exc.sqlstate or ""
    if sqlstate == "55P03" or "lock timeout" in message:
        hint += f"another session holds a lock on {where}; wait for it or raise lockTimeoutSeconds"
    elif sqlstate == "57014":
        hint += f"the statement on {where} hit statement_timeout; lower batchSize or raise statementTimeoutSeconds"
    elif sqlstate.startswith("23"):
        hint += f"override the column in tables.{where}.columns or report the constraint so the generator can learn it"
    elif sqlstate == "42501":
        hint += f"the database user lacks privileges on {where}; grant them or use a more privileged URL"
    else:
        hint += "check the table definition and the config"
    return SupaseedError(f"{' '.join(parts)}: {message}", hint=hint)


def first_line(text: str) -> str:
    """The first non-empty line of a driver message (libpq adds indented detail lines)."""
    return next((line.strip() for line in str(text).splitlines() if line.strip()), "").rstrip(".") or "unknown error"


def connection_lost(exc: psycopg.Error) -> bool:
    """The server went away or terminated our session (not a problem with the data)."""
    sqlstate = exc.sqlstate or ""
    return isinstance(exc, psycopg.OperationalError) and (
        not sqlstate or sqlstate.startswith("08") or sqlstate in {"57P01", "57P02", "57P03"})


def exclusive_lock_holders(conn: psycopg.Connection) -> list[str]:
    """Tables of this database that other sessions hold ACCESS EXCLUSIVE locks on (they block even reads)."""
    try:
        rows = conn.execute(
            "SELECT DISTINCT format('%I.%I', n.nspname, c.relname), l.pid FROM pg_locks l "
            "JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE l.locktype = 'relation' AND l.granted AND l.mode = 'AccessExclusiveLock' "
            "AND l.pid <> pg_backend_pid() AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY 1, 2").fetchall()
    except psycopg.Error:
        return []
    return [f"{table} (held by backend pid {pid})" for table, pid in rows]


def explain_read_error(conn: psycopg.Connection, exc: psycopg.Error, what: str) -> SupaseedError:
    """A database error while reading the target before anything is written, as one line."""
    message = first_line(exc.diag.message_primary or str(exc))
    if connection_lost(exc):
        return ConnectionFailed(f"lost the connection to the database while {what}: {message}",
                                hint="nothing was changed; run again when the server is back")
    sqlstate = exc.sqlstate or ""
    if sqlstate == "55P03":
        holders = exclusive_lock_holders(conn)
        on = f" on {', '.join(holders)}" if holders else ""
        return SupaseedError(f"{what} waited longer than lock_timeout for a lock{on}: {message}",
                             hint="another session holds the lock; wait for it or raise lockTimeoutSeconds; nothing was changed")
    if sqlstate == "57014":
        return SupaseedError(f"{what} hit statement_timeout: {message}",
                             hint="raise statementTimeoutSeconds; nothing was changed")
    if sqlstate == "42501":
        return SupaseedError(f"{what} failed: {message}",
                             hint="the database user lacks privileges; grant them or use a more privileged URL; nothing was changed")
    return SupaseedError(f"{what} failed: {message}", hint="nothing was changed")
