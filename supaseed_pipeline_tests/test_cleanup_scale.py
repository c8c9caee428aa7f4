"""Cleanup at scale (issue 14): linear in the rows seeded, partition by partition, resumable, exact.

Linearity is asserted on the work the server does, not on wall time (the test machines are shared):
the rows read by sequential scans of the seeded tables during a cleanup. Deleting N users while a
referencing column has no index makes PostgreSQL scan the referencing table once per user (N x N);
with the indexes cleanup builds, a handful of whole-table passes remain (c x N).
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from psycopg import sql

from supaseed_pipeline.db.connect import Target, connect
from supaseed_pipeline.errors import SupaseedError
from supaseed_pipeline.seed import api, fk_indexes, removal
from supaseed_pipeline.settings import load_settings
from supaseed_pipeline_tests.test_data_safety import execute, user_rows

ROOT = Path(__file__).resolve().parents[1]


def settings(**overrides):
    base = {"userCount": 6, "batchSize": 2, "setupsPerUser": 2, "domain": "outdoor", "lockTimeoutSeconds": 5}
    return load_settings(overrides={**base, **overrides}, environ={}, use_default_file=False)


def cleanup_indexes(target: Target) -> list[str]:
    return [r[0] for r in execute(target, "SELECT relname::text FROM pg_class WHERE relname LIKE %s ORDER BY 1",
                                  (fk_indexes.PREFIX + "%",))]


def sequential_reads(target: Target) -> int:
    """Rows read by sequential scans of the seeded schemas' tables since the database was created."""
    with connect(target, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        return int(conn.execute("SELECT coalesce(sum(seq_tup_read), 0) FROM pg_stat_user_tables "
                                "WHERE schemaname IN ('public', 'auth')").fetchone()[0])


def recorded_and_present(target: Target) -> tuple[int, int]:
    """(keys the ledger records, of them rows still in their tables)."""
    with connect(target, autocommit=True) as conn:
        recorded, present = 0, 0
        for table, columns, keys in conn.execute("SELECT table_name, key_columns, coalesce(keys, uuids::text[])"
                                                 " FROM supaseed.seeded_keys").fetchall():
            recorded += len(keys)
            if len(columns) == 1:
                key, keys_type = sql.SQL("{}::text").format(sql.Identifier(columns[0])), "text[]"
            else:   # composite keys are recorded as JSON objects of text values
                key, keys_type = sql.SQL("jsonb_build_object({})").format(sql.SQL(", ").join(
                    sql.SQL("{}, {}::text").format(sql.Literal(c), sql.Identifier(c)) for c in columns)), "jsonb[]"
            present += conn.execute(sql.SQL("SELECT count(*) FROM {} WHERE {} = ANY(%s::{})").format(
                sql.Identifier(*table.split(".", 1)), key, sql.SQL(keys_type)), (keys,)).fetchone()[0]
        return recorded, present


def test_cleanup_with_unindexed_foreign_keys_to_seeded_tables_is_linear(pg_server):
    """accounts.created_by/updated_by (and the memberships') reference auth.users without an index."""
    from supaseed_pipeline.bench import fresh_database

    reads = {}
    for users in (2000, 8000):
        with fresh_database(pg_server, f"t_linear_{users}") as target:
            with connect(target) as conn:
                references = removal.catalog_references(conn, {"auth.users"})
                lacking = fk_indexes.unindexed(conn, references)
            assert ("public.accounts", ("created_by",)) in lacking and ("public.accounts", ("updated_by",)) in lacking
            config = settings(userCount=users, batchSize=10_000)
            api.seed(target, config)
            before = sequential_reads(target)
            removed = api.cleanup(target, config)
            assert removed["auth.users"] == users
            reads[users] = sequential_reads(target) - before
            assert execute(target, "SELECT count(*) FROM auth.users")[0][0] == 0
            assert cleanup_indexes(target) == []      # the temporary indexes are gone again
    print("sequential reads during cleanup:", reads)
    # 4x the users: a linear cleanup reads ~4x the rows, a quadratic one ~16x
    assert reads[8000] < 8 * reads[2000], reads


def test_reseed_of_an_unchanged_config_is_linear_with_unindexed_foreign_keys(pg_server):
    """The nightly reseed: every batch replaces its previous rows, then loads. With accounts.created_by/updated_by
    unindexed, each replaced user scanned accounts (a 30,000-user reseed took 185 s against an 11 s seed)."""
    from supaseed_pipeline.bench import fresh_database

    reads = {}
    for users in (2000, 8000):
        with fresh_database(pg_server, f"t_reseed_{users}") as target:
            # four batches at both sizes: a statement the planner answers with one whole-table scan per batch
            # (cheaper than probes on small tables) then counts 4 x N, not (N / batch size) x N
            config = settings(userCount=users, batchSize=users // 4)
            api.seed(target, config)
            before = sequential_reads(target)
            results = api.seed(target, config)
            reads[users] = sequential_reads(target) - before
            assert sum(r.replaced.get("auth.users", 0) for r in results) == users
            assert execute(target, "SELECT count(*) FROM auth.users")[0][0] == users
            assert cleanup_indexes(target) == []      # the temporary indexes are gone again
    print("sequential reads during a reseed:", reads)
    # 4x the users: a linear reseed reads ~4x the rows, a quadratic one ~16x
    assert reads[8000] < 8 * reads[2000], reads


KILLER = """
import os, signal, sys
from supaseed_pipeline.db.connect import Target
from supaseed_pipeline.seed import api, removal
from supaseed_pipeline.settings import load_settings

settings = load_settings(overrides={overrides!r}, environ={{}}, use_default_file=False)
calls = []
delete_staged = removal.delete_staged


def dying(*args, **kwargs):
    # the third partition's rows are deleted inside its open transaction, then the process dies
    result = delete_staged(*args, **kwargs)
    calls.append(1)
    if len(calls) == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return result


removal.delete_staged = dying
api.cleanup(Target({url!r}), settings)
"""


def test_a_killed_cleanup_leaves_whole_partitions_and_a_rerun_finishes_exactly(demo_db):
    overrides = {"userCount": 60, "batchSize": 10, "setupsPerUser": 2, "domain": "outdoor", "lockTimeoutSeconds": 5}
    pristine = user_rows(demo_db)
    api.seed(demo_db, settings(**overrides))
    partitions = execute(demo_db, "SELECT count(*) FROM supaseed.partitions")[0][0]
    assert partitions == 7                                          # base + 6 batches
    child = subprocess.run([sys.executable, "-c", KILLER.format(overrides=overrides, url=demo_db.url)], cwd=ROOT)
    assert child.returncode == -signal.SIGKILL
    # the batch of the third delete rolled back; of the two before it, one or both committed (cleanup runs
    # batches on two workers, and the kill can come before the other worker's commit); whole batches only:
    # each went with its ledger entry, and every recorded row is still there
    left = [r[0] for r in execute(demo_db, "SELECT partition_key FROM supaseed.partitions ORDER BY 1")]
    gone = partitions - len(left)
    assert gone in (1, 2) and "base" in left
    recorded, present = recorded_and_present(demo_db)
    assert recorded == present > 0
    assert execute(demo_db, "SELECT count(*) FROM auth.users")[0][0] == 60 - 10 * gone
    assert cleanup_indexes(demo_db)                                  # left by the killed run, recorded
    removed = api.cleanup(demo_db, settings(**overrides))
    assert removed["auth.users"] == 60 - 10 * gone and not removed.missing
    assert user_rows(demo_db) == pristine
    assert cleanup_indexes(demo_db) == []
    assert execute(demo_db, "SELECT count(*) FROM supaseed.partitions")[0][0] == 0


def test_cleanup_of_many_partitions_is_exact_and_reports_each(demo_db):
    execute(demo_db, "CREATE TABLE public.trip_notes (id serial PRIMARY KEY, setup_id uuid NOT NULL "
                     "REFERENCES public.setups (id) ON DELETE CASCADE, author uuid REFERENCES auth.users (id), body text)")
    pristine = user_rows(demo_db)
    config = settings(userCount=9, batchSize=2)
    api.seed(demo_db, config)
    assert execute(demo_db, "SELECT count(*) FROM public.trip_notes")[0][0] > 0
    steps = []
    removed = api.cleanup(demo_db, config, progress=steps.append)
    assert [s.done for s in steps] == [1, 2, 3, 4, 5, 6]             # one line per partition
    assert steps[-1].partitions == ["base"] and all(s.total == 6 for s in steps)
    assert sum(s.rows for s in steps) == sum(removed.values())
    assert user_rows(demo_db) == pristine
    assert cleanup_indexes(demo_db) == []


def test_a_refusal_in_the_last_partition_removes_nothing(demo_db):
    """The check for rows supaseed did not seed covers every partition before the first one goes."""
    execute(demo_db, "CREATE SCHEMA other; CREATE TABLE other.follows (id serial PRIMARY KEY, "
                     "user_id uuid REFERENCES auth.users (id) ON DELETE CASCADE)")
    config = settings(userCount=6, batchSize=2)
    api.seed(demo_db, config)
    last = execute(demo_db, "SELECT max(partition_key) FROM supaseed.partitions WHERE partition_key <> 'base'")[0][0]
    user = execute(demo_db, "SELECT min(k) FROM supaseed.seeded_keys, unnest(coalesce(keys, uuids::text[])) k "
                            "WHERE partition_key = %s AND table_name = 'auth.users'", (last,))[0][0]
    execute(demo_db, "INSERT INTO other.follows (user_id) VALUES (%s::uuid)", (user,))
    before = user_rows(demo_db)
    with pytest.raises(SupaseedError) as caught:
        api.cleanup(demo_db, config)
    assert "other.follows" in str(caught.value) and "nothing was removed" in str(caught.value)
    assert user_rows(demo_db) == before
    assert execute(demo_db, "SELECT count(*) FROM supaseed.partitions")[0][0] == 4
    assert cleanup_indexes(demo_db) == []
