"""The Dagster project: loads, runs whole and per batch, checks, schedule, sensors, CLI and webserver."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dagster as dg
import pytest

from supaseed_pipeline.db.connect import connect
from supaseed_pipeline.defs.automation import nightly_staging_reseed, reseed_on_schema_change
from supaseed_pipeline.defs.resources import SupaseedResource
from supaseed_pipeline.definitions import defs

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def demo_env(demo_db, monkeypatch, tmp_path):
    """Point the code location at a test database (by environment, as users do) and a private data dir."""
    monkeypatch.setenv("SUPASEED_DATABASE_URL", demo_db.url)
    monkeypatch.setenv("SUPASEED_CONFIG", str(_config(tmp_path, userCount=12, setupsPerUser=3, batchSize=5)))
    monkeypatch.setenv("SUPASEED_DATA_DIR", str(tmp_path / "data"))
    return demo_db


def _config(tmp_path: Path, **values) -> Path:
    path = tmp_path / "supaseed.json"
    path.write_text(json.dumps(values))
    return path


def _counts(target) -> dict[str, int]:
    with connect(target) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("auth.users", "auth.identities", "public.accounts", "public.setups", "public.gear_items")}


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)
    job = defs.resolve_job_def("seed_job")
    assert {"users", "accounts", "setups", "schema_snapshot", "constraint_graph", "table_mapping"} <= {
        k.to_user_string() for k in job.asset_layer.executable_asset_keys}


def test_whole_job_in_process_then_one_batch_rerun(demo_env):
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def("seed_job").execute_in_process(instance=instance)
        assert result.success
        counts = _counts(demo_env)
        assert counts["auth.users"] == 12 and counts["public.setups"] == 36 and counts["public.accounts"] >= 12
        assert all(e.passed for e in result.get_asset_check_evaluations())
        assert instance.get_materialized_partitions(dg.AssetKey("users")) == {"p00000", "p00001", "p00002"}
        mats = result.asset_materializations_for_node("user_batches")
        users = next(m for m in mats if m.asset_key == dg.AssetKey("users") and m.partition is None)
        assert users.metadata["dagster/row_count"].value == 24   # users + identities
        assert "encrypted_password" not in users.metadata["preview"].value or "***" in users.metadata["preview"].value

        with connect(demo_env) as conn:
            before = conn.execute("SELECT id::text, email FROM auth.users ORDER BY 1").fetchall()
        rerun = defs.resolve_job_def("seed_job").execute_in_process(instance=instance, partition_key="p00001")
        assert rerun.success
        with connect(demo_env) as conn:
            after = conn.execute("SELECT id::text, email FROM auth.users ORDER BY 1").fetchall()
        assert after == before
        assert _counts(demo_env) == counts


def test_asset_checks_fail_on_a_broken_row(demo_env):
    with dg.instance_for_test() as instance:
        assert defs.resolve_job_def("seed_job").execute_in_process(instance=instance).success
        with connect(demo_env) as conn:
            conn.execute("ALTER TABLE gear_items ADD CONSTRAINT broken_on_purpose CHECK (quantity > 100) NOT VALID")
            conn.execute("DELETE FROM public.accounts WHERE id = (SELECT min(id::text)::uuid FROM public.accounts "
                         "WHERE is_personal_account)")
            conn.commit()
        from supaseed_pipeline.defs.checks import seeded_constraints_hold, users_have_personal_accounts
        resource = SupaseedResource()
        assert not seeded_constraints_hold(supaseed=resource).passed
        assert not users_have_personal_accounts(supaseed=resource).passed


def test_nightly_schedule_requests_every_batch(demo_env):
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(instance=instance, resources={"supaseed": SupaseedResource()},
                                            scheduled_execution_time=dt.datetime(2026, 11, 24, 3, 0))
        requests = list(nightly_staging_reseed(context))
        assert [r.partition_key for r in requests] == ["p00000", "p00001", "p00002"]
        assert [r.run_key for r in requests] == [f"2026-11-24:p0000{i}" for i in range(3)]


def test_schema_change_sensor(demo_env):
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, resources={"supaseed": SupaseedResource()}, definitions=defs)
        first = reseed_on_schema_change(context)
        assert isinstance(first, dg.SkipReason)
        unchanged = reseed_on_schema_change(context)
        assert isinstance(unchanged, dg.SkipReason)
        with connect(demo_env) as conn:
            conn.execute("ALTER TABLE public.setups ADD COLUMN trail_name text")
            conn.commit()
        changed = reseed_on_schema_change(context)
        assert isinstance(changed, dg.RunRequest) and changed.run_key.startswith("schema:")


def test_dagster_job_execute_command_line(demo_env, tmp_path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "home")}
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "dagster.yaml").write_text((ROOT / "dagster_home" / "dagster.yaml").read_text())
    completed = subprocess.run([str(Path(sys.executable).parent / "dagster"), "job", "execute", "-m",
                                "supaseed_pipeline.definitions", "-j", "seed_job"],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert _counts(demo_env)["public.setups"] == 36


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_webserver_serves_the_asset_graph(tmp_path):
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    server = subprocess.Popen([str(Path(sys.executable).parent / "dagster-webserver"), "-w", "workspace.yaml",
                               "-h", "127.0.0.1", "-p", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        query = json.dumps({"query": "{ assetNodes { assetKey { path } groupName } }"}).encode()
        deadline = time.time() + 120
        while True:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=query,
                                                 headers={"Content-Type": "application/json"})
                payload = json.loads(urllib.request.urlopen(request, timeout=5).read())
                nodes = payload["data"]["assetNodes"]
                if nodes:
                    break
            except Exception:
                if time.time() > deadline:
                    raise
                time.sleep(1)
        keys = {"/".join(n["assetKey"]["path"]) for n in nodes}
        assert {"schema_snapshot", "constraint_graph", "table_mapping", "reference_data", "users", "accounts", "setups"} <= keys
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_failed_batch_is_retried_a_bounded_number_of_times(demo_env, tmp_path, monkeypatch):
    from supaseed_pipeline.defs.automation import MAX_BATCH_RETRIES, retry_failed_batches

    monkeypatch.setenv("SUPASEED_CONFIG", str(_config(tmp_path, domain="no-such-domain")))
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("seed_batches", ["p00000"])
        for attempt, expect_retry in ((0, True), (MAX_BATCH_RETRIES, False)):
            result = defs.resolve_job_def("seed_job").execute_in_process(
                instance=instance, partition_key="p00000", raise_on_error=False,
                tags={"supaseed/retry": str(attempt)})
            assert not result.success
            failure = next(e for e in instance.all_logs(result.run_id) if e.dagster_event and
                           e.dagster_event.event_type_value == "PIPELINE_FAILURE").dagster_event
            context = dg.build_run_status_sensor_context(
                sensor_name="retry_failed_batches", dagster_event=failure, dagster_instance=instance,
                dagster_run=instance.get_run_by_id(result.run_id)).for_run_failure()
            request = retry_failed_batches(context)
            if expect_retry:
                assert isinstance(request, dg.RunRequest) and request.partition_key == "p00000"
                assert request.tags["supaseed/retry"] == "1"
            else:
                assert isinstance(request, dg.SkipReason)
