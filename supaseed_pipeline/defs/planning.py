"""Stages 1-3 as assets: schema snapshot -> constraint graph -> table mapping."""


import json

import dagster as dg

from supaseed_pipeline.db.connect import connect
from supaseed_pipeline.defs.partitions import SEED_BATCHES
from supaseed_pipeline.defs.resources import SupaseedResource
from supaseed_pipeline.documents import save_document
from supaseed_pipeline.plan.graph import build_constraint_graph
from supaseed_pipeline.plan.mapping import detect_mapping
from supaseed_pipeline.seed.api import prepare
from supaseed_pipeline.seed.engine import BASE
from supaseed_pipeline.snapshot.introspect import take_snapshot
from supaseed_pipeline.snapshot.models import SchemaSnapshot


def snapshot_summary(snapshot: SchemaSnapshot) -> str:
    lines = ["| table | columns | PK | FKs | uniques | checks | triggers | RLS |", "|---|---|---|---|---|---|---|---|"]
    for t in snapshot.tables[:60]:
        lines.append(f"| {t.qualified} | {len(t.columns)} | {', '.join(t.primary_key.columns) if t.primary_key else '—'} | "
                     f"{len(t.foreign_keys)} | {len(t.unique_constraints) + len(t.unique_indexes)} | {len(t.checks)} | "
                     f"{len(t.triggers)} | {'on' if t.rls_enabled else 'off'} |")
    return "\n".join(lines)


@dg.asset(group_name="planning", kinds={"postgres"})
def schema_snapshot(context: dg.AssetExecutionContext, supaseed: SupaseedResource) -> dg.MaterializeResult:
    """Introspect the target's catalog into a versioned, fingerprinted schema document."""
    target = supaseed.target()
    with connect(target) as conn:
        snapshot = take_snapshot(conn)
    path = save_document(target, "schema_snapshot", snapshot.to_json(), archive_as=snapshot.fingerprint)
    return dg.MaterializeResult(metadata={
        "fingerprint": snapshot.fingerprint,
        "target": target.display,
        "tables": len(snapshot.tables),
        "views": len(snapshot.views),
        "server_version": snapshot.server_version,
        "document": dg.MetadataValue.path(str(path)),
        "summary": dg.MetadataValue.md(snapshot_summary(snapshot)),
    })


@dg.asset(group_name="planning", deps=[schema_snapshot], kinds={"python"})
def constraint_graph(context: dg.AssetExecutionContext, supaseed: SupaseedResource) -> dg.MaterializeResult:
    """Plan the load: FK order, parallel batches, cycles and how each is broken, rules per table."""
    target = supaseed.target()
    with connect(target) as conn:
        snapshot = take_snapshot(conn)
    graph = build_constraint_graph(snapshot)
    path = save_document(target, "constraint_graph", graph.model_dump_json(indent=1))
    rules = {name: {"unique": plan.unique_sets, "checks": plan.parsed_checks, "filtered_by_db": plan.unparsed_checks}
             for name, plan in graph.tables.items() if plan.parsed_checks or plan.unparsed_checks or plan.unique_sets}
    return dg.MaterializeResult(metadata={
        "fingerprint": graph.fingerprint,
        "load_order": dg.MetadataValue.json(graph.load_order),
        "batches": dg.MetadataValue.json(graph.batches),
        "cycles": dg.MetadataValue.json([c.model_dump() for c in graph.cycles]),
        "trigger_effects": dg.MetadataValue.json([e.model_dump() for e in graph.trigger_effects]),
        "rules": dg.MetadataValue.json(rules),
        "skipped": dg.MetadataValue.json(graph.skipped),
        "document": dg.MetadataValue.path(str(path)),
    })


@dg.asset(group_name="planning", deps=[constraint_graph], kinds={"python"})
def table_mapping(context: dg.AssetExecutionContext, supaseed: SupaseedResource) -> dg.MaterializeResult:
    """Detect the framework, resolve users/accounts/setups roles, and register the user batches."""
    settings = supaseed.settings()
    target = supaseed.target(settings)
    with connect(target) as conn:
        prepared = prepare(conn, settings)
        keys = [k for k in prepared.engine.partition_keys(conn) if k != BASE]
    existing = set(context.instance.get_dynamic_partitions(SEED_BATCHES.name))
    missing = [k for k in keys if k not in existing]
    for start in range(0, len(missing), 1000):  # sqlite limits the size of one insert
        context.instance.add_dynamic_partitions(SEED_BATCHES.name, missing[start:start + 1000])
    path = save_document(target, "table_mapping", prepared.mapping.model_dump_json(indent=1))
    return dg.MaterializeResult(metadata={
        "framework": prepared.mapping.framework,
        "evidence": dg.MetadataValue.json(prepared.mapping.evidence),
        "roles": dg.MetadataValue.json(prepared.mapping.model_dump(exclude={"evidence"}, exclude_none=True)),
        "plan": dg.MetadataValue.json(json.loads(json.dumps(prepared.engine.describe(), default=str))),
        "partitions": len(keys),
        "document": dg.MetadataValue.path(str(path)),
    })


ASSETS = [schema_snapshot, constraint_graph, table_mapping]
