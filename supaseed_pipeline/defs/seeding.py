"""Stages 4-7 as assets: reference data once, then users -> accounts -> setups over the planned batches.

The seeding assets are not partitioned: "Materialize all" and `dagster asset materialize --select '*'`
seed everything in one run on a fresh instance. The batches are the partitions of `seed_batches`, an
asset the seeding step reports per batch as it commits it; run config `batches` reseeds only some.
"""

import time

import dagster as dg
from pydantic import Field

from supaseed_pipeline.db.connect import Target, connect
from supaseed_pipeline.defs import checks
from supaseed_pipeline.defs.console import per_table_lines
from supaseed_pipeline.defs.failures import RETRY, run_step, user_failure
from supaseed_pipeline.defs.partitions import SEED_BATCHES, add_batches, batch_key, engine_key, sync_batches
from supaseed_pipeline.defs.resources import SupaseedResource
from supaseed_pipeline.metrics import masked_preview, peak_rss_mb
from supaseed_pipeline.plan.graph import ConstraintGraph
from supaseed_pipeline.plan.mapping import TableMapping
from supaseed_pipeline.seed import api, ledger, locking, progress, verify
from supaseed_pipeline.seed.engine import BASE, PartitionResult
from supaseed_pipeline.settings import SeedSettings
from supaseed_pipeline.snapshot.introspect import take_snapshot
from supaseed_pipeline.snapshot.models import SchemaSnapshot

USER_ASSETS = ("users", "accounts", "setups")
OWNERS = ["team:supaseed"]
TAGS = {"domain": "seeding"}
SCHEMA_CHANGED = "the schema changed since it was planned; re-run planning"


class BatchesConfig(dg.Config):
    batches: list[str] = Field(default_factory=list,
                               description="Reseed only these batches (keys of seed_batches); empty: every batch.")


def executed_here(context: dg.AssetExecutionContext, step: str) -> bool:
    """Whether this run executes `step` too (then its output is seconds old, not possibly days)."""
    steps = context.run.step_keys_to_execute   # None: every step of the (possibly subset) job
    return step in steps if steps is not None else context.job_def.has_node_named(step)


def verified_snapshot(context: dg.AssetExecutionContext, target: Target, stored: SchemaSnapshot, *,
                      checked_upstream: tuple[str, ...] = ()) -> SchemaSnapshot:
    """The stored snapshot, compared with the live catalog when planning did not run in this run.

    One catalog read per run: a run that planned (or whose upstream seeding step already compared) reads none.
    """
    if any(executed_here(context, name) for name in ("schema_snapshot", *checked_upstream)):
        return stored
    with connect(target) as conn:   # callers run this inside run_step
        live = take_snapshot(conn)
    if live.fingerprint != stored.fingerprint:
        raise user_failure(f"{SCHEMA_CHANGED} (planned {stored.fingerprint}, the database is now {live.fingerprint})")
    return stored


def requested_batches(context: dg.AssetExecutionContext) -> list[str]:
    """The `batches` run config of user_batches (reference_data reads it too: a full run replaces stale seeds)."""
    ops = (context.run.run_config or {}).get("ops", {})
    return list(ops.get("user_batches", {}).get("config", {}).get("batches", []) or [])


def tables_by_asset(mapping: TableMapping, tables: set[str]) -> dict[str, list[str]]:
    """Which loaded tables each user-driven asset stands for (everything else falls under setups)."""
    users = [t for t in (mapping.user_table, mapping.identities_table) if t and t in tables]
    accounts = [t for t in (mapping.account_table, mapping.membership_table) if t and t in tables and t not in users]
    rest = sorted(t for t in tables if t not in users and t not in accounts)
    return {"users": users, "accounts": accounts, "setups": rest}


def rows_per_table(results: list[PartitionResult], tables: list[str] | None = None) -> dict[str, int]:
    rows: dict[str, int] = {}
    for result in results:
        for table, count in result.rows.items():
            if tables is None or table in tables:
                rows[table] = rows.get(table, 0) + count
    return rows


def result_metadata(results: list[PartitionResult], tables: list[str] | None, seed: int, batches: list[str]) -> dict:
    rows = rows_per_table(results, tables)
    # this asset's own share of the step time: its tables' rows over the batches' time, weighted by rows
    seconds = sum(r.seconds * (sum(n for t, n in r.rows.items() if tables is None or t in tables) / r.total)
                  for r in results if r.total)
    total = sum(rows.values())
    metadata = {
        "dagster/row_count": total,
        "rows_per_table": dg.MetadataValue.json(rows),
        "rows_per_second": round(total / seconds) if seconds > 0 else 0,
        "seconds": round(seconds, 2),
        "peak_rss_mb": peak_rss_mb(),
        "batches": dg.MetadataValue.json(batches),
        "seed": seed,
    }
    left_out = {t: why for r in results for t, why in r.left_out.items()}
    if left_out:   # tables the database refused this run, with the reason and the config fix
        metadata["left_out"] = dg.MetadataValue.json(left_out)
    preview = next(((t, r.preview[t]) for r in results for t in (tables or r.preview) if t in r.preview), None)
    if preview:
        metadata["preview"] = dg.MetadataValue.md(f"**{preview[0]}**\n\n" + masked_preview(preview[1]))
    return metadata


@dg.asset(group_name="seeding", kinds={"polars", "postgres"}, pool="target_db", retry_policy=RETRY,
          owners=OWNERS, tags=TAGS, check_specs=checks.REFERENCE_SPECS)
def reference_data(context: dg.AssetExecutionContext, supaseed: SupaseedResource, schema_snapshot: SchemaSnapshot,
                   table_mapping: TableMapping) -> dg.MaterializeResult:
    """Rows for tables that do not depend on users (lookups and the rest of the schema), loaded once."""
    def seed_reference():
        settings = supaseed.settings()
        target = supaseed.target(settings)
        with ledger.using(settings.ledger_schema):   # the snapshot leaves the ledger schema out; checks read the ledger
            snapshot = verified_snapshot(context, target, schema_snapshot)
            results = api.seed(target, settings, partition_keys=[BASE], dagster_run_id=context.run.run_id,
                               run_token=context.run.tags.get(locking.RUN_TOKEN_TAG),
                               replace_stale=not requested_batches(context), snapshot=snapshot)
            loaded = sorted(rows_per_table(results))
            with connect(target) as conn:
                check = checks.constraints_result(conn, snapshot, loaded, "reference_constraints_hold", "reference_data",
                                                  [BASE])
        return settings, results, check
    settings, results, check = run_step(seed_reference)   # every error leaves as a retry or a one-line failure
    return dg.MaterializeResult(metadata=result_metadata(results, None, settings.seed, [BASE]), check_results=[check])


seed_batches = dg.AssetSpec(
    "seed_batches", partitions_def=SEED_BATCHES, group_name="seeding", deps=list(USER_ASSETS), kinds={"postgres"},
    owners=OWNERS, tags=TAGS,
    # Dagster paints an empty partition set green ("0 partitions"), and the keys need the target's plan, which
    # cannot be read when the definitions load (no database then): so the asset says what the empty set means.
    description="One partition per planned user batch of the current target (`<target hash>-p00000`, ...). "
                "Empty until planning runs: table_mapping registers the batches, so before the first run this "
                "asset shows \"0 partitions\" (green in Dagster's graph) and nothing is seeded yet. A batch turns "
                "green when its users, accounts and setups are committed. It is recorded, not materialized "
                "itself (Dagster labels it external and greys out Materialize): to reseed some batches, launch "
                "seed_job from the Launchpad with `ops: {user_batches: {config: {batches: [<key>, ...]}}}`.",
    metadata={"batches": "registered when planning runs (table_mapping), dropped once a full seed replaced "
                         "them or cleanup removed them; none before the first run",
              "seeded by": "user_batches (users, accounts, setups), one materialization per committed batch"},
)


@dg.multi_asset(
    specs=[
        # the planning documents are this step's inputs (loaded by PlanningDocuments), so they are deps too
        dg.AssetSpec("users", deps=[reference_data, "schema_snapshot", "constraint_graph", "table_mapping"], kinds={"polars", "postgres"}, owners=OWNERS, tags=TAGS,
                     description="Users that can sign in (auth.users + identities on Supabase), over every batch."),
        dg.AssetSpec("accounts", deps=["users"], kinds={"polars", "postgres"}, owners=OWNERS, tags=TAGS,
                     description="Personal accounts (trigger-made, enriched), team accounts and memberships."),
        dg.AssetSpec("setups", deps=["accounts"], kinds={"polars", "postgres"}, owners=OWNERS, tags=TAGS,
                     description="Domain content per user (setups and gear items) and every other user-owned table."),
    ],
    check_specs=checks.BATCH_SPECS,
    group_name="seeding",
    pool="target_db",
    retry_policy=RETRY,
)
def user_batches(context: dg.AssetExecutionContext, config: BatchesConfig, supaseed: SupaseedResource,
                 schema_snapshot: SchemaSnapshot, constraint_graph: ConstraintGraph, table_mapping: TableMapping):
    """Generate and COPY the user batches (each with its accounts and setups in one transaction), then check them."""
    def seed_user_batches():
        settings = supaseed.settings()
        target = supaseed.target(settings)
        with ledger.using(settings.ledger_schema):   # yields stay outside: a generator may resume in another context
            return settings, *_seed_user_batches(context, config, settings, target, schema_snapshot, constraint_graph,
                                                 table_mapping)
    # every error leaves as a retry (transient) or a one-line failure
    settings, results, batches, groups, check_results = run_step(seed_user_batches)
    for asset in USER_ASSETS:
        yield dg.MaterializeResult(asset_key=asset, metadata=result_metadata(results, groups[asset], settings.seed, batches),
                                   check_results=check_results[asset])


def _seed_user_batches(context: dg.AssetExecutionContext, config: BatchesConfig, settings: SeedSettings, target: Target,
                       schema_snapshot: SchemaSnapshot, constraint_graph: ConstraintGraph, table_mapping: TableMapping):
    """user_batches' work: seed the batches, report each as it commits, check them (in the ledger schema)."""
    snapshot = verified_snapshot(context, target, schema_snapshot, checked_upstream=("reference_data",))
    selected = [engine_key(target, k) for k in config.batches] or None
    if selected:
        add_batches(context.instance, [batch_key(target, k) for k in selected])
    started = time.perf_counter()

    def report(result: PartitionResult) -> None:
        if result.key == BASE:   # reference data is reference_data's (a full seed passes over it, unchanged)
            return
        key = batch_key(target, result.key)
        context.log.info(f"batch {key}: {result.total:,} rows in {result.seconds:.2f}s")
        if selected is None and not context.instance.has_dynamic_partition(SEED_BATCHES.name, key):
            add_batches(context.instance, [key])
        context.log_event(dg.AssetMaterialization(asset_key="seed_batches", partition=key, metadata={
            "dagster/row_count": result.total, "rows_per_table": dg.MetadataValue.json(result.rows),
            "seconds": round(result.seconds, 2)}))

    results = api.seed(target, settings, partition_keys=selected, dagster_run_id=context.run.run_id,
                       run_token=context.run.tags.get(locking.RUN_TOKEN_TAG),
                       on_partition=report, replace_stale=selected is None, snapshot=snapshot)
    results = [r for r in results if r.key != BASE]
    batches = [batch_key(target, r.key) for r in results]
    if selected is None:   # a full seed: the instance lists exactly the batches that now exist
        sync_batches(context.instance, batches)
    groups = tables_by_asset(table_mapping, set(rows_per_table(results)))
    progress.announce("checking the seeded rows (asset checks)")   # the CLI's bars name it, not the last table
    with connect(target) as conn:
        # a table the plan skips that keeps rows of its own (MakerKit's one-row config, no key) is not left out
        skipped = {t: why for t, why in constraint_graph.skipped.items() if not verify.has_rows(conn, t)}
        reasons = {**skipped, **{t: why for r in results for t, why in r.left_out.items()}}
        check_results = checks.batch_results(conn, snapshot, table_mapping, settings,
                                             sorted(rows_per_table(results)), batches, reasons,
                                             open_connection=lambda: connect(target, autocommit=True))
    log_summary(context, results, reasons, check_results, time.perf_counter() - started)
    return results, batches, groups, check_results


SUMMARY_LEFT_OUT_LINES = 12   # one screen: the rest is in the tables_in_scope_have_rows check's metadata


def log_summary(context: dg.AssetExecutionContext, results: list[PartitionResult], left_out: dict[str, str],
                check_results: dict[str, list[dg.AssetCheckResult]], seconds: float) -> None:
    """One screen at the end of a run (the last INFO line): rows per table (reference data from this run too),
    the run's time, left-out tables with why, and the checks."""
    rows = rows_per_table(results)
    event = context.instance.get_latest_materialization_event(dg.AssetKey("reference_data"))
    if event and event.run_id == context.run.run_id:
        reference = event.asset_materialization.metadata.get("rows_per_table")
        for table, count in (reference.value if reference else {}).items():
            rows[table] = rows.get(table, 0) + count
    record = context.instance.get_run_record_by_id(context.run.run_id)
    if record is not None and record.start_time:   # the whole run, planning included
        seconds = max(seconds, time.time() - record.start_time)
    lines = [f"seeded {sum(rows.values()):,} rows in {len(rows)} tables, {len(results)} batch(es), {seconds:.1f}s:",
             *per_table_lines(rows)]
    if left_out:
        lines.append(f"left out ({len(left_out)}):")
        # a reason that starts with its table's name is shown as it is, not after the name again
        lines += [f"  {why}" if why.startswith(table) else f"  {table}: {why}"
                  for table, why in sorted(left_out.items())[:SUMMARY_LEFT_OUT_LINES]]
        if len(left_out) > SUMMARY_LEFT_OUT_LINES:
            lines.append(f"  ... and {len(left_out) - SUMMARY_LEFT_OUT_LINES} more (check tables_in_scope_have_rows)")
    evaluated = [(r.check_name, r.passed, r.severity) for per_asset in check_results.values() for r in per_asset]
    # the reference data's check, when its step ran in this run: the run's page counts it with the others
    reference = dg.AssetCheckKey(dg.AssetKey("reference_data"), "reference_constraints_hold")
    history = context.instance.event_log_storage.get_asset_check_execution_history(reference, limit=1)
    evaluation = history[0].event.get_dagster_event().event_specific_data \
        if history and history[0].run_id == context.run.run_id and history[0].event is not None else None
    if isinstance(evaluation, dg.AssetCheckEvaluation):
        evaluated.append((reference.name, evaluation.passed, evaluation.severity))
    failed = [f"{name}{' (warning)' if severity == dg.AssetCheckSeverity.WARN else ''}"
              for name, passed, severity in evaluated if not passed]
    lines.append(f"checks: {len(evaluated) - len(failed)} of {len(evaluated)} passed"
                 + (f"; failed: {', '.join(failed)}" if failed else ""))
    context.log.info("\n".join(lines))
