"""Read-only planning against the target: a connection that cannot write, bounded waits, and errors that
name the planning step that failed (the commands that only look use it, and `seed` before its run)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import psycopg

from supaseed_pipeline.db.connect import Target, connection
from supaseed_pipeline.errors import ConfigError
from supaseed_pipeline.plan.graph import ConstraintGraph, build_constraint_graph
from supaseed_pipeline.seed.load import configure_session, explain_read_error, first_line
from supaseed_pipeline.settings import SeedSettings
from supaseed_pipeline.snapshot.introspect import take_snapshot
from supaseed_pipeline.snapshot.models import SchemaSnapshot


@contextmanager
def read_only(target: Target) -> Iterator[psycopg.Connection]:
    """A connection whose transaction cannot write."""
    with connection(target) as conn:
        conn.read_only = True
        try:
            yield conn
        finally:
            if not conn.closed:
                conn.rollback()


class PlanningSteps:
    """Bounded waits for the read-only planning connection, and errors that name the step that failed.

    Without this a locked table made planning hang forever, and a statement timeout came back as a bare
    "canceling statement due to statement timeout" with no hint of what was being read.
    """

    def __init__(self, conn: psycopg.Connection, target: Target, settings: SeedSettings):
        self.conn, self.target, self.settings = conn, target, settings
        configure_session(conn, statement_timeout_s=settings.statement_timeout_seconds,
                          lock_timeout_s=settings.lock_timeout_seconds)

    @contextmanager
    def step(self, what: str) -> Iterator[None]:
        try:
            yield
        except psycopg.Error as exc:
            if self.conn.closed or self.conn.broken:
                raise explain_read_error(self.conn, exc, f"{what} of {self.target.identity}") from None
            self.conn.rollback()   # the aborted transaction would refuse the queries that explain the error
            if exc.sqlstate == "57014":
                raise ConfigError(
                    f"planning step '{what}' on {self.target.identity} hit statementTimeoutSeconds "
                    f"({self.settings.statement_timeout_seconds:g}s): {first_line(exc.diag.message_primary or str(exc))}",
                    hint="raise statementTimeoutSeconds (0 = no limit); nothing was changed") from None
            raise explain_read_error(self.conn, exc, f"planning step '{what}' on {self.target.identity}") from None


def prepare(target: Target, settings: SeedSettings):
    """The prepared plan (snapshot, graph, mapping, engine: seed.api.prepare), read-only."""
    from supaseed_pipeline.seed import api

    with read_only(target) as conn:
        steps = PlanningSteps(conn, target, settings)
        with steps.step("taking the schema snapshot"):
            snapshot = take_snapshot(conn)
        with steps.step("mapping the tables"):
            return api.prepare(conn, settings, snapshot)


def snapshot_and_graph(target: Target, settings: SeedSettings) -> tuple[SchemaSnapshot, ConstraintGraph]:
    """The schema snapshot and its constraint graph (no table mapping), read-only."""
    with read_only(target) as conn, PlanningSteps(conn, target, settings).step("taking the schema snapshot"):
        snapshot = take_snapshot(conn)
    return snapshot, build_constraint_graph(snapshot)
