"""A CLI seed hands its settings to the Dagster run without os.environ and without storing a secret.

The target URL carries a password (the servers the tests use trust local connections, so any password
connects); after a `supaseed seed` recorded in a DAGSTER_HOME, the password is nowhere Dagster keeps
things: run config, tags, job and plan snapshots, the event log, files under DAGSTER_HOME, the stored
planning documents. No command writes to os.environ, not even for a moment.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from urllib.parse import quote, urlencode

import dagster as dg
import pytest
from click.testing import CliRunner
from dagster._serdes import serialize_value

from supaseed_pipeline.cli import main
from supaseed_pipeline.db.connect import Target, connect

ROOT = Path(__file__).resolve().parents[1]
CLEAR = ("DAGSTER_HOME", "SUPASEED_CONFIG", "SUPASEED_DATABASE_URL", "SUPABASE_DB_URL", "DATABASE_URL", "SUPABASE_URL",
         "SUPABASE_SERVICE_ROLE_KEY", "SUPASEED_SEED", "SUPASEED_USER_COUNT", "SUPASEED_BATCH_SIZE",
         "SUPASEED_ALLOW_PRODUCTION")


def url_with_password(target: Target, password: str, *, in_query: bool) -> str:
    """The target as a postgresql:// URL whose password is `password` (in the user part, or `?password=`)."""
    params = target.resolved
    user, host, port = params.get("user", "postgres"), params.get("host", ""), params.get("port", "5432")
    query = {"port": port, **({"host": host} if host.startswith("/") else {})}
    if in_query:
        query["password"] = password
    userinfo = quote(user) if in_query else f"{quote(user)}:{quote(password)}"
    netloc_host = "" if host.startswith("/") else host
    return f"postgresql://{userinfo}@{netloc_host}/{target.dbname}?{urlencode(query)}"


@pytest.fixture
def env_writes(monkeypatch) -> list[str]:
    """Every name written to or deleted from os.environ while the test runs (os.environ itself is guarded)."""
    writes: list[str] = []
    environ_type = type(os.environ)
    set_item, del_item = environ_type.__setitem__, environ_type.__delitem__

    def recording_set(self, key, value):
        writes.append(key)
        set_item(self, key, value)

    def recording_del(self, key):
        writes.append(key)
        del_item(self, key)

    for name in CLEAR:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(environ_type, "__setitem__", recording_set)
    monkeypatch.setattr(environ_type, "__delitem__", recording_del)
    return writes


def stored_text(home: Path) -> str:
    """Everything the Dagster instance under `home` stores about its runs, serialised."""
    parts = []
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
        assert runs, "the seed was not recorded in DAGSTER_HOME"
        for run in runs:
            parts.append(serialize_value(run))   # run config and tags
            parts.append(serialize_value(instance.get_job_snapshot(run.job_snapshot_id)))
            parts.append(serialize_value(instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id)))
            parts.extend(serialize_value(entry) for entry in instance.all_logs(run.run_id))
    return "\n".join(parts)


def files_containing(folder: Path, needle: str) -> list[str]:
    return [str(p) for p in folder.rglob("*") if p.is_file() and needle.encode() in p.read_bytes()]


@pytest.mark.parametrize("source", ["flag", "dotenv"])
def test_cli_seed_keeps_the_password_out_of_dagster_and_os_environ(source, demo_db, tmp_path, monkeypatch, env_writes):
    password = f"pw-dag-{uuid.uuid4().hex}"
    url = url_with_password(demo_db, password, in_query=source == "dotenv")
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text((ROOT / "dagster_home" / "dagster.yaml").read_text())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SUPASEED_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    args = ["seed", "--users", "5", "--setups", "2", "-v"]
    if source == "flag":
        args = ["--database-url", url, *args]
    else:   # the data folder (where the planning documents go) from .env too: the Dagster steps must see it
        monkeypatch.delenv("SUPASEED_DATA_DIR")
        Path(".env").write_text(f"DATABASE_URL={url}\nSUPASEED_BATCH_SIZE=2\nSUPASEED_DATA_DIR={tmp_path / 'data'}\n")
    env_writes.clear()
    before = dict(os.environ)

    result = CliRunner().invoke(main, args, catch_exceptions=False)

    assert result.exit_code == 0, result.stdout + result.stderr
    assert env_writes == [] and dict(os.environ) == before
    with connect(demo_db) as conn:   # it did seed the database the URL names
        assert conn.execute("SELECT count(*) FROM auth.users").fetchone()[0] == 5
        assert conn.execute("SELECT count(*) FROM public.setups").fetchone()[0] == 10
        partitions = conn.execute("SELECT count(*) FROM supaseed.partitions WHERE partition_key <> 'base'").fetchone()[0]
    assert partitions == (3 if source == "dotenv" else 1)   # SUPASEED_BATCH_SIZE=2 from .env reached the run
    # the planning documents (the IO manager's storage) are filed under this target, not a default one
    folders = [p.name for p in (tmp_path / "data" / "documents").iterdir()]
    assert len(folders) == 1 and demo_db.dbname in folders[0], folders
    stored = stored_text(home)
    assert "settings_token" in stored and demo_db.dbname in stored   # what the run was given, and for which database
    assert password not in stored
    assert files_containing(home, password) == [] and files_containing(tmp_path / "data", password) == []
    assert password not in result.stdout + result.stderr


def test_a_cli_run_reexecuted_elsewhere_refuses_another_target(demo_db, tmp_path, monkeypatch):
    """Outside the command's process the token is unknown: the resource's own settings apply, and a run whose
    `supaseed/target` tag names another database fails before any step instead of seeding this one."""
    from supaseed_pipeline.db import resolve_target
    from supaseed_pipeline.definitions import defs

    here = resolve_target(demo_db.url).identity   # as the resource resolves the config's URL
    config = tmp_path / "supaseed.json"
    config.write_text(f'{{"databaseUrl": "{demo_db.url}"}}')
    monkeypatch.setenv("SUPASEED_DATA_DIR", str(tmp_path / "data"))
    job = defs.resolve_job_def("seed_job")
    run_config = {"resources": {"supaseed": {"config": {"settings_token": "settings-from-another-process",
                                                        "config_file": str(config)}}}}

    elsewhere = job.execute_in_process(run_config=run_config, raise_on_error=False, tags={"supaseed/target": "db.example:5432/app"},
                                       asset_selection=[dg.AssetKey("schema_snapshot")])
    assert not elsewhere.success
    error, messages = next(e for e in elsewhere.all_events if e.is_failure).event_specific_data.error, []
    while error is not None:   # Dagster wraps a resource's error in "Error occurred while initializing ..."
        messages.append(error.message)
        error = error.cause
    assert any("started by `supaseed` for db.example:5432/app" in m and here in m for m in messages)

    same = job.execute_in_process(run_config=run_config, raise_on_error=False, tags={"supaseed/target": here},
                                  asset_selection=[dg.AssetKey("schema_snapshot")])
    assert same.success
