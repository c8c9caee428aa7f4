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
