"""Setting ledgerSchema: the ledger lives in a schema of that name, and a `supaseed` schema of the user's own
stays untouched, byte for byte (issue 16: "A `supaseed` schema that is not ours ... make the schema name
configurable").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from psycopg import sql

from supaseed_pipeline.db.connect import Target, connect
from supaseed_pipeline.errors import ConfigError, SupaseedError
from supaseed_pipeline.seed import api, ledger
from supaseed_pipeline.settings import load_settings

SUPASEED = Path(sys.executable).parent / "supaseed"
ENV_TO_CLEAR = ("DAGSTER_HOME", "SUPASEED_CONFIG", "SUPASEED_DATABASE_URL", "SUPABASE_DB_URL", "DATABASE_URL", "SUPABASE_URL",
                "SUPABASE_SERVICE_ROLE_KEY", "SUPASEED_SEED", "SUPASEED_USER_COUNT", "SUPASEED_BATCH_SIZE",
                "SUPASEED_ALLOW_PRODUCTION")
USERS_OWN = ("CREATE SCHEMA supaseed; CREATE TABLE supaseed.important (id int PRIMARY KEY, note text); "
             "INSERT INTO supaseed.important VALUES (1, 'keep me'), (2, 'and me')")


def config(**overrides) -> dict:
    # 8 users in batches of 2: four batches, loaded by two worker threads
    return {"userCount": 8, "batchSize": 2, "setupsPerUser": 2, "domain": "outdoor", "lockTimeoutSeconds": 5,
            "workers": 2, "ledgerSchema": "seed_ledger", **overrides}


def settings(**overrides):
    return load_settings(overrides=config(**overrides), environ={}, use_default_file=False)


def dump(target: Target, *, leave_out: str | None = None) -> dict[str, list[str]]:
    """Every row of every table outside the system schemas (all but schema `leave_out`), as sorted text."""
    with connect(target) as conn:
        tables = conn.execute(
            "SELECT n.nspname::text, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', "
            "'information_schema') AND n.nspname NOT LIKE 'pg\\_%%' AND n.nspname IS DISTINCT FROM %s ORDER BY 1, 2",
            (leave_out,)).fetchall()
        return {f"{s}.{t}": sorted(r[0] for r in conn.execute(sql.SQL("SELECT x::text FROM {} x").format(
            sql.Identifier(s, t)))) for s, t in tables}


def schema_state(target: Target, name: str) -> tuple | None:
    """(comment, relations, functions and types) of a schema, None when it does not exist."""
    with connect(target) as conn:
        row = conn.execute("SELECT oid, obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
                           (name,)).fetchone()
        if row is None:
            return None
        relations = conn.execute("SELECT relname::text, relkind::text FROM pg_class WHERE relnamespace = %s ORDER BY 1",
                                 (row[0],)).fetchall()
        return row[1], relations


def execute(target: Target, statement: str, params=None):
    with connect(target, autocommit=True) as conn:
        cur = conn.execute(statement, params)
        return cur.fetchall() if cur.description else None


def recorded(target: Target) -> dict[str, int]:
    rows = execute(target, "SELECT table_name, sum(cardinality(coalesce(keys, uuids::text[])))::int "
                           "FROM seed_ledger.seeded_keys GROUP BY 1")
    return dict(rows)


def one_line(message: str) -> None:
    assert message and "\n" not in message and "Traceback" not in message, message


def test_seed_status_rerun_and_cleanup_use_the_configured_schema(demo_db):
    execute(demo_db, USERS_OWN)
    theirs = schema_state(demo_db, "supaseed")
    pristine = dump(demo_db)
    results = api.seed(demo_db, settings())
    assert len([r for r in results if r.key != "base"]) == 4
    # the ledger is in seed_ledger, marked as ours; the user's supaseed schema is as it was, rows and all
    comment, relations = schema_state(demo_db, "seed_ledger")
    assert comment == ledger.LEDGER_MARK
    assert {"runs", "partitions", "seeded_keys"} <= {name for name, _ in relations}
    assert schema_state(demo_db, "supaseed") == theirs
    seeded = dump(demo_db, leave_out="seed_ledger")
    assert seeded["supaseed.important"] == pristine["supaseed.important"]
    assert seeded != pristine and recorded(demo_db)["auth.users"] == 8
    # status reads the configured ledger; the default name has nothing of ours
    state = api.status(demo_db, settings())
    assert state["tables"]["auth.users"]["rows"] == 8 and len(state["partitions"]) == 5
    assert state["runs"][0]["status"] == "succeeded"
    assert api.status(demo_db)["tables"] == {}
    assert api.seeded_leftovers(demo_db, settings()) == sum(recorded(demo_db).values())
    # a partition rerun (a new seed for one batch) replaces that batch only, in the same ledger
    batch = sorted(r.key for r in results if r.key != "base")[1]
    api.seed(demo_db, settings(), partition_keys=[batch])
    assert dump(demo_db, leave_out="seed_ledger") == seeded
    assert schema_state(demo_db, "supaseed") == theirs
    # cleanup removes exactly the seed, from the configured ledger
    removed = api.cleanup(demo_db, settings())
    assert removed["auth.users"] == 8
    assert dump(demo_db, leave_out="seed_ledger") == pristine
    assert api.seeded_leftovers(demo_db, settings()) == 0
    assert schema_state(demo_db, "supaseed") == theirs


def test_a_foreign_schema_of_the_configured_name_is_refused_and_kept(demo_db):
    execute(demo_db, "CREATE SCHEMA seed_ledger; CREATE TABLE seed_ledger.mine (x int); "
                     "INSERT INTO seed_ledger.mine VALUES (1), (2)")
    before = dump(demo_db)
    state = schema_state(demo_db, "seed_ledger")
    with pytest.raises(SupaseedError) as caught:
        api.seed(demo_db, settings())
    one_line(str(caught.value))
    assert "schema named seed_ledger that supaseed did not create (it holds mine)" in str(caught.value)
    assert "set ledgerSchema to another name" in str(caught.value)
    assert dump(demo_db) == before and schema_state(demo_db, "seed_ledger") == state
    assert schema_state(demo_db, "supaseed") is None


def test_a_failed_first_run_drops_only_its_own_ledger_of_the_configured_name(demo_db):
    execute(demo_db, USERS_OWN)
    execute(demo_db, "ALTER TABLE auth.users ADD CONSTRAINT no_new_users CHECK (false) NOT VALID")
    before = dump(demo_db)
    theirs = schema_state(demo_db, "supaseed")
    with pytest.raises(SupaseedError):
        api.seed(demo_db, settings())
    assert dump(demo_db) == before
    assert schema_state(demo_db, "seed_ledger") is None and schema_state(demo_db, "supaseed") == theirs


@pytest.mark.parametrize("name", ["Seed_Ledger", "seed-ledger", "1ledger", "x" * 64, "", "a.b", 'a"; DROP'])
def test_an_invalid_ledger_schema_name_is_a_one_line_config_error(name):
    with pytest.raises(ConfigError) as caught:
        settings(ledgerSchema=name)
    one_line(str(caught.value))
    assert "ledgerSchema" in str(caught.value) and "lower-case identifier" in str(caught.value)


def test_the_ledger_schema_does_not_change_the_seeded_rows():
    assert settings().fingerprint() == settings(ledgerSchema="supaseed").fingerprint()


# ---------------------------------------------------------------------------------------------- the CLI

def run_cli(tmp_path: Path, target: Target, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ENV_TO_CLEAR}
    env["SUPASEED_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run([str(SUPASEED), "--database-url", target.url, "-c", str(tmp_path / "supaseed.json"), *args],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.one_server
def test_cli_seed_status_cleanup_with_a_ledger_schema(demo_db, tmp_path):
    execute(demo_db, USERS_OWN)
    theirs = schema_state(demo_db, "supaseed")
    pristine = dump(demo_db)
    (tmp_path / "supaseed.json").write_text(json.dumps(config()))
    seeded = run_cli(tmp_path, demo_db, "seed")
    assert seeded.returncode == 0, seeded.stderr
    assert recorded(demo_db)["auth.users"] == 8
    assert schema_state(demo_db, "supaseed") == theirs
    status = run_cli(tmp_path, demo_db, "status")
    assert status.returncode == 0, status.stderr
    assert "auth.users" in status.stdout and "nothing seeded" not in status.stdout
    cleaned = run_cli(tmp_path, demo_db, "cleanup", "--force", "--verify")
    assert cleaned.returncode == 0, cleaned.stderr
    assert "verified" in cleaned.stdout
    assert dump(demo_db, leave_out="seed_ledger") == pristine
    assert schema_state(demo_db, "supaseed") == theirs


@pytest.mark.one_server
def test_cli_refuses_an_invalid_ledger_schema_and_changes_nothing(demo_db, tmp_path):
    before = dump(demo_db)
    (tmp_path / "supaseed.json").write_text(json.dumps(config(ledgerSchema="Ledger")))
    for args in (["seed"], ["status"], ["cleanup", "--force"]):
        result = run_cli(tmp_path, demo_db, *args)
        assert result.returncode == 2, result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "ledgerSchema" in lines[0] and "Traceback" not in result.stdout + result.stderr
    assert dump(demo_db) == before
    assert schema_state(demo_db, "supaseed") is None and schema_state(demo_db, "Ledger") is None


# ---------------------------------------------------------------------------------------------- Dagster

@pytest.mark.one_server
def test_dagster_seed_checks_status_and_cleanup_use_the_configured_schema(demo_db, tmp_path, monkeypatch):
    import dagster as dg

    from supaseed_pipeline.definitions import defs

    execute(demo_db, USERS_OWN)
    theirs = schema_state(demo_db, "supaseed")
    pristine = dump(demo_db)
    (tmp_path / "supaseed.json").write_text(json.dumps(config()))
    monkeypatch.setenv("SUPASEED_DATABASE_URL", demo_db.url)
    monkeypatch.setenv("SUPASEED_CONFIG", str(tmp_path / "supaseed.json"))
    monkeypatch.setenv("SUPASEED_DATA_DIR", str(tmp_path / "data"))
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def("seed_job").execute_in_process(instance=instance)
        assert result.success and ledger.schema() == "supaseed"   # the steps' schema does not leak out
        evaluations = result.get_asset_check_evaluations()
        # the checks read the ledger (seeded rows present, personal accounts, passwords) in seed_ledger
        assert {"seeded_rows_present", "users_have_personal_accounts"} <= {e.check_name for e in evaluations}
        assert all(e.passed for e in evaluations), [e.check_name for e in evaluations if not e.passed]
        assert recorded(demo_db)["auth.users"] == 8 and schema_state(demo_db, "supaseed") == theirs
        status = defs.resolve_job_def("status_job").execute_in_process(instance=instance)
        assert status.output_for_node("report_status")["tables"]["auth.users"]["rows"] == 8
        cleaned = defs.resolve_job_def("cleanup_job").execute_in_process(
            instance=instance, run_config={"ops": {"remove_seeded_rows": {"config": {"force": True}}}})
        assert cleaned.success
        report = next(e.user_message for e in instance.all_logs(cleaned.run_id) if e.user_message.startswith("deleted "))
        lines = report.splitlines()
        assert lines[0] == f"deleted {sum(int(l.split()[1]) for l in lines[1:]):,} rows in {len(lines) - 1} tables:"
        assert any(l.split() == ["auth.users", "8"] for l in lines[1:])
        # the UI shows the seeding assets empty, not the last seed's counts
        for asset in ("users", "accounts", "setups", "reference_data"):
            latest = instance.get_latest_materialization_event(dg.AssetKey(asset))
            assert latest.run_id == cleaned.run_id
            assert latest.asset_materialization.metadata["dagster/row_count"].value == 0
    assert dump(demo_db, leave_out="seed_ledger") == pristine
    assert schema_state(demo_db, "supaseed") == theirs
