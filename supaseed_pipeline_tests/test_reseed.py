"""A full reseed under a changed config replaces the stale partitions the way cleanup removes them:
partition by partition (each committed on its own), ending with exactly the rows of a fresh seed."""

from __future__ import annotations

from supaseed_pipeline.db.connect import drop_database
from supaseed_pipeline.seed import api, ledger
from supaseed_pipeline.settings import load_settings
from supaseed_pipeline_tests.test_data_safety import execute
from supaseed_pipeline_tests.test_workers import checksums, clone


def settings(**overrides):
    return load_settings(overrides={"userCount": 60, "batchSize": 20, "setupsPerUser": 2,
                                    "tables": {"public.notes": {"skip": True}}, **overrides},
                         environ={}, use_default_file=False)


def test_a_reseed_removes_stale_partitions_batch_by_batch_and_ends_like_a_fresh_seed(pg_server, demo_db, monkeypatch):
    fresh = clone(pg_server, demo_db, "fresh")
    try:
        # an FK without an index into a seeded table (a table left unseeded): the removal indexes it for a while
        for target in (demo_db, fresh):
            execute(target, "CREATE TABLE public.notes (id serial PRIMARY KEY, setup_id uuid REFERENCES public.setups (id))")
        api.seed(fresh, settings(seed=2))
        api.seed(demo_db, settings(seed=1))
        steps = []
        remove = ledger.remove_partitions

        def spy(*args, **kwargs):
            kwargs["progress"] = steps.append
            return remove(*args, **kwargs)

        monkeypatch.setattr(ledger, "remove_partitions", spy)
        api.seed(demo_db, settings(seed=2))   # every partition is stale: another seed
        # one committed step per batch, then the base
        assert [s.partitions for s in steps] == [["p00000"], ["p00001"], ["p00002"], ["base"]]
        assert checksums(demo_db) == checksums(fresh)
        assert execute(demo_db, "SELECT count(*) FROM pg_class WHERE relname LIKE 'supaseed_cleanup_%%'")[0][0] == 0
    finally:
        drop_database(pg_server, fresh.dbname)
