"""Stages 1-3 as assets: schema snapshot -> constraint graph -> table mapping, each handing its document on.

Only schema_snapshot reads the catalog; the graph and the mapping are built from the snapshot they are
given (PlanningDocuments stores and loads them), so the lineage in the UI is what flowed.
"""

import json

import dagster as dg

from supaseed_pipeline.db.connect import connect
from supaseed_pipeline.defs.failures import RETRY, run_step, user_failure
from supaseed_pipeline.defs.partitions import add_batches, batch_key, target_tag
from supaseed_pipeline.defs.resources import SupaseedResource
from supaseed_pipeline.plan.graph import ConstraintGraph, build_constraint_graph
from supaseed_pipeline.plan.mapping import TableMapping
from supaseed_pipeline.seed import ledger
from supaseed_pipeline.seed.api import prepare
from supaseed_pipeline.seed.engine import BASE
from supaseed_pipeline.snapshot.introspect import take_snapshot
from supaseed_pipeline.snapshot.models import SchemaSnapshot

OWNERS = ["team:supaseed"]
TAGS = {"domain": "planning"}


def snapshot_summary(snapshot: SchemaSnapshot) -> str:
    lines = ["| table | columns | PK | FKs | uniques | checks | triggers | RLS |", "|---|---|---|---|---|---|---|---|"]
    for t in snapshot.tables[:60]:
        lines.append(f"| {t.qualified} | {len(t.columns)} | {', '.join(t.primary_key.columns) if t.primary_key else '—'} | "
                     f"{len(t.foreign_keys)} | {len(t.unique_constraints) + len(t.unique_indexes)} | {len(t.checks)} | "
                     f"{len(t.triggers)} | {'on' if t.rls_enabled else 'off'} |")
    return "\n".join(lines)


@dg.asset(group_name="planning", kinds={"postgres"}, io_manager_key="planning_documents", owners=OWNERS, tags=TAGS,
          retry_policy=RETRY)
def schema_snapshot(context: dg.AssetExecutionContext, supaseed: SupaseedResource) -> dg.Output[SchemaSnapshot]:
    """Introspect the target's catalog into a versioned, fingerprinted schema document (the run's only catalog
    read; a `supaseed seed` hands over the snapshot it planned with instead, so the command reads it once)."""
    settings = run_step(supaseed.settings)
    target = run_step(lambda: supaseed.target(settings))

    def read_catalog() -> SchemaSnapshot:
        with connect(target) as conn, ledger.using(settings.ledger_schema):   # the ledger's schema is left out
            return take_snapshot(conn)
    handed = supaseed.handed_snapshot()
    snapshot = handed if handed is not None else run_step(read_catalog)
    return dg.Output(snapshot, metadata={
        "read_by": "the supaseed command that launched this run" if handed is not None else "this step",
        "fingerprint": snapshot.fingerprint,
        "target": target.display,
        "tables": len(snapshot.tables),
        "views": len(snapshot.views),
        "server_version": snapshot.server_version,
        "summary": dg.MetadataValue.md(snapshot_summary(snapshot)),
    })


@dg.asset(group_name="planning", kinds={"python"}, io_manager_key="planning_documents", owners=OWNERS, tags=TAGS)
def constraint_graph(context: dg.AssetExecutionContext, schema_snapshot: SchemaSnapshot) -> dg.Output[ConstraintGraph]:
    """Plan the load from the stored snapshot: FK order, parallel batches, cycles and how each is broken, rules per table."""
    graph = build_constraint_graph(schema_snapshot)
    rules = {name: {"unique": plan.unique_sets, "checks": plan.parsed_checks, "filtered_by_db": plan.unparsed_checks}
             for name, plan in graph.tables.items() if plan.parsed_checks or plan.unparsed_checks or plan.unique_sets}
    return dg.Output(graph, metadata={
        "fingerprint": graph.fingerprint,
        "load_order": dg.MetadataValue.json(graph.load_order),
        "batches": dg.MetadataValue.json(graph.batches),
        "cycles": dg.MetadataValue.json([c.model_dump() for c in graph.cycles]),
        "trigger_effects": dg.MetadataValue.json([e.model_dump() for e in graph.trigger_effects]),
        "rules": dg.MetadataValue.json(rules),
        "skipped": dg.MetadataValue.json(graph.skipped),
    })


@dg.asset(group_name="planning", kinds={"python"}, io_manager_key="planning_documents", owners=OWNERS, tags=TAGS,
          retry_policy=RETRY)
def table_mapping(context: dg.AssetExecutionContext, supaseed: SupaseedResource, schema_snapshot: SchemaSnapshot,
                  constraint_graph: ConstraintGraph) -> dg.Output[TableMapping]:
    """Detect the framework and the users/accounts/setups roles, and register the planned user batches."""
    if constraint_graph.fingerprint != schema_snapshot.fingerprint:
        raise user_failure(f"the constraint graph was built from schema {constraint_graph.fingerprint}, the stored "
                           f"snapshot is {schema_snapshot.fingerprint}", hint="re-run planning")
    settings = run_step(supaseed.settings)
    target = run_step(lambda: supaseed.target(settings))

    def plan():
        # existing users (use-existing / hybrid) decide the batch count; those the ledger records are left out
        with connect(target) as conn, ledger.using(settings.ledger_schema):
            prepared = prepare(conn, settings, schema_snapshot)
            return prepared, [batch_key(target, k) for k in prepared.engine.partition_keys(conn) if k != BASE]
    prepared, keys = run_step(plan)
    # only added: batches the plan no longer has stay listed while the target holds their rows (the full
    # seed that replaces them, or cleanup, removes them); a run refused after planning changes nothing
    added = add_batches(context.instance, keys)
    return dg.Output(prepared.mapping, metadata={
        "framework": prepared.mapping.framework,
        "evidence": dg.MetadataValue.json(prepared.mapping.evidence),
        "roles": dg.MetadataValue.json(prepared.mapping.model_dump(exclude={"evidence"}, exclude_none=True)),
        "plan": dg.MetadataValue.json(json.loads(json.dumps(prepared.engine.describe(), default=str))),
        "target_tag": target_tag(target),
        "batches": len(keys),
        "batches_added": len(added),
        "config_fingerprint": settings.fingerprint(),
    })
