"""Stages 4-7 as assets: reference data once, then users -> accounts -> setups per user batch."""


import time

import dagster as dg

from supaseed_pipeline.defs.partitions import SEED_BATCHES
from supaseed_pipeline.defs.planning import table_mapping
from supaseed_pipeline.defs.resources import SupaseedResource
from supaseed_pipeline.errors import ConnectionFailed, SupaseedError
from supaseed_pipeline.metrics import masked_preview, peak_rss_mb
from supaseed_pipeline.seed import api
from supaseed_pipeline.seed.engine import BASE, PartitionResult

RETRY = dg.RetryPolicy(max_retries=2, delay=2, backoff=dg.Backoff.EXPONENTIAL)
USER_ASSETS = ("users", "accounts", "setups")


def _user_errors_fail_without_retry(call):
    """A SupaseedError is about the schema or config: retrying cannot help, so fail the step at once."""
    try:
        return call()
    except ConnectionFailed:
        raise  # the database may come back: let the retry policy try again
    except SupaseedError as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from None


def tables_by_asset(prepared: api.Prepared) -> dict[str, list[str]]:
    """Which physical tables each user-driven asset stands for (everything else falls under setups)."""
    mapping = prepared.mapping
    users = [t for t in (mapping.user_table, mapping.identities_table) if t]
    accounts = [t for t in (mapping.account_table, mapping.membership_table) if t and t not in users]
    rest = [t for t in prepared.engine.user_scoped if t not in users and t not in accounts]
    return {"users": users, "accounts": accounts, "setups": sorted(rest)}


def result_metadata(results: list[PartitionResult], tables: list[str] | None, seed: int, seconds: float) -> dict:
    rows: dict[str, int] = {}
    preview = None
    for result in results:
        for table, count in result.rows.items():
            if tables is None or table in tables:
                rows[table] = rows.get(table, 0) + count
                if preview is None and table in result.preview:
                    preview = (table, result.preview[table])
    total = sum(rows.values())
    metadata = {
        "dagster/row_count": total,
        "rows_per_table": dg.MetadataValue.json(rows),
        "rows_per_second": round(total / seconds) if seconds > 0 else 0,
        "seconds": round(seconds, 2),
        "peak_rss_mb": peak_rss_mb(),
        "partitions": dg.MetadataValue.json([r.key for r in results]),
        "seed": seed,
    }
    if preview:
        metadata["preview"] = dg.MetadataValue.md(f"**{preview[0]}**\n\n" + masked_preview(preview[1]))
    return metadata


@dg.asset(group_name="seeding", deps=[table_mapping], kinds={"polars", "postgres"}, pool="target_db", retry_policy=RETRY)
def reference_data(context: dg.AssetExecutionContext, supaseed: SupaseedResource) -> dg.MaterializeResult:
    """Rows for tables that do not depend on users (lookups and the rest of the schema), loaded once."""
    settings = supaseed.settings()
    started = time.perf_counter()
    full_run = not context.run.tags.get("dagster/partition")   # a whole-dataset run replaces an older seed
    results = _user_errors_fail_without_retry(lambda: api.seed(
        supaseed.target(settings), settings, partition_keys=[BASE], dagster_run_id=context.run.run_id,
        replace_stale=full_run))
    return dg.MaterializeResult(metadata=result_metadata(results, None, settings.seed, time.perf_counter() - started))


@dg.multi_asset(
    specs=[
        dg.AssetSpec("users", deps=[reference_data], kinds={"polars", "postgres"},
                     description="Users that can sign in (auth.users + identities on Supabase), per batch."),
        dg.AssetSpec("accounts", deps=["users"], kinds={"polars", "postgres"},
                     description="Personal accounts (trigger-made, enriched), team accounts and memberships."),
        dg.AssetSpec("setups", deps=["accounts"], kinds={"polars", "postgres"},
                     description="Domain content per user (setups and gear items) and every other user-owned table."),
    ],
    partitions_def=SEED_BATCHES,
    group_name="seeding",
    pool="target_db",
    retry_policy=RETRY,
)
def user_batches(context: dg.AssetExecutionContext, supaseed: SupaseedResource):
    """Generate and COPY one batch of users with their accounts and setups in one transaction."""
    settings = supaseed.settings()
    target = supaseed.target(settings)
    keys = list(context.partition_keys) if (context.has_partition_key or context.has_partition_key_range) else None
    started = time.perf_counter()
    from supaseed_pipeline.db.connect import connect

    with connect(target) as conn:
        prepared = api.prepare(conn, settings)
        all_keys = [k for k in prepared.engine.partition_keys(conn) if k != BASE]
    selected = keys if keys is not None else all_keys
    groups = tables_by_asset(prepared)

    def report(result: PartitionResult) -> None:
        context.log.info(f"{result.key}: {result.total} rows in {result.seconds:.2f}s")
        if keys is None:  # an unpartitioned (CI) run covers every batch: record each one
            for asset in USER_ASSETS:
                rows = sum(n for t, n in result.rows.items() if t in groups[asset])
                context.log_event(dg.AssetMaterialization(asset_key=asset, partition=result.key,
                                                          metadata={"dagster/row_count": rows}))

    if keys is None and all_keys:
        known = set(context.instance.get_dynamic_partitions(SEED_BATCHES.name))
        missing = [k for k in all_keys if k not in known]
        for start in range(0, len(missing), 1000):
            context.instance.add_dynamic_partitions(SEED_BATCHES.name, missing[start:start + 1000])
    results = _user_errors_fail_without_retry(lambda: api.seed(
        target, settings, partition_keys=selected, dagster_run_id=context.run.run_id, on_partition=report,
        replace_stale=keys is None))
    seconds = time.perf_counter() - started
    for asset in USER_ASSETS:
        yield dg.MaterializeResult(asset_key=asset, metadata=result_metadata(results, groups[asset], settings.seed, seconds))


ASSETS = [reference_data, user_batches]
