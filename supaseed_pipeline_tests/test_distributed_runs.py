"""Batches of one seed spread over several Dagster runs in separate processes (as a Kubernetes or Celery
deployment launches them): they share the seed's run token, load side by side, and end with exactly the
rows of one serial seed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from supaseed_pipeline.db.connect import connect, create_database, drop_database
from supaseed_pipeline.seed import api, locking
from supaseed_pipeline.settings import load_settings
from supaseed_pipeline_tests.test_workers import checksums

ROOT = Path(__file__).resolve().parents[1]
CONFIG = {"userCount": 40, "batchSize": 10, "setupsPerUser": 2, "tenants": {"count": 3}}
RUN = """
import json, sys
import dagster as dg
from supaseed_pipeline.definitions import defs
assets, batches, token = sys.argv[1].split(","), json.loads(sys.argv[2]), sys.argv[3]
config = {"ops": {"user_batches": {"config": {"batches": batches}}}} if batches else {}
with dg.DagsterInstance.get() as instance:
    result = defs.get_job_def("seed_job").execute_in_process(
        run_config=config, instance=instance, asset_selection=[dg.AssetKey(a) for a in assets],
        tags={sys.argv[4]: token}, raise_on_error=False)
sys.exit(0 if result.success else 1)
"""


def dagster_environment(tmp_path: Path, target, config: dict) -> dict[str, str]:
    """A fresh DAGSTER_HOME with the project's dagster.yaml, a config file and the target, for `dagster` processes."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text((ROOT / "dagster_home" / "dagster.yaml").read_text())
    path = tmp_path / "supaseed.json"
    path.write_text(json.dumps(config))
    return {**os.environ, "DAGSTER_HOME": str(home), "SUPASEED_DATABASE_URL": target.url,
            "SUPASEED_CONFIG": str(path), "SUPASEED_DATA_DIR": str(tmp_path / "data")}


def test_batches_in_parallel_dagster_runs_equal_one_serial_seed(pg_server, demo_db, tmp_path):
    serial = create_database(pg_server, f"{demo_db.dbname}_serial", template=demo_db.dbname)
    try:
        env = dagster_environment(tmp_path, demo_db, CONFIG)
        token = "distributed-seed-1"

        def launch(assets: str, batches: list[str]) -> subprocess.Popen:
            return subprocess.Popen([sys.executable, "-c", RUN, assets, json.dumps(batches), token,
                                     locking.RUN_TOKEN_TAG], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)

        # planning and reference data once, then the four batches in two runs at the same time
        first = launch("schema_snapshot,constraint_graph,table_mapping,reference_data", [])
        assert first.wait(timeout=300) == 0, first.stdout.read()[-3000:]
        runs = [launch("users,accounts,setups", ["p00000", "p00002"]), launch("users,accounts,setups", ["p00001", "p00003"])]
        for run in runs:
            assert run.wait(timeout=300) == 0, run.stdout.read()[-3000:]

        api.seed(serial, load_settings(overrides=CONFIG, environ={}, use_default_file=False))
        assert checksums(demo_db) == checksums(serial)
    finally:
        drop_database(pg_server, serial.dbname)


def test_batch_steps_job_runs_one_process_per_batch_and_equals_one_serial_seed(pg_server, demo_db, tmp_path):
    """`batch_steps_job` on Dagster's multiprocess executor (2 at a time): one step per batch, each in its own
    process, ends with exactly the rows of one serial seed; run again (a reseed), the same rows, and the
    temporary indexes the replacement needed are gone."""
    from supaseed_pipeline.seed import fk_indexes

    serial = create_database(pg_server, f"{demo_db.dbname}_serial", template=demo_db.dbname)
    try:
        env = dagster_environment(tmp_path, demo_db, {**CONFIG, "workers": 2})
        command = [str(Path(sys.executable).parent / "dagster"), "job", "execute", "-m", "supaseed_pipeline.definitions",
                   "-j", "batch_steps_job"]
        for attempt in ("seed", "reseed"):
            done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
            assert done.returncode == 0, f"{attempt}: {done.stdout[-2000:]}{done.stderr[-3000:]}"
            assert "4 batch step(s)" in done.stdout + done.stderr
            with connect(demo_db) as conn:   # each batch ran in its own step, recorded under the one run
                steps = conn.execute("SELECT count(DISTINCT partition_key) FROM supaseed.partitions").fetchone()[0]
                leftovers = conn.execute("SELECT count(*) FROM pg_class WHERE relname LIKE %s",
                                         (fk_indexes.PREFIX + "%",)).fetchone()[0]
            assert steps == 5 and leftovers == 0
        api.seed(serial, load_settings(overrides=CONFIG, environ={}, use_default_file=False))
        assert checksums(demo_db) == checksums(serial)
    finally:
        drop_database(pg_server, serial.dbname)


def test_value_pools_do_not_depend_on_what_the_process_built_before():
    """A pool is the same in a fresh process whatever other pools were built first."""
    script = ("import sys\nfrom supaseed_pipeline.generate.pools import pool\n"
              "for kind in sys.argv[1:]: last = pool(kind)\nprint(','.join(last.head(20).to_list()))")
    runs = [subprocess.run([sys.executable, "-c", script, *order], capture_output=True, text=True, check=True).stdout
            for order in (["last_name"], ["city", "company", "first_name", "last_name"])]
    assert runs[0] == runs[1] and runs[0].count(",") == 19
