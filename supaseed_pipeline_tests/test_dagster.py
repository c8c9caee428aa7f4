"""The Dagster project: loads, plans once and hands documents on, seeds everything, checks, schedule, sensor, CLI, webserver."""

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
import psycopg
import pytest

from supaseed_pipeline.db.connect import connect
from supaseed_pipeline.defs.automation import nightly_staging_reseed, reseed_on_schema_change
from supaseed_pipeline.defs.resources import SupaseedResource
from supaseed_pipeline.defs.failures import run_step
from supaseed_pipeline.defs.seeding import SCHEMA_CHANGED
from supaseed_pipeline.definitions import defs
from supaseed_pipeline.errors import ConfigError, TargetBusy

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


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


def _home(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text((ROOT / "dagster_home" / "dagster.yaml").read_text())
    return {**os.environ, "DAGSTER_HOME": str(home)}


def test_definitions_load_with_owners_tags_code_references_and_descriptions():
    dg.Definitions.validate_loadable(defs)
    job = defs.resolve_job_def("seed_job")
    assert {"users", "accounts", "setups", "schema_snapshot", "constraint_graph", "table_mapping", "reference_data"} == {
        k.to_user_string() for k in job.asset_layer.executable_asset_keys}
    graph = defs.resolve_asset_graph()
    for key in job.asset_layer.executable_asset_keys:
        node = graph.get(key)
        assert node.owners == ["team:supaseed"] and node.tags.get("domain") in {"planning", "seeding"}
        assert "dagster/code_references" in node.metadata and node.description
    assert all(s.description for s in [*defs.schedules, *defs.sensors])
    assert {s.name for s in defs.sensors} == {"reseed_on_schema_change"}   # no home-made retry sensor


def test_whole_job_plans_once_hands_documents_on_and_records_batches(demo_env, monkeypatch):
    from supaseed_pipeline.snapshot import introspect

    reads = []
    real = introspect._select_schemas   # every catalog snapshot starts here, however take_snapshot was imported
    monkeypatch.setattr(introspect, "_select_schemas", lambda *a, **k: reads.append(1) or real(*a, **k))
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def("seed_job").execute_in_process(instance=instance)
        assert result.success
        assert len(reads) == 1
        counts = _counts(demo_env)
        assert counts["auth.users"] == 12 and counts["public.setups"] == 36 and counts["public.accounts"] >= 12
        evaluations = result.get_asset_check_evaluations()
        assert {e.check_name for e in evaluations} >= {"seeded_constraints_hold", "users_have_personal_accounts",
                                                        "seeded_rows_present", "reference_constraints_hold"}
        assert all(e.passed for e in evaluations)
        batches = instance.get_dynamic_partitions("seed_batches")
        assert len(batches) == 3 and len({k.split("-")[0] for k in batches}) == 1
        assert instance.get_materialized_partitions(dg.AssetKey("seed_batches")) == set(batches)
        users = next(m for m in result.asset_materializations_for_node("user_batches") if m.asset_key == dg.AssetKey("users"))
        assert users.metadata["dagster/row_count"].value == 24   # users + identities
        assert "***" in users.metadata["preview"].value or "encrypted_password" not in users.metadata["preview"].value

        # one batch again, in a run without planning: it reads the stored documents and the catalog once
        with connect(demo_env) as conn:
            before = conn.execute("SELECT id::text, email FROM auth.users ORDER BY 1").fetchall()
        reads.clear()
        rerun = defs.resolve_job_def("seed_job").execute_in_process(
            instance=instance, asset_selection=[dg.AssetKey("users"), dg.AssetKey("accounts"), dg.AssetKey("setups")],
            run_config={"ops": {"user_batches": {"config": {"batches": [sorted(batches)[1]]}}}})
        assert rerun.success and len(reads) == 1
        with connect(demo_env) as conn:
            assert conn.execute("SELECT id::text, email FROM auth.users ORDER BY 1").fetchall() == before
        assert _counts(demo_env) == counts


def test_schema_change_after_planning_is_one_clear_failure(demo_env):
    with dg.instance_for_test() as instance:
        assert defs.resolve_job_def("introspect_job").execute_in_process(instance=instance).success
        with connect(demo_env) as conn:
            conn.execute("ALTER TABLE public.setups ADD COLUMN trail_name text")
            conn.commit()
        result = defs.resolve_job_def("seed_job").execute_in_process(
            instance=instance, asset_selection=[dg.AssetKey("reference_data")], raise_on_error=False)
        assert not result.success
        failure = next(e for e in result.all_events if e.is_step_failure)
        assert SCHEMA_CHANGED in failure.step_failure_data.error.message
        assert _counts(demo_env)["auth.users"] == 0


def test_asset_checks_fail_on_a_broken_row(demo_env):
    with dg.instance_for_test() as instance:
        assert defs.resolve_job_def("seed_job").execute_in_process(instance=instance).success
        with connect(demo_env) as conn:
            conn.execute("ALTER TABLE gear_items ADD CONSTRAINT broken_on_purpose CHECK (quantity > 100) NOT VALID")
            conn.execute("DELETE FROM public.accounts WHERE id = (SELECT min(id::text)::uuid FROM public.accounts "
                         "WHERE is_personal_account)")
            conn.commit()
        from supaseed_pipeline.defs.checks import batch_results
        from supaseed_pipeline.snapshot.introspect import take_snapshot
        settings = SupaseedResource().settings()
        with connect(demo_env) as conn:
            snapshot = take_snapshot(conn)
            from supaseed_pipeline.seed.api import prepare
            mapping = prepare(conn, settings, snapshot).mapping
            results = batch_results(conn, snapshot, mapping, settings, ["public.gear_items"], ["x"])
        assert not results["setups"][0].passed and not results["accounts"][0].passed


def test_transient_errors_are_retried_and_permanent_ones_fail_at_once():
    busy = psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")
    with pytest.raises(dg.RetryRequested):
        run_step(lambda: (_ for _ in ()).throw(busy))
    with pytest.raises(dg.RetryRequested):
        run_step(lambda: (_ for _ in ()).throw(TargetBusy("another supaseed run is seeding x")))
    with pytest.raises(dg.Failure) as failure:
        run_step(lambda: (_ for _ in ()).throw(ConfigError("domain: unknown domain 'x'", hint="use outdoor")))
    assert failure.value.allow_retries is False and "unknown domain" in failure.value.description


def test_a_lock_timeout_is_retried_by_the_step_and_then_succeeds(demo_env, tmp_path, monkeypatch):
    """Another session holds a lock on a seeded table during the first attempt: it times out, the retry succeeds."""
    monkeypatch.setenv("SUPASEED_CONFIG", str(_config(tmp_path, userCount=4, batchSize=4, lockTimeoutSeconds=1)))
    import supaseed_pipeline.defs.seeding as seeding
    attempts = []
    real_seed = seeding.api.seed

    def seed_behind_a_lock_once(*args, **kwargs):
        attempts.append(kwargs.get("partition_keys"))
        if len(attempts) > 1:
            return real_seed(*args, **kwargs)
        with psycopg.connect(demo_env.url) as holder:   # the real database lock, released when this attempt ends
            holder.execute("LOCK TABLE public.setups IN ACCESS EXCLUSIVE MODE")
            return real_seed(*args, **kwargs)
    monkeypatch.setattr(seeding.api, "seed", seed_behind_a_lock_once)
    import supaseed_pipeline.defs.failures as failures
    monkeypatch.setattr(failures, "RETRY", dg.RetryPolicy(max_retries=2, delay=0))
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def("seed_job").execute_in_process(instance=instance, raise_on_error=False)
        retries = [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    assert result.success, [e.message for e in result.all_events if e.is_step_failure]
    assert len(retries) == 1 and len(attempts) >= 2 and _counts(demo_env)["auth.users"] == 4


def test_nightly_schedule_requests_one_full_run(demo_env):
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(instance=instance, resources={"supaseed": SupaseedResource()},
                                            scheduled_execution_time=dt.datetime(2026, 11, 24, 3, 0))
        request = nightly_staging_reseed(context)
        assert request.run_key == "nightly:2026-11-24" and request.partition_key is None


def test_schema_change_sensor(demo_env):
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, resources={"supaseed": SupaseedResource()}, definitions=defs)
        assert isinstance(reseed_on_schema_change(context), dg.SkipReason)
        assert isinstance(reseed_on_schema_change(context), dg.SkipReason)
        with connect(demo_env) as conn:
            conn.execute("ALTER TABLE public.setups ADD COLUMN trail_name text")
            conn.commit()
        changed = reseed_on_schema_change(context)
        assert isinstance(changed, dg.RunRequest) and changed.run_key.startswith("schema:")


def test_dagster_job_execute_is_quiet_and_ends_with_a_summary(demo_env, tmp_path):
    completed = subprocess.run([str(BIN / "dagster"), "job", "execute", "-m", "supaseed_pipeline.definitions", "-j", "seed_job"],
                               cwd=ROOT, env=_home(tmp_path), capture_output=True, text=True, timeout=300)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-3000:]
    assert _counts(demo_env)["public.setups"] == 36
    assert " - DEBUG - " not in output
    assert "seeded " in output and "public.setups" in output and "batch(es)" in output


def test_a_user_error_fails_in_one_line_without_a_stack_trace(demo_env, tmp_path, monkeypatch):
    monkeypatch.setenv("SUPASEED_CONFIG", str(_config(tmp_path, domain="no-such-domain")))
    completed = subprocess.run([str(BIN / "dagster"), "job", "execute", "-m", "supaseed_pipeline.definitions", "-j", "seed_job"],
                               cwd=ROOT, env=_home(tmp_path), capture_output=True, text=True, timeout=300)
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0
    assert "no-such-domain" in output
    assert 'File "/' not in output, output[-3000:]


def test_dg_list_defs_in_the_installed_environment():
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    completed = subprocess.run([str(BIN / "dg"), "list", "defs", "--json"], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    listed = json.loads(completed.stdout)
    keys = {a["asset_key"] for a in listed["assets"]}
    assert {"schema_snapshot", "constraint_graph", "table_mapping", "reference_data", "users", "accounts", "setups",
            "seed_batches"} <= keys


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_webserver_serves_the_asset_graph(tmp_path):
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    server = subprocess.Popen([str(BIN / "dagster-webserver"), "-w", "workspace.yaml",
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


def test_a_run_refused_after_planning_leaves_the_batch_list_as_the_target_holds_it(demo_env, tmp_path, monkeypatch):
    """One batch of another config is refused (it could collide with what is seeded); its planning must not
    drop the batches the target still holds from the UI's list (they stayed seeded: `status` shows them)."""
    with dg.instance_for_test() as instance:
        assert defs.resolve_job_def("seed_job").execute_in_process(instance=instance).success
        batches = set(instance.get_dynamic_partitions("seed_batches"))
        assert len(batches) == 3   # 12 users in batches of 5
        monkeypatch.setenv("SUPASEED_CONFIG", str(_config(tmp_path, userCount=12, setupsPerUser=3, batchSize=6)))
        tag = next(iter(batches)).split("-")[0]
        refused = defs.resolve_job_def("seed_job").execute_in_process(
            instance=instance, raise_on_error=False,
            run_config={"ops": {"user_batches": {"config": {"batches": [f"{tag}-p00001"]}}}})
        assert not refused.success
        failure = next(e for e in refused.all_events if e.is_step_failure)
        assert "seeded with another config" in failure.step_failure_data.error.message
        assert set(instance.get_dynamic_partitions("seed_batches")) == batches
        assert _counts(demo_env)["auth.users"] == 12
        # the full seed of the new config replaces them, and the list follows
        assert defs.resolve_job_def("seed_job").execute_in_process(instance=instance).success
        now = set(instance.get_dynamic_partitions("seed_batches"))
        assert len(now) == 2 and not now & (batches - {f"{tag}-p00000", f"{tag}-p00001"})
