"""bulkLoad: keys, indexes and foreign keys dropped once per run, batches on several connections,
everything rebuilt in parallel; a key the rows break removes exactly the run's rows."""

from __future__ import annotations

import pytest

from supaseed_pipeline.db.connect import connect, drop_database
from supaseed_pipeline.errors import SupaseedError
from supaseed_pipeline.seed import api, bulk
from supaseed_pipeline.snapshot.introspect import take_snapshot
from supaseed_pipeline.settings import load_settings
from supaseed_pipeline_tests.test_data_safety import execute, one_line, user_rows
from supaseed_pipeline_tests.test_workers import checksums, clone


def settings(**overrides):
    return load_settings(overrides={"userCount": 120, "batchSize": 20, "setupsPerUser": 2, **overrides},
                         environ={}, use_default_file=False)


def fingerprint(target) -> str:
    with connect(target) as conn:
        return take_snapshot(conn).fingerprint


def test_keys_go_only_on_tables_nothing_looks_up_while_loading(demo_db):
    with connect(demo_db, autocommit=True) as conn:
        prepared = api.prepare(conn, settings())
        tables = bulk.empty_tables(conn, sorted(prepared.engine.seedable), sorted(prepared.engine.user_scoped))
        read_back = api._read_back(conn, prepared, tables)
        keys = api._droppable_keys(conn, prepared, tables, read_back)
    # loaded by COPY, looked up by nothing: their keys are rebuilt at the end
    assert {"public.setups", "public.gear_items"} <= set(keys)
    # accounts: made by the auth.users trigger, read back by primary_owner_user_id and updated, and its
    # slug trigger looks it up: it keeps every index (its foreign-key index too) and its keys
    assert "public.accounts" in read_back and "public.accounts" not in keys
    # auth.users is named only by a DELETE trigger (the owner-membership guard), which no load fires
    assert "auth.users" in keys and "auth.users" not in read_back
    declared = fingerprint(demo_db)
    with connect(demo_db, autocommit=True) as conn:
        bulk.defer(conn, tables, keys, [t for t in tables if t not in read_back])
        indexes = {r[0] for r in conn.execute("SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public'")}
        assert "ix_accounts_primary_owner_user_id" in indexes and "accounts_pkey" in indexes
        assert not indexes & {"ix_setups_account_id", "setups_pkey", "gear_items_pkey"}
        assert bulk.restore(conn) > 0
    assert fingerprint(demo_db) == declared


def test_a_table_an_insert_trigger_looks_up_keeps_its_keys(demo_db):
    execute(demo_db, """
        CREATE FUNCTION public.owner_must_exist() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM 1 FROM auth.users WHERE id = new.user_id; RETURN new; END $$;
        CREATE TRIGGER owner_must_exist BEFORE INSERT ON public.setups FOR EACH ROW EXECUTE FUNCTION public.owner_must_exist()""")
    with connect(demo_db, autocommit=True) as conn:
        prepared = api.prepare(conn, settings())
        tables = bulk.empty_tables(conn, sorted(prepared.engine.seedable), sorted(prepared.engine.user_scoped))
        read_back = api._read_back(conn, prepared, tables)
        keys = api._droppable_keys(conn, prepared, tables, read_back)
    # without its key each setup's lookup would scan every user loaded before it
    assert "auth.users" in read_back and "auth.users" not in keys


def test_parallel_bulk_load_writes_the_rows_of_a_serial_default_load(pg_server, demo_db):
    other = clone(pg_server, demo_db, "bulk")
    try:
        declared = fingerprint(demo_db)
        api.seed(demo_db, settings(workers=1))
        api.seed(other, settings(workers=2, bulkLoad=True))
        assert checksums(other) == checksums(demo_db)
        assert fingerprint(other) == declared   # every key, index and foreign key back, as declared
        assert execute(other, "SELECT count(*) FROM pg_constraint WHERE NOT convalidated")[0][0] == 0
        assert execute(other, "SELECT count(*) FROM supaseed.deferred_ddl")[0][0] == 0
    finally:
        drop_database(pg_server, other.dbname)


def test_rows_that_break_a_key_rebuilt_after_a_bulk_load_are_removed_exactly(demo_db):
    # one setup per user, by an expression the generator cannot read: every user's two setups collide,
    # and the index is not there while the bulk load runs
    execute(demo_db, "CREATE UNIQUE INDEX one_setup_per_user ON public.setups (user_id, (slug IS NOT NULL))")
    declared = fingerprint(demo_db)
    pristine = user_rows(demo_db)
    with pytest.raises(SupaseedError) as caught:
        api.seed(demo_db, settings(workers=2, bulkLoad=True))
    message = str(caught.value)
    one_line(message)
    assert "one_setup_per_user" in message and "public.setups" in message and "removed" in message
    assert fingerprint(demo_db) == declared                  # definitions restored
    assert execute(demo_db, "SELECT count(*) FROM pg_constraint WHERE NOT convalidated")[0][0] == 0
    assert user_rows(demo_db) == pristine                    # exactly the run's rows are gone
    # a first run that ends with nothing seeded and nothing left to restore leaves no ledger behind
    assert execute(demo_db, "SELECT to_regnamespace('supaseed')")[0][0] is None
    execute(demo_db, "DROP INDEX public.one_setup_per_user")
    api.seed(demo_db, settings(bulkLoad=True))   # and the target takes a good bulk load
    assert execute(demo_db, "SELECT count(*) FROM public.setups")[0][0] == 240
