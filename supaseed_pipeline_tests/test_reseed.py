"""A full reseed under a changed config replaces the stale partitions the way cleanup removes them:
partition by partition (each committed on its own), ending with exactly the rows of a fresh seed."""

from __future__ import annotations

import polars as pl

from supaseed_pipeline.db.connect import connect, drop_database
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


def test_an_update_after_a_cleanup_probes_the_key_whatever_the_statistics_say(fresh_db):
    """A table emptied (as cleanup empties it), vacuumed without truncation and analyzed keeps its pages with
    reltuples 0, so until the next ANALYZE every row looks like none. The UPDATE of 1,000 of its 20,000 rows
    (what the accounts enrichment does for each batch of a reseed) still reaches them by key: it reads about
    1,000 index entries, not the whole index once per stage row."""
    from supaseed_pipeline.seed import load
    from supaseed_pipeline.snapshot.introspect import take_snapshot

    with connect(fresh_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE public.trapped (id int PRIMARY KEY, note text)")
        conn.execute("INSERT INTO public.trapped SELECT g, 'old' FROM generate_series(1, 40000) g")
        conn.execute("DELETE FROM public.trapped")
        conn.execute("VACUUM (TRUNCATE false) public.trapped")
        conn.execute("ANALYZE public.trapped")
        assert conn.execute("SELECT relpages > 0 AND reltuples = 0 FROM pg_class "
                            "WHERE oid = 'public.trapped'::regclass").fetchone()[0]
        conn.execute("INSERT INTO public.trapped SELECT g, 'old' FROM generate_series(1, 20000) g")
        table = take_snapshot(conn).table("public.trapped")

        def entries_read() -> int:
            conn.execute("SELECT pg_stat_force_next_flush()")
            conn.execute("SELECT pg_stat_clear_snapshot()")
            return conn.execute("SELECT idx_tup_read FROM pg_stat_user_indexes "
                                "WHERE indexrelid = 'public.trapped_pkey'::regclass").fetchone()[0]

        before = entries_read()
        frame = pl.DataFrame({"id": list(range(5001, 6001)), "note": ["new"] * 1000})
        with conn.transaction():
            assert load.update_columns(conn, table, ["id"], frame) == 1000
        read = entries_read() - before
        assert conn.execute("SELECT count(*) FROM public.trapped WHERE note = 'new'").fetchone()[0] == 1000
    assert read <= 2000, f"{read:,} index entries read for 1,000 rows: the UPDATE scanned the index per stage row"


def test_the_seeded_rows_check_counts_rows_deleted_since_per_partition(demo_db):
    """The `seeded_rows_present` check counts, on the server, the recorded keys whose rows are gone: per table
    and partition, exactly; nothing when every row is there; the same on several connections."""
    from supaseed_pipeline.seed import verify
    from supaseed_pipeline.snapshot.introspect import take_snapshot

    api.seed(demo_db, load_settings(overrides={"userCount": 60, "batchSize": 20, "setupsPerUser": 2},
                                    environ={}, use_default_file=False))
    with connect(demo_db, autocommit=True) as conn:
        snapshot = take_snapshot(conn)
        assert verify.missing_seeded_rows(conn, snapshot) == []
        # 3 setups of batch p00001 (and their gear items, by cascade) and 2 of p00002, deleted behind supaseed's back
        for partition, count in (("p00001", 3), ("p00002", 2)):
            conn.execute(ledger.sql_text(
                "DELETE FROM public.setups WHERE id::text IN (SELECT unnest(coalesce(keys, uuids::text[])) FROM supaseed.seeded_keys "
                "WHERE table_name = 'public.setups' AND partition_key LIKE %s ORDER BY 1 LIMIT %s)"),
                (f"%{partition}", count))
        recorded = dict(conn.execute(ledger.sql_text(
            "SELECT partition_key, sum(cardinality(coalesce(keys, uuids::text[])))::int FROM supaseed.seeded_keys "
            "WHERE table_name = 'public.setups' GROUP BY 1")).fetchall())
        everything = verify.missing_seeded_rows(conn, snapshot)
        problems = [p for p in everything if p.startswith("public.setups ")]
        # counted in slices on three connections: the same lines
        assert verify.missing_seeded_rows(conn, snapshot, workers=3,
                                          open_connection=lambda: connect(demo_db, autocommit=True)) == everything
        # the gear items the cascade took, per partition, by an anti-join of their own
        items_gone = dict(conn.execute(ledger.sql_text(
            "SELECT s.partition_key, count(*)::int FROM supaseed.seeded_keys s, unnest(coalesce(s.keys, s.uuids::text[])) k "
            "WHERE s.table_name = 'public.gear_items' AND NOT EXISTS (SELECT 1 FROM public.gear_items g "
            "WHERE g.id::text = k) GROUP BY 1")).fetchall())
    assert len(items_gone) == 2
    assert sorted(p.split(":")[0] + ":" + p.split(":")[1].split(" of ")[0] for p in everything
                  if p.startswith("public.gear_items ")) == sorted(
        f"public.gear_items partition {key}: {count}" for key, count in items_gone.items())
    by_partition = {key: recorded[key] for key in recorded if key.endswith(("p00001", "p00002"))}
    assert len(problems) == len(by_partition) == 2
    assert sorted(problems) == sorted(
        f"public.setups partition {key}: {3 if key.endswith('p00001') else 2} of {total} seeded rows missing"
        for key, total in by_partition.items())
