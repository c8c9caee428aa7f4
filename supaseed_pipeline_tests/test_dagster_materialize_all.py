""""Materialize all" on a fresh instance seeds everything; a smaller plan leaves no stale batch behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from supaseed_pipeline.db.connect import connect

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _materialize_all(env: dict[str, str]) -> str:
    """What the UI's "Materialize all" launches: every executable asset, no partition to choose."""
    completed = subprocess.run([str(BIN / "dagster"), "asset", "materialize", "-m", "supaseed_pipeline.definitions",
                                "--select", "*"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-3000:]
    return output


def test_materialize_all_on_a_fresh_instance_then_a_smaller_plan(demo_db, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text((ROOT / "dagster_home" / "dagster.yaml").read_text())
    config = tmp_path / "supaseed.json"
    config.write_text(json.dumps({"userCount": 9, "batchSize": 3, "setupsPerUser": 1}))
    env = {**os.environ, "DAGSTER_HOME": str(home), "SUPASEED_DATABASE_URL": demo_db.url,
           "SUPASEED_CONFIG": str(config), "SUPASEED_DATA_DIR": str(tmp_path / "data")}

    _materialize_all(env)
    with connect(demo_db) as conn:
        assert conn.execute("SELECT count(*) FROM auth.users").fetchone()[0] == 9
        assert conn.execute("SELECT count(*) FROM public.setups").fetchone()[0] == 9
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        first = set(instance.get_dynamic_partitions("seed_batches"))
        assert len(first) == 3
        assert instance.get_materialized_partitions(dg.AssetKey("seed_batches")) == first

    config.write_text(json.dumps({"userCount": 4, "batchSize": 3, "setupsPerUser": 1}))
    _materialize_all(env)
    with connect(demo_db) as conn:
        assert conn.execute("SELECT count(*) FROM auth.users").fetchone()[0] == 4
    with dg.DagsterInstance.get() as instance:
        second = set(instance.get_dynamic_partitions("seed_batches"))
        assert len(second) == 2 and second < first        # the third batch is gone, not left green
        # (its old materialization stays in the event log, but the asset no longer has that partition)
        assert second <= instance.get_materialized_partitions(dg.AssetKey("seed_batches"))
