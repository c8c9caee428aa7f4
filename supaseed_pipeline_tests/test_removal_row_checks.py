"""A superuser's removal deletes without the per-row foreign key triggers where it checks every reference
into the table itself afterwards (removal._row_checks_skippable / _dangling); anything those triggers would
have refused, cascaded or nulled sends the removal back to the checks-first path, which refuses."""

from __future__ import annotations

import threading
import time

import pytest

from supaseed_pipeline.db.connect import connect
from supaseed_pipeline.errors import SupaseedError
from supaseed_pipeline.plan.graph import build_constraint_graph
from supaseed_pipeline.seed import removal
from supaseed_pipeline.snapshot.introspect import take_snapshot

SCHEMA = """
CREATE TABLE parent (id int PRIMARY KEY);
CREATE TABLE kid (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES parent ON DELETE CASCADE);
CREATE INDEX ON kid (parent_id);
CREATE TABLE theirs (id int PRIMARY KEY, parent_id int REFERENCES parent ON DELETE CASCADE);
CREATE INDEX ON theirs (parent_id);
CREATE TABLE bare_parent (id int PRIMARY KEY);
CREATE TABLE unindexed (id int PRIMARY KEY, bare_id int REFERENCES bare_parent);
INSERT INTO parent SELECT generate_series(1, 3);
INSERT INTO kid SELECT i, i FROM generate_series(1, 3) AS i;
INSERT INTO bare_parent VALUES (1);
"""
SEEDED = {"public.parent": ["1", "2", "3"], "public.kid": ["1", "2", "3"], "public.bare_parent": ["1"]}


@pytest.fixture
def seeded(fresh_db):
    with connect(fresh_db) as conn:
        conn.execute(SCHEMA)
        conn.commit()
    return fresh_db


def _stages(conn, tables=SEEDED):
    snapshot = take_snapshot(conn, ["public"])
    stages = {t: removal.stage_keys(conn, snapshot, n, t, ["id"], keys) for n, (t, keys) in enumerate(tables.items())}
    return snapshot, stages


def _rows(target) -> dict[str, list[tuple]]:
    with connect(target) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("parent", "kid", "theirs", "bare_parent", "unindexed")}


def test_only_unguarded_tables_referenced_from_indexed_columns_skip_the_row_triggers(seeded):
    with connect(seeded) as conn:
        snapshot, stages = _stages(conn)
        references = removal.catalog_references(conn, set(stages))
        ordered = removal.deletion_order(stages, references, build_constraint_graph(snapshot).load_order)
        # unindexed.bare_id has no index: each probe would scan it, so bare_parent keeps its triggers
        assert removal._row_checks_skippable(conn, stages, references, ordered, set()) == {"public.parent", "public.kid"}
        # a seeded child left to parent's cascade (a guarded one) needs that cascade: parent keeps its triggers
        assert removal._row_checks_skippable(conn, stages, references, ordered, {"public.kid"}) == set()
        conn.execute("CREATE ROLE supaseed_t_plain_remover NOLOGIN")
        conn.execute("SET ROLE supaseed_t_plain_remover")
        assert removal._row_checks_skippable(conn, stages, references, ordered, set()) == set()
        conn.rollback()


def test_the_skipped_triggers_remove_exactly_the_seed(seeded):
    with connect(seeded) as conn:
        snapshot, stages = _stages(conn)
        removed = removal.delete_staged(conn, stages, {t: len(k) for t, k in SEEDED.items()},
                                        build_constraint_graph(snapshot).load_order)
        conn.commit()
    assert not removed.checked_first
    assert dict(removed) == {"public.parent": 3, "public.kid": 3, "public.bare_parent": 1} and removed.missing == {}
    assert _rows(seeded) == {"parent": [], "kid": [], "theirs": [], "bare_parent": [], "unindexed": []}


def test_a_row_committed_while_the_delete_waits_for_its_parent_is_kept_and_named(seeded):
    """Someone inserts a row referencing a seeded parent while the removal runs: the insert's own check locks
    the parent, the removal's DELETE waits for it, then deletes the parent. With the triggers skipped nothing
    would cascade or refuse: the check afterwards must see the row, and the removal refuse with nothing gone."""
    before = _rows(seeded)
    outcome: dict[str, BaseException | None] = {}
    with connect(seeded) as theirs:
        theirs.execute("INSERT INTO theirs VALUES (10, 2)")   # parent 2 now locked FOR KEY SHARE until commit
        remover_pid = []

        def remove() -> None:
            try:
                with connect(seeded) as conn:
                    remover_pid.append(conn.info.backend_pid)
                    snapshot, stages = _stages(conn)
                    try:
                        removal.delete_staged(conn, stages, {t: len(k) for t, k in SEEDED.items()},
                                              build_constraint_graph(snapshot).load_order)
                        conn.commit()
                        outcome["error"] = None
                    except BaseException as exc:   # noqa: BLE001 - reported to the test
                        conn.rollback()
                        outcome["error"] = exc
            except BaseException as exc:   # noqa: BLE001
                outcome["error"] = exc

        worker = threading.Thread(target=remove)
        worker.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if remover_pid and theirs.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)",
                                              (remover_pid[0],)).fetchone()[0]:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the removal never waited for the inserted row's lock")
        theirs.commit()
        worker.join(30)
    error = outcome["error"]
    assert isinstance(error, SupaseedError), error
    assert "theirs" in str(error) and "theirs_parent_id_fkey" in str(error) and "did not seed" in str(error)
    assert _rows(seeded) == {**before, "theirs": [(10, 2)]}


@pytest.mark.parametrize("action", ["CASCADE", "SET NULL", "NO ACTION", "RESTRICT"])
def test_a_foreign_row_under_a_seeded_parent_stops_the_removal_whatever_its_action(seeded, action):
    """The triggers skipped would have deleted, nulled or refused: the check afterwards finds the row instead,
    and the checks-first path refuses, naming it, with every row where it was."""
    with connect(seeded) as conn:
        conn.execute(f"ALTER TABLE theirs DROP CONSTRAINT theirs_parent_id_fkey, ADD CONSTRAINT theirs_parent_id_fkey "
                     f"FOREIGN KEY (parent_id) REFERENCES parent ON DELETE {action}")
        conn.execute("INSERT INTO theirs VALUES (10, 3)")
        conn.commit()
    before = _rows(seeded)
    with connect(seeded) as conn:
        snapshot, stages = _stages(conn)
        with pytest.raises(SupaseedError) as caught:
            removal.delete_staged(conn, stages, {t: len(k) for t, k in SEEDED.items()},
                                  build_constraint_graph(snapshot).load_order)
        conn.rollback()
    assert "theirs_parent_id_fkey" in str(caught.value) and "did not seed" in str(caught.value)
    assert _rows(seeded) == before


def _skippable(conn, tables) -> set[str]:
    snapshot, stages = _stages(conn, tables)
    references = removal.catalog_references(conn, set(stages))
    ordered = removal.deletion_order(stages, references, build_constraint_graph(snapshot).load_order)
    return removal._row_checks_skippable(conn, stages, references, ordered, set())


def test_keys_compared_otherwise_than_by_value_and_other_isolation_levels_keep_the_row_triggers(seeded):
    """Where the check afterwards could miss a row the triggers see: char(n) keys ('ab' = 'ab  '), a key
    referenced from another type, a NOT VALID key, a transaction that reads one snapshot throughout."""
    with connect(seeded) as conn:
        conn.execute("""
            CREATE TABLE padded (id char(4) PRIMARY KEY);
            CREATE TABLE padded_ref (id int PRIMARY KEY, padded_id text REFERENCES padded); CREATE INDEX ON padded_ref (padded_id);
            CREATE TABLE wide (id int8 PRIMARY KEY);
            CREATE TABLE wide_ref (id int PRIMARY KEY, wide_id int4 REFERENCES wide); CREATE INDEX ON wide_ref (wide_id);
            CREATE TABLE unchecked (id int PRIMARY KEY);
            CREATE TABLE unchecked_ref (id int PRIMARY KEY, unchecked_id int); CREATE INDEX ON unchecked_ref (unchecked_id);
            ALTER TABLE unchecked_ref ADD FOREIGN KEY (unchecked_id) REFERENCES unchecked NOT VALID;
            INSERT INTO padded VALUES ('ab'); INSERT INTO padded_ref VALUES (1, 'ab ');
            INSERT INTO wide VALUES (1); INSERT INTO unchecked VALUES (1);""")
        conn.commit()
        tables = {"public.padded": ["ab"], "public.wide": ["1"], "public.unchecked": ["1"], "public.parent": ["1", "2", "3"],
                  "public.kid": ["1", "2", "3"]}
        assert _skippable(conn, tables) == {"public.parent", "public.kid"}
        conn.rollback()
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        assert _skippable(conn, tables) == set()
        conn.rollback()
    # the padded row references the seeded 'ab' through the key's own '=': the removal stops, nothing goes
    before = {t: rows for t, rows in _rows(seeded).items()}
    with connect(seeded) as conn:
        snapshot, stages = _stages(conn, {"public.padded": ["ab"]})
        with pytest.raises(Exception) as caught:
            removal.delete_staged(conn, stages, {"public.padded": 1}, build_constraint_graph(snapshot).load_order)
        conn.rollback()
        assert conn.execute("SELECT id FROM padded").fetchall() == [("ab  ",)]
        assert conn.execute("SELECT id, padded_id FROM padded_ref").fetchall() == [(1, "ab ")]
    assert "padded_ref_padded_id_fkey" in str(caught.value)
    assert _rows(seeded) == before
