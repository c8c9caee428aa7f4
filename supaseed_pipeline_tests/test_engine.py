"""The engine on a schema full of hard cases: it loads on the first try and every constraint holds."""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path

import pytest
from psycopg import sql

from supaseed_pipeline.db.connect import connect, create_database, drop_database
from supaseed_pipeline.seed import api, verify
from supaseed_pipeline.seed.load import ident
from supaseed_pipeline.settings import load_settings
from supaseed_pipeline.snapshot.introspect import take_snapshot

HARD_CASES = (Path(__file__).parent / "sql" / "hard_cases.sql").read_text()


def settings(**overrides):
    base = {"userCount": 25, "batchSize": 10, "rowsPerTable": 6, "domain": "outdoor"}
    return load_settings(overrides={**base, **overrides}, environ={}, use_default_file=False)


def rows_loaded(results) -> Counter:
    return sum((Counter(r.rows) for r in results), Counter())


def hard_db(target):
    with connect(target) as conn:
        conn.execute(HARD_CASES)
        conn.commit()
    return target


def table_dump(target) -> dict[str, list]:
    """Every row of every table, sorted, as text: for byte-for-byte comparisons."""
    with connect(target) as conn:
        snapshot = take_snapshot(conn)
        dump = {}
        for table in snapshot.tables:
            if table.partition_of:
                continue
            rows = conn.execute(sql.SQL("SELECT t::text FROM {} t ORDER BY 1").format(ident(table.qualified))).fetchall()
            dump[table.qualified] = [r[0] for r in rows]
        return dump


def test_hard_cases_seed_and_every_constraint_holds(fresh_db):
    target = hard_db(fresh_db)
    results = api.seed(target, settings())
    loaded = rows_loaded(results)
    assert loaded["public.users"] == 25
    assert loaded["public.orders"] == 25 and loaded["public.order_lines"] == 25
    for table in ("public.a", "public.b", "public.ring_a", "public.ring_b", "public.dept", "public.emp", "public.flags",
                  "public.Staff Members", "public.events"):
        assert loaded[table] == 6, table
    with connect(target) as conn:
        snapshot = take_snapshot(conn)
        problems = verify.constraint_violations(conn, snapshot, [t.qualified for t in snapshot.tables])
        assert problems == []
        # the nullable cycle was closed by the UPDATE, the self reference is a real hierarchy
        assert conn.execute("SELECT count(*) FROM dept WHERE manager_id IS NOT NULL").fetchone()[0] == 6
        managed = conn.execute('SELECT count(*) FROM "Staff Members" WHERE manager IS NOT NULL').fetchone()[0]
        assert 0 < managed < 6
        # both range partitions received rows only within their bounds (routing would fail otherwise)
        assert conn.execute("SELECT count(*) FROM events_2025").fetchone()[0] + \
            conn.execute("SELECT count(*) FROM events_2026").fetchone()[0] == 6
        # the CHECK the engine cannot translate (lower(note) = note) was filtered by the database
        assert conn.execute("SELECT count(*) FROM orders WHERE note IS NOT NULL AND lower(note) <> note").fetchone()[0] == 0


def test_same_seed_same_rows_and_other_seed_other_rows(pg_server):
    from supaseed_pipeline.db.connect import create_database, drop_database
    import uuid

    names = [f"supaseed_t_det_{uuid.uuid4().hex[:8]}" for _ in range(3)]
    try:
        targets = [hard_db(create_database(pg_server, n)) for n in names]
        api.seed(targets[0], settings(seed=7))
        api.seed(targets[1], settings(seed=7))
        api.seed(targets[2], settings(seed=8))
        first, second, third = (table_dump(t) for t in targets)
        data_tables = [t for t in first if not t.startswith("supaseed.")]
        assert {t: first[t] for t in data_tables} == {t: second[t] for t in data_tables}
        assert first["public.users"] != third["public.users"]
    finally:
        for name in names:
            drop_database(pg_server, name)


def test_rerunning_a_partition_replaces_it_exactly(fresh_db):
    target = hard_db(fresh_db)
    api.seed(target, settings())
    before = table_dump(target)
    api.seed(target, settings(), partition_keys=["p00001"])
    after = table_dump(target)
    for table in ("public.users", "public.orders", "public.order_lines", "public.a", "public.emp"):
        assert after[table] == before[table], table


def test_not_null_cycle_with_database_assigned_keys_is_reported(fresh_db):
    # identity and serial keys can be taken from their sequences first (test_partitions_cycles.py); a
    # generated column cannot be written at all, so this cycle cannot be loaded
    with connect(fresh_db) as conn:
        conn.execute("""
            CREATE TABLE x (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                            x_code int GENERATED ALWAYS AS (id * 10) STORED UNIQUE, y_id int NOT NULL);
            CREATE TABLE y (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, x_id int NOT NULL REFERENCES x (x_code));
            ALTER TABLE x ADD FOREIGN KEY (y_id) REFERENCES y;
            CREATE TABLE z (id int PRIMARY KEY);""")
        conn.commit()
    results = api.seed(fresh_db, settings())
    loaded = rows_loaded(results)
    assert "public.x" not in loaded and loaded["public.z"] == 6
    with connect(fresh_db) as conn:
        prepared = api.prepare(conn, settings())
    reason = prepared.engine.skipped["public.x"]
    assert "public.x.y_id" in reason and "public.y.x_id" in reason and "DEFERRABLE" in reason
    assert "public.x.x_code" in reason and "schemas" not in reason


def test_power_law_distribution_and_column_overrides(fresh_db):
    with connect(fresh_db) as conn:
        conn.execute("""CREATE TABLE authors (id uuid PRIMARY KEY, name text NOT NULL);
                        CREATE TABLE posts (id uuid PRIMARY KEY, author_id uuid NOT NULL REFERENCES authors,
                                            status text NOT NULL, code text NOT NULL, lang text NOT NULL);""")
        conn.commit()
    config = settings(rowsPerTable=50, tables={
        "posts": {"count": 2000, "distribution": "power_law",
                  "columns": {"status": {"choices": ["draft", "live"]}, "code": {"pattern": "POST-{i}"},
                              "lang": {"value": "en"}}}})
    api.seed(fresh_db, config)
    with connect(fresh_db) as conn:
        per_author = [r[0] for r in conn.execute(
            "SELECT count(*) FROM posts GROUP BY author_id ORDER BY 1 DESC").fetchall()]
        assert sum(per_author) == 2000 and per_author[0] > 5 * (2000 / 50)   # a few authors write most posts
        assert {r[0] for r in conn.execute("SELECT DISTINCT status FROM posts")} == {"draft", "live"}
        assert conn.execute("SELECT count(*) FROM posts WHERE code LIKE 'POST-%' AND lang = 'en'").fetchone()[0] == 2000


def test_a_new_batch_layout_replaces_the_previous_seed(fresh_db):
    target = hard_db(fresh_db)
    api.seed(target, settings(batchSize=5))
    api.seed(target, settings(batchSize=20))        # user ids now fall into other partitions
    with connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 25
        keys = [r[0] for r in conn.execute("SELECT partition_key FROM supaseed.partitions ORDER BY 1")]
    assert keys == ["base", "p00000", "p00001"]
    with pytest.raises(Exception, match="another config"):
        api.seed(target, settings(batchSize=5, seed=3), partition_keys=["p00001"])


def test_text_array_literal_round_trips_awkward_values(fresh_db):
    import polars as pl

    from supaseed_pipeline.seed.load import text_array_literal

    values = pl.Series(["plain", "", None, "NULL", 'say "hi"', "back\\slash", "a,b", "{braces}", " padded ",
                        "line\nbreak", "ünïcødé ✓", "\\\"\\"])
    with connect(fresh_db) as conn:
        stored = conn.execute("SELECT %s::text[]", (text_array_literal(values),)).fetchone()[0]
        empty = conn.execute("SELECT %s::text[]", (text_array_literal(pl.Series([], dtype=pl.String)),)).fetchone()[0]
    assert stored == values.to_list()
    assert empty == []


def test_short_country_columns_get_iso_codes_and_long_ones_names(fresh_db):
    with connect(fresh_db) as conn:
        conn.execute("CREATE TABLE public.places (id int PRIMARY KEY, country char(2) NOT NULL, "
                     "country_name text NOT NULL, home_country varchar(3) NOT NULL)")
        conn.commit()
    api.seed(fresh_db, settings(rowsPerTable=200, userCount=0))
    with connect(fresh_db) as conn:
        rows = conn.execute("SELECT country, country_name, home_country FROM public.places").fetchall()
    assert len(rows) == 200
    assert all(c.isalpha() and c.isupper() and len(c) == 2 for c, _, _ in rows)
    assert all(h.isalpha() and h.isupper() and len(h) == 2 for _, _, h in rows)
    assert len({c for c, _, _ in rows}) > 50                     # a spread, not one code
    assert any(len(n) > 3 for _, n, _ in rows)                   # unbounded columns keep full names


def test_enum_columns_with_a_default_are_spread_over_their_labels(fresh_db):
    with connect(fresh_db) as conn:
        conn.execute("CREATE TYPE public.tier AS ENUM ('free', 'pro', 'team', 'enterprise'); "
                     "CREATE TABLE public.subscriptions (id int PRIMARY KEY, tier public.tier NOT NULL DEFAULT 'free', "
                     "perks public.tier[] NOT NULL DEFAULT '{}', notes jsonb NOT NULL DEFAULT '{}')")
        conn.commit()
    api.seed(fresh_db, settings(rowsPerTable=200, userCount=0))
    with connect(fresh_db) as conn:
        tiers = dict(conn.execute("SELECT tier::text, count(*) FROM public.subscriptions GROUP BY 1").fetchall())
        empty_notes = conn.execute("SELECT count(*) FROM public.subscriptions WHERE notes = '{}'").fetchone()[0]
    assert set(tiers) == {"free", "pro", "team", "enterprise"}
    assert empty_notes == 200                                  # an empty-document default is still kept


def test_a_table_whose_name_holds_a_dot_is_seeded_and_removed_exactly(fresh_db):
    """`public."v1.events"` (a versioned name) and its FK to users: seeded like any table, constraints hold, and
    cleanup leaves the table as it was, the row that was there before included."""
    with connect(fresh_db) as conn:
        conn.execute('CREATE TABLE public.users (id uuid PRIMARY KEY, email text NOT NULL UNIQUE); '
                     'CREATE TABLE public."v1.events" (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, '
                     'user_id uuid NOT NULL REFERENCES public.users(id), kind text NOT NULL); '
                     "INSERT INTO public.users VALUES ('00000000-0000-4000-8000-000000000001', 'own@example.com'); "
                     'INSERT INTO public."v1.events" (user_id, kind) SELECT id, \'mine\' FROM public.users')
        conn.commit()
    loaded = rows_loaded(api.seed(fresh_db, settings()))
    assert loaded["public.users"] == 25 and loaded["public.v1.events"] > 0   # events belong to the seeded users
    with connect(fresh_db) as conn:
        snapshot = take_snapshot(conn)
        assert verify.constraint_violations(conn, snapshot, ["public.users", "public.v1.events"]) == []
        assert conn.execute('SELECT count(*) FROM public."v1.events"').fetchone()[0] == loaded["public.v1.events"] + 1
    api.cleanup(fresh_db, settings())
    with connect(fresh_db) as conn:
        assert conn.execute('SELECT kind FROM public."v1.events"').fetchall() == [("mine",)]
        assert conn.execute("SELECT email FROM public.users").fetchall() == [("own@example.com",)]


SELF_JUNCTION = """
CREATE TABLE public.users (id uuid PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE public.tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, label text NOT NULL UNIQUE);
-- a self many-to-many: the pair is the key, nobody follows themselves
CREATE TABLE public.follows (follower_id uuid NOT NULL REFERENCES public.users(id),
    followee_id uuid NOT NULL REFERENCES public.users(id), PRIMARY KEY (follower_id, followee_id),
    CONSTRAINT no_self_follow CHECK (follower_id <> followee_id));
-- two different parents, the smaller one the first by name
CREATE TABLE public.user_tags (user_id uuid NOT NULL REFERENCES public.users(id),
    tag_id bigint NOT NULL REFERENCES public.tags(id), PRIMARY KEY (user_id, tag_id));
-- a comparison between two foreign keys that are no key together
CREATE TABLE public.pokes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_id uuid NOT NULL REFERENCES public.users(id), to_id uuid NOT NULL REFERENCES public.users(id),
    CONSTRAINT not_self CHECK (from_id != to_id));
-- replies to earlier comments, under a key the database assigns
CREATE TABLE public.comments (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author_id uuid NOT NULL REFERENCES public.users(id),
    reply_to bigint REFERENCES public.comments(id) ON DELETE SET NULL, body text NOT NULL);
"""


def test_junctions_get_distinct_pairs_and_column_inequalities_hold(fresh_db):
    """Junction keys made of foreign keys get distinct tuples (also when the first parent has fewer rows than the
    junction), a self many-to-many never pairs a row with itself, `a <> b` between two columns holds, and rows
    reply to earlier rows under an identity key: every table is loaded in full, none left out by the database."""
    with connect(fresh_db) as conn:
        conn.execute(SELF_JUNCTION)
        conn.commit()
    config = settings(userCount=12, batchSize=6, rowsPerTable=3,
                      tables={"public.follows": {"perParent": 3}, "public.user_tags": {"perParent": 0.5},
                              "public.pokes": {"perParent": 4}, "public.comments": {"perParent": 5}})
    results = api.seed(fresh_db, config)
    assert not [t for r in results for t in r.left_out]
    loaded = rows_loaded(results)
    # per batch of 6 users: 18 follows (of 30 possible pairs), 3 user tags, 24 pokes
    assert (loaded["public.users"], loaded["public.follows"], loaded["public.user_tags"], loaded["public.pokes"]) == (
        12, 36, 6, 48)
    with connect(fresh_db) as conn:
        assert conn.execute("SELECT count(*) FROM public.follows WHERE follower_id = followee_id").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM public.pokes WHERE from_id = to_id").fetchone()[0] == 0
        # the pairs spread: more than one followee per batch, not everyone following the same user
        assert conn.execute("SELECT count(DISTINCT followee_id) FROM public.follows").fetchone()[0] >= 6
        # 30 comments per batch: the first tenth are threads' roots, the rest reply to an earlier comment
        replies, later = conn.execute("SELECT count(reply_to), count(*) FILTER (WHERE reply_to < id) "
                                      "FROM public.comments").fetchone()
        assert loaded["public.comments"] == 60 and replies == later == 60 - 2 * 3
        # the sequence is past the keys written: the application's next comment gets a fresh one
        conn.execute("INSERT INTO public.comments (author_id, body) SELECT id, 'app' FROM public.users LIMIT 1")
        snapshot = take_snapshot(conn)
        assert verify.constraint_violations(conn, snapshot, [t.qualified for t in snapshot.tables]) == []


def test_two_checks_on_the_same_columns_are_met_together(fresh_db):
    """A status and its timestamp tied by two CHECKs, each with two branches (how projects write "cancelled
    exactly when cancelled_at is set"): every row meets both, and both kinds of row are seeded."""
    with connect(fresh_db) as conn:
        conn.execute("""
            CREATE TABLE public.users (id uuid PRIMARY KEY, email text NOT NULL UNIQUE);
            CREATE TABLE public.enrollments (id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES public.users(id),
                status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'cancelled')),
                enrolled_at timestamptz NOT NULL DEFAULT now(), cancelled_at timestamptz,
                CONSTRAINT cancelled_has_time CHECK (status <> 'cancelled' OR cancelled_at IS NOT NULL),
                CONSTRAINT time_only_when_cancelled CHECK (status = 'cancelled' OR cancelled_at IS NULL))""")
        conn.commit()
    results = api.seed(fresh_db, settings(userCount=40, batchSize=20, tables={"public.enrollments": {"perParent": 3}}))
    assert not [t for r in results for t in r.left_out]
    assert rows_loaded(results)["public.enrollments"] == 120
    with connect(fresh_db) as conn:
        by_status = dict(conn.execute("SELECT status, count(*) FILTER (WHERE cancelled_at IS NOT NULL) "
                                      "FROM public.enrollments GROUP BY 1").fetchall())
        counts = dict(conn.execute("SELECT status, count(*) FROM public.enrollments GROUP BY 1").fetchall())
    assert by_status.get("active", 0) == by_status.get("completed", 0) == 0
    assert counts.get("cancelled", 0) > 0 and by_status["cancelled"] == counts["cancelled"]
    assert counts.get("active", 0) + counts.get("completed", 0) > 0


def test_an_organization_with_a_row_already_grows_with_the_users_and_a_lookup_does_not(fresh_db):
    """The developer's own organization in the table (one row) does not make it a lookup: users join organizations
    through a membership table and their projects point at them, so new ones are seeded, one per
    tenants.membersPerTenant + 1 users. Roles (a text key, read through a user-role junction) stay a lookup."""
    with connect(fresh_db) as conn:
        conn.execute("""
            CREATE TABLE public.users (id uuid PRIMARY KEY, email text NOT NULL UNIQUE);
            CREATE TABLE public.organizations (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE public.members (org_id uuid NOT NULL REFERENCES public.organizations(id),
                user_id uuid NOT NULL REFERENCES public.users(id), PRIMARY KEY (org_id, user_id));
            CREATE TABLE public.projects (id uuid PRIMARY KEY, org_id uuid NOT NULL REFERENCES public.organizations(id),
                owner_id uuid NOT NULL REFERENCES public.users(id), title text NOT NULL);
            CREATE TABLE public.roles (name text PRIMARY KEY);
            CREATE TABLE public.user_roles (user_id uuid NOT NULL REFERENCES public.users(id),
                role text NOT NULL REFERENCES public.roles(name), PRIMARY KEY (user_id, role));
            CREATE TABLE public.role_permissions (role text NOT NULL REFERENCES public.roles(name),
                permission text NOT NULL, PRIMARY KEY (role, permission));
            INSERT INTO public.organizations (name) VALUES ('Acme (mine)');
            INSERT INTO public.roles VALUES ('owner'), ('member')""")
        conn.commit()
    results = api.seed(fresh_db, settings(userCount=12, batchSize=6, tenants={"membersPerTenant": 3}))
    assert not [t for r in results for t in r.left_out]
    loaded = rows_loaded(results)
    assert loaded["public.organizations"] == 3 and loaded["public.roles"] == 0
    with connect(fresh_db) as conn:
        assert conn.execute("SELECT count(*) FROM public.organizations").fetchone()[0] == 4
        assert conn.execute("SELECT count(DISTINCT org_id) FROM public.members").fetchone()[0] >= 2
        assert conn.execute("SELECT count(*) FROM public.roles").fetchone()[0] == 2


def test_a_unique_index_over_a_column_and_an_expression_keys_both(fresh_db):
    """(company_id, lower(title)) WHERE deleted_at IS NULL: the plan's unique set is both columns, not company_id
    alone (which made the foreign key one-to-one: a company's second deal was refused)."""
    from supaseed_pipeline.plan.graph import build_constraint_graph

    with connect(fresh_db) as conn:
        conn.execute("CREATE TABLE public.companies (id bigserial PRIMARY KEY, name text NOT NULL); "
                     "CREATE TABLE public.deals (id bigserial PRIMARY KEY, company_id bigint NOT NULL "
                     "REFERENCES public.companies(id), title text NOT NULL, deleted_at timestamptz); "
                     "CREATE UNIQUE INDEX deals_title_key ON public.deals (company_id, lower(title)) WHERE deleted_at IS NULL")
        conn.commit()
        plan = build_constraint_graph(take_snapshot(conn)).tables["public.deals"]
    assert ["company_id", "title"] in plan.unique_sets and ["company_id"] not in plan.unique_sets
    loaded = rows_loaded(api.seed(fresh_db, settings(rowsPerTable=6, tables={"public.deals": {"count": 12}})))
    assert loaded["public.companies"] == 6 and loaded["public.deals"] == 12


def test_a_migration_log_or_a_job_queue_gets_no_rows_even_when_empty(fresh_db):
    """knex and Laravel create their migration tables before the first migration runs: an empty log is not a
    table to fill (a made-up row is a migration the tool cannot find), nor is Laravel's job queue (a worker would
    run a made-up job); tables that are only named `migrations` (birds) or `jobs` (job postings) are data; a
    count in the config seeds a log anyway."""
    with connect(fresh_db) as conn:
        conn.execute("""
            CREATE TABLE knex_migrations (id serial PRIMARY KEY, name varchar(255), batch int, migration_time timestamptz);
            CREATE TABLE "SequelizeMeta" (name varchar(255) PRIMARY KEY);
            CREATE SCHEMA laravel;
            CREATE TABLE laravel.migrations (id serial PRIMARY KEY, migration varchar(255) NOT NULL, batch int NOT NULL);
            CREATE TABLE migrations (id serial PRIMARY KEY, species text NOT NULL, departed_on date, arrived_on date);
            CREATE TABLE laravel.jobs (id bigserial PRIMARY KEY, queue varchar(255) NOT NULL, payload text NOT NULL,
                                       attempts smallint NOT NULL, reserved_at int, available_at int NOT NULL, created_at int NOT NULL);
            CREATE TABLE jobs (id serial PRIMARY KEY, title text NOT NULL, company text NOT NULL, salary int);""")
        conn.commit()
    results = api.seed(fresh_db, settings(schemas=["public", "laravel"]))
    loaded = rows_loaded(results)
    assert [t for t in ("public.knex_migrations", "public.SequelizeMeta", "laravel.migrations", "laravel.jobs") if t in loaded] == []
    assert (loaded["public.migrations"], loaded["public.jobs"]) == (6, 6)
    with connect(fresh_db) as conn:
        reason = api.prepare(conn, settings(schemas=["public", "laravel"])).engine.skipped["laravel.migrations"]
        assert conn.execute("SELECT count(*) FROM knex_migrations").fetchone()[0] == 0
    assert "migration log" in reason and "tables.laravel.migrations.count" in reason
    forced = rows_loaded(api.seed(fresh_db, settings(schemas=["public", "laravel"], tables={"public.knex_migrations": {"count": 3}})))
    assert forced["public.knex_migrations"] == 3


def test_generated_values_steer_clear_of_the_unique_values_a_table_already_has(pg_server):
    """Unique words come from the same lists a user picks from: the user's own 'urgent' tag is one the generator
    makes too. The seeded row takes its index as a suffix instead of failing the load, the user's row stays,
    and every requested row is seeded; no generated value carries a round's " 2" before the list runs out."""
    schema = """CREATE TABLE tag (id serial PRIMARY KEY, name varchar(40) NOT NULL UNIQUE);
                CREATE TABLE topic (id serial PRIMARY KEY, tag_id int NOT NULL REFERENCES tag, title text NOT NULL)"""
    targets = [create_database(pg_server, f"supaseed_t_clash_{uuid.uuid4().hex[:8]}") for _ in range(2)]
    try:
        for target in targets:
            with connect(target) as conn:
                conn.execute(schema)
                conn.commit()
        api.seed(targets[0], settings(userCount=0, rowsPerTable=20))
        with connect(targets[0]) as conn:
            generated = [r[0] for r in conn.execute("SELECT name FROM tag ORDER BY id").fetchall()]
        taken = generated[4]
        with connect(targets[1]) as conn:
            conn.execute("INSERT INTO tag (name) VALUES (%s)", (taken,))
            conn.commit()
        # a table with rows of its own is a lookup unless told its count
        loaded = rows_loaded(api.seed(targets[1], settings(userCount=0, rowsPerTable=20, tables={"public.tag": {"count": 20}})))
        with connect(targets[1]) as conn:
            names = [r[0] for r in conn.execute("SELECT name FROM tag ORDER BY id").fetchall()]
            topics = conn.execute("SELECT count(*) FROM topic").fetchone()[0]
    finally:
        for target in targets:
            drop_database(pg_server, target.dbname)
    assert loaded["public.tag"] == 20 and topics == 20
    assert names[0] == taken and len(set(names)) == 21
    renamed = [n for n in names[1:] if n not in generated]
    assert len(renamed) == 1 and renamed[0].startswith(f"{taken}-r") and taken not in names[1:]
    assert not any(n.endswith(" 2") for n in generated)
