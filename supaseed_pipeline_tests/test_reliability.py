"""Faults injected against a real server: killed runs, dropped connections, concurrent runs, held locks, timeouts.

After every fault the target must hold either a partition completely or not at all, the ledger must
agree with the tables, and running again must finish the job with no duplicates.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import dagster as dg
import pytest
from psycopg import sql

from supaseed_pipeline.db.connect import Target, connect, create_database, drop_database
from supaseed_pipeline.errors import ConnectionFailed, SupaseedError
from supaseed_pipeline.seed import api, ledger, locking
from supaseed_pipeline.seed.load import ident
from supaseed_pipeline.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]


def settings(**overrides):
    base = {"userCount": 30, "batchSize": 30, "setupsPerUser": 2, "domain": "outdoor"}
    return load_settings(overrides={**base, **overrides}, environ={}, use_default_file=False)


# ------------------------------------------------------------------------------------------ helpers

def data_tables(conn) -> list[tuple[str, str]]:
    """(schema, name) of every ordinary or partitioned parent table outside the system schemas and the ledger."""
    return conn.execute(
        "SELECT n.nspname::text, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', "
        "'information_schema', 'supaseed') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2").fetchall()


def dump(target: Target) -> dict[str, list[str]]:
    """Every row of every data table as text, sorted."""
    with connect(target) as conn:
        return {f"{schema}.{name}": sorted(r[0] for r in conn.execute(
            sql.SQL("SELECT x::text FROM {} x").format(sql.Identifier(schema, name))))
            for schema, name in data_tables(conn)}


def counts(target: Target) -> dict[str, int]:
    return {t: len(rows) for t, rows in dump(target).items()}


def one_line(message: str) -> None:
    assert message and "\n" not in message and "Traceback" not in message, message


def ledger_partitions(conn) -> dict[str, dict[str, int]]:
    if not conn.execute("SELECT to_regclass('supaseed.partitions') IS NOT NULL").fetchone()[0]:
        return {}
    return dict(conn.execute("SELECT partition_key, row_counts FROM supaseed.partitions").fetchall())


def assert_ledger_consistent(target: Target) -> dict[str, dict[str, int]]:
    """Each partition's row counts match its recorded keys, every key exists once, no key is recorded twice."""
    with connect(target) as conn:
        partitions = ledger_partitions(conn)
        if not partitions:
            return {}
        recorded = conn.execute(
            "SELECT partition_key, table_name, sum(cardinality(coalesce(keys, uuids::text[])))::int FROM supaseed.seeded_keys "
            "GROUP BY 1, 2").fetchall()
        per_partition: dict[str, dict[str, int]] = {}
        for key, table, n in recorded:
            per_partition.setdefault(key, {})[table] = n
        assert set(per_partition) <= set(partitions), "keys recorded for a partition the ledger does not list"
        for key, row_counts in partitions.items():
            assert per_partition.get(key, {}) == row_counts, key
        entries = conn.execute("SELECT table_name, key_columns, coalesce(keys, uuids::text[]) FROM supaseed.seeded_keys").fetchall()
        by_table: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        for table, columns, keys in entries:
            by_table.setdefault((table, tuple(columns)), []).extend(keys)
        for (table, columns), keys in by_table.items():
            assert len(keys) == len(set(keys)), f"{table}: a key is recorded twice"
            if len(columns) == 1:
                found = conn.execute(sql.SQL("SELECT count(*) FROM {} WHERE {}::text = ANY(%s)").format(
                    ident(table), sql.Identifier(columns[0])), (keys,)).fetchone()[0]
            else:
                obj = sql.SQL("jsonb_build_object({})").format(sql.SQL(", ").join(
                    sql.SQL("{}, {}::text").format(sql.Literal(c), sql.Identifier(c)) for c in columns))
                found = conn.execute(sql.SQL("SELECT count(*) FROM {} WHERE {} = ANY(%s::jsonb[])").format(
                    ident(table), obj), (keys,)).fetchone()[0]
            assert found == len(keys), f"{table}: {len(keys) - found} recorded key(s) point at no row"
        return partitions


def clone(pg_server: Target, template: Target) -> Target:
    """A copy of a (not yet connected) database, for an uninterrupted reference seed."""
    return create_database(pg_server, f"supaseed_t_ref_{uuid.uuid4().hex[:10]}", template=template.dbname)


def seeding_backends(conn, target: Target, condition: str = "true") -> list[int]:
    return [r[0] for r in conn.execute(
        sql.SQL("SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = 'supaseed' "
                "AND pid <> pg_backend_pid() AND ({})").format(sql.SQL(condition)), (target.dbname,)).fetchall()]


# A backend in a partition transaction that has started (or just finished) a COPY.
MID_COPY = "backend_xid IS NOT NULL AND query ILIKE 'COPY%%'"


def wait_until_gone(target: Target, timeout: float = 60) -> None:
    with connect(target, autocommit=True) as conn:
        deadline = time.monotonic() + timeout
        while seeding_backends(conn, target):
            assert time.monotonic() < deadline, "the killed run's backend never went away"
            time.sleep(0.05)


# ------------------------------------------------------------------------------------------ SIGKILL

KILLED_RUN = """
import json, sys
from supaseed_pipeline.db.connect import Target
from supaseed_pipeline.seed import api
from supaseed_pipeline.settings import load_settings
settings = load_settings(overrides=json.loads(sys.argv[2]), environ={}, use_default_file=False)
api.seed(Target(sys.argv[1]), settings)
"""


@pytest.mark.one_server
def test_sigkill_mid_partition_leaves_whole_partitions_and_a_rerun_completes(pg_server, demo_db):
    config = {"userCount": 1500, "batchSize": 500, "setupsPerUser": 1, "domain": "outdoor"}
    reference = clone(pg_server, demo_db)
    try:
        before = counts(demo_db)
        child = subprocess.Popen([sys.executable, "-c", KILLED_RUN, demo_db.url, json.dumps(config)], cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            with connect(demo_db, autocommit=True) as conn:
                deadline = time.monotonic() + 120
                while True:  # once at least one user batch is committed, kill during the COPY of a later one
                    assert child.poll() is None, f"the run ended before it could be killed: {child.communicate()}"
                    assert time.monotonic() < deadline, "never saw the seeding COPY"
                    committed = [k for k in ledger_partitions(conn) if k != "base"]
                    if committed and seeding_backends(conn, demo_db, MID_COPY):
                        break
                    time.sleep(0.005)
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=30)
        finally:
            if child.poll() is None:
                child.kill()
            child.communicate()
        assert child.returncode == -signal.SIGKILL
        wait_until_gone(demo_db)

        # whole partitions or nothing: table counts are the baseline plus what the committed partitions recorded
        partitions = assert_ledger_consistent(demo_db)
        user_batches = sorted(k for k in partitions if k != "base")
        assert 1 <= len(user_batches) < 3, partitions
        expected = dict(before)
        for row_counts in partitions.values():
            for table, n in row_counts.items():
                expected[table] += n
        assert counts(demo_db) == expected

        results = api.seed(demo_db, settings(**config))
        assert [r.key for r in results] == ["base", "p00000", "p00001", "p00002"]
        after = assert_ledger_consistent(demo_db)
        assert sorted(after) == ["base", "p00000", "p00001", "p00002"]
        final = counts(demo_db)
        assert final["auth.users"] == before["auth.users"] + 1500
        assert final["auth.identities"] == before["auth.identities"] + 1500
        for table in final:
            assert final[table] == before[table] + sum(r.rows.get(table, 0) for r in results), table

        # and the result is exactly what an uninterrupted run produces
        api.seed(reference, settings(**config))
        assert dump(demo_db) == dump(reference)
    finally:
        drop_database(pg_server, reference.dbname)


# ------------------------------------------------------------------------------------------ dropped connection

class Terminator(threading.Thread):
    """Terminates the first seeding backend caught in a partition's COPY, from another connection."""

    def __init__(self, target: Target, condition: str = MID_COPY):
        super().__init__(daemon=True)
        self.target, self.condition, self.killed, self.stop = target, condition, [], threading.Event()

    def run(self) -> None:
        with connect(self.target, autocommit=True) as conn:
            while not self.stop.is_set():
                pids = seeding_backends(conn, self.target, self.condition)
                if pids:
                    conn.execute("SELECT pg_terminate_backend(%s)", (pids[0],))
                    self.killed.append(pids[0])
                    return
                time.sleep(0.005)


def test_connection_dropped_mid_partition_is_a_clear_error_and_a_rerun_completes(pg_server, demo_db):
    config = {"userCount": 1000, "batchSize": 1000, "setupsPerUser": 1}
    reference = clone(pg_server, demo_db)
    try:
        before = dump(demo_db)
        terminator = Terminator(demo_db)
        terminator.start()
        try:
            with pytest.raises(SupaseedError) as caught:
                api.seed(demo_db, settings(**config))
        finally:
            terminator.stop.set()
            terminator.join()
        assert terminator.killed
        message = str(caught.value)
        one_line(message)
        assert isinstance(caught.value, ConnectionFailed), message   # retryable: the Dagster RetryPolicy applies
        assert "connection" in message and "nothing was written" in message

        assert dump(demo_db) == before
        partitions = assert_ledger_consistent(demo_db)
        assert [k for k in partitions if k != "base"] == []

        results = api.seed(demo_db, settings(**config))
        assert sum(r.rows.get("auth.users", 0) for r in results) == 1000
        assert_ledger_consistent(demo_db)
        api.seed(reference, settings(**config))
        assert dump(demo_db) == dump(reference)
    finally:
        drop_database(pg_server, reference.dbname)


def test_seeding_steps_have_a_retry_policy():
    from dagster._core.definitions.dependency import NodeHandle

    from supaseed_pipeline.definitions import defs

    job = defs.resolve_job_def("seed_job")
    for step in ("reference_data", "user_batches"):
        policy = job.get_retry_policy_for_handle(NodeHandle(step, None))
        assert policy is not None and policy.max_retries >= 1, step


@pytest.mark.one_server
def test_dagster_retries_a_batch_after_the_connection_drops(demo_db, monkeypatch, tmp_path):
    from supaseed_pipeline.definitions import defs

    config = tmp_path / "supaseed.json"
    config.write_text(json.dumps({"userCount": 1000, "batchSize": 1000, "setupsPerUser": 1}))
    monkeypatch.setenv("SUPASEED_DATABASE_URL", demo_db.url)
    monkeypatch.setenv("SUPASEED_CONFIG", str(config))
    monkeypatch.setenv("SUPASEED_DATA_DIR", str(tmp_path / "data"))
    # only the users batch: its first COPY goes into auth.users
    terminator = Terminator(demo_db, MID_COPY + " AND query ILIKE '%%auth%%users%%'")
    terminator.start()
    try:
        with dg.instance_for_test() as instance:
            result = defs.resolve_job_def("seed_job").execute_in_process(instance=instance, raise_on_error=False)
            events = [e.event_type_value for e in result.all_events if e.step_key == "user_batches"]
    finally:
        terminator.stop.set()
        terminator.join()
    assert terminator.killed
    assert "STEP_UP_FOR_RETRY" in events and "STEP_RESTARTED" in events, events
    assert result.success
    with connect(demo_db) as conn:
        assert conn.execute("SELECT count(*) FROM auth.users").fetchone()[0] == 1000
    assert_ledger_consistent(demo_db)


# ------------------------------------------------------------------------------------------ concurrent runs

def test_held_seeding_lock_refuses_with_the_target_named_then_releases(demo_db):
    before = dump(demo_db)
    with connect(demo_db, autocommit=True) as holder:
        holding = locking.run_lock(holder, demo_db.identity, 1, "another-run")   # another run is in progress
        holding.__enter__()
        holder_pid = holder.info.backend_pid
        with pytest.raises(SupaseedError) as caught:
            api.seed(demo_db, settings(lockTimeoutSeconds=1))
        message = str(caught.value)
        one_line(message)
        assert f"another supaseed run is seeding {demo_db.identity}" in message
        assert str(holder_pid) in message
        with connect(demo_db) as conn:
            assert conn.execute("SELECT to_regnamespace('supaseed') IS NULL").fetchone()[0]
        assert dump(demo_db) == before
        holding.__exit__(None, None, None)
    results = api.seed(demo_db, settings(lockTimeoutSeconds=1))
    assert sum(r.rows.get("auth.users", 0) for r in results) == 30


@pytest.mark.one_server
def test_two_runs_at_once_serialise_and_leave_one_seed(pg_server, demo_db):
    reference = clone(pg_server, demo_db)
    try:
        config = {"userCount": 300, "batchSize": 100, "lockTimeoutSeconds": 120}
        start = threading.Barrier(2)
        outcomes: list[object] = [None, None]

        def run(slot: int) -> None:
            start.wait()
            try:
                outcomes[slot] = api.seed(demo_db, settings(**config))
            except Exception as exc:  # reported below
                outcomes[slot] = exc

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert all(isinstance(o, list) for o in outcomes), outcomes
        with connect(demo_db) as conn:
            runs = conn.execute("SELECT status, started_at, finished_at FROM supaseed.runs ORDER BY started_at").fetchall()
        assert [r[0] for r in runs] == ["succeeded", "succeeded"]
        assert runs[0][2] <= runs[1][1], "the two runs overlapped"   # one after the other, under the lock
        assert_ledger_consistent(demo_db)
        api.seed(reference, settings(**config))
        assert dump(demo_db) == dump(reference)
        assert counts(demo_db)["auth.users"] == 300
    finally:
        drop_database(pg_server, reference.dbname)


# ------------------------------------------------------------------------------------------ locks and timeouts

def test_exclusive_table_lock_held_elsewhere_fails_fast_naming_the_table(demo_db):
    before = dump(demo_db)
    with connect(demo_db) as other:
        other.execute("LOCK TABLE public.setups IN ACCESS EXCLUSIVE MODE")  # an open transaction keeps it
        with pytest.raises(SupaseedError) as caught:
            api.seed(demo_db, settings(lockTimeoutSeconds=1))
        other.rollback()
    message = str(caught.value)
    one_line(message)
    assert "public.setups" in message and "lock" in message
    assert dump(demo_db) == before
    with connect(demo_db) as conn:
        assert conn.execute("SELECT to_regnamespace('supaseed') IS NULL").fetchone()[0]


def test_write_lock_held_elsewhere_fails_the_partition_naming_the_table(demo_db):
    before = dump(demo_db)
    with connect(demo_db) as other:
        other.execute("LOCK TABLE public.setups IN SHARE MODE")  # readers pass, writers wait
        with pytest.raises(SupaseedError) as caught:
            api.seed(demo_db, settings(lockTimeoutSeconds=1))
        other.rollback()
    message = str(caught.value)
    one_line(message)
    assert "loading public.setups failed" in message and "lock timeout" in message
    assert "lockTimeoutSeconds" in message
    assert dump(demo_db) == before   # the users and accounts of the batch were rolled back with it
    with connect(demo_db) as conn:
        assert conn.execute("SELECT to_regnamespace('supaseed') IS NULL").fetchone()[0]
    assert sum(r.rows.get("public.setups", 0) for r in api.seed(demo_db, settings(lockTimeoutSeconds=1))) > 0


def test_statement_timeout_names_the_table(demo_db):
    # the setups load is the slow statement, by a second (a 1 ms timeout left it to chance which statement
    # ran over first: under CI load a ledger statement did, 1 run in about 10)
    with connect(demo_db, autocommit=True) as conn:
        conn.execute("CREATE FUNCTION public.slow_setups() RETURNS trigger LANGUAGE plpgsql AS "
                     "$$ BEGIN PERFORM pg_sleep(1); RETURN NULL; END $$")
        conn.execute("CREATE TRIGGER slow_setups BEFORE INSERT ON public.setups "
                     "FOR EACH STATEMENT EXECUTE FUNCTION public.slow_setups()")
    before = dump(demo_db)
    with pytest.raises(SupaseedError) as caught:
        api.seed(demo_db, settings(userCount=30, batchSize=30, statementTimeoutSeconds=0.5))
    message = str(caught.value)
    one_line(message)
    assert "statement timeout" in message and "statementTimeoutSeconds" in message
    assert "loading public.setups failed" in message, message
    assert dump(demo_db) == before
    with connect(demo_db) as conn:
        assert conn.execute("SELECT to_regnamespace('supaseed') IS NULL").fetchone()[0]


# ------------------------------------------------------------------------------------------ cleanup

FOREIGN_USER = """
INSERT INTO auth.users (id, email, raw_user_meta_data, created_at, updated_at)
VALUES (%(id)s, %(email)s, '{"name": "Someone Else"}', now(), now());
"""
FOREIGN_SETUP = """
INSERT INTO public.setups (id, account_id, user_id, setup_type_id, title, slug, difficulty)
VALUES (%(setup)s, %(account)s, %(user)s, (SELECT min(id) FROM public.setup_types), 'Not seeded', %(slug)s, 'beginner');
"""
FOREIGN_ITEM = """
INSERT INTO public.gear_items (setup_id, position, name, brand, category, price)
VALUES (%(setup)s, %(position)s, 'Hand-made tarp', 'Nobody', 'shelter', 42.50);
"""


def _insert_foreign(conn, user: str, setup: str, slug: str) -> None:
    conn.execute(FOREIGN_USER, {"id": user, "email": f"{slug}@someone-else.example"})
    conn.execute(FOREIGN_SETUP, {"setup": setup, "account": user, "user": user, "slug": slug})


def test_cleanup_removes_exactly_the_seed_and_keeps_foreign_rows(demo_db):
    first_user, first_setup = str(uuid.uuid4()), str(uuid.uuid4())
    with connect(demo_db) as conn:
        _insert_foreign(conn, first_user, first_setup, "before-seed")
        conn.commit()
    before_seed = dump(demo_db)
    api.seed(demo_db, settings())
    after_seed = dump(demo_db)
    with connect(demo_db) as conn:   # more rows by someone else, one under a setup that is not seeded
        _insert_foreign(conn, str(uuid.uuid4()), str(uuid.uuid4()), "after-seed")
        conn.execute(FOREIGN_ITEM, {"setup": first_setup, "position": 1})
        conn.commit()
    now = dump(demo_db)
    expected = {t: sorted(before_seed[t] + sorted(set(now[t]) - set(after_seed[t]))) for t in now}
    assert sum(len(set(now[t]) - set(after_seed[t])) for t in now) == 4   # user, account, setup, item
    assert any(len(now[t]) > len(before_seed[t]) + 1 for t in now)       # the seed is really there

    deleted = api.cleanup(demo_db, settings())
    assert deleted["auth.users"] == 30
    assert dump(demo_db) == expected      # foreign rows byte-identical, seeded rows all gone
    assert api.seeded_leftovers(demo_db) == 0
    assert api.status(demo_db)["tables"] == {}


def test_cleanup_refuses_when_a_foreign_row_references_a_seeded_row(demo_db):
    api.seed(demo_db, settings())
    with connect(demo_db) as conn:
        seeded_user = conn.execute("SELECT min(id::text) FROM auth.users").fetchone()[0]
        conn.execute(FOREIGN_SETUP, {"setup": str(uuid.uuid4()), "account": seeded_user, "user": seeded_user,
                                     "slug": "someone-elses-setup"})
        conn.commit()
    before = dump(demo_db)
    with connect(demo_db) as conn:
        ledger_before = conn.execute("SELECT partition_key, seq, coalesce(keys, uuids::text[])"
                                     " FROM supaseed.seeded_keys ORDER BY 1, 2").fetchall()
    with pytest.raises(SupaseedError) as caught:
        api.cleanup(demo_db, settings())
    message = str(caught.value)
    one_line(message)
    assert "1 row(s) of public.setups" in message
    assert "setups_user_id_fkey" in message or "setups_account_id_fkey" in message
    assert "nothing was removed" in message
    assert dump(demo_db) == before
    with connect(demo_db) as conn:
        assert conn.execute("SELECT partition_key, seq, coalesce(keys, uuids::text[])"
                            " FROM supaseed.seeded_keys ORDER BY 1, 2").fetchall() == ledger_before
