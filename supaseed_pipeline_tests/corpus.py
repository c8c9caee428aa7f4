"""The fixture corpus of issue 12: schemas written after real public projects, and what a test checks on them.

`run_fixture` takes one fixture through what a new user does — apply the schema (with a few rows the user
already has), seed with the default config, verify every constraint by query, score realism, clean up —
and records every outcome instead of stopping at the first, so one test per property can read it.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from psycopg import sql

from supaseed_pipeline import realism
from supaseed_pipeline.db.connect import Target, connect, create_database, drop_database
from supaseed_pipeline.demo import DEMO_SQL_DIR
from supaseed_pipeline.errors import SupaseedError
from supaseed_pipeline.seed import api, verify
from supaseed_pipeline.plan.framework_tables import framework_table
from supaseed_pipeline.seed.dry_run import DryRun, dry_run
from supaseed_pipeline.seed.load import ident
from supaseed_pipeline.settings import SeedSettings, load_settings
from supaseed_pipeline.snapshot.introspect import take_snapshot
from supaseed_pipeline.snapshot.models import SchemaSnapshot

CORPUS_DIR = Path(__file__).parent / "sql" / "corpus"
# Supabase fixtures reuse the demo's roles and auth schema rather than a copy of them.
SUPABASE_BASE = (DEMO_SQL_DIR / "00_roles.sql", DEMO_SQL_DIR / "10_auth.sql")
IGNORED_SCHEMAS = {"supaseed"}


@dataclass(frozen=True)
class Fixture:
    name: str
    schemas: tuple[str, ...]
    supabase: bool

    @property
    def path(self) -> Path:
        return CORPUS_DIR / f"{self.name}.sql"


FIXTURES = {f.name: f for f in (
    Fixture("makerkit_full", ("public",), True),
    Fixture("basejump", ("basejump", "public"), True),
    Fixture("stripe_subscriptions", ("public",), True),
    Fixture("chat", ("public",), True),
    Fixture("todo_profiles", ("public",), True),
    Fixture("social_feed", ("public",), True),
    Fixture("marketplace", ("public",), True),
    Fixture("event_ticketing", ("public",), True),
    Fixture("course_bookings", ("public",), True),
    Fixture("workspace_types", ("public",), True),
    Fixture("pagila_like", ("public",), False),
    Fixture("music_store", ("public",), False),
    Fixture("northwind_like", ("public",), False),
    Fixture("django_world", ("public",), False),
    Fixture("commerce_engine", ("public",), False),
    Fixture("erp_schemas", ("person", "HumanResources", "production", "purchasing", "sales"), False),
    Fixture("staff_telemetry", ("employees", "telemetry"), False),
    Fixture("crm_polymorphic", ("public",), False),
    Fixture("forum_tracker", ("public",), False),
    Fixture("hard_cases", ("public",), False),
    Fixture("prisma_nextauth", ("public",), False),
    Fixture("better_auth_drizzle", ("public",), False),
    Fixture("rails_basecamp", ("public",), False),
    Fixture("supabase_canteen", ("public",), True),
    Fixture("typeorm_nestjs", ("public",), False),
    Fixture("laravel_jetstream", ("public",), False),
)}


def corpus_settings(fixture: Fixture, **overrides) -> SeedSettings:
    """The default config a new user writes: the schemas, small counts."""
    base = {"schemas": list(fixture.schemas), "rowsPerTable": 20, "userCount": 8}
    return load_settings(overrides={**base, **overrides}, environ={}, use_default_file=False)


def apply_fixture(target: Target, fixture: Fixture) -> None:
    with connect(target) as conn:
        if fixture.supabase:
            for path in SUPABASE_BASE:
                conn.execute(path.read_text(encoding="utf-8"))
        conn.execute(fixture.path.read_text(encoding="utf-8"))
        conn.commit()


def tables_in_scope(snapshot: SchemaSnapshot, fixture: Fixture) -> list[str]:
    """What the user asked to seed: every table of the fixture's schemas (partitions through their parent),
    plus the auth users and identities on Supabase; not a framework's own tables (plan/framework_tables.py)."""
    tables = [t.qualified for t in snapshot.tables if t.schema_name in fixture.schemas and not t.partition_of
              and not framework_table(t)]   # a framework's migration log or job queue is never seeded, empty or not
    if fixture.supabase:
        tables += ["auth.users", "auth.identities"]
    return sorted(tables)


def all_tables(snapshot: SchemaSnapshot) -> list[str]:
    return sorted(t.qualified for t in snapshot.tables if t.schema_name not in IGNORED_SCHEMAS and not t.partition_of)


def table_rows(conn, table: str) -> list[str]:
    return [r[0] for r in conn.execute(sql.SQL("SELECT t::text FROM {} t ORDER BY 1").format(ident(table))).fetchall()]


def checksums(target: Target) -> dict[str, tuple[int, str]]:
    """(row count, md5 of the sorted rows) of every table outside supaseed's own schema."""
    with connect(target) as conn:
        snapshot = take_snapshot(conn)
        out = {}
        for table in all_tables(snapshot):
            count, digest = conn.execute(sql.SQL(
                "SELECT count(*), coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM {} t").format(
                ident(table))).fetchone()
            out[table] = (count, digest)
        return out


def sequence_values(target: Target) -> dict[str, int | None]:
    with connect(target) as conn:
        # last_value is NULL until nextval is first called: a dry run must not call it either
        return {f"{r[0]}.{r[1]}": r[2] for r in conn.execute(
            "SELECT schemaname, sequencename, last_value FROM pg_sequences").fetchall()}


def unique_index_violations(conn, snapshot: SchemaSnapshot, tables: list[str]) -> list[str]:
    """Unique indexes that are not constraints (partial, expression): verify.constraint_violations skips them."""
    problems = []
    for name in tables:
        table = snapshot.table(name)
        for index in table.unique_indexes if table else []:
            # expressions holds every key's text in order; a plain column's is its name
            keys = [sql.Identifier(c) if c else sql.SQL(e) for c, e in zip(index.columns, index.expressions)]
            where = sql.SQL(index.predicate) if index.predicate else sql.SQL("true")
            dupes = conn.execute(sql.SQL(
                "SELECT count(*) FROM (SELECT 1 FROM {} WHERE ({}) AND ({}) GROUP BY {} HAVING count(*) > 1) d").format(
                ident(name), where, sql.SQL(" AND ").join(sql.SQL("({}) IS NOT NULL").format(k) for k in keys),
                sql.SQL(", ").join(keys))).fetchone()[0]
            if dupes:
                problems.append(f"{name}: {dupes} duplicate keys for unique index {index.name}")
    return problems


def constraint_problems(target: Target) -> list[str]:
    """Every FK (partitions' own included), unique, unique index and CHECK re-checked by query."""
    with connect(target) as conn:
        snapshot = take_snapshot(conn)
        tables = [t.qualified for t in snapshot.tables if t.schema_name not in IGNORED_SCHEMAS]
        return verify.constraint_violations(conn, snapshot, tables) + unique_index_violations(conn, snapshot, tables)


@dataclass
class CorpusRun:
    fixture: Fixture
    in_scope: list[str] = field(default_factory=list)
    before: dict[str, tuple[int, str]] = field(default_factory=dict)
    problems_before: list[str] = field(default_factory=list)
    seed_error: str | None = None
    seconds: float = 0.0
    loaded: Counter = field(default_factory=Counter)
    loaded_by_triggers: Counter = field(default_factory=Counter)
    dry: DryRun | None = None                                   # `seed --dry-run` before the seed
    changed_by_dry_run: list[str] = field(default_factory=list)   # tables or sequences it changed (none)
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    lost_rows: dict[str, int] = field(default_factory=dict)
    realism: realism.RealismReport | None = None
    cleanup_error: str | None = None
    after_cleanup: dict[str, tuple[int, str]] = field(default_factory=dict)

    @property
    def seeded(self) -> bool:
        return self.seed_error is None

    @property
    def empty_tables(self) -> list[str]:
        return sorted(t for t in self.in_scope if self.counts.get(t, 0) == 0)

    @property
    def filled(self) -> int:
        return len(self.in_scope) - len(self.empty_tables)

    @property
    def rows_per_second(self) -> float:
        return sum(self.loaded.values()) / self.seconds if self.seconds else 0.0

    def changed_by_cleanup(self) -> list[str]:
        tables = set(self.before) | set(self.after_cleanup)
        return sorted(t for t in tables if self.before.get(t) != self.after_cleanup.get(t))

    def summary(self) -> str:
        score = f"{self.realism.score}" if self.realism else "n/a"
        state = "seeded" if self.seeded else f"ABORTED: {self.seed_error}"
        return (f"{self.fixture.name}: {self.filled}/{len(self.in_scope)} tables filled, "
                f"{sum(self.loaded.values())} rows in {self.seconds:.2f}s ({self.rows_per_second:,.0f} rows/s), "
                f"realism {score}, {state}")


def _engine_frame(exc: BaseException) -> str:
    """The innermost supaseed frame of a traceback, file:function:line (where the fix belongs)."""
    import traceback
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/supaseed_pipeline/" in f.filename]
    if not frames:
        return "?"
    frame = frames[-1]
    return f"{frame.filename.split('/supaseed_pipeline/')[-1]}:{frame.name}:{frame.lineno}"


def run_fixture(server: Target, fixture: Fixture, **overrides) -> CorpusRun:
    """Apply, seed, verify, score and clean one fixture on a database of its own (dropped afterwards).

    overrides go to the settings (e.g. tables={...: {"skip": True}} to look past a failing table)."""
    name = f"supaseed_t_corpus_{fixture.name}_{uuid.uuid4().hex[:8]}"
    target = create_database(server, name)
    run = CorpusRun(fixture)
    try:
        apply_fixture(target, fixture)
        with connect(target) as conn:
            snapshot = take_snapshot(conn)
            run.in_scope = tables_in_scope(snapshot, fixture)
            existing = {t: table_rows(conn, t) for t in all_tables(snapshot)}
        run.before = checksums(target)
        run.problems_before = constraint_problems(target)
        settings = corpus_settings(fixture, **overrides)
        sequences = sequence_values(target)
        run.dry = dry_run(target, settings)
        after_dry = checksums(target)
        run.changed_by_dry_run = sorted(t for t in set(run.before) | set(after_dry) if run.before.get(t) != after_dry.get(t))
        run.changed_by_dry_run += [f"sequence {s}" for s, v in sequence_values(target).items() if sequences.get(s) != v]
        started = time.perf_counter()
        try:
            results = api.seed(target, settings)
            run.loaded = sum((Counter(r.rows) for r in results), Counter())
            run.loaded_by_triggers = sum((Counter(r.by_triggers) for r in results), Counter())
        except SupaseedError as exc:
            run.seed_error = str(exc)
        except Exception as exc:  # noqa: BLE001 - a traceback instead of a one-line error is itself a finding
            run.seed_error = f"uncaught {type(exc).__name__} at {_engine_frame(exc)}: {str(exc).splitlines()[0]}"
        run.seconds = time.perf_counter() - started
        with connect(target) as conn:
            run.counts = {t: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(ident(t))).fetchone()[0]
                          for t in run.in_scope}
            for table, rows in existing.items():
                now = Counter(table_rows(conn, table))
                lost = sum((Counter(rows) - now).values())
                if lost:
                    run.lost_rows[table] = lost
            if run.seeded:
                snapshot = take_snapshot(conn)
                run.realism = realism.score_tables(conn, snapshot, [t for t in run.in_scope if not t.startswith("auth.")])
        run.problems = constraint_problems(target)
        try:
            api.cleanup(target, settings)
        except SupaseedError as exc:
            run.cleanup_error = str(exc)
        except Exception as exc:  # noqa: BLE001
            run.cleanup_error = f"uncaught {type(exc).__name__} at {_engine_frame(exc)}: {str(exc).splitlines()[0]}"
        run.after_cleanup = checksums(target)
    finally:
        drop_database(server, name)
    return run
