"""bulkLoad: keys, indexes and foreign keys dropped once per run, batches on several connections,
everything rebuilt in parallel; a key the rows break removes exactly the run's rows."""

from __future__ import annotations

import pytest

from supaseed_pipeline.db.connect import connect, create_database, drop_database
from supaseed_pipeline.errors import SupaseedError
from supaseed_pipeline.seed import api, bulk
from supaseed_pipeline.snapshot.introspect import take_snapshot
from supaseed_pipeline.settings import load_settings
from supaseed_pipeline_tests import corpus
from supaseed_pipeline_tests.conftest import _new_name
from supaseed_pipeline_tests.test_binary_copy import column_values
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
    # accounts: made by the auth.users trigger, read back by primary_owner_user_id and updated by id, and
    # its slug trigger looks slugs up: it keeps its key and the indexes those lookups use
    assert "public.accounts" in read_back and "public.accounts" not in keys
    # auth.users is named only by a DELETE trigger (the owner-membership guard), which no load fires
    assert "auth.users" in keys and "auth.users" not in read_back
    declared = fingerprint(demo_db)
    with connect(demo_db, autocommit=True) as conn:
        lookups = api._lookups(conn, prepared, read_back)
        # the email trigger compares primary_owner_user_id and is_personal_account, but it fires on an
        # UPDATE of auth.users, which no load makes
        assert lookups["public.accounts"] == bulk.Lookups({"id", "primary_owner_user_id"}, {"slug"})
        conn.execute("ALTER TABLE public.setups SET (fillfactor = 70)")   # a table's own storage setting
        updated = sorted(api._updated_while_loading(prepared) & set(tables))
        assert updated == ["public.accounts"]   # the accounts the auth.users trigger made get their profiles
        bulk.defer(conn, tables, keys, [t for t in tables if t not in read_back], lookups,
                   updated=updated + ["public.setups"])
        # room in each page while loading, so those UPDATEs are HOT (no entry in the indexes kept);
        # the setting each table had is recorded first
        assert reloptions(conn) == {"public.accounts": [f"fillfactor={bulk.LOADING_FILLFACTOR}"],
                                    "public.setups": [f"fillfactor={bulk.LOADING_FILLFACTOR}"]}
        assert conn.execute("SELECT table_name, definition FROM supaseed.deferred_ddl WHERE kind = 'storage' "
                            "ORDER BY 1").fetchall() == [("public.accounts", ""), ("public.setups", "70")]
        indexes = {r[0] for r in conn.execute("SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public'")}
        assert {"accounts_pkey", "ix_accounts_primary_owner_user_id", "accounts_slug_key"} <= indexes
        # no lookup uses these while loading: the unique email, the partial one-personal-account index
        # (a read-back by owner carries no is_personal_account condition), the flag's index
        assert not indexes & {"accounts_email_key", "unique_personal_account", "ix_accounts_is_personal_account"}
        assert not indexes & {"ix_setups_account_id", "setups_pkey", "gear_items_pkey"}
        assert bulk.restore(conn) > 0
        assert reloptions(conn) == {"public.setups": ["fillfactor=70"]}   # each table's own setting is back
    assert fingerprint(demo_db) == declared


def reloptions(conn) -> dict[str, list[str]]:
    return dict(conn.execute("SELECT format('%I.%I', relnamespace::regnamespace, relname), reloptions FROM pg_class "
                             "WHERE relnamespace IN ('public'::regnamespace, 'auth'::regnamespace) "
                             "AND reloptions IS NOT NULL").fetchall())


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


def test_an_index_that_trigger_code_looks_rows_up_by_stays(demo_db):
    # an INSERT trigger on setups that finds the owner's account by email, and one that upserts by slug
    execute(demo_db, """
        CREATE FUNCTION public.account_by_email() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM 1 FROM public.accounts a WHERE a.email = 'x@example.com'; RETURN new; END $$;
        CREATE TRIGGER account_by_email BEFORE INSERT ON public.setups FOR EACH ROW EXECUTE FUNCTION public.account_by_email()""")
    with connect(demo_db, autocommit=True) as conn:
        prepared = api.prepare(conn, settings())
        tables = bulk.empty_tables(conn, sorted(prepared.engine.seedable), sorted(prepared.engine.user_scoped))
        read_back = api._read_back(conn, prepared, tables)
        assert api._lookups(conn, prepared, read_back)["public.accounts"].compared == {"slug", "email"}
    execute(demo_db, """
        CREATE FUNCTION public.upsert_account() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO public.accounts (name, primary_owner_user_id, is_personal_account, slug)
              VALUES ('x', new.user_id, false, 'x') ON CONFLICT DO NOTHING; RETURN new; END $$;
        CREATE TRIGGER upsert_account AFTER INSERT ON public.setups FOR EACH ROW EXECUTE FUNCTION public.upsert_account()""")
    with connect(demo_db, autocommit=True) as conn:
        prepared = api.prepare(conn, settings())
        read_back = api._read_back(conn, prepared, tables)
        # ON CONFLICT needs the table's unique indexes: every column counts as looked up
        compared = api._lookups(conn, prepared, read_back)["public.accounts"].compared
        assert {"email", "slug", "id", "primary_owner_user_id", "is_personal_account"} <= compared


def test_compared_columns_reads_conditions_not_column_lists():
    sources = ["insert into public.accounts (id, email, slug) values (new.id, new.email, new.slug)",
               "select 1 from public.accounts where primary_owner_user_id in (select 1) and new.email = 'a'",
               "update public.other set email = 'a' where other.slug = new.slug"]   # names no accounts
    columns = ["id", "email", "slug", "primary_owner_user_id"]
    assert bulk.compared_columns(sources, "public.accounts", columns) == {"primary_owner_user_id"}
    assert bulk.compared_columns(["select 1 from public.accounts a where 'x' = a.slug"], "public.accounts",
                                 columns) == {"slug"}


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
        with connect(other) as conn:
            assert reloptions(conn) == {}   # the accounts loaded with room in their pages; their setting is back
    finally:
        drop_database(pg_server, other.dbname)


# fixtures whose users (and their first category and topic) sit in tables the seed writes: bulkLoad refuses
# such a target (it needs empty tables), so the comparison starts without them
USER_ROWS = {"django_world": "public.auth_user", "forum_tracker": "public.users, public.categories",
             "prisma_nextauth": 'public."User", public."Tag"', "better_auth_drizzle": 'public."user"',
             "typeorm_nestjs": 'public."user"', "laravel_jetstream": "public.users"}


@pytest.mark.one_server   # the demo's bulk test runs on every server; these are about the schemas' triggers
@pytest.mark.parametrize("name", list(corpus.FIXTURES))
def test_bulk_load_writes_the_rows_of_the_default_load_on_every_corpus_schema(pg_server, monkeypatch, name):
    """Real schemas' triggers (MakerKit's, basejump's, Stripe starters') with their lookups: a bulk load
    (indexes no lookup uses dropped, keys of tables nothing reads back dropped, everything rebuilt) stores
    what two default loads agree on, and ends with every definition back."""
    fixture = corpus.FIXTURES[name]
    targets = [create_database(pg_server, _new_name(f"bulk_{name}_{n}")) for n in range(3)]
    dropped = []
    unused = bulk._unused_indexes
    monkeypatch.setattr(bulk, "_unused_indexes", lambda *args: dropped.extend(unused(*args)) or dropped[:])
    try:
        for target in targets:
            corpus.apply_fixture(target, fixture)
            if fixture.supabase:   # bulkLoad needs an empty target: the fixture's own sign-ups go
                execute(target, "TRUNCATE auth.users CASCADE")
            if name in USER_ROWS:   # and so do the user's own rows in the tables the seed writes
                execute(target, f"TRUNCATE {USER_ROWS[name]} CASCADE")
        declared = fingerprint(targets[0])
        # one worker: keys the database assigns (serials, identities) follow the batches' commit order, which
        # two workers make timing-dependent; the demo's bulk test covers parallel batches
        for n, target in enumerate(targets):
            api.seed(target, corpus.corpus_settings(fixture, workers=1, batchSize=3, bulkLoad=n == 2))
        once, twice, bulk_values = (column_values(t) for t in targets)
        stable = [key for key in once if once[key] == twice[key]]
        assert len(stable) > 10 and {k: bulk_values[k] for k in stable} == {k: once[k] for k in stable}
        assert fingerprint(targets[2]) == declared
        assert execute(targets[2], "SELECT count(*) FROM supaseed.deferred_ddl")[0][0] == 0
        if name == "makerkit_full":   # the kit's accounts: made by the sign-up trigger, read back, updated
            assert any(row[0] == "public.accounts" for row in dropped)
    finally:
        for target in targets:
            drop_database(pg_server, target.dbname)


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


def test_the_rebuild_is_announced_after_the_last_rows(demo_db):
    """The CLI's heartbeat names the rebuild instead of the last table it loaded (at 100,000 users the rebuild
    is a quarter of the run, with no rows to show for it)."""
    from supaseed_pipeline.seed import progress

    class Listener:
        def __init__(self):
            self.events = []

        def __call__(self, partition, table, rows):
            self.events.append(("rows", table, rows))

        def on_stage(self, stage):
            self.events.append(("stage", stage, 0))

    listener = Listener()
    chosen = settings(bulkLoad=True, workers=2)
    with progress.listening(listener):
        api.seed(demo_db, chosen)
    stages = [i for i, (kind, _, _) in enumerate(listener.events) if kind == "stage"]
    assert [listener.events[i][1] for i in stages] == ["rebuilding keys, indexes and foreign keys (bulkLoad)"]
    assert stages[0] == len(listener.events) - 1 and len(listener.events) > 10   # after every row event
    # the accounts the sign-up trigger made count too: the heartbeat's total is the seed's
    reported = sum(rows for kind, table, rows in listener.events if table == "public.accounts")
    assert reported == execute(demo_db, "SELECT count(*) FROM public.accounts")[0][0] == chosen.user_count + chosen.tenants.count
