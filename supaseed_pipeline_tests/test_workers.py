"""Batches load side by side on several connections and end with exactly the rows of a serial run."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from psycopg import sql

from supaseed_pipeline.db.connect import connect, create_database, drop_database
from supaseed_pipeline.seed import api
from supaseed_pipeline.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]


def settings(**overrides):
    return load_settings(overrides={"userCount": 600, "batchSize": 50, "setupsPerUser": 2, "tenants": {"count": 3},
                                    **overrides}, environ={}, use_default_file=False)


def checksums(target) -> dict[str, tuple[int, str]]:
    """Rows and an md5 of the sorted rows of every data table (ledger and timestamps of the run left out)."""
    with connect(target) as conn:
        tables = conn.execute(
            "SELECT n.nspname::text, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname IN ('public', 'auth') ORDER BY 1, 2"
        ).fetchall()
        return {f"{s}.{t}": conn.execute(sql.SQL("SELECT count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) "
                                                 "FROM {} x").format(sql.Identifier(s, t))).fetchone()
                for s, t in tables}


def clone(pg_server, source, suffix):
    return create_database(pg_server, f"{source.dbname}_{suffix}", template=source.dbname)


def test_two_and_three_workers_load_the_same_rows_as_one(pg_server, demo_db):
    others = [clone(pg_server, demo_db, f"w{n}") for n in (2, 3)]
    try:
        pristine = checksums(demo_db)
        api.seed(demo_db, settings(workers=1))
        serial = checksums(demo_db)
        for target, workers in zip(others, (2, 3)):
            results = api.seed(target, settings(workers=workers))
            assert [r.key for r in results] == sorted(r.key for r in results)
            assert checksums(target) == serial
            api.cleanup(target, settings(workers=workers))   # cleanup of a parallel seed is exact
            assert checksums(target) == pristine
    finally:
        for target in others:
            drop_database(pg_server, target.dbname)


def test_killing_a_parallel_seed_leaves_whole_batches_and_a_rerun_completes(pg_server, demo_db):
    reference = clone(pg_server, demo_db, "serial")
    try:
        script = ("from supaseed_pipeline.db.connect import Target\nfrom supaseed_pipeline.seed import api\n"
                  "from supaseed_pipeline.settings import load_settings\n"
                  f"s = load_settings(overrides={{'userCount': 6000, 'batchSize': 500, 'workers': 2}}, environ={{}}, "
                  "use_default_file=False)\n"
                  f"api.seed(Target({demo_db.url!r}), s)\n")
        child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with connect(demo_db) as conn:
                ready = conn.execute("SELECT to_regclass('supaseed.partitions') IS NOT NULL").fetchone()[0]
                done = conn.execute("SELECT count(*) FROM supaseed.partitions").fetchone()[0] if ready else 0
            if done >= 4:
                break
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait()
        time.sleep(1)
        with connect(demo_db) as conn:   # every recorded batch is whole: its users and their accounts
            recorded = conn.execute("SELECT coalesce(sum((row_counts->>'auth.users')::int), 0) FROM supaseed.partitions "
                                    "WHERE partition_key <> 'base'").fetchone()[0]
            assert conn.execute("SELECT count(*) FROM auth.users").fetchone()[0] == recorded
            assert recorded % 500 == 0
        config = settings(userCount=6000, batchSize=500, workers=2, tenants={"count": 2}, setupsPerUser=3)
        api.seed(demo_db, config)
        api.seed(reference, settings(userCount=6000, batchSize=500, workers=1, tenants={"count": 2}, setupsPerUser=3))
        assert checksums(demo_db) == checksums(reference)
    finally:
        drop_database(pg_server, reference.dbname)
