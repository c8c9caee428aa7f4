"""Issue 12's corpus: eight schemas written after real public projects, seeded with the default config.

For each fixture (supaseed_pipeline_tests/sql/corpus/*.sql), on a database of its own: apply it with a
few rows a user already has, seed (`schemas` + small counts) through the real API, then check that every
table in scope has rows, every FK / unique / unique index / CHECK holds by query, the user's rows are
untouched, cleanup restores every table exactly (row checksums), and the realism scorer finds no filler.

Fixtures the engine cannot seed yet are marked xfail(strict=True) with the exact cause, so the suite stays
green today and fails (XPASS) the moment a fix lands: then remove the mark.
"""

from __future__ import annotations

import pytest
from psycopg import sql

from supaseed_pipeline import realism
from supaseed_pipeline.db.connect import connect
from supaseed_pipeline.snapshot.introspect import take_snapshot
from supaseed_pipeline.seed import api
from supaseed_pipeline.seed.dry_run import dry_run
from supaseed_pipeline_tests import corpus

# ---- why each fixture fails today (engine at commit time); one entry per failing fixture.
SEED_FAILS = {
}
# ---- why each fixture leaves a table out at AT_SCALE (300 users in 3 batches) today.
SCALE_FAILS = {
}
AT_SCALE = {"userCount": 300, "batchSize": 100, "rowsPerTable": 300}
# Fixtures that seed but whose values a reviewer would call filler (realism findings).
FILLER = {
}


def _params(failing: dict[str, str], *more: dict[str, str]):
    params = []
    for name in corpus.FIXTURES:
        reason = failing.get(name) or next((m[name] for m in more if name in m), None)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(name, marks=marks, id=name))
    return params


@pytest.fixture(scope="module")
def corpus_runs(pg_server):
    """Each fixture is applied, seeded, verified, scored and cleaned once per server; tests read the record."""
    runs: dict[str, corpus.CorpusRun] = {}

    def get(name: str) -> corpus.CorpusRun:
        if name not in runs:
            runs[name] = corpus.run_fixture(pg_server, corpus.FIXTURES[name])
        return runs[name]

    yield get
    for run in runs.values():
        print("\n" + run.summary())


@pytest.mark.parametrize("name", list(corpus.FIXTURES))
def test_fixture_applies_and_its_own_rows_hold(corpus_runs, name):
    run = corpus_runs(name)
    assert run.in_scope and run.before
    assert run.problems_before == []


@pytest.mark.parametrize("name", _params(SEED_FAILS))
def test_every_table_in_scope_gets_rows(corpus_runs, name):
    run = corpus_runs(name)
    assert run.seed_error is None
    assert run.empty_tables == []
    # tables that were empty before hold seeded rows now (not only rows a trigger left behind)
    empty_before = [t for t in run.in_scope if run.before.get(t, (0, ""))[0] == 0]
    assert [t for t in empty_before if run.loaded.get(t, 0) == 0 and run.counts.get(t, 0) == 0] == []


@pytest.mark.parametrize("name", _params(SEED_FAILS))
def test_every_constraint_holds_and_existing_rows_are_untouched(corpus_runs, name):
    run = corpus_runs(name)
    assert run.seed_error is None
    assert run.problems == []
    assert run.lost_rows == {}


@pytest.mark.parametrize("name", _params(SEED_FAILS))
def test_cleanup_restores_every_table_exactly(corpus_runs, name):
    run = corpus_runs(name)
    assert run.seed_error is None and sum(run.loaded.values()) > 0
    assert run.cleanup_error is None
    assert run.changed_by_cleanup() == []


@pytest.mark.parametrize("name", _params(SEED_FAILS, FILLER))
def test_seeded_values_are_not_filler(corpus_runs, name):
    run = corpus_runs(name)
    assert run.seed_error is None and run.realism is not None
    assert [f"{f.where} {f.kind}: {f.detail}" for f in run.realism.findings] == []


def test_basejump_team_accounts_get_members_with_the_other_role(fresh_db):
    """basejump flags accounts `personal_account` and types memberships with an account_role enum: besides the
    personal accounts its new-user trigger makes, team accounts are generated with an owner and members."""
    fixture = corpus.FIXTURES["basejump"]
    corpus.apply_fixture(fresh_db, fixture)
    api.seed(fresh_db, corpus.corpus_settings(fixture))
    with connect(fresh_db) as conn:
        by_kind = dict(conn.execute("""
            SELECT a.personal_account::text || ':' || au.account_role::text, count(*)
            FROM basejump.account_user au JOIN basejump.accounts a ON a.id = au.account_id GROUP BY 1""").fetchall())
        teams = conn.execute("""SELECT count(*) FILTER (WHERE slug IS NOT NULL), count(*) FROM basejump.accounts
                                WHERE NOT personal_account""").fetchone()
        owners = conn.execute("""SELECT count(*) FROM basejump.accounts a WHERE NOT personal_account AND NOT EXISTS (
            SELECT 1 FROM basejump.account_user au WHERE au.account_id = a.id AND au.user_id = a.primary_owner_user_id
            AND au.account_role = 'owner')""").fetchone()[0]
    assert teams[1] >= 3 and teams[0] == teams[1]           # the user's team and the generated ones, with slugs
    assert owners == 0                                      # each team's primary owner is its 'owner' member
    assert by_kind.get("false:member", 0) >= 2 * 3          # tenants.count teams, members_per_tenant members each
    assert "true:member" not in by_kind                     # personal accounts have their owner only


def test_an_app_table_with_a_few_rows_of_its_own_still_gets_rows(fresh_db):
    """basejump's public.projects holds the user's one project and points at basejump.accounts (outside
    `schemas`, filled by the auth.users trigger): it is the app's data, not a lookup to reuse as it is — it gets
    rowsPerTable new projects, and the seeded tasks spread over them instead of all landing in the one."""
    fixture = corpus.FIXTURES["basejump"]
    corpus.apply_fixture(fresh_db, fixture)
    settings = corpus.corpus_settings(fixture, schemas=["public"])
    with connect(fresh_db) as conn:
        before = conn.execute("SELECT id::text FROM public.projects").fetchall()
        roles = conn.execute("SELECT count(*) FROM basejump.config").fetchone()[0]
    assert len(before) == 1
    planned = dry_run(fresh_db, settings)
    api.seed(fresh_db, settings)
    with connect(fresh_db) as conn:
        projects = conn.execute("SELECT count(*) FROM public.projects").fetchone()[0]
        used = conn.execute("SELECT count(DISTINCT project_id) FROM public.tasks").fetchone()[0]
        assert conn.execute("SELECT id::text FROM public.projects WHERE name = 'Website relaunch'").fetchall() == before
        assert conn.execute("SELECT count(*) FROM basejump.config").fetchone()[0] == roles   # a lookup stays as it is
    assert projects == 1 + settings.rows_per_table
    assert used > 1
    assert planned.planned.get("public.projects") == settings.rows_per_table   # the dry run plans the same


def test_a_prisma_schema_seeds_its_user_model_as_users_and_reads_its_camel_case_columns(fresh_db):
    """Prisma writes quoted PascalCase tables, camelCase columns and unique indexes instead of constraints:
    "User" is the user table (userCount users, named as their emails say), "_PostToTag" and "VerificationToken"
    (no primary key) are keyed by their unique index and cleaned up exactly, "updatedAt" follows "createdAt",
    the OAuth links name real providers, and tokens are random hex, not a pattern."""
    fixture = corpus.FIXTURES["prisma_nextauth"]
    corpus.apply_fixture(fresh_db, fixture)
    settings = corpus.corpus_settings(fixture, userCount=12)
    results = api.seed(fresh_db, settings)
    loaded = {t: sum(r.rows.get(t, 0) for r in results) for t in ("public.User", "public._PostToTag", "public.VerificationToken")}
    with connect(fresh_db) as conn:
        users = conn.execute("""SELECT count(*), count(*) FILTER (WHERE replace(regexp_replace(lower("name"), '[^a-z ]', '', 'g'), ' ', '.') || '.'
                                = substring("email" from '^[a-z]+\\.[a-z]+\\.')) FROM "User" WHERE "email" <> 'dana@starter.dev'""").fetchone()
        backwards = sum(conn.execute(sql.SQL('SELECT count(*) FROM {} WHERE "updatedAt" < "createdAt"').format(sql.Identifier(t)))
                        .fetchone()[0] for t in ("User", "Team", "TeamMember", "Invitation", "ApiKey", "Post", "Subscription"))
        providers = {r[0] for r in conn.execute('SELECT DISTINCT provider FROM "Account"').fetchall()}
        ids_are_digits = conn.execute('''SELECT bool_and("providerAccountId" ~ '^[0-9]{5,}$') FROM "Account"''').fetchone()[0]
        heads = conn.execute('SELECT count(DISTINCT left("sessionToken", 8)), count(*) FROM "Session"').fetchone()
        migrations = conn.execute('SELECT count(*) FROM "_prisma_migrations"').fetchone()[0]
    assert users == (12, 12)                          # userCount users, each named as its email says
    assert loaded["public.User"] == 12
    assert loaded["public._PostToTag"] > 0 and loaded["public.VerificationToken"] == settings.rows_per_table
    assert backwards == 0
    assert providers <= {"google", "github", "discord", "apple", "azure-ad", "gitlab", "twitter", "linkedin"}
    assert ids_are_digits
    assert heads[0] == heads[1]                       # no shared prefix: random-looking, as session tokens are
    assert migrations == 1                            # the migration log is not data
    api.cleanup(fresh_db, settings)
    with connect(fresh_db) as conn:
        left = {t: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))).fetchone()[0]
                for t in ("User", "Account", "_PostToTag", "VerificationToken", "Post", "Tag")}
    assert left == {"User": 1, "Account": 1, "_PostToTag": 0, "VerificationToken": 0, "Post": 0, "Tag": 1}


def test_a_better_auth_schema_keeps_a_flags_details_with_the_flag_and_its_text_ids_as_ids(fresh_db):
    """Better Auth's tables: a ban reason and expiry only on banned users, the active organization's id (text, no
    foreign key) an id, a verification row's value a token, sessions from browsers of today, and Drizzle's
    migration log left as it was."""
    fixture = corpus.FIXTURES["better_auth_drizzle"]
    corpus.apply_fixture(fresh_db, fixture)
    api.seed(fresh_db, corpus.corpus_settings(fixture, userCount=200))
    with connect(fresh_db) as conn:
        bans = conn.execute("""SELECT count(*) FILTER (WHERE banned), count(*) FILTER (WHERE NOT banned AND
                               ("banReason" IS NOT NULL OR "banExpires" IS NOT NULL)) FROM "user" """).fetchone()
        org_ids = conn.execute('''SELECT bool_and("activeOrganizationId" ~ '^orga_[A-Za-z0-9]+$') FROM "session"''').fetchone()[0]
        values = conn.execute('''SELECT bool_and("value" ~ '^[0-9a-f]{32}$') FROM "verification"''').fetchone()[0]
        agents = conn.execute('''SELECT count(*) FILTER (WHERE "userAgent" ~ 'MSIE|Windows NT [456]\\.'), count(*) FROM "session"''').fetchone()
        migrations = conn.execute('SELECT count(*) FROM "__drizzle_migrations"').fetchone()[0]
    assert bans[0] > 0 and bans[1] == 0
    assert org_ids and values
    assert agents[0] == 0 and agents[1] > 0
    assert migrations == 1


# ---- the realism scorer itself, on rows written by hand

FILLER_TABLE = """
CREATE TABLE plans (id int PRIMARY KEY, name text, currency varchar(3), "interval" text, tier int,
                    trial_start date, trial_end date, provider text CHECK (provider IN ('stripe')));
CREATE TABLE staff (id int PRIMARY KEY, first_name text, last_name text);
CREATE TABLE customers (id int PRIMARY KEY, first_name text, last_name text);
"""
LOREM = ["success three direction", "alone bank", "remain behavior let", "wind cold station", "figure heart apply",
         "south voice rise", "pretty note cup", "final kid order", "fight mission", "throw view yard", "cell oil both",
         "leader happy plant"]
PEOPLE = [("Kim", "Salazar"), ("Ana", "Lopez"), ("Ben", "Okafor"), ("Chloe", "Martin"), ("Dev", "Patel"), ("Eva", "Novak")]


def test_realism_flags_filler_and_passes_real_values(fresh_db):
    with connect(fresh_db) as conn:
        conn.execute(FILLER_TABLE)
        for i, word in enumerate(LOREM):
            # filler: lorem names, lorem currencies and intervals, a constant tier, inverted trials
            conn.execute("INSERT INTO plans VALUES (%s, %s, %s, %s, 1, '2024-02-01', '2024-01-01', 'stripe')",
                         (i, f"{word}-{i}", word[:3], word))
        for table in ("staff", "customers"):
            conn.cursor().executemany(sql.SQL("INSERT INTO {} VALUES (%s, %s, %s)").format(sql.Identifier(table)),
                             [(i, first, last) for i, (first, last) in enumerate(PEOPLE)])
        conn.commit()
        report = realism.score_database(conn)
    kinds = {(f.where, f.kind) for f in report.findings}
    assert {("public.plans.name", "word_salad"), ("public.plans.interval", "word_salad"),
            ("public.plans.currency", "not_iso_currency"), ("public.plans.interval", "not_interval_unit"),
            ("public.plans.tier", "constant"), ("public.plans.trial_start>trial_end", "inverted")} <= kinds
    assert [f.table for f in report.findings if f.kind == "same_people"] in (["public.customers"], ["public.staff"])
    # a CHECK that allows one value makes a constant column right; people names are not salad
    assert ("public.plans.provider", "constant") not in kinds
    assert not any(f.kind == "word_salad" and f.table != "public.plans" for f in report.findings)
    assert report.score < 100 and "public.plans.name" in report.format()

    with connect(fresh_db) as conn:
        conn.execute("TRUNCATE plans, customers")
        names = ["Starter", "Team", "Business", "Enterprise", "Hobby", "Pro"]
        currencies, intervals = ["USD", "EUR", "GBP"], ["month", "year"]
        for i in range(12):
            conn.execute("INSERT INTO plans VALUES (%s, %s, %s, %s, %s, date '2024-01-01' + %s, date '2024-01-15' + %s, 'stripe')",
                         (i, f"{names[i % 6]} {('monthly', 'yearly')[i % 2]}", currencies[i % 3], intervals[i % 2], 1 + i % 4,
                          3 * i, 3 * i))
        conn.cursor().executemany("INSERT INTO customers VALUES (%s, %s, %s)",
                         [(i, f, l) for i, (f, l) in enumerate([("Zoe", "Brandt"), ("Yuki", "Sato"), ("Omar", "Haddad"),
                                                                ("Lena", "Fischer"), ("Raj", "Iyer"), ("Tom", "Becker")])])
        conn.commit()
        clean = realism.score_tables(conn, take_snapshot(conn), ["public.plans", "public.customers"])
    assert clean.findings == [] and clean.score == 100.0


def test_realism_command_prints_score_and_worst_columns(fresh_db, capsys):
    with connect(fresh_db) as conn:
        conn.execute("CREATE TABLE tags (id int PRIMARY KEY, label text)")
        conn.cursor().executemany("INSERT INTO tags VALUES (%s, %s)", [(i, w) for i, w in enumerate(LOREM)])
        conn.commit()
    assert realism.main(["--database-url", fresh_db.url]) == 0
    out = capsys.readouterr().out
    assert out.startswith("realism score 0.0 / 100: 1 of 1 columns") and "public.tags.label" in out
    assert realism.main(["--database-url", fresh_db.with_database("supaseed_no_such_db").url]) == 1
    assert "error:" in capsys.readouterr().err


@pytest.mark.parametrize("name", list(corpus.FIXTURES))
def test_dry_run_counts_are_the_seeds_counts(corpus_runs, name):
    """`seed --dry-run` runs the real planner: per table, the rows it plans are the rows the seed wrote
    (apart from rows AFTER triggers made, which it bounds from above), and it changes nothing."""
    run = corpus_runs(name)
    assert run.seeded, run.seed_error
    assert run.changed_by_dry_run == []
    assert run.dry.left_out == {}
    written = {t: n - run.loaded_by_triggers.get(t, 0) for t, n in run.loaded.items()}
    assert {t: n for t, n in run.dry.planned.items() if n} == {t: n for t, n in written.items() if n}
    for table, made in run.loaded_by_triggers.items():
        assert made <= run.dry.by_triggers.get(table, 0), table


@pytest.mark.parametrize("name", _params(SCALE_FAILS))
def test_fixture_seeds_whole_at_scale_in_several_batches(pg_server, name):
    """Sizes that break what a dozen users never meet: 300 users in three batches (300 rows a table without
    users), later batches drawing on parents, pools and counters earlier ones filled. No table left out, every constraint holds by query,
    cleanup restores every table exactly."""
    fixture = corpus.FIXTURES[name]
    target = corpus.create_database(pg_server, f"supaseed_t_scale_{name}")
    try:
        corpus.apply_fixture(target, fixture)
        before = corpus.checksums(target)
        settings = corpus.corpus_settings(fixture, **AT_SCALE)
        results = api.seed(target, settings)
        assert len([r for r in results if r.key.startswith("p")]) in (0, 3)   # 0: a schema without users
        assert {table: why for r in results for table, why in r.left_out.items()} == {}
        with connect(target) as conn:
            snapshot = take_snapshot(conn)
            empty = [t for t in corpus.tables_in_scope(snapshot, fixture)
                     if conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(*t.split(".")))).fetchone()[0] == 0]
        assert empty == []
        assert corpus.constraint_problems(target) == []
        api.cleanup(target, settings)
        assert corpus.checksums(target) == before
    finally:
        corpus.drop_database(pg_server, f"supaseed_t_scale_{name}")


ONE_TO_ONE = """
create table public.addresses (id uuid primary key default gen_random_uuid(), city text not null);
create table public.profiles (
    id uuid primary key references auth.users on delete cascade,
    home_address_id uuid not null unique references public.addresses
);
"""


def test_one_to_one_parents_are_shared_out_over_the_batches(fresh_db):
    """A profile's own address (unique FK to rows of the base partition, which every batch reads alike): each
    batch takes its share of the addresses, so 300 users in three batches get 300 different ones."""
    with connect(fresh_db) as conn:
        for path in corpus.SUPABASE_BASE:
            conn.execute(path.read_text(encoding="utf-8"))
        conn.execute(ONE_TO_ONE)
        conn.commit()
    settings = corpus.load_settings(overrides={"schemas": ["public"], **AT_SCALE}, environ={}, use_default_file=False)
    results = api.seed(fresh_db, settings)
    assert {table: why for r in results for table, why in r.left_out.items()} == {}
    with connect(fresh_db) as conn:
        assert conn.execute("SELECT count(*), count(DISTINCT home_address_id) FROM public.profiles").fetchone() == (300, 300)


def test_rows_a_trigger_takes_only_on_some_parents_count_by_those_parents(pg_server):
    """MakerKit's invitations go to team accounts only (kit.check_team_account): a batch counts them by the team
    accounts it holds, so the seed has one per seeded team whether the teams fall in one batch or in two of
    three, none on a personal account, and the dry run plans exactly those."""
    fixture = corpus.FIXTURES["makerkit_full"]
    counts = []
    for batch_size in (100, 300):
        name = f"supaseed_t_invitations_{batch_size}"
        target = corpus.create_database(pg_server, name)
        try:
            corpus.apply_fixture(target, fixture)
            with connect(target) as conn:
                teams_before = conn.execute("SELECT count(*) FROM public.accounts WHERE NOT is_personal_account").fetchone()[0]
            settings = corpus.corpus_settings(fixture, userCount=300, batchSize=batch_size)
            planned = dry_run(target, settings).planned.get("public.invitations")
            api.seed(target, settings)
            with connect(target) as conn:
                teams = conn.execute("SELECT count(*) FROM public.accounts WHERE NOT is_personal_account").fetchone()[0]
                invitations, on_personal = conn.execute(
                    "SELECT count(*), count(*) FILTER (WHERE a.is_personal_account) FROM public.invitations i "
                    "JOIN public.accounts a ON a.id = i.account_id").fetchone()
            counts.append((invitations, teams - teams_before, on_personal, planned))
        finally:
            corpus.drop_database(pg_server, name)
    seeded_teams = counts[0][1]
    assert seeded_teams == 2                                  # tenants.count
    assert counts == [(seeded_teams, seeded_teams, 0, seeded_teams)] * 2
