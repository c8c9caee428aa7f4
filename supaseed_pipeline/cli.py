"""The `supaseed` command line: seed a Supabase/PostgreSQL database, inspect it, remove exactly what was seeded.

Every command loads the settings first (so a bad config fails before any connection), prints one
`error: <message>` line on failure and exits 0 (success), 1 (failure) or 2 (config or usage error).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn
from rich.table import Table as RichTable

from supaseed_pipeline import environment, seed_run
from supaseed_pipeline.db import resolve_target
from supaseed_pipeline.db.connect import Target, connection
from supaseed_pipeline.errors import ConfigError, SupaseedError, redact
from supaseed_pipeline.plan.junctions import junction_tables
from supaseed_pipeline.seed import read_only as read_only_planning
from supaseed_pipeline.seed.read_only import PlanningSteps, read_only
from supaseed_pipeline.seed.tenants import can_list_team_accounts, require_team_accounts, team_accounts
from supaseed_pipeline.config_files import read_env_file
from supaseed_pipeline.settings import SeedSettings, find_config_file, load_settings
from supaseed_pipeline.seed_run import RunFailed, SeedReport
from supaseed_pipeline.settings_document import config_document, document_text, schema_document

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
EXIT_PARTIAL = 3   # seeded, but some tables were left out (each with its reason and fix)


# ---------------------------------------------------------------------------------------------- plumbing

class Failure(click.ClickException):
    """A failure already phrased for the user: one line, an exit code, optional detail for --verbose."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE, details: list[str] | None = None):
        super().__init__(one_line(message))
        self.exit_code = exit_code
        self.details = details or []
        self.trace: list[str] = []   # printed with --debug only
        self.verbose = False
        self.debug = False


def one_line(text: str) -> str:
    """Secrets masked, whitespace and newlines collapsed."""
    return " ".join(redact(str(text)).split())


def make_console() -> Console:
    """A rich console on stdout; 120 columns when writing to a file or pipe so tables are not squeezed."""
    console = Console(highlight=False, soft_wrap=True)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(highlight=False, soft_wrap=True, width=120)
    return console


@dataclass
class App:
    """What the global options select; shared by every command through click's context object."""

    config_file: str | None = None
    database_url: str | None = None
    verbose: bool = False
    allow_production: bool = False
    debug: bool = False
    env_file: str | None = None
    out: Console = field(default_factory=make_console)
    env_sources: dict[str, str] | None = None   # variables taken from a .env file -> "path"

    def overrides(self, **values: Any) -> dict[str, Any]:
        """Settings overrides from the global options plus the command's flags (None = not given)."""
        given = {"databaseUrl": self.database_url, "allowProduction": True if self.allow_production else None, **values}
        return {key: value for key, value in given.items() if value is not None}

    def apply_env_file(self) -> None:
        """Read --env-file or ./.env once; its variables apply where the real environment does not set them."""
        if self.env_sources is not None:
            return
        self.env_sources = {}
        path = Path(self.env_file) if self.env_file else Path(".env")
        if self.env_file and not path.is_file():
            raise ConfigError(f"env file {path} not found", hint="pass an existing file to --env-file")
        if not path.is_file():
            return
        # for the rest of the command only, and never in os.environ (environment.py says why)
        added = click.get_current_context().with_resource(environment.layered(read_env_file(path)))
        self.env_sources = {name: f".env file {path}" for name in added}
        self.detail(f"{path}: {', '.join(added) or 'nothing new'} taken (the real environment wins)")

    def settings(self, **values: Any) -> SeedSettings:
        """Validated settings (defaults < config file < environment and .env < flags); no connection is made."""
        self.apply_env_file()
        settings = load_settings(self.config_file, self.overrides(**values), env_sources=self.env_sources,
                                 override_source="--database-url" if self.database_url else None)
        self.detail(f"config file: {find_config_file(self.config_file) or '(none, defaults)'}")
        context = click.get_current_context(silent=True)
        if context is not None:   # the whole command reads and writes the ledger in the configured schema
            from supaseed_pipeline.seed import ledger
            context.with_resource(ledger.using(settings.ledger_schema))
        return settings

    def target(self, settings: SeedSettings) -> Target:
        """The target database the settings select (the embedded demo database when none is set)."""
        target = resolve_target(settings.target_url())
        self.detail(f"target: {target.display} (chosen by {settings.target_source})"
                    + (f"; environment: {settings.environment}" if settings.environment else ""))
        return target

    def show(self, grid: RichTable) -> None:
        """A table from `table()`, its title on a line of its own (a long target URL does not squeeze it)."""
        if grid.heading:
            self.out.print(f"[bold]{escape(grid.heading)}[/bold]")
        self.out.print(grid)

    def detail(self, text: str) -> None:
        if self.verbose:
            click.echo(f"  {one_line(text)}", err=True)


def to_failure(exc: BaseException) -> Failure:
    """Map an exception raised by a command to the line, exit code and verbose detail the user sees."""
    import psycopg

    if isinstance(exc, RunFailed):   # the failed step's own line and kind (seed_run.job_failure)
        failure = Failure(str(exc), EXIT_USAGE if exc.usage else EXIT_FAILURE, exc.details)
        failure.trace = exc.trace
        return failure
    if isinstance(exc, ConfigError):
        return Failure(str(exc), EXIT_USAGE, [f"{type(exc).__name__} (configuration)"])
    if isinstance(exc, SupaseedError):
        return Failure(str(exc), EXIT_FAILURE, [type(exc).__name__])
    if isinstance(exc, psycopg.Error):
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return Failure(f"database error: {first}", EXIT_FAILURE, [type(exc).__name__])
    trace = redact("".join(traceback.format_exception(exc))).rstrip().splitlines()
    failure = Failure(f"unexpected {type(exc).__name__}: {exc} (rerun with --debug for the traceback)",
                      EXIT_FAILURE, [type(exc).__name__])
    failure.trace = trace
    return failure


class SupaseedGroup(click.Group):
    """A click group whose failures print one `error:` line; --verbose adds detail lines."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            accept_global_options(command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Failure as exc:
            exc.verbose, exc.debug = _verbosity(ctx)
            raise
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            raise Failure("interrupted", 130) from None
        except Exception as exc:  # every other failure becomes one line
            failure = to_failure(exc)
            failure.verbose, failure.debug = _verbosity(ctx)
            raise failure from None

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            code = self._run(args, prog_name or "supaseed", complete_var, **extra)
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(self, args, prog_name, complete_var, **extra) -> int:
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            return result if isinstance(result, int) else EXIT_OK
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help())
            return EXIT_OK
        except click.UsageError as exc:
            where = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
            click.echo(f"error: {one_line(exc.format_message())}{where}", err=True)
            return EXIT_USAGE
        except Failure as exc:
            click.echo(f"error: {exc.format_message()}", err=True)
            if exc.verbose or exc.debug:
                for line in exc.details:
                    click.echo(f"  {line}", err=True)
            if exc.debug:
                for line in exc.trace:
                    click.echo(f"  {line}", err=True)
            return exc.exit_code
        except click.ClickException as exc:
            click.echo(f"error: {one_line(exc.format_message())}", err=True)
            return exc.exit_code
        except click.Abort:
            click.echo("error: aborted", err=True)
            return EXIT_FAILURE


def _verbosity(ctx: click.Context) -> tuple[bool, bool]:
    app = ctx.obj if isinstance(ctx.obj, App) else None
    return (bool(app and (app.verbose or app.debug)), bool(app and app.debug))


# Options accepted before or after the subcommand (`supaseed seed --config x.json` is how the old tool
# was used). The group parses them first; a subcommand's copy, given later on the line, wins.
GLOBAL_OPTIONS: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (("-c", "--config", "--config-file", "config_file"), dict(
        metavar="FILE", help="Settings file (supaseed.json or supaseed.yaml). Default: $SUPASEED_CONFIG, else "
                             "supaseed.json / supaseed.yaml in the current directory, else built-in defaults.")),
    (("--env-file", "env_file"), dict(
        metavar="PATH", help="Read SUPASEED_*, SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY, SUPABASE_DB_URL and "
                             "DATABASE_URL from this file (default: .env in the current directory). Variables "
                             "already set in the environment win.")),
    (("--database-url", "database_url"), dict(
        metavar="URL", help="Target database. Default: $SUPASEED_DATABASE_URL, $SUPABASE_DB_URL or $DATABASE_URL "
                            "(environment, then .env), else databaseUrl from the config, else the database of a local "
                            "supabaseUrl, else the embedded demo database. Passwords are never printed.")),
    (("-v", "--verbose", "verbose"), dict(
        is_flag=True, help="Print more detail (config file, which source chose the target, failing step); never secrets.")),
    (("--debug", "debug"), dict(is_flag=True, help="--verbose, plus the traceback of an unexpected error.")),
    (("--i-know-this-is-production", "allow_production"), dict(
        is_flag=True, help="Allow seeding or cleaning a target that looks like production (sets allowProduction).")),
]


def global_options(function: Callable) -> Callable:
    """The group's own copy of the global options."""
    for decls, attrs in reversed(GLOBAL_OPTIONS):
        function = click.option(*decls, **attrs)(function)
    return function


def _set_on_app(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    if value is None or value is False:
        return
    app = ctx.find_object(App)
    if app is not None:
        setattr(app, param.name, value)


def accept_global_options(command: click.Command) -> None:
    """Give `command` (and a sub-group's commands) the global options, minus flags it already defines itself."""
    if getattr(command, "_supaseed_globals", False):
        return
    command._supaseed_globals = True
    taken = {opt for param in command.params for opt in getattr(param, "opts", []) + getattr(param, "secondary_opts", [])}
    for decls, attrs in GLOBAL_OPTIONS:
        flags = [d for d in decls if d.startswith("-") and d not in taken]
        if flags:   # `detect --verbose` keeps its own meaning; `detect -v` is still the global one
            command.params.append(click.Option([*flags, decls[-1]], expose_value=False, callback=_set_on_app,
                                               **{k: v for k, v in attrs.items()}))
    for sub in getattr(command, "commands", {}).values():
        accept_global_options(sub)


def prepare_target(app: App, settings: SeedSettings | None = None):
    """Settings, target and the prepared plan (snapshot, graph, mapping, engine), read-only."""
    settings = settings or app.settings()
    target = app.target(settings)
    return settings, target, read_only_planning.prepare(target, settings)


def snapshot_and_graph(app: App):
    """Target, schema snapshot and constraint graph (no table mapping needed)."""
    settings = app.settings()
    target = app.target(settings)
    return (target, *read_only_planning.snapshot_and_graph(target, settings))


def table(*columns: str, title: str | None = None) -> RichTable:
    """A plain rich table with right-aligned numeric columns (names starting with '#'); `show` prints it."""
    grid = RichTable(show_edge=False, header_style="bold")
    grid.heading = title
    for name in columns:
        grid.add_column(name.lstrip("#"), justify="right" if name.startswith("#") else "left")
    return grid


def rate(rows: int, seconds: float | None) -> str:
    return f"{rows / seconds:,.0f}" if seconds and rows else "—"


# ---------------------------------------------------------------------------------------------- the group

@click.group(cls=SupaseedGroup, no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]})
@global_options
@click.version_option(package_name="supaseed", prog_name="supaseed")
@click.pass_context
def main(ctx: click.Context, config_file: str | None, env_file: str | None, database_url: str | None, verbose: bool,
         debug: bool, allow_production: bool) -> None:
    """Seed Supabase and PostgreSQL databases with realistic data that satisfies every constraint,
    and remove exactly what was seeded.

    With no database configured, supaseed starts an embedded PostgreSQL holding a demo
    Supabase/MakerKit schema, so every command works out of the box.

    \b
    Typical session:
      supaseed detect                      # what is in the target, how roles map
      supaseed seed --dry-run              # the plan, nothing written
      supaseed seed --users 12 --setups 3  # seed (a Dagster run)
      supaseed status                      # what is seeded
      supaseed cleanup --force --verify    # remove it again

    Exit codes: 0 success, 1 failure, 2 invalid config or usage.
    """
    ctx.obj = App(config_file=config_file, database_url=database_url, verbose=verbose or debug, debug=debug,
                  allow_production=allow_production, env_file=env_file)


# ---------------------------------------------------------------------------------------------- init

@main.command(short_help="Write a supaseed.json with defaults (optionally detected roles).")
@click.option("--detect", is_flag=True, help="Connect and fill `schema` (framework and table roles) from detection.")
@click.option("--constraint-aware", is_flag=True, help="Also print the tables that cannot be seeded and how FK cycles are broken.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@click.option("-o", "--output", default="supaseed.json", show_default=True, metavar="FILE",
              help="File to write; .yaml/.yml writes YAML, anything else JSON.")
@click.pass_obj
def init(app: App, detect: bool, constraint_aware: bool, force: bool, output: str) -> None:
    """Write a settings file with every option at its default.

    The file uses the camelCase keys of the original Node tool (userCount, setupsPerUser,
    schema.setupsTable, ...). Secrets (database password, service key, user password) are never
    written, except a database URL you pass explicitly with --database-url.

    With --detect, supaseed connects to the target, detects the framework and fills `schema`
    (primaryUserTable, accountTable, setupsTable, ...) so the file pins the mapping.

    \b
    Example:
      supaseed init --detect --constraint-aware
      supaseed --database-url postgresql://postgres:postgres@127.0.0.1:54322/postgres init --detect -o staging.yaml
    """
    path = Path(output)
    if path.exists() and not force:
        raise Failure(f"{path} already exists; pass --force to overwrite it", EXIT_USAGE)
    app.apply_env_file()
    base_file = app.config_file or environment.get("SUPASEED_CONFIG")  # never the file being replaced
    data = config_document(load_settings(base_file, environ={}, use_default_file=False))
    if detect or constraint_aware:
        settings, target, prepared = prepare_target(app, load_settings(base_file, app.overrides(), use_default_file=False))
        data["schema"] = schema_document(prepared.mapping, data.get("schema", {}))
        print_detection(app, target, prepared.mapping)
        if constraint_aware:
            print_constraint_notes(app, prepared)
    if app.database_url:
        data["databaseUrl"] = app.database_url
    path.write_text(document_text(data, path), encoding="utf-8")   # refuses a document that would not load
    app.out.print(f"wrote {escape(str(path))}" + (" (it contains the database URL: keep it out of version control)"
                                                  if app.database_url else ""))


def print_constraint_notes(app: App, prepared) -> None:
    """Tables the engine skips and how each FK cycle is broken (not stored: the file accepts only settings)."""
    engine, graph = prepared.engine, prepared.graph
    if engine.skipped:
        grid = table("table", "why it is skipped", title="Skipped tables")
        for name, reason in sorted(engine.skipped.items()):
            grid.add_row(escape(name), escape(reason))
        app.show(grid)
    else:
        app.out.print("skipped tables: none")
    print_cycles(app, graph)


# ---------------------------------------------------------------------------------------------- seed

@main.command("seed", short_help="Seed the target (a Dagster run); --dry-run shows the plan.")
@click.option("--users", type=click.IntRange(min=0), help="Users to create (userCount).")
@click.option("--setups", type=click.IntRange(min=0), help="Setups (content rows) per user (setupsPerUser).")
@click.option("--seed", "seed_value", type=click.IntRange(min=0), help="Random seed: same seed, same rows.")
@click.option("--batch-size", type=click.IntRange(min=1), help="Users per partition (batchSize).")
@click.option("--domain", metavar="NAME", help="Content domain (default: outdoor).")
@click.option("--dry-run", is_flag=True, help="Print the plan and write nothing (no rows, no ledger).")
@click.option("--benchmark", is_flag=True, help="Also print rows/s and peak memory per stage and table.")
@click.option("--partition", "partitions", multiple=True, metavar="KEY",
              help="Seed only this partition (base, p00000, ...); repeat for several. Each replaces its previous rows.")
@click.option("--sql", "sql_path", metavar="PATH",
              help="Write what the seed would load as a SQL file (e.g. supabase/seed.sql) instead; the target is not changed.")
@click.pass_obj
def seed_command(app: App, users, setups, seed_value, batch_size, domain, dry_run, benchmark, partitions,
                 sql_path) -> None:
    """Seed the target: users, accounts, setups and every other table, constraint by constraint.

    Runs the Dagster job `seed_job` in this process (when $DAGSTER_HOME is set the run is
    recorded there and shows in the Dagster UI). Rows are generated in partitions of
    --batch-size users; each partition loads in one transaction and replaces what an earlier
    seed wrote for it, so seeding again is safe. Everything seeded is recorded in the `supaseed`
    schema of the target, which is what `status` and `cleanup` read.

    \b
    Examples:
      supaseed seed --users 12 --setups 3
      supaseed seed --dry-run
      supaseed seed --users 100000 --batch-size 10000 --benchmark
      supaseed seed --partition p00001        # redo one batch
      supaseed seed --sql supabase/seed.sql   # a seed file for `supabase db reset`
    """
    flags = {"userCount": users, "setupsPerUser": setups, "seed": seed_value, "batchSize": batch_size, "domain": domain}
    if sql_path:
        given = [name for name, on in (("--dry-run", dry_run), ("--benchmark", benchmark), ("--partition", partitions)) if on]
        export_seed_sql(app, flags, sql_path, given)
        return
    report = run_seed(app, flags, dry_run=dry_run, benchmark=benchmark, partition_keys=list(partitions) or None)
    if report is not None and report.left_out:
        return EXIT_PARTIAL


def export_seed_sql(app: App, flags: dict[str, Any], path: str, conflicting: list[str]) -> None:
    """`seed --sql PATH`: the seed as INSERTs/UPDATEs/setval in a file (seed/export.py); the target is left as it was."""
    from supaseed_pipeline.seed.export import export_sql

    if conflicting:
        raise click.UsageError(f"--sql writes the whole seed to a file; drop {conflicting[0]}")
    settings = app.settings(**flags)
    target = app.target(settings)
    started = time.perf_counter()
    exported = export_sql(target, settings, path)
    grid = table("table", "#rows", "#inserted", "#by triggers", "#updated",
                 title=f"wrote {path} ({exported.size / 1024:,.1f} KiB, {exported.statements} statements) "
                       f"in {time.perf_counter() - started:.1f}s")
    for name, rows in exported.rows.items():
        grid.add_row(escape(name), f"{rows:,}", f"{exported.inserted.get(name, 0):,}",
                     f"{exported.by_triggers.get(name, 0):,}", f"{exported.updated.get(name, 0):,}")
    app.show(grid)
    sequences = ", ".join(exported.sequences) or "none"
    app.out.print(f"sequences set: {escape(sequences)}")
    app.out.print(f"{escape(target.display)} was not changed. Replay: supabase db reset (seed.sql), "
                  f"or psql -v ON_ERROR_STOP=1 -f {escape(path)} URL")


def run_seed(app: App, flags: dict[str, Any], *, extra: dict[str, Any] | None = None, dry_run: bool = False,
             benchmark: bool = False, partition_keys: list[str] | None = None,
             precondition: Callable[[Target, Any], None] | None = None) -> "SeedReport | None":
    """The seed command's path: validate settings, plan read-only, then run the Dagster job (or print the plan)."""
    settings = app.settings(**flags, **(extra or {}))
    target = app.target(settings)
    plan = plan_seed(target, settings, partition_keys, guard=not dry_run, dry_run=dry_run)
    if precondition:
        precondition(target, plan.prepared)
    if flags.get("userCount") is not None and not plan.prepared.mapping.user_table:
        # a sample database (pagila, chinook) has no users to count: say so instead of ignoring the flag
        app.out.print(f"note: no user table found, so --users does not apply; every table gets rowsPerTable "
                      f"({settings.rows_per_table}) rows unless tables.<name>.count says otherwise")
    if dry_run:
        print_plan(app, target, settings, plan)
        return None
    report = run_seed_job(app, settings, target, flags, plan, per_partition=partition_keys is not None)
    print_summary(app, target, report)
    if benchmark:
        print_benchmark(app, report)
    return report


@dataclass
class SeedPlan:
    """What a seed will do: the prepared engine, the selected partitions and rows expected per table."""

    prepared: Any
    partitions: list
    estimates: dict[str, int | None]   # per table: expected rows (progress bars), or the dry run's exact rows
    left_out: dict[str, str] = field(default_factory=dict)   # dry run: tables the generator refused, and why
    by_triggers: dict[str, int] = field(default_factory=dict)   # dry run: at most this many more, made by triggers


def plan_seed(target: Target, settings: SeedSettings, keys: list[str] | None, *, guard: bool,
              dry_run: bool = False) -> SeedPlan:
    """Prepare and select partitions in a read-only transaction; refuse production targets unless allowed.

    With `dry_run`, the planner runs over the selected partitions with a loader that writes nothing, and
    the rows per table are the rows a seed would write (not estimates)."""
    from supaseed_pipeline.seed import api, ledger
    from supaseed_pipeline.seed.dry_run import DryRun
    from supaseed_pipeline.snapshot.introspect import take_snapshot

    if guard:
        api.guard_host(target, settings)   # a non-local host is refused before any connection
    with read_only(target) as conn:
        steps = PlanningSteps(conn, target, settings)
        with steps.step("taking the schema snapshot"), ledger.using(settings.ledger_schema):
            snapshot = take_snapshot(conn)   # handed to the run: one catalog read per command
        with steps.step("mapping the tables"):
            prepared = api.prepare(conn, settings, snapshot)
        with steps.step("selecting partitions"):
            partitions = api.select_partitions(prepared.engine, conn, keys)
        if guard:
            with steps.step("checking the production guard"):
                api.guard_production(conn, target, settings)
        with steps.step("counting existing rows"):
            estimates = prepared.engine.expected_rows(conn, partitions)
    if not dry_run:
        return SeedPlan(prepared, partitions, estimates)
    # the real planner over every selected partition, with a loader that writes nothing
    with connection(target) as conn:
        steps = PlanningSteps(conn, target, settings)
        with steps.step(f"planning {len(partitions)} partition(s) without writing"):
            results = prepared.engine.dry_run(conn, partitions)
    dry = DryRun.of(results)
    return SeedPlan(prepared, partitions, {name: dry.planned.get(name, 0) for name in estimates}, dry.left_out,
                    dry.by_triggers)


def print_plan(app: App, target: Target, settings: SeedSettings, plan: SeedPlan) -> None:
    """The dry-run plan: framework, load order with row estimates, cycles, skipped tables, partitions."""
    engine, mapping = plan.prepared.engine, plan.prepared.mapping
    app.out.print(f"[bold]Plan for {escape(target.display)}[/bold] (dry run: nothing is written)")
    app.out.print(f"framework: {mapping.framework}; seed {settings.seed}; config hash {settings.fingerprint()}")
    grid = table("#step", "table", "#rows", "+ made by triggers", "loaded with", title="Load order")
    for step, name in enumerate(engine.describe()["load_order"], 1):
        rows, made = plan.estimates.get(name) or 0, plan.by_triggers.get(name)
        scope = "each user batch" if name in engine.user_scoped else "base (once)"
        grid.add_row(str(step), escape(name), f"{rows:,}", f"up to {made:,}" if made else "", scope)
    app.show(grid)
    total = sum(v for v in plan.estimates.values() if v)
    app.out.print(f"{total:,} rows in {len(plan.estimates)} tables, exactly as a seed writes them; AFTER triggers may "
                  f"add up to {sum(plan.by_triggers.values()):,} more (one per row they fire on, as conditions allow)")
    for name, line in sorted(plan.left_out.items()):
        app.out.print(f"[yellow]left out[/yellow] {escape(name)}: {escape(line)}")
    print_cycles(app, plan.prepared.graph)
    if engine.skipped:
        skipped = table("skipped table", "reason")
        for name, reason in sorted(engine.skipped.items()):
            skipped.add_row(escape(name), escape(reason))
        app.show(skipped)
    else:
        app.out.print("skipped tables: none")
    batches = [p for p in plan.partitions if p.key != "base"]
    shown = ", ".join(f"{p.key} ({p.owner_count} users)" for p in batches[:6]) + (" ..." if len(batches) > 6 else "")
    app.out.print(f"partitions: base{', ' + shown if shown else ''} — {len(batches)} user batch(es) of up to "
                  f"{settings.batch_size:,} users")


def print_cycles(app: App, graph) -> None:
    if not graph.cycles:
        app.out.print("foreign-key cycles: none")
        return
    grid = table("tables", "broken by", "constraints", "how", title="Foreign-key cycles")
    for cycle in graph.cycles:
        grid.add_row(escape(" -> ".join(cycle.tables + cycle.tables[:1])), cycle.strategy,
                     escape(", ".join(cycle.constraints)), escape(cycle.detail))
    app.show(grid)


@dataclass
class TableTiming:
    rows: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0


class SeedProgress:
    """Rich progress bars (partitions and tables) fed by the engine's progress events; times tables and stages.

    A table's seconds run from the previous progress event, or from the start of the Dagster step
    that loads it, to the event reporting its rows. When the output is not a terminal (CI logs, a pipe) there
    are no bars; a line on stderr says how far the run is at least every `HEARTBEAT_SECONDS` instead.
    """

    HEARTBEAT_SECONDS = 10.0

    def __init__(self, console: Console, partitions: list[str], estimates: dict[str, int | None], verbose: bool):
        self.piped = not console.is_terminal and not verbose
        self.partition_count = len([p for p in partitions if p != "base"])
        self.rows = 0
        self.current = "planning"
        self.started = time.perf_counter()
        self._stop = threading.Event()
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TaskProgressColumn(), console=console, transient=False,
                                 disable=not console.is_terminal or verbose)
        self.batches = self.progress.add_task("partitions", total=len(partitions))
        self.estimates = estimates
        self.tasks: dict[str, Any] = {}
        self.seen: list[str] = []
        self.timings: dict[str, TableTiming] = {}
        self.last = time.perf_counter()

    def __call__(self, partition: str, table_name: str, rows: int) -> None:
        from supaseed_pipeline.metrics import peak_rss_mb

        now = time.perf_counter()
        timing = self.timings.setdefault(table_name, TableTiming())
        timing.rows += rows
        timing.seconds += now - self.last
        timing.peak_rss_mb = peak_rss_mb()
        self.last = now
        self.rows += rows
        self.current = f"{table_name} in {partition}"
        if partition not in self.seen:
            if self.seen:
                self.progress.advance(self.batches)
            self.seen.append(partition)
            self.progress.update(self.batches, description=f"partition {partition}")
        if table_name not in self.tasks:
            self.tasks[table_name] = self.progress.add_task(escape(table_name), total=self.estimates.get(table_name) or None)
        self.progress.advance(self.tasks[table_name], rows)

    def on_stage(self, stage: str) -> None:
        """A stage that loads no rows (a bulk load's rebuild): the heartbeat and the bars name it."""
        self.current = stage
        self.progress.update(self.batches, description=stage)

    def on_dagster_event(self, entry) -> None:
        """Step boundaries from the Dagster event log: a step's start restarts the table clock."""
        event = entry.get_dagster_event() if entry.is_dagster_event else None
        if event is not None and event.step_key and event.is_step_start:
            self.last = time.perf_counter()
            self.current = f"step {event.step_key}"

    def heartbeat_line(self) -> str:
        batches = len([p for p in self.seen if p != "base"])
        return (f"progress {time.perf_counter() - self.started:6.0f}s: {self.rows:,} rows, batch "
                f"{batches}/{self.partition_count}, now {self.current}")

    @contextlib.contextmanager
    def running(self) -> Iterator["SeedProgress"]:
        """The bars on a terminal; elsewhere a heartbeat thread writing `heartbeat_line` to stderr."""
        ticker = None
        if self.piped:
            def beat() -> None:
                while not self._stop.wait(self.HEARTBEAT_SECONDS):
                    click.echo(self.heartbeat_line(), err=True)
            ticker = threading.Thread(target=beat, name="supaseed-heartbeat", daemon=True)
            ticker.start()
        try:
            with self.progress:
                yield self
        finally:
            self._stop.set()
            if ticker is not None:
                ticker.join()

    def finish(self) -> None:
        """Every bar at 100 %: the batches done, each table's total = rows loaded."""
        for task in self.progress.tasks:
            done = task.total if task.id == self.batches else task.completed
            self.progress.update(task.id, total=done, completed=done)


def run_seed_job(app: App, settings: SeedSettings, target: Target, flags: dict[str, Any], plan: SeedPlan, *,
                 per_partition: bool) -> SeedReport:
    """Run `seed_job` in-process (seed_run.py) under progress bars, once, or for the requested partitions only."""
    keys = [p.key for p in plan.partitions]
    progress = SeedProgress(app.out, keys, plan.estimates, app.verbose)
    with progress.running():
        report = seed_run.run_seed_job(
            settings, target, partitions=keys, per_partition=per_partition, flags=flags,
            config_file=find_config_file(app.config_file), allow_production=app.allow_production,
            log_level="INFO" if app.verbose else "CRITICAL", on_rows=progress, on_event=progress.on_dagster_event,
            detail=app.detail, snapshot=plan.prepared.snapshot)
        progress.finish()
    report.timings = progress.timings
    return report


def print_summary(app: App, target: Target, report: SeedReport) -> None:
    """Rows per table with seconds and rows/s, then the totals."""
    grid = table("table", "#rows", "#seconds", "#rows/s", title=f"Seeded {target.display}")
    for name, rows in report.rows.items():
        timing = report.timings.get(name)
        if timing and timing.rows < rows:
            # most of them made by a trigger while another table loaded: rows/s only for the rows this step wrote
            grid.add_row(escape(name), f"{rows:,}", f"{timing.seconds:.2f}",
                         f"{rate(timing.rows, timing.seconds)} ({rows - timing.rows:,} by trigger)")
        elif timing:
            grid.add_row(escape(name), f"{rows:,}", f"{timing.seconds:.2f}", rate(timing.rows, timing.seconds))
        else:
            grid.add_row(escape(name), f"{rows:,}", "—", "by trigger" if rows else "—")
    total = sum(report.rows.values())
    grid.add_row("[bold]total[/bold]", f"[bold]{total:,}[/bold]", f"{report.seconds:.2f}", rate(total, report.seconds))
    app.show(grid)
    batches = len([p for p in report.partitions if p != "base"])
    runs = ", ".join(r[:8] for r in report.run_ids)
    app.out.print(f"{batches} user batch{'es' if batches != 1 else ''}; Dagster run{'s' if len(report.run_ids) > 1 else ''} "
                  f"{runs} ({report.instance} instance)")
    if report.left_out:
        grid = table("left out", "reason — fix", title=f"{len(report.left_out)} table(s) left out (exit code 3)")
        for name, why in sorted(report.left_out.items()):
            grid.add_row(escape(name), escape(why))
        app.show(grid)


def print_benchmark(app: App, report: SeedReport) -> None:
    """Rows/s and peak memory per Dagster stage and per table."""
    from supaseed_pipeline.metrics import peak_rss_mb

    stages = table("stage", "#seconds", "#rows", "#rows/s", "#peak RSS MB", title="Benchmark: stages")
    for stage in report.stages:
        peak = f"{stage.peak_rss_mb:,.1f}" if stage.peak_rss_mb is not None else "—"
        stages.add_row(escape(stage.step), f"{stage.seconds:.2f}", f"{stage.rows:,}", rate(stage.rows, stage.seconds), peak)
    app.show(stages)
    tables = table("table", "#rows", "#seconds", "#rows/s", "#peak RSS MB", title="Benchmark: tables (progress events)")
    for name, timing in report.timings.items():
        tables.add_row(escape(name), f"{timing.rows:,}", f"{timing.seconds:.3f}", rate(timing.rows, timing.seconds),
                       f"{timing.peak_rss_mb:,.1f}")
    app.show(tables)
    app.out.print(f"wall clock {report.seconds:.2f}s; peak RSS of this process {peak_rss_mb():,.1f} MB")


# ---------------------------------------------------------------------------------------------- status, cleanup

@main.command(short_help="Show what is seeded: rows per table, partitions, runs.")
@click.pass_obj
def status(app: App) -> None:
    """Show what supaseed has seeded in the target.

    Reads the ledger (schema `supaseed` in the target, or ledgerSchema): rows and partitions per table, each
    partition's seed and config hash, and the latest runs. Says "nothing seeded" when the
    ledger is empty or absent.

    \b
    Example:
      supaseed status
    """
    from supaseed_pipeline.seed import api

    settings = app.settings()
    target = app.target(settings)
    state = api.status(target, settings)
    if not state["tables"]:
        app.out.print(f"nothing seeded in {escape(target.display)}")
        return
    grid = table("table", "#rows", "#partitions", title=f"Seeded in {target.display}")
    for name, figures in state["tables"].items():
        grid.add_row(escape(name), f"{figures['rows']:,}", str(figures["partitions"]))
    grid.add_row("[bold]total[/bold]", f"[bold]{sum(f['rows'] for f in state['tables'].values()):,}[/bold]", "")
    app.show(grid)
    parts = table("partition", "#rows", "#seed", "config hash", "seeded at", title="Partitions")
    for part in state["partitions"]:
        parts.add_row(part["partition"], f"{sum((part['row_counts'] or {}).values()):,}", str(part["seed"]),
                      part["config_hash"], f"{part['seeded_at']:%Y-%m-%d %H:%M:%S %Z}")
    app.show(parts)
    runs = table("run", "status", "#seed", "config hash", "started", "finished", title="Last runs")
    for run in state["runs"][:5]:
        finished = f"{run['finished_at']:%Y-%m-%d %H:%M:%S}" if run["finished_at"] else "—"
        run_id = run["run_id"][:8] if len(run["run_id"]) > 16 else run["run_id"]  # Dagster run ids: short form
        runs.add_row(escape(run_id), run["status"], str(run["seed"]), run["config_hash"],
                     f"{run['started_at']:%Y-%m-%d %H:%M:%S %Z}", finished)
    app.show(runs)


@main.command(short_help="Delete exactly what was seeded (needs --force).")
@click.option("--force", is_flag=True, help="Really delete (required).")
@click.option("--verify", is_flag=True, help="Afterwards check that nothing recorded is left.")
@click.pass_obj
def cleanup(app: App, force: bool, verify: bool) -> None:
    """Delete exactly the rows supaseed seeded, children first, and empty the ledger.

    Only rows recorded in the ledger are touched; rows your app or your users added stay. If
    such rows reference seeded rows, cleanup stops and names them instead of cascading into
    them. Without --force nothing happens.

    \b
    Examples:
      supaseed cleanup --force
      supaseed cleanup --force --verify
    """
    from supaseed_pipeline.seed import api

    settings = app.settings()
    if not force:
        raise Failure("cleanup deletes every row supaseed seeded in the target; rerun with --force to do it "
                      "(nothing was deleted)", EXIT_USAGE)
    target = app.target(settings)
    recorded = api.status(target, settings)["tables"]
    removed = api.cleanup(target, settings, progress=lambda step: app.out.print(
        f"removed {', '.join(step.partitions)}: {step.rows:,} rows in {step.seconds:,.1f} s ({step.done}/{step.total})"))
    if os.environ.get("DAGSTER_HOME"):
        # the instance the UI reads still lists the seed's batches as green: it is told, as cleanup_job tells it
        from supaseed_pipeline.defs.automation import record_cleanup
        from supaseed_pipeline.seed_run import dagster_instance

        with dagster_instance() as (instance, _):
            for event in record_cleanup(instance, sum(removed.values()), "supaseed cleanup"):
                instance.report_runless_asset_event(event)
    missing = getattr(removed, "missing", {})
    if removed or recorded:
        grid = table("table", "#recorded", "#removed", "#already gone", title=f"Removed from {target.display}")
        for name in dict.fromkeys([*removed, *recorded]):
            grid.add_row(escape(name), f"{recorded.get(name, {}).get('rows', 0):,}", f"{removed.get(name, 0):,}",
                         f"{missing.get(name, 0):,}")
        grid.add_row("[bold]total[/bold]", f"[bold]{sum(t['rows'] for t in recorded.values()):,}[/bold]",
                     f"{sum(removed.values()):,}", f"{sum(missing.values()):,}")
        app.show(grid)
        if missing:
            app.out.print("already gone: recorded rows that someone had deleted before this cleanup")
    else:
        app.out.print(f"nothing seeded in {escape(target.display)}; nothing deleted")
    if verify:
        verify_clean(app, target, sum(removed.values()), settings)


def verify_clean(app: App, target: Target, removed: int, settings: SeedSettings | None = None) -> None:
    """Fail unless the ledger is empty; the tables were checked inside the cleanup's own transaction
    (no recorded row may still exist there, or nothing is committed)."""
    from supaseed_pipeline.seed import api

    leftovers = api.seeded_leftovers(target, settings)
    partitions = api.status(target, settings)["partitions"]
    if leftovers or partitions:
        raise Failure(f"verify: {leftovers} recorded key(s) in {len(partitions)} partition(s) are still in the ledger")
    app.out.print(f"verified: the {removed:,} removed rows are gone from their tables and the ledger is empty")


# ---------------------------------------------------------------------------------------------- inspection

@main.command(short_help="Detect the framework and the table roles.")
@click.option("--verbose", "detailed", is_flag=True, help="Also list roles that were not resolved, and trigger effects.")
@click.option("--validate-constraints", is_flag=True,
              help="Per table: the constraints the generator satisfies, the checks filtered in the database, what is skipped.")
@click.pass_obj
def detect(app: App, detailed: bool, validate_constraints: bool) -> None:
    """Detect the framework and how logical roles map to tables.

    Prints the framework (makerkit-full, makerkit-lite, supabase, postgres or custom), the
    evidence for it, and the resolved roles: user table, accounts, memberships, content
    (setups), lookups and items. Settings under `schema` in the config override detection.

    \b
    Examples:
      supaseed detect
      supaseed detect --verbose --validate-constraints
    """
    settings, target, prepared = prepare_target(app)
    print_detection(app, target, prepared.mapping, all_roles=detailed or app.verbose)
    if detailed or app.verbose:
        effects = prepared.graph.trigger_effects
        app.out.print("trigger effects: " + (", ".join(f"{e.source} -> {e.target} ({e.trigger})" for e in effects) or "none"))
    if validate_constraints:
        print_constraints(app, prepared)


def print_detection(app: App, target: Target, mapping, all_roles: bool = False) -> None:
    app.out.print(f"[bold]{escape(target.display)}[/bold]")
    app.out.print(f"framework: [bold]{mapping.framework}[/bold]")
    for line in mapping.evidence:
        app.out.print(f"  evidence: {escape(line)}")
    grid = table("role", "resolved to", title="Roles")
    for role, value in mapping.model_dump(exclude={"framework", "evidence"}).items():
        if value not in (None, False) or all_roles:
            grid.add_row(role, escape(str(value)) if value is not None else "—")
    app.show(grid)


def print_constraints(app: App, prepared) -> None:
    """Per table: constraints the generator satisfies, checks filtered in the database, columns left to it, skips."""
    engine, graph, snapshot = prepared.engine, prepared.graph, prepared.snapshot
    app.out.print("[bold]Constraints per table[/bold]")
    for name in graph.load_order:
        if name not in engine.seedable and name not in engine.skipped:
            continue
        plan, found = graph.tables[name], snapshot.table(name)
        honoured = [f"{'primary key' if found.primary_key and cols == found.primary_key.columns else 'unique'} "
                    f"({', '.join(cols)})" for cols in plan.unique_sets]
        honoured += [f"FK {fk.name} ({', '.join(fk.columns)}) -> {fk.ref_qualified}" for fk in found.foreign_keys]
        honoured += [f"check {check}" for check in plan.parsed_checks]
        not_null = [c.name for c in found.columns if c.not_null and c.name in plan.write_columns]
        if not_null:
            honoured.append(f"NOT NULL {', '.join(not_null)}")
        state = f"skipped: {engine.skipped[name]}" if name in engine.skipped else "seeded"
        app.out.print(f"{escape(name)} — {escape(state)}")
        app.out.print(f"  generated to satisfy: {escape('; '.join(honoured) or '—')}")
        app.out.print(f"  checks filtered in the database: {escape(', '.join(plan.unparsed_checks) or '—')}")
        app.out.print(f"  columns left to the database: {escape(', '.join(plan.db_columns) or '—')}")
        cycle_keys = plan.deferred_fks + plan.deferred_update_fks
        if cycle_keys:
            app.out.print(f"  cycle keys handled specially: {escape(', '.join(cycle_keys))}")


@main.command("analyze-relationships", short_help="Foreign-key graph: load order, keys, cycles.")
@click.pass_obj
def analyze_relationships(app: App) -> None:
    """Show the foreign-key graph: load order, every foreign key, cycles and how each is broken.

    Tables in one load batch do not depend on each other. Each foreign key is printed as
    child(columns) -> parent(columns) with its ON DELETE rule; for every cycle the strategy that
    makes it loadable (nullable key filled later, deferred check, one statement) or why it cannot be.

    \b
    Example:
      supaseed analyze-relationships
    """
    target, snapshot, graph = snapshot_and_graph(app)
    app.out.print(f"[bold]{escape(target.display)}[/bold]: {len(snapshot.tables)} tables")
    for number, batch in enumerate(graph.batches, 1):
        app.out.print(f"batch {number}: {escape(', '.join(batch))}")
    grid = table("child", "parent", "on delete", "notes", title="Foreign keys")
    for child in snapshot.tables:
        for fk in child.foreign_keys:
            notes = ", ".join(n for n in ("deferrable" if fk.deferrable else "",
                                          "self-reference" if fk.ref_qualified == child.qualified else "") if n)
            grid.add_row(escape(f"{child.qualified}({', '.join(fk.columns)})"),
                         escape(f"{fk.ref_qualified}({', '.join(fk.ref_columns)})"), fk.on_delete, notes)
    app.show(grid)
    print_cycles(app, graph)
    for effect in graph.trigger_effects:
        app.out.print(f"trigger {escape(effect.trigger)} on {escape(effect.source)} inserts into {escape(effect.target)}")


@main.command("detect-junction-tables", short_help="Tables keyed by two or more foreign keys.")
@click.pass_obj
def detect_junction_tables(app: App) -> None:
    """List junction tables: a primary key or unique key made of two or more foreign keys.

    Junction tables (for example accounts_memberships(user_id, account_id)) link two parents;
    supaseed fills them with distinct parent pairs so the key stays unique.

    \b
    Example:
      supaseed detect-junction-tables
    """
    target, snapshot, _ = snapshot_and_graph(app)
    found = junction_tables(snapshot)
    if not found:
        app.out.print(f"no junction tables in {escape(target.display)}")
        return
    grid = table("table", "key", "links", title="Junction tables")
    for junction in found:
        grid.add_row(escape(junction.table), escape(junction.key), escape("\n".join(junction.links)))
    app.show(grid)


@main.command("discover-tenants", short_help="List team accounts and their member counts.")
@click.pass_obj
def discover_tenants(app: App) -> None:
    """List the tenants (team accounts) in the target, with member counts.

    On MakerKit schemas tenants are the accounts with is_personal_account = false, and members
    are their accounts_memberships rows. Other schemas have no tenants; the command says so.

    \b
    Example:
      supaseed discover-tenants
    """
    settings, target, prepared = prepare_target(app)
    mapping = prepared.mapping
    if not can_list_team_accounts(mapping):
        app.out.print(f"{escape(target.display)} has no tenants: no accounts table with a personal-account flag "
                      f"(framework {mapping.framework})")
        return
    with read_only(target) as conn:
        teams = team_accounts(conn, mapping, prepared.graph)
    if not teams:
        app.out.print(f"no team accounts yet in {mapping.account_table} ({mapping.account_personal_flag} = false); "
                      "create some with `supaseed generate-tenants --count N`")
        return
    grid = table("team account", "slug", "#members (owner included)", title=f"Tenants in {mapping.account_table} ({len(teams)})")
    for team in teams[:50]:
        grid.add_row(escape(team.name), escape(team.slug or "—"), str(team.members))
    app.show(grid)
    if len(teams) > 50:
        app.out.print(f"... and {len(teams) - 50} more")


@main.command("generate-tenants", short_help="Seed N team accounts with members.")
@click.option("--count", type=click.IntRange(min=0), required=True, help="Team accounts to create.")
@click.option("--members", type=click.IntRange(min=0), help="Members per team besides the owner (default 3).")
@click.option("--users", type=click.IntRange(min=0), help="Users to create, as for `seed` (members are drawn from them).")
@click.pass_obj
def generate_tenants(app: App, count: int, members: int | None, users: int | None) -> None:
    """Seed team accounts (tenants) with owners and members.

    Runs the same Dagster seed as `seed`, with tenants.count = --count and
    tenants.membersPerTenant = --members: users are seeded (or reseeded) too, and the team
    accounts and their memberships are drawn from them. MakerKit schemas only.

    \b
    Example:
      supaseed generate-tenants --count 5 --members 3
    """
    tenants = {"count": count, **({"membersPerTenant": members} if members is not None else {})}
    run_seed(app, {"userCount": users}, extra={"tenants": tenants},
             precondition=lambda target, prepared: require_team_accounts(target, prepared.mapping))


# ---------------------------------------------------------------------------------------------- ai (Ollama)
from supaseed_pipeline.ai.cli import ai_group  # noqa: E402  (owned by supaseed_pipeline/ai; imports no Dagster)

main.add_command(ai_group)


# ---------------------------------------------------------------------------------------------- embedded server

@main.group(cls=SupaseedGroup, short_help="The embedded PostgreSQL: status, start, stop.")
def server() -> None:
    """The embedded PostgreSQL that holds the demo database when no database URL is given.

    It starts on demand when a command targets the embedded database, keeps running afterwards so
    the next command does not wait for a start, and stops with `supaseed server stop` (its data
    stays in the data folder, `.supaseed/postgres` or $SUPASEED_DATA_DIR). Commands given a database
    URL never start it.

    \b
    Examples:
      supaseed server status
      supaseed server stop
    """


def print_server_status(app: App) -> None:
    from supaseed_pipeline.db.embedded import server_status

    state = server_status()
    app.out.print(f"embedded PostgreSQL{' ' + state['version'] if state['version'] else ''}: "
                  + (f"running (pid {state['pid']}, socket {state['socket_dir']}, port {state['port']})"
                     if state["running"] else "not running" + ("" if state["initialised"] else " (not created yet)")))
    app.out.print(f"data folder: {escape(state['data_dir'])}")
    if state.get("stale_pid_file"):
        app.out.print("a postmaster.pid was left by a server that no longer runs; `supaseed server start` replaces it")


@server.command("status", short_help="Is the embedded server running, and where.")
@click.pass_obj
def server_status_command(app: App) -> None:
    """Say whether the embedded PostgreSQL runs (pid, socket, port) and where its data is. Starts nothing."""
    app.apply_env_file()   # SUPASEED_DATA_DIR may come from .env
    print_server_status(app)


@server.command("start", short_help="Start the embedded server (and create the demo database).")
@click.pass_obj
def server_start(app: App) -> None:
    """Start the embedded PostgreSQL now and create the demo database if it is missing."""
    from supaseed_pipeline.db.embedded import demo_target

    app.apply_env_file()
    target = demo_target()
    print_server_status(app)
    app.out.print(f"demo database: {escape(target.display)}")


@server.command("stop", short_help="Stop the embedded server (its data stays).")
@click.pass_obj
def server_stop(app: App) -> None:
    """Stop the embedded PostgreSQL if it runs. The data stays; the next command that needs it starts it again."""
    from supaseed_pipeline.db.embedded import server_status, stop_server

    app.apply_env_file()
    was = server_status()
    if not was["running"]:
        app.out.print("embedded PostgreSQL is not running; nothing to stop")
        return
    stop_server()
    app.out.print(f"stopped the embedded PostgreSQL (pid {was['pid']}); data kept in {escape(was['data_dir'])}")
