"""The loader: everything a partition's planner asks of the database, behind one object.

The planner (`seed/planner.py`) generates frames in memory and never touches a connection; every write
and every read-back (keys the database assigns, rows triggers and rules make, existing parents, CHECKs
only the server can evaluate) goes through the loader it is given:

- `DatabaseLoader` executes them on a connection inside the partition's transaction and records every
  stored key in the ledger;
- `DryRunLoader` writes nothing: it keeps the frames, answers read-backs from what it kept (a trigger
  that makes one row per source row, keys the database would assign) and reads only rows that already
  exist. `supaseed seed --dry-run` runs the real planner with it, so its counts are the counts.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import psycopg
from psycopg import sql

from supaseed_pipeline.errors import SupaseedError
from supaseed_pipeline.plan.graph import TablePlan
from supaseed_pipeline.seed import key_checks, load
from supaseed_pipeline.snapshot.models import Table


class DatabaseLoader:
    """Writes and read-backs of one partition on its transaction's connection; stored keys go to the ledger."""

    writes = True

    def __init__(self, conn: psycopg.Connection, ledger=None, *, check_keys: bool = False):
        self.conn, self.ledger = conn, ledger
        # check_keys: foreign keys checked once per distinct parent instead of per row where the session may (key_checks.py)
        self.key_checked = key_checks.KeyCheckedCopy(conn) if check_keys and key_checks.allowed(conn) else None

    # ---- writes

    def copy(self, table: Table, frame: pl.DataFrame) -> None:
        if self.key_checked is None or not self.key_checked.copy(table, frame):
            load.copy_frame(self.conn, table.qualified, frame, table)

    def insert_returning(self, table: Table, frame: pl.DataFrame, returning: list[str]) -> pl.DataFrame:
        return load.insert_returning(self.conn, table, frame, returning)

    def insert_together(self, frames: list[tuple[str, pl.DataFrame]], overriding: set[str]) -> None:
        load.insert_in_one_statement(self.conn, frames, overriding=overriding)

    def update(self, table: Table, keys: list[str], frame: pl.DataFrame) -> None:
        load.update_columns(self.conn, table, keys, frame)

    def reserve_keys(self, table: str, column: str, count: int) -> pl.Series:
        return load.reserve_keys(self.conn, table, column, count)

    def advance_sequences(self, table: str, columns: list[str]) -> None:
        load.advance_sequences(self.conn, table, columns)

    def record(self, table: str, key_columns: list[str], keys: pl.DataFrame, origin: str = "inserted") -> None:
        if self.ledger is not None:
            self.ledger.add(table, key_columns, keys, origin=origin)

    # ---- reads

    def read(self, table: str, columns: list[str], where: tuple[list[str], pl.DataFrame] | None = None,
             live: str | None = None) -> pl.DataFrame:
        return load.read_rows(self.conn, table, columns, where=where, live=live)

    def has_rows(self, table: str) -> bool:
        return self.conn.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(load.ident(table))).fetchone()[0]

    def made_by_trigger(self, table: str, columns: list[str], match_columns: list[str], values: pl.DataFrame) -> pl.DataFrame:
        """Rows an AFTER trigger made in `table`, found by the source rows' keys (`values`: k0, k1, ...)."""
        return load.read_rows(self.conn, table, columns, where=(match_columns, values))

    def filled_by_trigger(self, table: Table, columns: list[str], match: str, fill: pl.DataFrame) -> pl.DataFrame | None:
        """`made_by_trigger` for rows the seed then fills in: `fill`'s other columns set on the rows whose `match`
        holds one of its `match` values, and those rows returned, by one UPDATE ... RETURNING (a read-back
        and an UPDATE of the same rows otherwise); None, with nothing done, when no index leads with `match`."""
        return load.update_returning(self.conn, table, match, fill, columns)

    def made_in_transaction(self, source: str, source_keys: list[str], sources: pl.DataFrame, target: str,
                            columns: list[str]) -> pl.DataFrame:
        """Rows an AFTER trigger on `source` made in `target` that no column ties to their source rows: those with
        the seeded rows' transaction id (the caller leaves out the ones it knows already)."""
        return self.made_by_rule(source, source_keys, sources.head(1), target, columns)

    def made_by_rule(self, source: str, source_keys: list[str], first: pl.DataFrame, target: str,
                     target_keys: list[str]) -> pl.DataFrame:
        """Rows an INSERT rule on `source` wrote to `target`: those with the seeded rows' transaction id."""
        xmin = load.read_rows(self.conn, source, ["xmin"], where=(source_keys, first.rename(
            {c: f"k{i}" for i, c in enumerate(source_keys)})))
        if xmin.height == 0:
            return pl.DataFrame(schema={c: pl.String for c in target_keys})
        return load.rows_with_xmin(self.conn, target, target_keys, xmin["xmin"][0])

    def accepted(self, table: Table, frame: pl.DataFrame) -> list[bool]:
        return load.accepted_rows(self.conn, table, frame)

    def budgets(self, rule, columns: list[str], keys: pl.DataFrame) -> pl.DataFrame | None:
        """A trigger's budget per parent (trigger_rules.BudgetRule): (k0, ..., budget), None if unknown."""
        return load.read_budgets(self.conn, rule.table, rule.alias or rule.table.rpartition(".")[2], rule.expression,
                                 columns, keys)

    def passing_checks(self, table: Table, plan: TablePlan, frame: pl.DataFrame) -> pl.DataFrame:
        from supaseed_pipeline.seed.check_filter import filter_by_database

        return filter_by_database(self.conn, table, plan, frame)


class DryRunLoader(DatabaseLoader):
    """Plans against a target without changing it: writes are kept in memory, read-backs answered from them.

    Reads of rows that already exist go to the connection (a transaction the caller rolls back: the CHECK
    filter stages candidates in a temp table). What cannot be known without writing is assumed: an AFTER
    trigger makes one row per source row, an INSERT rule's rows are not counted.
    """

    writes = False

    def __init__(self, conn: psycopg.Connection | None):
        # conn None: no database at all (unit tests, a stored snapshot) — the target is taken as empty and
        # CHECKs the generator cannot translate are not filtered
        super().__init__(conn, ledger=None)
        self.kept: dict[str, pl.DataFrame] = {}     # rows of `base` and of the batch being planned
        self._assigned_so_far = 0

    def _keep(self, table: str, frame: pl.DataFrame) -> None:
        if frame.height == 0:
            return
        frame = frame.with_columns(pl.all().cast(pl.String))
        previous = self.kept.get(table)
        self.kept[table] = frame if previous is None else pl.concat([previous, frame], how="diagonal_relaxed")

    def _assigned(self, table: str, count: int) -> pl.Series:
        """Stand-ins for keys the database would assign: unique within the dry run."""
        first = self._assigned_so_far + 1
        self._assigned_so_far += count
        return pl.Series(np.arange(first, first + count, dtype=np.int64)).cast(pl.String)

    def copy(self, table: Table, frame: pl.DataFrame) -> None:
        self._keep(table.qualified, frame)

    def insert_returning(self, table: Table, frame: pl.DataFrame, returning: list[str]) -> pl.DataFrame:
        out = pl.DataFrame({c: frame[c].cast(pl.String) if c in frame.columns else self._assigned(table.qualified, frame.height)
                            for c in returning})
        self._keep(table.qualified, pl.concat([frame.with_columns(pl.all().cast(pl.String)),
                                               out.select([c for c in out.columns if c not in frame.columns])],
                                              how="horizontal"))
        return out

    def insert_together(self, frames: list[tuple[str, pl.DataFrame]], overriding: set[str]) -> None:
        for table, frame in frames:
            self._keep(table, frame)

    def update(self, table: Table, keys: list[str], frame: pl.DataFrame) -> None:
        pass

    def reserve_keys(self, table: str, column: str, count: int) -> pl.Series:
        return self._assigned(table, count).cast(pl.Int64)

    def advance_sequences(self, table: str, columns: list[str]) -> None:
        pass

    def read(self, table: str, columns: list[str], where: tuple[list[str], pl.DataFrame] | None = None,
             live: str | None = None) -> pl.DataFrame:
        existing = (super().read(table, columns, where, live) if self.conn is not None
                    else pl.DataFrame(schema={c: pl.String for c in columns}))
        kept = self.kept.get(table)
        if kept is None or not all(c in kept.columns for c in columns):
            return existing
        if live and live in kept.columns:
            kept = kept.filter(pl.col(live).is_null())
        mine = kept.select(columns)
        if where is not None:
            match_columns, values = where
            mine = kept.join(values.rename({f"k{i}": c for i, c in enumerate(match_columns)}),
                             on=match_columns, how="semi").select(columns)
        return pl.concat([existing, mine]).unique(maintain_order=True).sort(columns)

    def has_rows(self, table: str) -> bool:
        return table in self.kept or (self.conn is not None and super().has_rows(table))

    def made_by_trigger(self, table: str, columns: list[str], match_columns: list[str], values: pl.DataFrame) -> pl.DataFrame:
        made = values.rename({f"k{i}": c for i, c in enumerate(match_columns)})
        others = [c for c in columns if c not in made.columns]
        return made.with_columns([self._assigned(table, made.height).alias(c) for c in others]).select(columns)

    def filled_by_trigger(self, table: Table, columns: list[str], match: str, fill: pl.DataFrame) -> pl.DataFrame:
        return self.made_by_trigger(table.qualified, columns, [match], fill.select(pl.col(match).alias("k0")))

    def made_in_transaction(self, source, source_keys, sources, target, columns) -> pl.DataFrame:
        # as for a matched trigger: at most one row per source row
        return pl.DataFrame({c: self._assigned(target, sources.height) for c in columns})

    def made_by_rule(self, source, source_keys, first, target, target_keys) -> pl.DataFrame:
        return pl.DataFrame(schema={c: pl.String for c in target_keys})

    def accepted(self, table: Table, frame: pl.DataFrame) -> list[bool]:
        return [True] * frame.height

    def budgets(self, rule, columns: list[str], keys: pl.DataFrame) -> None:
        return None   # the budget rows of this partition were not written: rows are taken as covered

    def passing_checks(self, table: Table, plan: TablePlan, frame: pl.DataFrame) -> pl.DataFrame:
        if self.conn is None:
            return frame
        try:
            # a savepoint: the dry run's one transaction goes on past a table the server refuses, which the
            # dry run then leaves out as the seed does
            with self.conn.transaction():
                return super().passing_checks(table, plan, frame)
        except psycopg.Error as exc:
            raise SupaseedError(f"{table.qualified}: its CHECKs could not be evaluated on the server: "
                                f"{load.first_line(str(exc))}") from None
