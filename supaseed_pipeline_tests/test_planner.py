"""The planner without a database: a stored snapshot is enough to generate every partition's rows."""

from __future__ import annotations

from supaseed_pipeline.db.connect import connect
from supaseed_pipeline.plan.graph import build_constraint_graph
from supaseed_pipeline.plan.mapping import detect_mapping
from supaseed_pipeline.seed import api
from supaseed_pipeline.seed.dry_run import DryRun, dry_run
from supaseed_pipeline.seed.engine import SeedEngine
from supaseed_pipeline.settings import load_settings
from supaseed_pipeline.snapshot.introspect import take_snapshot
from supaseed_pipeline.snapshot.models import SchemaSnapshot


def test_planner_runs_from_a_stored_snapshot_with_no_database(demo_db):
    settings = load_settings(overrides={"domain": "outdoor", "userCount": 250, "batchSize": 100, "setupsPerUser": 2,
                                        "tenants": {"count": 3}}, environ={}, use_default_file=False)
    with connect(demo_db) as conn:
        document = take_snapshot(conn).model_dump_json()
    on_target = dry_run(demo_db, settings)

    # from here on, only the JSON document: no connection is given to anything
    snapshot = SchemaSnapshot.model_validate_json(document)
    domain = api.resolve_domain(settings)
    engine = SeedEngine(snapshot, build_constraint_graph(snapshot), detect_mapping(snapshot, settings, domain),
                        settings, domain)
    offline = DryRun.of(engine.dry_run(None, engine.partitions()))

    # user-scoped tables are the same rows either way; reference tables differ only where the target
    # already holds rows (roles, setup types), which a snapshot cannot know
    scoped = {t: n for t, n in on_target.planned.items() if t in engine.user_scoped}
    assert scoped == {t: n for t, n in offline.planned.items() if t in engine.user_scoped}
    assert scoped["auth.users"] == 250 and scoped["public.setups"] == 500 and scoped["public.accounts"] == 3
    assert offline.by_triggers == on_target.by_triggers == {"public.accounts": 250, "public.accounts_memberships": 3}
