"""One `seed_job` run in this process, for a command (`supaseed seed`, `supaseed generate-tenants`).

The run gets the command's settings by an opaque token (run_settings.py), never through run config or the
environment; it holds the target's seeding lock from its first step to its last; and what it did is read
back from its events: rows per table, figures per step, left-out tables, failed checks, or the failed
step's structured failure (defs/failures.py). Progress bars and tables are the caller's to draw.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from supaseed_pipeline import run_settings
from supaseed_pipeline.db.connect import Target, connect
from supaseed_pipeline.errors import SupaseedError, redact
from supaseed_pipeline.seed import locking
from supaseed_pipeline.settings import SeedSettings

# Settings key -> SupaseedResource field, for the flags the run page shows (the token's settings are what runs).
RESOURCE_FIELDS = {"userCount": "user_count", "setupsPerUser": "setups_per_user", "seed": "seed",
                   "batchSize": "batch_size", "domain": "domain", "allowProduction": "allow_production"}
PLANNING_ASSETS = ("schema_snapshot", "constraint_graph", "table_mapping", "reference_data")


class RunFailed(SupaseedError):
    """The run failed: the failed step's one line, whether it is a config/usage error, detail for --verbose."""

    def __init__(self, message: str, *, usage: bool = False, details: list[str] | None = None,
                 trace: list[str] | None = None):
        super().__init__(message)
        self.usage = usage
        self.details = details or []
        self.trace = trace or []   # Dagster's own errors only (a supaseed step's failure is its line)


@dataclass
class StageFigures:
    step: str
    seconds: float
    rows: int = 0
    peak_rss_mb: float | None = None


@dataclass
class SeedReport:
    """What one seed command did: rows per table, figures per step, Dagster runs."""

    rows: dict[str, int] = field(default_factory=dict)
    timings: dict[str, Any] = field(default_factory=dict)   # per table, from the caller's progress listener
    stages: list[StageFigures] = field(default_factory=list)
    run_ids: list[str] = field(default_factory=list)
    partitions: list[str] = field(default_factory=list)
    seconds: float = 0.0
    instance: str = "ephemeral"
    failed_checks: list[str] = field(default_factory=list)
    left_out: dict[str, str] = field(default_factory=dict)   # table -> reason — fix


def run_seed_job(settings: SeedSettings, target: Target, *, partitions: list[str], per_partition: bool,
                 flags: dict[str, Any], config_file: Path | None = None, allow_production: bool = False,
                 log_level: str = "CRITICAL", on_rows: Callable[[str, str, int], None] | None = None,
                 on_event: Callable[[Any], None] | None = None,
                 detail: Callable[[str], None] = lambda text: None, snapshot=None) -> SeedReport:
    """Execute `seed_job` in-process over `partitions` (only those when `per_partition`) and collect what it did.

    `on_rows(partition, table, rows)` hears the engine's progress; `on_event(entry)` every Dagster event.
    `snapshot`: the schema snapshot the caller planned with; the run uses it instead of reading the catalog again.
    Raises RunFailed when the run or one of its (non-warning) checks fails.
    """
    from supaseed_pipeline.definitions import defs
    from supaseed_pipeline.defs.resources import TARGET_TAG
    from supaseed_pipeline.metrics import peak_rss_mb
    from supaseed_pipeline.seed.progress import listening

    job = defs.resolve_job_def("seed_job")
    report = SeedReport(partitions=list(partitions))
    stage_peaks: dict[str, float] = {}
    started = time.perf_counter()

    def on_entry(entry) -> None:
        event = entry.get_dagster_event() if entry.is_dagster_event else None
        if event is not None and event.step_key and event.is_step_success:
            stage_peaks[event.step_key] = peak_rss_mb()
        if on_event is not None:
            on_event(entry)

    # the run reads exactly these settings (URL, .env, flags) through an opaque token, never through run config
    with run_settings.handed_over(settings, snapshot) as settings_token, dagster_instance() as (instance, kind):
        report.instance = kind
        run_config = {
            "resources": {"supaseed": {"config": resource_config(flags, settings_token, config_file, allow_production)}},
            "loggers": {"console": {"config": {"log_level": log_level}}},
        }
        token = f"cli-{uuid.uuid4().hex}"
        tags = {TARGET_TAG: target.identity, "supaseed/trigger": "cli", locking.RUN_TOKEN_TAG: token}
        # one lock from the first step to the last: no other run slips in between reference data and batches
        with connect(target, autocommit=True) as lock_conn, \
                locking.run_lock(lock_conn, target.identity, settings.lock_timeout_seconds, token), \
                (listening(on_rows) if on_rows is not None else contextlib.nullcontext()):
            run_id = str(uuid.uuid4())
            instance.add_event_listener(run_id, on_entry)
            selection = batch_selection(partitions) if per_partition else {}
            detail(f"Dagster run {run_id} of seed_job{' for ' + ', '.join(partitions) if per_partition else ''} "
                   f"({kind} instance)")
            result = job.execute_in_process(run_config={**run_config, **selection.get("run_config", {})},
                                            instance=instance, raise_on_error=False, run_id=run_id, tags=tags,
                                            **{k: v for k, v in selection.items() if k != "run_config"})
            report.run_ids.append(result.run_id)
            if not result.success:
                raise job_failure(result)
            collect_run(report, result, stage_peaks)
    report.seconds = time.perf_counter() - started
    if report.failed_checks:
        raise RunFailed(f"seeded, but {len(report.failed_checks)} asset check(s) failed: {'; '.join(report.failed_checks)}")
    return report


def batch_selection(keys: list[str]) -> dict[str, Any]:
    """execute_in_process arguments for chosen partitions: `base` alone is the reference data; user
    batches go to user_batches' `batches` config (one run, every batch in it)."""
    import dagster as dg

    from supaseed_pipeline.seed.engine import BASE

    batches = [k for k in keys if k != BASE]
    if not batches:
        return {"asset_selection": [dg.AssetKey(name) for name in PLANNING_ASSETS]}
    return {"run_config": {"ops": {"user_batches": {"config": {"batches": batches}}}}}


def resource_config(flags: dict[str, Any], settings_token: str, config_file: Path | None,
                    allow_production: bool) -> dict[str, Any]:
    """The SupaseedResource config: the token of the command's settings, plus the settings file and flags so the
    run page shows what was asked (never the database URL or a secret; the token's settings win in this process)."""
    values = {RESOURCE_FIELDS[k]: v for k, v in flags.items() if k in RESOURCE_FIELDS and v is not None}
    if allow_production:
        values["allow_production"] = True
    if config_file:
        values["config_file"] = str(Path(config_file).resolve())
    # database_url: None: the token's settings hold the URL, and an EnvVar the definitions bound when they were
    # loaded must not be resolved (it may be unset by now: tests run many commands in one process)
    return {"settings_token": settings_token, "database_url": None, **values}


@contextlib.contextmanager
def dagster_instance() -> Iterator[tuple[Any, str]]:
    """The $DAGSTER_HOME instance (the run shows in the UI), else an ephemeral one."""
    import dagster as dg

    if os.environ.get("DAGSTER_HOME"):
        with dg.DagsterInstance.get() as instance:
            yield instance, f"DAGSTER_HOME={os.environ['DAGSTER_HOME']}"
    else:
        with dg.DagsterInstance.ephemeral() as instance:
            yield instance, "ephemeral"


def job_failure(result) -> RunFailed:
    """The failure of a failed run, read from the failed step's user_failure_data.

    Every supaseed step fails with a dg.Failure whose description is the user's line and whose metadata
    says the kind (defs/failures.py); anything else is Dagster's own error, reported with its innermost cause.
    """
    from supaseed_pipeline.defs.failures import ERROR_TYPE, EXIT_KIND, USAGE

    for event in result.all_events:
        if not event.is_step_failure or event.step_failure_data is None:
            continue
        where = f"step {event.step_key} failed in Dagster run {result.run_id}"
        user = event.step_failure_data.user_failure_data
        if user is not None and user.description:
            metadata = {key: getattr(value, "value", value) for key, value in (user.metadata or {}).items()}
            details = [where] + [f"{key}: {metadata[key]}" for key in (ERROR_TYPE, "hint") if metadata.get(key)]
            return RunFailed(user.description, usage=metadata.get(EXIT_KIND) == USAGE, details=details)
        return framework_failure(where, event.step_failure_data.error)
    checks = [f"{e.check_name}: {check_problem(e)}" for e in result.get_asset_check_evaluations() if not e.passed]
    if checks:
        return RunFailed(f"asset check failed: {'; '.join(checks)}", details=[f"Dagster run {result.run_id}"])
    run_failure = next((e for e in result.all_events if e.is_run_failure), None)
    return framework_failure(f"Dagster run {result.run_id} of seed_job failed",
                             getattr(run_failure.event_specific_data, "error", None) if run_failure else None)


def framework_failure(where: str, error) -> RunFailed:
    """A failure Dagster raised itself (not a supaseed step's): its innermost cause in one line, the trace for --debug."""
    if error is None:
        return RunFailed(where)
    innermost = error
    while innermost.cause is not None or innermost.context is not None:
        innermost = innermost.cause or innermost.context
    text = (innermost.message or "").strip()
    head, sep, rest = text.partition(": ")   # format_exception_only's `module.Class: ` prefix
    return RunFailed(f"{where}: {rest if sep and head.split('.')[-1] == innermost.cls_name else text} "
                     "(rerun with --debug for the traceback)", details=[where],
                     trace=redact(error.to_string()).rstrip().splitlines())


def check_problem(evaluation) -> str:
    metadata = {k: getattr(v, "value", v) for k, v in (evaluation.metadata or {}).items()}
    return " ".join(redact(json.dumps(metadata.get("problems") or metadata, default=str)).split())[:300]


def collect_run(report: SeedReport, result, stage_peaks: dict[str, float]) -> None:
    """Rows per table from the assets' `rows_per_table` metadata; seconds, rows and peak memory per step."""
    import dagster as dg

    stages: dict[str, StageFigures] = {}
    for event in result.all_events:
        if event.is_step_materialization:
            materialization = event.step_materialization_data.materialization
            if materialization.asset_key.path == ["seed_batches"]:
                continue   # one batch's rows, which the users/accounts/setups materializations already count
            metadata = materialization.metadata
            left_out = getattr(metadata.get("left_out"), "value", None)
            if isinstance(left_out, dict):
                report.left_out.update(left_out)
            rows = getattr(metadata.get("rows_per_table"), "value", None)
            if not isinstance(rows, dict):
                continue
            stage = stages.setdefault(event.step_key, StageFigures(event.step_key, 0.0))
            for name, count in rows.items():
                report.rows[name] = report.rows.get(name, 0) + int(count)
                stage.rows += int(count)
        elif event.is_step_success:
            stage = stages.setdefault(event.step_key, StageFigures(event.step_key, 0.0))
            stage.seconds = event.event_specific_data.duration_ms / 1000
            stage.peak_rss_mb = stage_peaks.get(event.step_key)
    report.stages.extend(stages.values())
    # warnings (a table left empty, with its reason) are reported, not failures: exit code 3 says it
    report.failed_checks += [f"{e.check_name}: {check_problem(e)}" for e in result.get_asset_check_evaluations()
                             if not e.passed and getattr(e, "severity", None) != dg.AssetCheckSeverity.WARN]
