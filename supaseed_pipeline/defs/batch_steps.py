"""`batch_steps_job`: one Dagster step per user batch, on Dagster's multiprocess executor.

`seed_job` loads every batch inside one step on `workers` threads. This job spreads them over processes
instead: `plan_batches` seeds the reference data (removing stale batches first), takes the run's one
snapshot and fans out one `load_batch` step per batch; the executor runs `max_concurrent` of them at a
time (default: the `workers` setting). Every step holds the target's seeding lock in shared mode under
the run's id, so the run's own steps load side by side while any other seed or cleanup waits. With the
Kubernetes or Celery executor (`dagster-k8s` / `dagster-celery`) the same job runs each step in its own
pod or worker. Same seed and config, same rows as `seed_job` or `supaseed seed`.
"""

import dagster as dg

from supaseed_pipeline.db.connect import connect
from supaseed_pipeline.defs.failures import RETRY, run_step
from supaseed_pipeline.defs.resources import SupaseedResource
from supaseed_pipeline.seed import api, ledger
from supaseed_pipeline.seed.engine import BASE
from supaseed_pipeline.settings import load_settings
from supaseed_pipeline.snapshot.introspect import take_snapshot
from supaseed_pipeline.snapshot.models import SchemaSnapshot


class BatchStepsConfig(dg.Config):
    batches: list[str] = []   # only these batches (keys as `p00003`); empty: every batch of the plan


@dg.op(out={"snapshot": dg.Out(SchemaSnapshot), "batches": dg.DynamicOut(str)})
def plan_batches(context: dg.OpExecutionContext, config: BatchStepsConfig, supaseed: SupaseedResource):
    """The run's one catalog read; reference data (and, for a full run, stale batches removed); one output per batch."""
    settings = run_step(supaseed.settings)
    target = run_step(lambda: supaseed.target(settings))

    def plan():
        with connect(target) as conn, ledger.using(settings.ledger_schema):
            snapshot = take_snapshot(conn)
            prepared = api.prepare(conn, settings, snapshot)
            keys = [p.key for p in api.select_partitions(prepared.engine, conn, None) if p.key != BASE]
        return snapshot, keys

    snapshot, keys = run_step(plan)
    unknown = sorted(set(config.batches) - set(keys))
    if unknown:
        raise dg.Failure(f"unknown batch(es) {', '.join(unknown)}; this plan has {', '.join(keys[:6])}"
                         f"{' ...' if len(keys) > 6 else ''}", allow_retries=False)
    run_step(lambda: api.seed(target, settings, partition_keys=[BASE], dagster_run_id=context.run_id,
                              run_token=context.run_id, replace_stale=not config.batches, snapshot=snapshot))
    # a reseed: every step deletes its batch's previous rows; the indexes that keeps linear are built once
    built = run_step(lambda: api.build_replacement_indexes(target, settings, snapshot))
    if built:
        context.log.info(f"{built} temporary foreign-key index(es) for replacing the previous batches")
    yield dg.Output(snapshot, "snapshot")
    for key in config.batches or keys:
        yield dg.DynamicOutput(key, output_name="batches", mapping_key=key)


@dg.op(retry_policy=RETRY)
def load_batch(context: dg.OpExecutionContext, supaseed: SupaseedResource, snapshot: SchemaSnapshot, batch: str) -> dict:
    """One user batch in its own step (its own process under the multiprocess executor), one transaction."""
    settings = run_step(supaseed.settings).model_copy(update={"workers": 1})
    target = run_step(lambda: supaseed.target(settings))
    results = run_step(lambda: api.seed(target, settings, partition_keys=[batch], dagster_run_id=context.run_id,
                                        run_token=context.run_id, replace_stale=False, snapshot=snapshot,
                                        replacement_indexes=False))
    rows = {table: n for r in results for table, n in r.rows.items()}
    context.add_output_metadata({"rows": sum(rows.values()), "rows_per_table": dg.MetadataValue.json(rows)})
    return rows


@dg.op
def batches_loaded(context: dg.OpExecutionContext, supaseed: SupaseedResource, rows: list[dict]) -> dict:
    """The run's summary: rows per table over every batch step; the temporary indexes go."""
    settings = run_step(supaseed.settings)
    run_step(lambda: api.drop_replacement_indexes(supaseed.target(settings), settings))
    total: dict[str, int] = {}
    for batch in rows:
        for table, n in batch.items():
            total[table] = total.get(table, 0) + n
    context.log.info(f"{len(rows)} batch step(s), {sum(total.values()):,} rows: "
                     + ", ".join(f"{t} {n:,}" for t, n in sorted(total.items())))
    return total


def _max_concurrent() -> int:
    """The settings' `workers` (file and environment, read when the definitions load; no database)."""
    try:
        return load_settings().workers
    except Exception:   # noqa: BLE001 - a broken config fails the run's first step with its own message
        return 1


@dg.job(
    executor_def=dg.multiprocess_executor,
    config={"execution": {"config": {"max_concurrent": _max_concurrent()}},
            "loggers": {"console": {"config": {"log_level": "INFO"}}}},
    description="Seed with one step per user batch on the multiprocess executor (max_concurrent: the workers "
                "setting); run config ops.plan_batches.config.batches: only those batches.",
    tags={"supaseed/kind": "seed"},
)
def batch_steps_job():
    snapshot, batches = plan_batches()
    batches_loaded(batches.map(lambda batch: load_batch(snapshot=snapshot, batch=batch)).collect())
