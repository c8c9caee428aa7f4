"""A failure inside the Dagster run reaches the CLI as the step's structured user_failure_data: the one line, the
exit code its kind says (2 config/usage, 1 otherwise), also after a transient error used up its retries."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import psycopg
import pytest
from click.testing import CliRunner

import supaseed_pipeline.defs.failures as failures
import supaseed_pipeline.defs.seeding as seeding
from supaseed_pipeline.cli import main
from supaseed_pipeline.db.connect import Target, connect
from supaseed_pipeline.defs.failures import ERROR_TYPE, EXIT_KIND, FAILURE, USAGE, run_step
from supaseed_pipeline.errors import ConfigError, SupaseedError
from supaseed_pipeline.seed.engine import BASE

CLEAR = ("DAGSTER_HOME", "SUPASEED_CONFIG", "SUPASEED_DATABASE_URL", "SUPABASE_DB_URL", "DATABASE_URL", "SUPABASE_URL",
         "SUPABASE_SERVICE_ROLE_KEY", "SUPASEED_SEED", "SUPASEED_USER_COUNT", "SUPASEED_BATCH_SIZE",
         "SUPASEED_ALLOW_PRODUCTION")


def raising(exc: BaseException):
    def call():
        raise exc
    return call


def metadata(failure: dg.Failure) -> dict:
    return {key: getattr(value, "value", value) for key, value in failure.metadata.items()}


def test_run_step_failures_carry_their_kind_and_hint():
    with pytest.raises(dg.Failure) as config:
        run_step(raising(ConfigError("domain: unknown domain 'x'", hint="use outdoor")))
    assert config.value.description == "domain: unknown domain 'x' — use outdoor"   # the hint once, not twice
    assert metadata(config.value) == {EXIT_KIND: USAGE, "hint": "use outdoor", ERROR_TYPE: "ConfigError"}
    assert config.value.allow_retries is False and config.value.__cause__ is None   # no traceback for a user error

    with pytest.raises(dg.Failure) as bug:
        run_step(raising(KeyError("k")))
    assert bug.value.description == "unexpected KeyError: 'k'" and metadata(bug.value)[EXIT_KIND] == FAILURE
    assert isinstance(bug.value.__cause__, KeyError)   # a bug keeps its traceback

    with pytest.raises(dg.RetryRequested) as busy:
        run_step(raising(psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")))
    reported = busy.value.__cause__   # what Dagster reports as user_failure_data once the retries are used up
    assert isinstance(reported, dg.Failure) and reported.description == "database error: canceling statement due to lock timeout"
    assert metadata(reported) == {EXIT_KIND: FAILURE, ERROR_TYPE: "LockNotAvailable", "transient": True}


@pytest.fixture
def cli(demo_db: Target, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in CLEAR:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SUPASEED_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SUPASEED_DATABASE_URL", demo_db.url)

    def run(*args: str, expect: int):
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == expect, f"exit {result.exit_code}\n{result.stdout}\n{result.stderr}"
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        return lines

    return run


@pytest.mark.parametrize("error, code", [
    (ConfigError("tables.public.setups.count: more rows than the parent allows", hint="lower count"), 2),
    (SupaseedError("public.setups: constraint setups_check cannot be satisfied", hint="relax it"), 1),
])
def test_an_error_inside_the_run_exits_with_its_kind(cli, monkeypatch, error, code):
    """The planning before the run passes; the seeding step fails: the CLI's line and exit code come from the step."""
    monkeypatch.setattr(seeding.api, "seed", lambda *a, **k: (_ for _ in ()).throw(error))
    lines = cli("seed", "--users", "3", expect=code)
    assert lines == [f"error: {error}"]
    verbose = cli("seed", "--users", "3", "-v", expect=code)
    at = verbose.index(f"error: {error}")
    assert [line.strip() for line in verbose[at + 1:]] == [
        verbose[at + 1].strip(), f"supaseed/error: {type(error).__name__}", f"hint: {error.hint}"]
    assert verbose[at + 1].strip().startswith("step reference_data failed in Dagster run ")


def test_a_lock_timeout_that_outlasts_the_retries_is_one_line(cli, demo_db, monkeypatch):
    """Once planning is done, another session locks a seeded table for the rest of the run: each attempt of
    the batch step times out, the step gives up after its retries, and the user reads the database's reason
    in one line (not Dagster's "Exceeded max_retries")."""
    monkeypatch.setattr(failures, "RETRY", dg.RetryPolicy(max_retries=1, delay=0))
    Path("supaseed.json").write_text(json.dumps({"lockTimeoutSeconds": 1}))
    real_seed, attempts, holder = seeding.api.seed, [], psycopg.connect(demo_db.url)

    def seed_behind_a_lock(*args, **kwargs):
        if kwargs.get("partition_keys") != [BASE]:   # the user batches: lock their table from another session
            if not attempts:
                holder.execute("LOCK TABLE public.setups IN ACCESS EXCLUSIVE MODE")
            attempts.append(kwargs.get("partition_keys"))
        return real_seed(*args, **kwargs)

    monkeypatch.setattr(seeding.api, "seed", seed_behind_a_lock)
    try:
        lines = cli("seed", "--users", "3", expect=1)
    finally:
        holder.close()
    assert len(attempts) == 2   # the first attempt and one retry
    assert len(lines) == 1 and lines[0].startswith("error: ") and "lock" in lines[0], lines
    assert "public.setups" in lines[0] and "max_retries" not in lines[0]
    with connect(demo_db) as conn:
        assert conn.execute("SELECT count(*) FROM public.setups").fetchone()[0] == 0
