"""Jobs, the nightly staging reseed, the schema-change sensor and the failed-batch retry sensor."""


import os

import dagster as dg

from supaseed_pipeline.db.connect import connect
from supaseed_pipeline.defs.partitions import SEED_BATCHES
from supaseed_pipeline.defs.resources import SupaseedResource
from supaseed_pipeline.seed import api
from supaseed_pipeline.seed.engine import BASE
from supaseed_pipeline.snapshot.introspect import take_snapshot

NIGHTLY_CRON = os.environ.get("SUPASEED_NIGHTLY_CRON", "0 3 * * *")
NIGHTLY_TIMEZONE = os.environ.get("SUPASEED_NIGHTLY_TIMEZONE", "UTC")
MAX_BATCH_RETRIES = 3

seed_job = dg.define_asset_job(
    "seed_job", selection=dg.AssetSelection.all(),
    description="Snapshot, plan and seed the target: every batch when run without a partition, one batch with one.",
    tags={"supaseed/kind": "seed"},
)
introspect_job = dg.define_asset_job("introspect_job", selection=dg.AssetSelection.groups("planning"),
                                     description="Snapshot the schema, build the constraint graph and the table mapping.")


class CleanupConfig(dg.Config):
    force: bool = False
    partitions: list[str] = []


@dg.op
def remove_seeded_rows(context: dg.OpExecutionContext, config: CleanupConfig, supaseed: SupaseedResource) -> None:
    """Delete exactly the rows the ledger records (children first); refuses without force."""
    if not config.force:
        raise dg.Failure("cleanup needs force: true in its config (it deletes every seeded row)")
    settings = supaseed.settings()
    deleted = api.cleanup(supaseed.target(settings), settings, partition_keys=config.partitions or None)
    context.log.info(f"deleted {sum(deleted.values())} rows: {deleted}")


@dg.op
def report_status(context: dg.OpExecutionContext, supaseed: SupaseedResource) -> dict:
    """Log what is seeded: rows and partitions per table, and the runs that seeded them."""
    status = api.status(supaseed.target())
    for table, figures in status["tables"].items():
        context.log.info(f"{table}: {figures['rows']} rows in {figures['partitions']} partition(s)")
    return {"tables": status["tables"], "partitions": len(status["partitions"])}


@dg.job(description="Remove exactly what supaseed seeded (config: force: true).")
def cleanup_job():
    remove_seeded_rows()


@dg.job(description="Show what is seeded in the target.")
def status_job():
    report_status()


def batch_keys(supaseed: SupaseedResource) -> list[str]:
    settings = supaseed.settings()
    with connect(supaseed.target(settings)) as conn:
        prepared = api.prepare(conn, settings)
        return [k for k in prepared.engine.partition_keys(conn) if k != BASE]


@dg.schedule(job=seed_job, cron_schedule=NIGHTLY_CRON, execution_timezone=NIGHTLY_TIMEZONE,
             default_status=dg.DefaultScheduleStatus.STOPPED)
def nightly_staging_reseed(context: dg.ScheduleEvaluationContext, supaseed: SupaseedResource):
    """Every night: each batch run replaces that batch's previous rows with a fresh seed (one run key per day and batch)."""
    day = context.scheduled_execution_time.strftime("%Y-%m-%d")
    keys = batch_keys(supaseed)
    known = set(context.instance.get_dynamic_partitions(SEED_BATCHES.name))
    missing = [k for k in keys if k not in known]
    if missing:
        context.instance.add_dynamic_partitions(SEED_BATCHES.name, missing)
    for key in keys:
        yield dg.RunRequest(run_key=f"{day}:{key}", partition_key=key,
                            tags={"supaseed/target": supaseed.target().identity, "supaseed/trigger": "nightly"})


@dg.sensor(job=seed_job, minimum_interval_seconds=300, default_status=dg.DefaultSensorStatus.STOPPED)
def reseed_on_schema_change(context: dg.SensorEvaluationContext, supaseed: SupaseedResource):
    """When the target's schema fingerprint changes, re-snapshot, re-plan and reseed everything."""
    target = supaseed.target()
    with connect(target) as conn:
        fingerprint = take_snapshot(conn).fingerprint
    previous = context.cursor
    if previous is None:
        event = context.instance.get_latest_materialization_event(dg.AssetKey("schema_snapshot"))
        materialization = event.asset_materialization if event else None
        previous = materialization.metadata["fingerprint"].value if materialization and "fingerprint" in materialization.metadata else None
    context.update_cursor(fingerprint)
    if previous is None or previous == fingerprint:
        return dg.SkipReason(f"schema fingerprint {fingerprint} unchanged")
    return dg.RunRequest(run_key=f"schema:{fingerprint}",
                         tags={"supaseed/target": target.identity, "supaseed/trigger": "schema-change",
                               "supaseed/previous_fingerprint": previous})


@dg.run_failure_sensor(monitored_jobs=[seed_job], request_job=seed_job, default_status=dg.DefaultSensorStatus.STOPPED)
def retry_failed_batches(context: dg.RunFailureSensorContext):
    """Re-request a failed batch run, at most MAX_BATCH_RETRIES times."""
    run = context.dagster_run
    attempt = int(run.tags.get("supaseed/retry", "0"))
    partition = run.tags.get("dagster/partition")
    if attempt >= MAX_BATCH_RETRIES:
        return dg.SkipReason(f"run {run.run_id} failed {attempt + 1} times; not retrying")
    tags = {k: v for k, v in run.tags.items() if k.startswith("supaseed/")} | {"supaseed/retry": str(attempt + 1)}
    return dg.RunRequest(run_key=f"retry:{run.run_id}", partition_key=partition, tags=tags)


JOBS = [seed_job, introspect_job, cleanup_job, status_job]
SCHEDULES = [nightly_staging_reseed]
SENSORS = [reseed_on_schema_change, retry_failed_batches]
