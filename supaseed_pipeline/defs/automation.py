"""Jobs, the nightly staging reseed and the schema-change sensor.

Failures are retried where they happen: each seeding asset's RetryPolicy retries transient errors
(lost connection, lock timeout, serialization failure, busy target); permanent ones fail at once.
Run-level retries (dagster.yaml `run_retries`) only re-run runs that died outside a step.
"""

import os

import dagster as dg

from supaseed_pipeline.db.connect import connect
from supaseed_pipeline.defs.console import per_table_lines
from supaseed_pipeline.defs.failures import USAGE, run_step, user_failure
from supaseed_pipeline.defs.partitions import sync_batches
from supaseed_pipeline.defs.resources import TARGET_TAG, SupaseedResource
from supaseed_pipeline.defs.seeding import USER_ASSETS
from supaseed_pipeline.seed import api, ledger
from supaseed_pipeline.snapshot.introspect import take_snapshot

NIGHTLY_CRON = os.environ.get("SUPASEED_NIGHTLY_CRON", "0 3 * * *")
NIGHTLY_TIMEZONE = os.environ.get("SUPASEED_NIGHTLY_TIMEZONE", "UTC")

# INFO, not DEBUG: a CLI run shows batch progress and the closing summary, not ~50 event lines
QUIET = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}

seed_job = dg.define_asset_job(
    "seed_job", selection=dg.AssetSelection.all(), config=QUIET,
    description="Snapshot, plan and seed the target in one run (run config user_batches.batches: only those batches).",
    tags={"supaseed/kind": "seed"},
)
introspect_job = dg.define_asset_job("introspect_job", selection=dg.AssetSelection.groups("planning"), config=QUIET,
                                     description="Snapshot the schema, build the constraint graph and the table mapping.")


class CleanupConfig(dg.Config):
    force: bool = False
    partitions: list[str] = []


@dg.op
def remove_seeded_rows(context: dg.OpExecutionContext, config: CleanupConfig, supaseed: SupaseedResource) -> None:
    """Delete exactly the rows the ledger records (children first); refuses without force."""
    if not config.force:
        raise user_failure("cleanup needs force: true in its config (it deletes every seeded row)", kind=USAGE)
    settings = run_step(supaseed.settings)
    deleted = run_step(lambda: api.cleanup(supaseed.target(settings), settings, partition_keys=config.partitions or None))
    if not config.partitions:
        for event in record_cleanup(context.instance, sum(deleted.values()), "cleanup_job"):
            context.log_event(event)
    lines = [f"deleted {sum(deleted.values()):,} rows in {len(deleted)} tables:", *per_table_lines(deleted)]
    if deleted.missing:
        lines.append("already gone (recorded, deleted by someone else before): " + ", ".join(
            f"{table} {count:,}" for table, count in sorted(deleted.missing.items())))
    context.log.info("\n".join(lines))


def record_cleanup(instance: dg.DagsterInstance, removed_rows: int, by: str) -> list[dg.AssetMaterialization]:
    """What the instance shows after a full cleanup: no batches (none may show green), and for each seeding
    asset a materialization of no rows (the UI shows that, not the last seed's counts). Batches are removed
    here; the materializations are returned for the caller to log (in a run) or report (the CLI, runless)."""
    sync_batches(instance, [])
    return [dg.AssetMaterialization(asset_key=asset, description=f"every seeded row removed by {by}",
                                    metadata={"dagster/row_count": 0, "removed_rows": removed_rows})
            for asset in ("reference_data", *USER_ASSETS)]


@dg.op
def report_status(context: dg.OpExecutionContext, supaseed: SupaseedResource) -> dict:
    """Log what is seeded: rows and partitions per table, and the runs that seeded them."""
    settings = run_step(supaseed.settings)
    status = run_step(lambda: api.status(supaseed.target(settings), settings))
    for table, figures in status["tables"].items():
        context.log.info(f"{table}: {figures['rows']} rows in {figures['partitions']} partition(s)")
    return {"tables": status["tables"], "partitions": len(status["partitions"])}


@dg.job(description="Remove exactly what supaseed seeded (config: force: true).")
def cleanup_job():
    remove_seeded_rows()


@dg.job(description="Show what is seeded in the target.")
def status_job():
    report_status()


@dg.schedule(job=seed_job, cron_schedule=NIGHTLY_CRON, execution_timezone=NIGHTLY_TIMEZONE,
             default_status=dg.DefaultScheduleStatus.STOPPED,
             description="Nightly staging reseed: one run that re-plans and replaces every batch with a fresh seed.")
def nightly_staging_reseed(context: dg.ScheduleEvaluationContext, supaseed: SupaseedResource):
    day = context.scheduled_execution_time.strftime("%Y-%m-%d")
    return dg.RunRequest(run_key=f"nightly:{day}",
                         tags={TARGET_TAG: supaseed.target().identity, "supaseed/trigger": "nightly"})


@dg.sensor(job=seed_job, minimum_interval_seconds=300, default_status=dg.DefaultSensorStatus.STOPPED,
           description="When the target's schema fingerprint differs from the last planned snapshot, re-plan and reseed.")
def reseed_on_schema_change(context: dg.SensorEvaluationContext, supaseed: SupaseedResource):
    settings = supaseed.settings()
    target = supaseed.target(settings)
    with connect(target) as conn, ledger.using(settings.ledger_schema):   # as schema_snapshot reads it
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
                         tags={TARGET_TAG: target.identity, "supaseed/trigger": "schema-change",
                               "supaseed/previous_fingerprint": previous})
