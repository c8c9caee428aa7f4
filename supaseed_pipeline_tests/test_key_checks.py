"""Foreign keys checked once per distinct parent (seed/key_checks.py): the same rows as the server's row checks,
parents locked until commit, and every case it does not cover left to the server."""

from __future__ import annotations

import uuid

import polars as pl
import psycopg
import pytest

from supaseed_pipeline.db.connect import connect, create_database, drop_database
from supaseed_pipeline.seed import api, key_checks
from supaseed_pipeline.seed.loader import DatabaseLoader
from supaseed_pipeline.snapshot.introspect import take_snapshot
from supaseed_pipeline_tests.test_workers import checksums, settings

SCHEMA = """
CREATE TABLE parent (id uuid PRIMARY KEY, n int UNIQUE);
CREATE TABLE child (id int PRIMARY KEY, parent_id uuid REFERENCES parent, parent_n int REFERENCES parent (n));
CREATE TABLE pair_parent (a int, b text, PRIMARY KEY (a, b));
CREATE TABLE pair_child (id int PRIMARY KEY, a int, b text, FOREIGN KEY (a, b) REFERENCES pair_parent MATCH FULL);
CREATE TABLE ranged (id int, region text, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
CREATE TABLE ranged_eu PARTITION OF ranged FOR VALUES IN ('eu');
CREATE TABLE ranged_child (id int PRIMARY KEY, ranged_id int, region text, FOREIGN KEY (ranged_id, region) REFERENCES ranged);
CREATE TABLE log (what text);
CREATE TABLE watched (id int PRIMARY KEY, parent_id uuid REFERENCES parent);
CREATE FUNCTION note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO log VALUES (NEW.id::text); RETURN NEW; END $$;
CREATE TRIGGER watched_note AFTER INSERT ON watched FOR EACH ROW EXECUTE FUNCTION note();
CREATE TABLE stamped (id int PRIMARY KEY, parent_id uuid REFERENCES parent, touched int NOT NULL DEFAULT 0);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := OLD.touched + 1; RETURN NEW; END $$;
CREATE TRIGGER stamped_touch BEFORE UPDATE ON stamped FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER stamped_off AFTER INSERT ON stamped FOR EACH ROW EXECUTE FUNCTION note();
ALTER TABLE stamped DISABLE TRIGGER stamped_off;
CREATE TABLE deferred_unique (id int UNIQUE DEFERRABLE, parent_id uuid REFERENCES parent);
CREATE TABLE labels (k text PRIMARY KEY);
CREATE TABLE labelled (id int PRIMARY KEY, k varchar(3) REFERENCES labels);
CREATE TABLE late (id int PRIMARY KEY, parent_id uuid REFERENCES parent DEFERRABLE INITIALLY DEFERRED);
"""
PARENTS = [str(uuid.UUID(int=i)) for i in range(1, 6)]


@pytest.fixture
def keyed(fresh_db):
    with connect(fresh_db) as conn:
        conn.execute(SCHEMA)
        conn.execute("INSERT INTO parent SELECT id::uuid, n FROM unnest(%s::text[]) WITH ORDINALITY AS v(id, n)", (PARENTS,))
        conn.execute("INSERT INTO pair_parent VALUES (1, 'x'), (2, 'y')")
        conn.execute("INSERT INTO ranged VALUES (1, 'eu'), (2, 'eu')")
        conn.commit()
        snapshot = take_snapshot(conn, ["public"])
    return fresh_db, snapshot


def _count(conn, table: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_found_parents_are_locked_until_commit_and_the_rows_hold(keyed):
    target, snapshot = keyed
    frame = pl.DataFrame({"id": [1, 2, 3], "parent_id": [PARENTS[0], PARENTS[0], None], "parent_n": [2, None, 5]})
    with connect(target) as conn, connect(target, autocommit=True) as other:
        other.execute("SET lock_timeout = '200ms'")
        assert key_checks.KeyCheckedCopy(conn).copy(snapshot.table("public.child"), frame)
        assert conn.execute("SHOW session_replication_role").fetchone()[0] == "origin"
        # the parent a copied row names cannot go before the copy commits, as with the server's own row checks
        with pytest.raises(psycopg.errors.LockNotAvailable):
            other.execute("DELETE FROM parent WHERE id = %s", (PARENTS[0],))
        with pytest.raises(psycopg.errors.LockNotAvailable):
            other.execute("UPDATE parent SET n = 50 WHERE n = 5")
        other.execute("DELETE FROM parent WHERE id = %s", (PARENTS[3],))   # one no row names: not locked
        conn.commit()
        assert conn.execute("SELECT id, parent_id::text, parent_n FROM child ORDER BY id").fetchall() == \
            [(1, PARENTS[0], 2), (2, PARENTS[0], None), (3, None, 5)]
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            other.execute("DELETE FROM parent WHERE id = %s", (PARENTS[0],))


def test_a_missing_parent_writes_nothing_and_the_server_names_the_key(keyed):
    target, snapshot = keyed
    child = snapshot.table("public.child")
    missing = str(uuid.UUID(int=99))
    frame = pl.DataFrame({"id": [1, 2], "parent_id": [PARENTS[1], missing], "parent_n": [1, 1]})
    with connect(target) as conn:
        assert not key_checks.KeyCheckedCopy(conn).copy(child, frame)
        assert _count(conn, "child") == 0
        with pytest.raises(psycopg.errors.ForeignKeyViolation, match="child_parent_id_fkey"):
            DatabaseLoader(conn, check_keys=True).copy(child, frame)
        conn.rollback()
        assert _count(conn, "child") == 0


def test_a_table_with_a_trigger_goes_to_the_server_and_its_trigger_fires(keyed):
    target, snapshot = keyed
    watched = snapshot.table("public.watched")
    frame = pl.DataFrame({"id": [7, 8], "parent_id": [PARENTS[2], PARENTS[2]]})
    with connect(target) as conn:
        assert not key_checks.KeyCheckedCopy(conn).copy(watched, frame)
        DatabaseLoader(conn, check_keys=True).copy(watched, frame)
        conn.commit()
        assert sorted(r[0] for r in conn.execute("SELECT what FROM log").fetchall()) == ["7", "8"]


def test_a_trigger_that_cannot_fire_on_insert_keeps_the_fast_path_and_still_fires(keyed):
    """An updated_at-style BEFORE UPDATE trigger, and an INSERT trigger switched off, fire on no COPY in either role."""
    target, snapshot = keyed
    with connect(target) as conn:
        assert key_checks.KeyCheckedCopy(conn).copy(snapshot.table("public.stamped"),
                                                    pl.DataFrame({"id": [1, 2], "parent_id": [PARENTS[0], PARENTS[1]]}))
        conn.execute("UPDATE stamped SET parent_id = %s WHERE id = 2", (PARENTS[2],))
        conn.commit()
        assert conn.execute("SELECT id, touched FROM stamped ORDER BY id").fetchall() == [(1, 0), (2, 1)]
        assert _count(conn, "log") == 0


def test_a_deferrable_unique_key_goes_to_the_server_which_refuses_the_duplicate(keyed):
    """A DEFERRABLE unique constraint is checked by an internal INSERT trigger, which replica would skip too."""
    target, snapshot = keyed
    table = snapshot.table("public.deferred_unique")
    frame = pl.DataFrame({"id": [1, 1], "parent_id": [PARENTS[0], PARENTS[0]]})
    with connect(target) as conn:
        assert not key_checks.KeyCheckedCopy(conn).copy(table, frame)
        with pytest.raises(psycopg.errors.UniqueViolation):
            DatabaseLoader(conn, check_keys=True).copy(table, frame)


def test_a_varchar_key_copy_would_trim_goes_to_the_server(keyed):
    """COPY trims trailing spaces beyond varchar(3): 'abc  ' is stored as 'abc', another key than the parent's."""
    target, snapshot = keyed
    table = snapshot.table("public.labelled")
    with connect(target) as conn:
        conn.execute("INSERT INTO labels VALUES ('abc  '), ('xyz')")
        checked = key_checks.KeyCheckedCopy(conn)
        trimmed = pl.DataFrame({"id": [1], "k": ["abc  "]})
        assert not checked.copy(table, trimmed)
        assert checked.copy(table, pl.DataFrame({"id": [2], "k": ["xyz"]}))
        with pytest.raises(psycopg.errors.ForeignKeyViolation, match="labelled_k_fkey"):
            DatabaseLoader(conn, check_keys=True).copy(table, trimmed)


def test_match_full_and_partitioned_parents(keyed):
    target, snapshot = keyed
    pair_child, ranged_child = snapshot.table("public.pair_child"), snapshot.table("public.ranged_child")
    with connect(target) as conn:
        checked = key_checks.KeyCheckedCopy(conn)
        assert checked.copy(pair_child, pl.DataFrame({"id": [1, 2, 3], "a": [1, 2, None], "b": ["x", "y", None]}))
        # a key partly NULL breaks MATCH FULL: left to the server, which refuses it
        partly = pl.DataFrame({"id": [4], "a": [1], "b": [None]}, schema={"id": pl.Int64, "a": pl.Int64, "b": pl.String})
        assert not checked.copy(pair_child, partly)
        assert not checked.copy(pair_child, pl.DataFrame({"id": [5], "a": [1], "b": ["y"]}))   # (1, 'y') is no parent
        # a partitioned parent is looked up through its partitions (ONLY would find none)
        assert checked.copy(ranged_child, pl.DataFrame({"id": [1, 2], "ranged_id": [1, 2], "region": ["eu", "eu"]}))
        conn.commit()
        assert _count(conn, "pair_child") == 3 and _count(conn, "ranged_child") == 2


def test_a_deferred_key_whose_parent_comes_later_is_left_to_the_server(keyed):
    target, snapshot = keyed
    later = str(uuid.UUID(int=77))
    with connect(target) as conn:
        frame = pl.DataFrame({"id": [1], "parent_id": [later]})
        assert not key_checks.KeyCheckedCopy(conn).copy(snapshot.table("public.late"), frame)
        DatabaseLoader(conn, check_keys=True).copy(snapshot.table("public.late"), frame)
        conn.execute("INSERT INTO parent VALUES (%s, 77)", (later,))
        conn.commit()
        assert _count(conn, "late") == 1


def test_only_a_superuser_in_the_origin_role_skips_the_row_checks(keyed):
    target, _ = keyed
    with connect(target) as conn:
        assert key_checks.allowed(conn)
        conn.execute("CREATE ROLE supaseed_t_plain NOLOGIN")
        try:
            conn.execute("SET ROLE supaseed_t_plain")
            assert not key_checks.allowed(conn)
            conn.execute("RESET ROLE")
            conn.execute("SET session_replication_role = replica")
            assert not key_checks.allowed(conn)
        finally:
            conn.rollback()


def test_a_seed_with_the_key_checks_holds_exactly_the_rows_of_one_without(pg_server, demo_db, monkeypatch):
    """The demo through api.seed (identities, setups and gear items take this path; auth.users has triggers):
    the same rows, and the cleanup after it exact."""
    other = create_database(pg_server, f"{demo_db.dbname}_rows", template=demo_db.dbname)
    used: list[str] = []
    real_copy = key_checks.KeyCheckedCopy.copy

    def copy(self, table, frame):
        done = real_copy(self, table, frame)
        used.extend([table.qualified] if done else [])
        return done

    try:
        pristine = checksums(demo_db)
        monkeypatch.setattr(key_checks.KeyCheckedCopy, "copy", copy)
        api.seed(demo_db, settings(workers=2))
        assert {"auth.identities", "public.setups", "public.gear_items"} <= set(used)
        assert "auth.users" not in used
        checked = checksums(demo_db)
        monkeypatch.setattr(key_checks, "allowed", lambda conn: False)
        api.seed(other, settings(workers=2))
        assert checksums(other) == checked
        api.cleanup(demo_db, settings())
        assert checksums(demo_db) == pristine
    finally:
        drop_database(pg_server, other.dbname)
