"""Seeding and cleanup never touch a row they did not create, never damage the schema (issue: data safety).

Each case builds a target shape that used to lose or change a user's rows, seeds it, adds rows that
supaseed did not create, and compares every such row byte for byte before and after.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from psycopg import sql

from supaseed_pipeline.db.connect import Target, connect
from supaseed_pipeline.errors import SupaseedError, TargetBusy
from supaseed_pipeline.plan.graph import build_constraint_graph
from supaseed_pipeline.seed import api, bulk, ledger, locking
from supaseed_pipeline.snapshot.introspect import take_snapshot
from supaseed_pipeline.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]


def settings(**overrides):
    base = {"userCount": 4, "batchSize": 2, "setupsPerUser": 2, "domain": "outdoor", "lockTimeoutSeconds": 5}
    return load_settings(overrides={**base, **overrides}, environ={}, use_default_file=False)


def dump(target: Target) -> dict[str, list[str]]:
    """Every row of every table outside the system schemas (the ledger's too), as sorted text."""
    with connect(target) as conn:
        tables = conn.execute(
            "SELECT n.nspname::text, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', "
            "'information_schema') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2").fetchall()
        return {f"{s}.{t}": sorted(r[0] for r in conn.execute(sql.SQL("SELECT x::text FROM {} x").format(
            sql.Identifier(s, t)))) for s, t in tables}


def user_rows(target: Target) -> dict[str, list[str]]:
    """Rows of every data table that the ledger does not record (and the ledger itself left out)."""
    everything = dump(target)
    return {t: rows for t, rows in everything.items() if not t.startswith("supaseed.")}


def execute(target: Target, statement: str, params=None):
    with connect(target, autocommit=True) as conn:
        cur = conn.execute(statement, params)
        return cur.fetchall() if cur.description else None


def seeded_keys(target: Target, table: str) -> list[str]:
    rows = execute(target, "SELECT unnest(coalesce(keys, uuids::text[])) FROM supaseed.seeded_keys "
                           "WHERE table_name = %s ORDER BY 1", (table,))
    return [r[0] for r in rows]


def one_line(message: str) -> None:
    assert message and "\n" not in message and "Traceback" not in message, message


def fk_definitions(target: Target) -> list[tuple[str, str, bool]]:
    return execute(target, "SELECT conrelid::regclass::text, conname::text, convalidated FROM pg_constraint "
                           "WHERE contype = 'f' AND connamespace <> 'supaseed'::regnamespace ORDER BY 1, 2"
                   if execute(target, "SELECT to_regnamespace('supaseed') IS NOT NULL")[0][0] else
                   "SELECT conrelid::regclass::text, conname::text, convalidated FROM pg_constraint "
                   "WHERE contype = 'f' ORDER BY 1, 2")


# ------------------------------------------------------------------------------------------ foreign rows

SHAPES = {
    # through a UNIQUE column that is not the recorded key
    "unique column": (
        "CREATE TABLE other.newsletter (id serial PRIMARY KEY, "
        "email varchar(320) REFERENCES public.accounts(email) ON DELETE CASCADE)",
        "INSERT INTO other.newsletter (email) SELECT email FROM public.accounts WHERE id::text = %s",
        "public.accounts", "newsletter_email_fkey"),
    # through a unique index, composite, in another column order than the index
    "unique index, other column order": (
        "CREATE UNIQUE INDEX setups_title_id_uidx ON public.setups (title, id); "
        "CREATE TABLE other.bookmarks (id serial PRIMARY KEY, setup_id uuid, setup_title varchar(120), "
        "FOREIGN KEY (setup_id, setup_title) REFERENCES public.setups (id, title) ON DELETE SET NULL)",
        "INSERT INTO other.bookmarks (setup_id, setup_title) SELECT id, title FROM public.setups WHERE id::text = %s",
        "public.setups", "bookmarks_setup_id_setup_title_fkey"),
    # a Supabase schema the snapshot leaves out: storage objects owned by a seeded user
    "storage schema": (
        "CREATE SCHEMA IF NOT EXISTS storage; CREATE TABLE storage.objects (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "
        "owner uuid REFERENCES auth.users(id) ON DELETE CASCADE, name text)",
        "INSERT INTO storage.objects (owner, name) VALUES (%s::uuid, 'avatar.png')",
        "auth.users", "objects_owner_fkey"),
    # a foreign key declared on one partition only
    "FK on a partition": (
        "CREATE TABLE other.events (id int, at date NOT NULL, user_id uuid) PARTITION BY RANGE (at); "
        "CREATE TABLE other.events_2025 PARTITION OF other.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01'); "
        "ALTER TABLE other.events_2025 ADD CONSTRAINT events_2025_user_fkey FOREIGN KEY (user_id) "
        "REFERENCES auth.users(id) ON DELETE CASCADE",
        "INSERT INTO other.events VALUES (1, '2025-05-01', %s::uuid)",
        "auth.users", "events_2025_user_fkey"),
}


def seed_beside_a_foreign_row(target: Target, ddl: str, insert: str, parent: str) -> dict[str, list[str]]:
    """The shape's tables, a seed, then the user's row referencing a seeded `parent` row; returns the rows
    before the seed (what cleanup must leave once the user's row is gone)."""
    execute(target, "CREATE SCHEMA other")
    execute(target, ddl)
    pristine = user_rows(target)
    api.seed(target, settings())
    execute(target, insert, (seeded_keys(target, parent)[0],))
    return pristine


def delete_the_foreign_row(target: Target, insert: str) -> None:
    table = re.match(r"INSERT INTO (\S+)", insert).group(1)
    execute(target, "DELETE FROM public.setups WHERE title = 'my own'" if table == "public.setups" else f"DELETE FROM {table}")


@pytest.mark.parametrize("shape", list(SHAPES))
def test_rows_referencing_seeded_rows_are_never_deleted_or_changed(demo_db, shape):
    ddl, insert, parent, constraint = SHAPES[shape]
    pristine = seed_beside_a_foreign_row(demo_db, ddl, insert, parent)
    before = user_rows(demo_db)   # the ledger may note a refused run; every data row stays
    for attempt in (lambda: api.cleanup(demo_db, settings()),          # cleanup --force
                    lambda: api.seed(demo_db, settings(seed=99))):     # a reseed that replaces the old seed
        with pytest.raises(SupaseedError) as caught:
            attempt()
        one_line(str(caught.value))
        assert constraint in str(caught.value) and "did not seed" in str(caught.value)
        assert user_rows(demo_db) == before
    # once the user's row is gone, cleanup removes exactly the seed
    delete_the_foreign_row(demo_db, insert)
    api.cleanup(demo_db, settings())
    assert user_rows(demo_db) == pristine


# foreign rows that arrive after cleanup's up-front check (or a reseed's batch that has none): the delete
# itself, checked by the server's row counters, must not let them go
RACE_SHAPES = {
    **SHAPES,
    "NO ACTION": ("CREATE TABLE other.notes (id serial PRIMARY KEY, user_id uuid REFERENCES auth.users(id))",
                  "INSERT INTO other.notes (user_id) VALUES (%s::uuid)", "auth.users", "notes_user_id_fkey"),
    "RESTRICT": ("CREATE TABLE other.notes (id serial PRIMARY KEY, "
                 "setup_id uuid REFERENCES public.setups(id) ON DELETE RESTRICT)",
                 "INSERT INTO other.notes (setup_id) VALUES (%s::uuid)", "public.setups", "notes_setup_id_fkey"),
    "deferred NO ACTION": ("CREATE TABLE other.notes (id serial PRIMARY KEY, "
                           "account_id uuid REFERENCES public.accounts(id) DEFERRABLE INITIALLY DEFERRED)",
                           "INSERT INTO other.notes (account_id) VALUES (%s::uuid)", "public.accounts",
                           "notes_account_id_fkey"),
    "SET DEFAULT": ("CREATE TABLE other.notes (id serial PRIMARY KEY, "
                    "setup_id uuid DEFAULT NULL REFERENCES public.setups(id) ON DELETE SET DEFAULT)",
                    "INSERT INTO other.notes (setup_id) VALUES (%s::uuid)", "public.setups", "notes_setup_id_fkey"),
    # a user's own row in a seeded table, under a seeded parent
    "own row in a seeded table": (
        "SELECT 1",
        "INSERT INTO public.setups (account_id, user_id, title, slug, setup_type_id, difficulty) "
        "SELECT a.id, a.primary_owner_user_id, 'my own', 'my-own', (SELECT min(id) FROM public.setup_types), 'beginner' "
        "FROM public.accounts a WHERE a.id::text = %s",
        "public.accounts", "setups_account_id_fkey"),
}


def delete_everything_seeded(target: Target):
    """ledger.delete_seeded of every partition in one transaction, as a reseed's batch removes its rows;
    returns the removal (committed) or raises (rolled back)."""
    with connect(target) as conn:
        snapshot = take_snapshot(conn)
        removed = ledger.delete_seeded(conn, snapshot, build_constraint_graph(snapshot).load_order)
        conn.commit()
        return removed


@pytest.mark.parametrize("shape", list(RACE_SHAPES))
def test_rows_referencing_seeded_rows_when_the_delete_runs_are_never_deleted_or_changed(demo_db, shape):
    ddl, insert, parent, constraint = RACE_SHAPES[shape]
    pristine = seed_beside_a_foreign_row(demo_db, ddl, insert, parent)
    recorded = {t: len(seeded_keys(demo_db, t)) for t, in execute(demo_db, "SELECT DISTINCT table_name FROM supaseed.seeded_keys")}
    before = dump(demo_db)
    with pytest.raises(SupaseedError) as caught:
        delete_everything_seeded(demo_db)
    one_line(str(caught.value))
    assert constraint in str(caught.value) and "did not seed" in str(caught.value)
    assert dump(demo_db) == before
    # without the foreign row, the deletes are checked afterwards, and remove exactly the seed
    delete_the_foreign_row(demo_db, insert)
    removed = delete_everything_seeded(demo_db)
    assert not removed.checked_first
    assert dict(removed) == recorded and removed.missing == {}
    assert user_rows(demo_db) == pristine


def test_a_kept_seeded_row_does_not_hide_a_foreign_row_lost_in_the_same_table(demo_db):
    """A BEFORE DELETE trigger keeps one seeded setup while a user's own setup would go with a seeded
    account's cascade: the rows deleted from setups equal the seeded ones present, yet the wrong ones."""
    execute(demo_db, """
        CREATE FUNCTION public.keep_one() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF OLD.title = 'kept' THEN RETURN NULL; END IF; RETURN OLD; END $$;
        CREATE TRIGGER keep_one BEFORE DELETE ON public.setups FOR EACH ROW EXECUTE FUNCTION public.keep_one();""")
    api.seed(demo_db, settings())
    owner = seeded_keys(demo_db, "public.accounts")[0]
    kept = seeded_keys(demo_db, "public.setups")[0]
    execute(demo_db, "UPDATE public.setups SET title = 'kept' WHERE id::text = %s", (kept,))
    execute(demo_db, "DELETE FROM public.gear_items WHERE setup_id::text = %s", (kept,))   # no other table tells
    execute(demo_db, RACE_SHAPES["own row in a seeded table"][1], (owner,))
    before = dump(demo_db)
    with pytest.raises(SupaseedError) as caught:
        delete_everything_seeded(demo_db)
    one_line(str(caught.value))
    assert "setups_account_id_fkey" in str(caught.value) and "did not seed" in str(caught.value)
    assert dump(demo_db) == before


# shapes where a count-based proof of a delete could be fooled (a foreign row lost or changed while the counts
# balance): the recorded rows, then the setup; every case holds a foreign row (id 99) that must stay as it is
_OWNERS = "CREATE TABLE owners (id int PRIMARY KEY); INSERT INTO owners VALUES (1);"
_OWNER_1 = [("public.owners", ["id"], ["1"])]
_ITEMS = "CREATE TABLE items (id int PRIMARY KEY, owner_id int REFERENCES owners(id) ON DELETE CASCADE, note text);"
PROOF_TRAPS = {
    "inheritance child": (_OWNER_1 + [("public.items", ["id"], ["10"])], _OWNERS + _ITEMS + """
        CREATE TABLE items_archive () INHERITS (items);
        INSERT INTO items_archive VALUES (10, 1, 'seeded');
        INSERT INTO items VALUES (99, 1, 'foreign');"""),
    "trigger on one partition keeps a seeded row": (
        _OWNER_1 + [("public.items", ["id", "region"], ['{"id": "10", "region": "eu"}'])], _OWNERS + """
        CREATE TABLE items (id int, region text, owner_id int REFERENCES owners(id) ON DELETE CASCADE, note text,
                            PRIMARY KEY (id, region)) PARTITION BY LIST (region);
        CREATE TABLE items_eu PARTITION OF items FOR VALUES IN ('eu');
        CREATE TABLE items_us PARTITION OF items FOR VALUES IN ('us');
        CREATE FUNCTION keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
        CREATE TRIGGER keep BEFORE DELETE ON items_eu FOR EACH ROW EXECUTE FUNCTION keep();
        INSERT INTO items VALUES (10, 'eu', NULL, 'seeded'), (99, 'us', 1, 'foreign');"""),
    "NOT VALID foreign key": (_OWNER_1 + [("public.items", ["id"], ["10"])], _OWNERS + """
        CREATE TABLE items (id int PRIMARY KEY, owner_id int, note text);
        INSERT INTO items VALUES (10, 2, 'seeded'), (99, 1, 'foreign');
        ALTER TABLE items ADD FOREIGN KEY (owner_id) REFERENCES owners(id) ON DELETE CASCADE NOT VALID;"""),
    "soft delete on a referencing table": (_OWNER_1, _OWNERS + _ITEMS + """
        CREATE FUNCTION soft() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN UPDATE items SET note = 'deleted' WHERE id = OLD.id; RETURN NULL; END $$;
        CREATE TRIGGER soft BEFORE DELETE ON items FOR EACH ROW EXECUTE FUNCTION soft();
        INSERT INTO items VALUES (99, 1, 'foreign');"""),
    "a seeded row deleted by the app meanwhile": (_OWNER_1 + [("public.items", ["id"], ["10", "11"])], _OWNERS + _ITEMS + """
        INSERT INTO items VALUES (10, NULL, 'seeded'), (11, NULL, 'seeded'), (99, 1, 'foreign');"""),
    # clearing a seeded cycle link changes a foreign row through ON UPDATE CASCADE on that unique column
    "a cleared cycle link cascades an update": ([("public.c", ["id"], ["1"]), ("public.b", ["id"], ["5"])], """
        CREATE TABLE c (id int PRIMARY KEY, b_id int UNIQUE);
        CREATE TABLE b (id int PRIMARY KEY, c_id int NOT NULL REFERENCES c(id));
        ALTER TABLE c ADD FOREIGN KEY (b_id) REFERENCES b(id);
        CREATE TABLE d (id int PRIMARY KEY, c_b int REFERENCES c(b_id) ON UPDATE CASCADE);
        INSERT INTO c VALUES (1, NULL); INSERT INTO b VALUES (5, 1); UPDATE c SET b_id = 5 WHERE id = 1;
        INSERT INTO d VALUES (99, 5);"""),
    "foreign key triggers switched off": (_OWNER_1, _OWNERS + _ITEMS + """
        INSERT INTO items VALUES (99, 1, 'foreign');
        ALTER TABLE owners DISABLE TRIGGER ALL;"""),
    "replica mode": (_OWNER_1, _OWNERS + _ITEMS + "INSERT INTO items VALUES (99, 1, 'foreign');"),
    # an append-only audit table: its trigger cancels the SET NULL, which would leave 99 pointing at nothing
    "a BEFORE UPDATE trigger cancels a SET NULL": (_OWNER_1, _OWNERS + """
        CREATE TABLE audit (id int PRIMARY KEY, actor int REFERENCES owners(id) ON DELETE SET NULL);
        CREATE FUNCTION frozen() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
        CREATE TRIGGER frozen BEFORE UPDATE ON audit FOR EACH ROW EXECUTE FUNCTION frozen();
        INSERT INTO audit VALUES (99, 1);"""),
    # a schema whose name holds a dot (older code cannot name it yet: it must fail, not guess)
    "a dot in a schema name": (_OWNER_1, _OWNERS + """
        CREATE SCHEMA "app.v2";
        CREATE TABLE "app.v2".items (id int PRIMARY KEY, owner_id int REFERENCES owners(id) ON DELETE CASCADE);
        INSERT INTO "app.v2".items VALUES (99, 1);"""),
}


@pytest.mark.parametrize("trap", list(PROOF_TRAPS))
def test_a_foreign_row_is_never_lost_where_counts_could_balance(fresh_db, trap):
    import psycopg

    from supaseed_pipeline.seed import removal

    entries, setup = PROOF_TRAPS[trap]
    execute(fresh_db, setup)
    before = dump(fresh_db)
    app = None
    if "meanwhile" in trap:
        # the app deletes seeded row 11 and commits while supaseed's delete waits for it
        app = connect(fresh_db)
        app.execute("DELETE FROM items WHERE id = 11")
        threading.Timer(1.0, app.commit).start()
        before["public.items"].remove("(11,,seeded)")
    with connect(fresh_db) as conn:
        if trap == "replica mode":
            conn.execute("SET session_replication_role = replica")
        snapshot = take_snapshot(conn)
        stages = {t: removal.stage_keys(conn, snapshot, n, t, cols, keys) for n, (t, cols, keys) in enumerate(entries)}
        with pytest.raises((SupaseedError, psycopg.Error)) as caught:
            removal.delete_staged(conn, stages, {t: len(k) for t, _, k in entries},
                                  build_constraint_graph(snapshot).load_order)
        conn.rollback()
    if app is not None:
        app.close()
    if "dot" not in trap:
        one_line(str(caught.value))
        assert "that supaseed did not seed reference seeded rows" in str(caught.value)
    assert dump(fresh_db) == before


def test_a_supaseed_schema_that_is_not_ours_is_refused_and_kept(demo_db):
    execute(demo_db, "CREATE SCHEMA supaseed; CREATE TABLE supaseed.important (x int); "
                     "INSERT INTO supaseed.important VALUES (1), (2)")
    before = dump(demo_db)
    with pytest.raises(SupaseedError) as caught:
        api.seed(demo_db, settings())
    one_line(str(caught.value))
    assert "schema named supaseed that supaseed did not create" in str(caught.value)
    assert "important" in str(caught.value)
    assert dump(demo_db) == before


def test_a_failed_first_run_drops_only_the_ledger_tables_it_made(demo_db):
    # the run fails after creating the ledger: the user table refuses every row, so nothing can be seeded
    execute(demo_db, "ALTER TABLE auth.users ADD CONSTRAINT no_new_users CHECK (false) NOT VALID")
    before = dump(demo_db)
    with pytest.raises(SupaseedError):
        api.seed(demo_db, settings())
    assert dump(demo_db) == before
    assert execute(demo_db, "SELECT to_regnamespace('supaseed') IS NULL")[0][0]


def test_keys_rewritten_by_a_before_insert_trigger_are_recorded_as_stored(demo_db):
    execute(demo_db, """
        CREATE TABLE public.tags (id int PRIMARY KEY, label text NOT NULL);
        CREATE FUNCTION public.shift_tag_id() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN NEW.id := NEW.id + 1000000; RETURN NEW; END $$;
        CREATE TRIGGER shift_tag_id BEFORE INSERT ON public.tags FOR EACH ROW EXECUTE FUNCTION public.shift_tag_id();
        INSERT INTO public.tags VALUES (5, 'mine');""")
    pristine = user_rows(demo_db)
    config = settings(tables={"public.tags": {"count": 7}})
    api.seed(demo_db, config)
    stored = [r[0] for r in execute(demo_db, "SELECT id::text FROM public.tags WHERE label <> 'mine'")]
    assert len(stored) == 7 and sorted(seeded_keys(demo_db, "public.tags")) == sorted(stored)
    api.cleanup(demo_db, config)
    assert user_rows(demo_db) == pristine


def test_cleanup_that_cannot_delete_says_so_and_changes_nothing(demo_db):
    execute(demo_db, """
        CREATE TABLE public.keepsakes (id int PRIMARY KEY, label text NOT NULL);
        CREATE FUNCTION public.keep_forever() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
        CREATE TRIGGER keep_forever BEFORE DELETE ON public.keepsakes FOR EACH ROW EXECUTE FUNCTION public.keep_forever();""")
    api.seed(demo_db, settings(rowsPerTable=5))
    before = dump(demo_db)
    with pytest.raises(SupaseedError) as caught:
        api.cleanup(demo_db, settings(rowsPerTable=5))
    one_line(str(caught.value))
    assert "5 of the 5 seeded row(s) of public.keepsakes were not deleted" in str(caught.value)
    assert "keep_forever" in str(caught.value)
    assert dump(demo_db) == before


def test_a_seeded_lookup_table_is_removed_after_the_rows_that_use_it(demo_db):
    execute(demo_db, "DELETE FROM public.setup_types")   # empty: supaseed fills it in the base partition
    pristine = user_rows(demo_db)
    api.seed(demo_db, settings())
    assert seeded_keys(demo_db, "public.setup_types")
    api.seed(demo_db, settings(seed=5))                  # a new seed replaces the old one, lookups included
    assert execute(demo_db, "SELECT count(*) FROM public.setups")[0][0] == 8
    api.cleanup(demo_db, settings(seed=5))
    assert user_rows(demo_db) == pristine


def test_rows_made_by_rules_are_recorded_and_removed(demo_db):
    execute(demo_db, """
        CREATE SCHEMA audit;
        CREATE TABLE audit.log (id bigserial PRIMARY KEY, tag_id int, note text);
        INSERT INTO audit.log (tag_id, note) VALUES (0, 'written by the app');
        CREATE TABLE public.tags (id int PRIMARY KEY, label text NOT NULL);
        CREATE RULE log_tags AS ON INSERT TO public.tags DO ALSO INSERT INTO audit.log (tag_id, note) VALUES (NEW.id, 'rule');""")
    pristine = user_rows(demo_db)
    api.seed(demo_db, settings(rowsPerTable=6))
    assert execute(demo_db, "SELECT count(*) FROM audit.log WHERE note = 'rule'")[0][0] == 6
    assert execute(demo_db, "SELECT count(*) FROM supaseed.seeded_keys s, unnest(coalesce(s.keys, s.uuids::text[])) WHERE origin = 'rule' "
                            "AND table_name = 'audit.log'")[0][0] == 6
    api.cleanup(demo_db, settings(rowsPerTable=6))
    assert user_rows(demo_db) == pristine


# ------------------------------------------------------------------------------------------ the schema itself

def test_a_bulk_load_left_half_way_by_an_older_run_is_repaired_before_the_schema_is_read(demo_db):
    declared = fk_definitions(demo_db)
    with connect(demo_db, autocommit=True) as conn:
        # what a bulk load killed between dropping and restoring left behind (committed)
        tables = bulk.empty_tables(conn, ["public.setups", "public.gear_items", "public.accounts_memberships"], [])
        assert bulk.defer(conn, tables) > 0
    assert fk_definitions(demo_db) != declared
    api.seed(demo_db, settings())
    assert fk_definitions(demo_db) == [(t, n, True) for t, n, _ in declared]
    assert not execute(demo_db, "SELECT * FROM supaseed.deferred_ddl")


@pytest.mark.one_server
def test_a_killed_bulk_load_leaves_whole_batches_and_the_next_seed_repairs_the_schema(demo_db):
    declared = fk_definitions(demo_db)
    before = user_rows(demo_db)
    script = (f"from supaseed_pipeline.db.connect import Target\n"
              f"from supaseed_pipeline.seed import api\n"
              f"from supaseed_pipeline.settings import load_settings\n"
              f"s = load_settings(overrides={{'userCount': 200000, 'batchSize': 2000, 'bulkLoad': True}}, environ={{}}, "
              f"use_default_file=False)\n"
              f"api.seed(Target({demo_db.url!r}), s)\n")
    child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:   # wait until it is loading with the foreign keys dropped
            with connect(demo_db, autocommit=True) as conn:
                rows = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                    "AND query ILIKE 'COPY %%auth%%'").fetchone()[0]
            if rows:
                break
            time.sleep(0.05)
        time.sleep(0.5)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    # the killed client's backend ends its transaction; wait for it
    deadline = time.monotonic() + 60
    while execute(demo_db, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid()")[0][0] and time.monotonic() < deadline:
        time.sleep(0.1)
    # batches commit one by one: what stays is whole batches, every row recorded, the dropped definitions too
    assert execute(demo_db, "SELECT count(*) FROM supaseed.deferred_ddl")[0][0] > 0
    users = execute(demo_db, "SELECT count(*) FROM auth.users")[0][0] - len(before["auth.users"])
    assert users % 2000 == 0 and users == len(seeded_keys(demo_db, "auth.users"))
    accounts_options = "SELECT reloptions FROM pg_class WHERE oid = 'public.accounts'::regclass"
    assert execute(demo_db, accounts_options)[0][0] == ["fillfactor=30"]   # the load's room for its updates
    results = api.seed(demo_db, settings(bulkLoad=True))   # repairs the schema, replaces the killed run's batches
    assert sum(r.rows.get("auth.users", 0) for r in results) == 4
    assert fk_definitions(demo_db) == declared
    assert execute(demo_db, accounts_options)[0][0] is None   # the table's own setting (none) is back
    assert not execute(demo_db, "SELECT * FROM supaseed.deferred_ddl")
    api.cleanup(demo_db, settings())
    assert user_rows(demo_db) == before


# ------------------------------------------------------------------------------------------ one run at a time

@pytest.mark.one_server
def test_a_run_holds_its_lock_for_all_its_steps_and_other_runs_wait(demo_db):
    api.seed(demo_db, settings(userCount=2))
    with connect(demo_db, autocommit=True) as holder:
        with locking.run_lock(holder, demo_db.identity, 1, "run-A"):
            before = dump(demo_db)
            with pytest.raises(TargetBusy) as caught:       # another run (a cleanup) is refused
                api.cleanup(demo_db, settings(lockTimeoutSeconds=1))
            one_line(str(caught.value))
            with pytest.raises(TargetBusy):                 # so is a seed of another run
                api.seed(demo_db, settings(lockTimeoutSeconds=1))
            assert dump(demo_db) == before
            # a step of run A itself goes ahead while run A holds the lock
            api.seed(demo_db, settings(), run_token="run-A")
            assert locking.token_is_held(holder, "run-A")
    assert execute(demo_db, "SELECT count(*) FROM auth.users")[0][0] == 4


@pytest.mark.one_server
def test_the_cli_holds_one_lock_from_the_first_step_to_the_last(demo_db):
    """Reference data and user batches are two Dagster steps: no other run may slip in between."""
    child = subprocess.Popen([str(Path(sys.executable).parent / "supaseed"), "--database-url", demo_db.url, "seed",
                              "--users", "3000", "--batch-size", "500"], cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    states: list[bool] = []
    with connect(demo_db, autocommit=True) as watcher:
        while child.poll() is None:
            held = bool(locking.holders(watcher))
            if not states or states[-1] != held:
                states.append(held)
            time.sleep(0.005)
    assert child.returncode == 0, child.stderr.read().decode()[-2000:]
    # held once, from the first step to the last: never released and taken again in between
    assert states.count(True) == 1, states
    assert execute(demo_db, "SELECT count(*) FROM auth.users")[0][0] == 3000


@pytest.mark.one_server
def test_status_shows_a_killed_run_as_interrupted(demo_db):
    api.seed(demo_db, settings())
    with connect(demo_db, autocommit=True) as conn:
        conn.execute("INSERT INTO supaseed.runs (run_id, seed, config_hash, schema_fingerprint) "
                     "VALUES ('cli-killed', 1, 'x', 'y')")    # what a SIGKILLed run leaves: status 'running'
        runs = {r["run_id"]: r["status"] for r in ledger.status(conn)["runs"]}
        assert runs["cli-killed"] == "interrupted"
        assert list(runs.values()).count("succeeded") == 1
        with locking.run_lock(conn, demo_db.identity, 1, "cli-killed"):   # a live run is shown as running
            assert {r["run_id"]: r["status"] for r in ledger.status(conn)["runs"]}["cli-killed"] == "running"


# ------------------------------------------------------------------------------------------ property test

def random_schema(rng) -> tuple[list[str], list[tuple[str, str, str, str]]]:
    """DDL for seeded parents (public) and referencing tables (public, seeded too, or `ext`, not seeded),
    plus (referencing table, constraint, insert statement, parent) for one foreign row per reference."""
    ddl = ["CREATE SCHEMA ext"]
    parents = [f"p{i}" for i in range(rng.randint(1, 3))]
    for parent in parents:
        ddl.append(f"CREATE TABLE public.{parent} (id uuid PRIMARY KEY, code text NOT NULL UNIQUE, "
                   f"a int NOT NULL, b int NOT NULL)")
        ddl.append(f"CREATE UNIQUE INDEX {parent}_b_a ON public.{parent} (b, a)")
    references = []
    for j in range(rng.randint(2, 5)):
        parent = rng.choice(parents)
        schema = rng.choice(["ext", "ext", "public"])
        action = rng.choice(["CASCADE", "SET NULL", "RESTRICT", "NO ACTION"])
        kind = rng.choice(["pk", "unique column", "index", "index reversed"])
        name = f"{schema}.r{j}"
        constraint = f"r{j}_to_{parent}"
        columns, fk, pick = {
            "pk": ("ref uuid", f"(ref) REFERENCES public.{parent} (id)", "ref) SELECT id"),
            "unique column": ("ref text", f"(ref) REFERENCES public.{parent} (code)", "ref) SELECT code"),
            "index": ("ra int, rb int", f"(ra, rb) REFERENCES public.{parent} (a, b)", "ra, rb) SELECT a, b"),
            "index reversed": ("ra int, rb int", f"(rb, ra) REFERENCES public.{parent} (b, a)", "ra, rb) SELECT a, b"),
        }[kind]
        ddl.append(f"CREATE TABLE {name} (id serial PRIMARY KEY, {columns}, "
                   f"CONSTRAINT {constraint} FOREIGN KEY {fk} ON DELETE {action})")
        references.append((name, constraint, f"INSERT INTO {name} ({pick} FROM public.{parent} "
                                             f"WHERE id::text = %s", f"public.{parent}"))
    return ddl, references


@pytest.mark.parametrize("case", range(8))
def test_random_schemas_never_lose_a_foreign_row(fresh_db, case):
    import random

    rng = random.Random(case)
    ddl, references = random_schema(rng)
    execute(fresh_db, "; ".join(ddl))
    config = settings(rowsPerTable=6)
    pristine = user_rows(fresh_db)
    api.seed(fresh_db, config)
    table, constraint, insert, parent = rng.choice(references)
    execute(fresh_db, insert, (seeded_keys(fresh_db, parent)[rng.randrange(6)],))
    before = user_rows(fresh_db)
    for attempt in (lambda: api.seed(fresh_db, settings(rowsPerTable=6, seed=7)), lambda: api.cleanup(fresh_db, config)):
        with pytest.raises(SupaseedError) as caught:
            attempt()
        one_line(str(caught.value))
        assert f"of {table} that supaseed did not seed" in str(caught.value) and constraint in str(caught.value)
        assert user_rows(fresh_db) == before
    # without the foreign row, the seed goes and leaves exactly what was there
    execute(fresh_db, f"DELETE FROM {table} WHERE id NOT IN (SELECT k::int FROM supaseed.seeded_keys s, "
                      f"unnest(coalesce(s.keys, s.uuids::text[])) k WHERE s.table_name = %s)", (table,))
    api.cleanup(fresh_db, config)
    assert user_rows(fresh_db) == pristine


def test_the_ledger_records_awkward_keys_exactly(fresh_db):
    """Keys go to the ledger as binary text[] elements: quotes, backslashes, commas, braces, the word NULL,
    empty and non-ASCII keys come back as they were, single and composite (JSON) alike."""
    import polars as pl

    frame = pl.DataFrame({"a": ['x"y', "back\\slash", "comma,{brace}", "ünïcødé", "NULL", ""], "b": [1, 2, 3, 4, 5, 6]})
    with connect(fresh_db, autocommit=True) as conn:
        ledger.start_run(conn, "run-1", 1, "config", "schema", {}, None)
        with conn.transaction():
            book = ledger.Ledger(conn, ledger.PartitionRecord("p00000", "run-1", 1, "config", "schema"))
            book.open()
            book.add("public.composite", ["a", "b"], frame)
            book.add("public.single", ["a"], frame)
        stored = conn.execute("SELECT table_name, key_columns, coalesce(keys, uuids::text[])"
                              " FROM supaseed.seeded_keys ORDER BY seq").fetchall()
    assert stored == [("public.composite", ["a", "b"], ledger.encode_keys(frame, ["a", "b"]).to_list()),
                      ("public.single", ["a"], frame["a"].to_list())]
    assert stored[0][2][0] == '{"a":"x\\"y","b":"1"}'


def test_an_inheritance_childs_row_with_a_seeded_key_is_not_deleted(fresh_db):
    """Rows of an INHERITS child are the child's own: a DELETE of the parent's seeded keys without ONLY took
    the child's row of the same key too (and a row referencing it, by its cascade)."""
    from supaseed_pipeline.seed import removal

    execute(fresh_db, """
        CREATE TABLE items (id int PRIMARY KEY, note text);
        CREATE TABLE items_archive (PRIMARY KEY (id)) INHERITS (items);
        CREATE TABLE likes (id int PRIMARY KEY, item_id int REFERENCES items_archive(id) ON DELETE CASCADE);
        INSERT INTO items VALUES (10, 'seeded');
        INSERT INTO items_archive VALUES (10, 'archived by the app');
        INSERT INTO likes VALUES (99, 10);""")
    kept = {t: rows for t, rows in dump(fresh_db).items() if t != "public.items"}
    for checks_first in (False, True):
        with connect(fresh_db) as conn:
            snapshot = take_snapshot(conn)
            stages = {"public.items": removal.stage_keys(conn, snapshot, 0, "public.items", ["id"], ["10"])}
            if checks_first:
                conn.execute("SET LOCAL track_counts = off")   # the path with every check first
            removed = removal.delete_staged(conn, stages, {"public.items": 1}, build_constraint_graph(snapshot).load_order)
            assert removed.checked_first == checks_first
            assert dict(removed) == {"public.items": 1 if not checks_first else 0}
            conn.rollback() if checks_first else conn.commit()
        assert {t: rows for t, rows in dump(fresh_db).items() if t != "public.items"} == kept
    assert execute(fresh_db, "SELECT note FROM ONLY items") == []
    assert execute(fresh_db, "SELECT note FROM items_archive") == [("archived by the app",)]
