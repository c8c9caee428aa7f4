"""CHECKs the generator cannot translate: let the database itself filter candidate rows."""

from __future__ import annotations

import re

import polars as pl
import psycopg
from psycopg import sql

from supaseed_pipeline.errors import SupaseedError
from supaseed_pipeline.plan.graph import TablePlan, db_assigned
from supaseed_pipeline.seed.load import column_list, copy_frame, ident
from supaseed_pipeline.snapshot.models import Table

_ROW = "__supaseed_row"


def check_body(definition: str) -> str:
    """'CHECK ((lower(email) = email)) NOT VALID' -> '(lower(email) = email)'."""
    body = re.sub(r"\s+NOT VALID\s*$", "", definition.strip(), flags=re.IGNORECASE)
    return re.sub(r"^CHECK\s*", "", body, flags=re.IGNORECASE)


def _variants(table: Table, frame: pl.DataFrame, columns: set[str]) -> list[pl.DataFrame]:
    """The generated rows, then the same rows with the checked text columns lower/upper-cased or NULL."""
    # case varies only what a text column may hold in either case: an enum or an array's labels may not
    text = [c for c in columns if c in frame.columns and frame.schema[c] == pl.String and table.column(c)
            and table.column(c).type_category == "S" and not table.column(c).is_array and not table.column(c).enum_labels]
    nullable = [c for c in columns if c in frame.columns and table.column(c) and not table.column(c).not_null]
    variants = [frame]
    if text:
        variants.append(frame.with_columns([pl.col(c).str.to_lowercase() for c in text]))
        variants.append(frame.with_columns([pl.col(c).str.to_uppercase() for c in text]))
    if nullable:
        variants.append(frame.with_columns([pl.lit(None, dtype=frame.schema[c]).alias(c) for c in nullable]))
    return variants


def filter_by_database(conn: psycopg.Connection, table: Table, plan: TablePlan, frame: pl.DataFrame) -> pl.DataFrame:
    """Keep, per row, the first candidate variant for which every untranslated CHECK is true or NULL.

    The expressions are the server's own deparsed constraint texts, evaluated over a temp copy of
    the candidates, so the result is exactly what the constraint will accept.
    """
    stage = sql.Identifier("supaseed_check_filter")
    checks = [c for c in table.checks if c.name in plan.unparsed_checks]
    checked_columns = {c for check in checks for c in check.columns}
    variants = _variants(table, frame, checked_columns)
    candidates = pl.concat([v.with_row_index(_ROW).with_columns(pl.lit(n, dtype=pl.Int64).alias("__variant"))
                            for n, v in enumerate(variants)], how="vertical_relaxed")
    candidates = candidates.with_columns((pl.col(_ROW).cast(pl.Int64) * len(variants) + pl.col("__variant")).alias(_ROW))
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(stage))
        # a checked column the rows leave to its default (settings jsonb DEFAULT '{}' CHECK (jsonb_typeof(settings)
        # = 'object')) gets that default in the stage too; a sequence's or a generated value stays NULL there
        defaulted = [c for c in sorted(checked_columns - set(frame.columns)) if table.column(c)]
        cur.execute(sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT 0::bigint AS {}, {} FROM {} WITH NO DATA")
                    .format(stage, sql.Identifier(_ROW), column_list([*frame.columns, *defaulted]), ident(table.qualified)))
        for name in defaulted:
            column = table.column(name)
            if column.default and not db_assigned(column):
                cur.execute(sql.SQL("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}").format(
                    stage, sql.Identifier(name), sql.SQL(column.default)))
        copy_frame(conn, "pg_temp.supaseed_check_filter", candidates.select([_ROW, *frame.columns]))
        condition = sql.SQL(" AND ").join(sql.SQL("({}) IS NOT FALSE").format(sql.SQL(check_body(c.expression)))
                                          for c in checks)
        cur.execute(sql.SQL("SELECT {} FROM {} WHERE {} ORDER BY 1").format(sql.Identifier(_ROW), stage, condition))
        passing = [r[0] for r in cur.fetchall()]
        cur.execute(sql.SQL("DROP TABLE {}").format(stage))
    chosen: dict[int, int] = {}
    for number in passing:
        chosen.setdefault(number // len(variants), number % len(variants))
    if not chosen:
        names = ", ".join(c.name for c in checks)
        raise SupaseedError(f"{table.qualified}: no generated row satisfies CHECK {names}",
                            hint=f"override the columns it uses in tables.{table.qualified}.columns, or skip the table")
    rows = sorted(chosen)
    return pl.concat([variants[chosen[r]][r] for r in rows]) if len(variants) > 1 else frame[rows]
