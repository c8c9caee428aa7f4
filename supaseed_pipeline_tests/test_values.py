"""Values that mean what the column says, on a schema nobody here wrote: seeded through the real API, read back."""

from __future__ import annotations

import re

from supaseed_pipeline.db.connect import connect
from supaseed_pipeline.generate import vocab
from supaseed_pipeline.generate.pools import pool
from supaseed_pipeline.seed import api, verify
from supaseed_pipeline.seed.dry_run import dry_run
from supaseed_pipeline.plan.framework_tables import framework_table
from supaseed_pipeline.settings import load_settings
from supaseed_pipeline.snapshot.introspect import take_snapshot


def settings(**overrides):
    base = {"userCount": 0, "batchSize": 50, "rowsPerTable": 200}
    return load_settings(overrides={**base, **overrides}, environ={}, use_default_file=False)


def seeded(target, ddl: str, **overrides):
    with connect(target) as conn:
        conn.execute(ddl)
        conn.commit()
    api.seed(target, settings(**overrides))
    return target


def rows(target, query: str) -> list[tuple]:
    with connect(target) as conn:
        return conn.execute(query).fetchall()


def column(target, query: str) -> list:
    return [r[0] for r in rows(target, query)]


def no_violations(target):
    with connect(target) as conn:
        snapshot = take_snapshot(conn)
        assert verify.constraint_violations(conn, snapshot, [t.qualified for t in snapshot.tables]) == []


STRIPE_LIKE = """
CREATE TYPE public.pricing_plan_interval AS ENUM ('day', 'week', 'month', 'year');
CREATE TABLE public.products (id text PRIMARY KEY, active boolean, name text, description text);
CREATE TABLE public.prices (id text PRIMARY KEY, product_id text REFERENCES public.products, unit_amount bigint,
  currency text CHECK (char_length(currency) = 3), interval public.pricing_plan_interval, interval_count integer,
  trial_period_days integer);
CREATE TABLE public.billing_customers (id int PRIMARY KEY, customer_id text NOT NULL UNIQUE,
  currency varchar(3) NOT NULL DEFAULT 'usd', status text, locale text, time_zone text, country char(2));
CREATE TABLE public.subscriptions (id text PRIMARY KEY, price_id text REFERENCES public.prices, status text,
  quantity integer, created timestamptz NOT NULL, current_period_start timestamptz NOT NULL,
  current_period_end timestamptz NOT NULL, trial_start timestamptz, trial_end timestamptz);
CREATE TABLE public.uploads (id int PRIMARY KEY, file_name text NOT NULL, storage_path text NOT NULL,
  mime_type text NOT NULL, ip_address text NOT NULL, user_agent text NOT NULL, app_version text NOT NULL,
  colour varchar(7) NOT NULL, billing_period text NOT NULL);
CREATE TABLE public.channels (id bigint PRIMARY KEY, name text NOT NULL, slug text UNIQUE NOT NULL);
"""


def test_typed_text_reads_like_its_column(fresh_db):
    target = seeded(fresh_db, STRIPE_LIKE)
    no_violations(target)
    iso = set(vocab.CURRENCIES)
    assert set(column(target, "SELECT currency FROM prices")) <= iso                      # upper: nothing says lower
    assert set(column(target, "SELECT currency FROM billing_customers")) <= {c.lower() for c in iso}  # default 'usd'
    assert set(column(target, "SELECT interval::text FROM prices")) <= {"day", "week", "month", "year"}
    assert set(column(target, "SELECT billing_period FROM uploads")) <= set(vocab.INTERVAL_UNITS)
    assert all(re.fullmatch(r"prod_[A-Za-z0-9]{14}", v) for v in column(target, "SELECT id FROM products"))
    assert all(re.fullmatch(r"price_[A-Za-z0-9]{14}", v) for v in column(target, "SELECT id FROM prices"))
    assert all(v.startswith("sub_") for v in column(target, "SELECT id FROM subscriptions"))
    assert all(v.startswith("cus_") for v in column(target, "SELECT customer_id FROM billing_customers"))
    assert set(column(target, "SELECT status FROM subscriptions")) <= set(vocab.STATUS_BY_SUBJECT["subscription"])
    assert set(column(target, "SELECT locale FROM billing_customers")) <= set(vocab.LOCALES)
    assert set(column(target, "SELECT time_zone FROM billing_customers")) <= set(vocab.TIMEZONES)
    assert all(re.fullmatch(r"[A-Z]{2}", v) for v in column(target, "SELECT country FROM billing_customers"))
    for name, path, mime, ip, agent, version, colour in rows(target, "SELECT file_name, storage_path, mime_type, "
                                                                 "ip_address, user_agent, app_version, colour FROM uploads"):
        assert re.fullmatch(r"[a-z]+-\d+\.[a-z0-9]+", name)
        assert re.fullmatch(r"[a-z]+/\d{4}/[a-z]+-\d+\.[a-z0-9]+", path)
        assert mime in vocab.MIME_TYPES
        assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", ip)
        assert agent.startswith("Mozilla/") or agent.startswith("Opera/")
        assert re.fullmatch(r"\d+\.\d+\.\d+", version)
        assert re.fullmatch(r"#[0-9a-f]{6}", colour)
    # a slug is the slug of the row's own name
    for name, slug in rows(target, "SELECT name, slug FROM channels"):
        assert slug == re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


MEDIA = """
CREATE TABLE public.genre (genre_id int PRIMARY KEY, name varchar(120) NOT NULL UNIQUE);
CREATE TABLE public.artist (artist_id int PRIMARY KEY, name varchar(120));
CREATE TABLE public.album (album_id int PRIMARY KEY, title varchar(160) NOT NULL, artist_id int NOT NULL REFERENCES public.artist,
  release_year smallint CHECK (release_year BETWEEN 1950 AND 2025));
CREATE TABLE public.track (track_id int PRIMARY KEY, name varchar(200) NOT NULL, album_id int REFERENCES public.album,
  genre_id int REFERENCES public.genre, composer varchar(220), milliseconds int NOT NULL, bytes int,
  unit_price numeric(10,2) NOT NULL, rating smallint CHECK (rating BETWEEN 0 AND 10));
CREATE TABLE public.film (film_id serial PRIMARY KEY, title text NOT NULL, description text,
  release_year int CHECK (release_year >= 1901 AND release_year <= 2155), length smallint, rental_rate numeric(4,2) NOT NULL);
CREATE TABLE public.products (id uuid PRIMARY KEY, name text NOT NULL, description text, price numeric(10,2),
  stock_quantity int, discount_percent int);
CREATE TABLE public.reviews (id int PRIMARY KEY, product_id uuid REFERENCES public.products, rating int CHECK (rating BETWEEN 1 AND 5), body text);
CREATE TABLE public.messages (id bigint PRIMARY KEY, message text NOT NULL);
CREATE TABLE public.projects (id int PRIMARY KEY, name text NOT NULL, description text);
CREATE TABLE public.categories (id int PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE public.tags (id int PRIMARY KEY, name text NOT NULL UNIQUE);
"""


def test_names_free_text_and_numbers_follow_the_table(fresh_db):
    target = seeded(fresh_db, MEDIA)
    no_violations(target)
    genres = column(target, "SELECT name FROM genre")
    assert len(genres) == 200 and all(g.rsplit(" ", 1)[0] in vocab.GENRES or g in vocab.GENRES for g in genres)
    assert all(a.split(" ")[0] in {w.split(" ")[0] for w in vocab.ARTIST_FIRST} for a in column(target, "SELECT name FROM artist"))
    assert all(t.split(" ")[0] in vocab.TITLE_FIRST for t in column(target, "SELECT title FROM album"))
    assert all(any(t.startswith(p + " ") for p in vocab.FILM_PREFIXES) for t in column(target, "SELECT title FROM film"))
    assert all(any(n.startswith(a + " ") for a in vocab.PRODUCT_ADJECTIVES) for n in column(target, "SELECT name FROM products"))
    assert all(any(n.startswith(c) for c in vocab.PROJECT_CODENAMES) for n in column(target, "SELECT name FROM projects"))
    categories = column(target, "SELECT name FROM categories")
    assert categories[:len(vocab.CATEGORIES)] and all(c.rsplit(" ", 1)[0] in vocab.CATEGORIES or c in vocab.CATEGORIES for c in categories)
    assert set(column(target, "SELECT message FROM messages")) <= set(vocab.CHAT_MESSAGES)
    assert set(column(target, "SELECT body FROM reviews")) <= set(vocab.REVIEWS)
    assert all(d.split(" ")[0] in vocab.PRODUCT_ADJECTIVES for d in column(target, "SELECT description FROM products"))
    assert all(re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", c) for c in column(target, "SELECT composer FROM track"))
    # numbers by meaning, spread over their CHECK range, inside numeric(p, s)
    years = column(target, "SELECT release_year FROM album")
    assert min(years) >= 1950 and max(years) <= 2025 and len(set(years)) > 20
    film_years = column(target, "SELECT release_year FROM film")
    assert len(set(film_years)) > 20 and max(film_years) <= 2026
    track = rows(target, "SELECT unit_price, milliseconds, rating FROM track")
    assert all(0.5 <= float(p) <= 2 for p, _, _ in track)                        # a track costs about a dollar
    assert all(60_000 <= ms <= 600_000 for _, ms, _ in track)                    # minutes' worth of a song
    assert {r for _, _, r in track} <= set(range(0, 11)) and len({r for _, _, r in track}) >= 6
    assert all(0.5 <= float(r) <= 10 for r in column(target, "SELECT rental_rate FROM film"))
    assert all(60 <= m <= 200 for m in column(target, "SELECT length FROM film"))
    for price, stock, discount in rows(target, "SELECT price, stock_quantity, discount_percent FROM products"):
        assert 1 <= float(price) <= 1000 and 0 <= stock <= 500 and 0 <= discount <= 100


def test_related_timestamps_are_ordered(fresh_db):
    target = seeded(fresh_db, STRIPE_LIKE + """
        CREATE TABLE public.memberships (id int PRIMARY KEY, joined_at timestamptz NOT NULL, left_at timestamptz,
          valid_from date NOT NULL, valid_to date NOT NULL, starts_at timestamp NOT NULL, ends_at timestamp NOT NULL,
          created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, last_update timestamp NOT NULL);
    """)
    bad = rows(target, """
        SELECT count(*) FILTER (WHERE current_period_end <= current_period_start),
               count(*) FILTER (WHERE trial_end < trial_start),
               count(*) FILTER (WHERE current_period_start < created),
               count(*) FILTER (WHERE trial_start < created)
        FROM subscriptions""")[0]
    assert bad == (0, 0, 0, 0)
    bad = rows(target, """
        SELECT count(*) FILTER (WHERE left_at < joined_at), count(*) FILTER (WHERE valid_to < valid_from),
               count(*) FILTER (WHERE ends_at < starts_at), count(*) FILTER (WHERE updated_at < created_at),
               count(*) FILTER (WHERE last_update < created_at), count(*) FILTER (WHERE left_at IS NULL)
        FROM memberships""")[0]
    assert bad[:5] == (0, 0, 0, 0, 0)
    assert 0 < bad[5] < 200                  # most memberships are still open, some have ended


def test_one_time_events_happen_after_the_row_was_created(fresh_db):
    """MakerKit's nonces: a token is used (or revoked) after it was made; an invitation answered after it was sent."""
    target = seeded(fresh_db, """
        CREATE TABLE public.nonces (id uuid PRIMARY KEY, created_at timestamptz NOT NULL, used_at timestamptz,
          revoked_at timestamptz, last_used_at timestamptz, redeemed_on date, submitted_at timestamp);
    """)
    bad = rows(target, """
        SELECT count(*) FILTER (WHERE used_at < created_at), count(*) FILTER (WHERE revoked_at < created_at),
               count(*) FILTER (WHERE last_used_at < created_at), count(*) FILTER (WHERE redeemed_on < created_at::date),
               count(*) FILTER (WHERE submitted_at < created_at::timestamp), count(used_at)
        FROM nonces""")[0]
    assert bad[:5] == (0, 0, 0, 0, 0) and bad[5] > 0


def test_different_people_in_different_tables(fresh_db):
    target = seeded(fresh_db, """
        CREATE TABLE public.customers (id int PRIMARY KEY, full_name text NOT NULL, email text NOT NULL);
        CREATE TABLE public.staff (id int PRIMARY KEY, full_name text NOT NULL, email text NOT NULL);
    """, userCount=30)
    customers = column(target, "SELECT full_name FROM customers ORDER BY id")
    staff = column(target, "SELECT full_name FROM staff ORDER BY id")
    assert len(customers) >= 30 and len(staff) >= 30
    assert customers[0] != staff[0]
    assert sum(a == b for a, b in zip(customers, staff)) < 5


def test_narrow_integer_keys_fit_and_the_table_gets_what_fits(fresh_db):
    target = seeded(fresh_db, """
        CREATE TABLE public.small_keys (id smallint PRIMARY KEY, counter smallint NOT NULL, label text);
        CREATE TABLE public.bounded (id int PRIMARY KEY CHECK (id BETWEEN 1 AND 50), code int UNIQUE);
        CREATE TABLE public.normal (id int PRIMARY KEY, ref smallint REFERENCES public.small_keys);
    """, rowsPerTable=40_000)
    count, top, low = rows(target, "SELECT count(*), max(id), min(id) FROM small_keys")[0]
    assert count == 32_767 and top <= 32_767 and low >= 1              # every smallint key, no overflow
    assert rows(target, "SELECT count(*), max(id) FROM bounded")[0] == (50, 50)
    assert rows(target, "SELECT max(id) <= 2147483647, count(*) FROM normal")[0] == (True, 40_000)
    no_violations(target)


def test_enum_and_in_list_uniques_never_invent_labels(fresh_db):
    target = seeded(fresh_db, """
        CREATE TYPE public.member_role AS ENUM ('owner', 'admin', 'moderator');
        CREATE TABLE public.role_settings (role public.member_role PRIMARY KEY, max_seats int);
        CREATE TABLE public.plans (code text UNIQUE NOT NULL CHECK (code IN ('free', 'pro', 'team', 'enterprise')),
          tier public.member_role NOT NULL);
        CREATE TABLE public.flags (enabled boolean UNIQUE NOT NULL, role public.member_role NOT NULL);
    """)
    assert sorted(column(target, "SELECT role::text FROM role_settings")) == ["admin", "moderator", "owner"]
    assert sorted(column(target, "SELECT code FROM plans")) == ["enterprise", "free", "pro", "team"]
    assert set(column(target, "SELECT tier::text FROM plans")) <= {"owner", "admin", "moderator"}
    assert sorted(column(target, "SELECT enabled FROM flags")) == [False, True]
    no_violations(target)


LABELS = """
CREATE TABLE public.nonces (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), client_token text NOT NULL,
  purpose text NOT NULL, expires_at timestamptz NOT NULL, revoked boolean NOT NULL DEFAULT false, revoked_reason text);
CREATE TABLE public.trips (id int PRIMARY KEY, purpose text NOT NULL, cancellation_reason text);
CREATE TABLE public.refunds (id int PRIMARY KEY, reason text NOT NULL);
CREATE TABLE public.channels (id int PRIMARY KEY, slug text UNIQUE NOT NULL, topic text);
CREATE TABLE public.tickets (id int PRIMARY KEY, topic text NOT NULL);
CREATE TABLE public.todos (id bigint PRIMARY KEY, task text CHECK (char_length(task) > 3), is_complete boolean);
CREATE TABLE public.address (address_id int PRIMARY KEY, address text NOT NULL, district text NOT NULL,
  city text, postal_code text);
CREATE TABLE public.invoice (invoice_id int PRIMARY KEY, billing_city text, billing_state varchar(40),
  shipping_province text, billing_country text);
CREATE TABLE public.stores (id int PRIMARY KEY, state char(2) NOT NULL, region text, county text, city text);
CREATE TABLE public.deployments (id int PRIMARY KEY, region text NOT NULL);
CREATE TABLE public.audit_events (id bigint PRIMARY KEY, action text NOT NULL, operation text NOT NULL,
  created_at timestamptz NOT NULL);
CREATE TABLE public.role_permissions (id int PRIMARY KEY, role text NOT NULL, action text NOT NULL);
"""


def test_purposes_reasons_topics_tasks_places_and_actions_read_like_their_column(fresh_db):
    from supaseed_pipeline import realism
    from supaseed_pipeline.generate.pools import pool

    target = seeded(fresh_db, LABELS)
    no_violations(target)

    def values(query: str, pool_values, at_least: int = 3) -> list:
        found = column(target, query)
        assert found and set(found) <= set(pool_values) and len(set(found)) >= at_least, (query, found[:5])
        assert not any(realism.is_salad(v) for v in found if v is not None)   # none reads as lorem
        return found

    # a token's purpose is what the token is for; elsewhere a purpose is a business purpose
    values("SELECT purpose FROM nonces", vocab.TOKEN_PURPOSES)
    values("SELECT purpose FROM trips", vocab.PURPOSES)
    # a reason fits what happened (revoked, cancelled, refunded)
    # the flag is written with its detail: a reason only on the revoked ones, none on the others
    values("SELECT revoked_reason FROM nonces WHERE revoked", vocab.REASONS_BY_KIND["revoke"])
    assert column(target, "SELECT count(*) FROM nonces WHERE NOT revoked AND revoked_reason IS NOT NULL") == [0]
    values("SELECT cancellation_reason FROM trips", vocab.REASONS_BY_KIND["cancel"])
    values("SELECT reason FROM refunds", vocab.REASONS_BY_KIND["refund"])
    # a channel's topic line vs. what a ticket is about
    values("SELECT topic FROM channels", vocab.CHANNEL_TOPICS)
    values("SELECT topic FROM tickets", vocab.TOPICS)
    # a todo's task is a verb and an object
    tasks = column(target, "SELECT task FROM todos")
    assert all(any(t.startswith(verb + " ") and t[len(verb) + 1:] in vocab.TASK_OBJECTS for verb in vocab.TASK_VERBS)
               for t in tasks), tasks[:5]
    # states, provinces and districts are places; a 2-wide state is a postal code; an infrastructure region a cloud one
    states = set(pool("state").to_list())
    values("SELECT district FROM address", states)
    values("SELECT billing_state FROM invoice", states)
    values("SELECT shipping_province FROM invoice", states)
    values("SELECT region FROM stores", states)
    values("SELECT county FROM stores", states)
    values("SELECT state FROM stores", vocab.US_STATE_CODES)
    values("SELECT region FROM deployments", vocab.CLOUD_REGIONS)
    # what happened in an audit log; what a permission allows; which SQL operation
    actions = values("SELECT action FROM audit_events", vocab.AUDIT_ACTIONS, at_least=8)
    assert {"created", "updated", "signed_in"} <= set(actions)
    values("SELECT action FROM role_permissions", vocab.PERMISSION_ACTIONS)
    assert set(column(target, "SELECT operation FROM audit_events")) == set(vocab.DB_OPERATIONS)


def test_active_and_canceled_flags_agree_with_the_status_beside_them(fresh_db):
    target = seeded(fresh_db, """
        CREATE TYPE public.subscription_status AS ENUM ('active', 'trialing', 'past_due', 'canceled', 'unpaid',
          'incomplete', 'incomplete_expired', 'paused');
        CREATE TABLE public.subscriptions (id text PRIMARY KEY, status public.subscription_status NOT NULL,
          active boolean NOT NULL, is_canceled boolean NOT NULL, cancel_at_period_end boolean NOT NULL);
        CREATE TABLE public.members (id int PRIMARY KEY, membership_status text NOT NULL
          CHECK (membership_status IN ('active', 'suspended', 'invited')), is_active boolean NOT NULL);
    """)
    no_violations(target)
    subs = rows(target, "SELECT status::text, active, is_canceled FROM subscriptions")
    assert {s for s, _, _ in subs} >= {"active", "trialing", "canceled", "past_due"}   # the status varies
    assert all(active == (status in ("active", "trialing")) for status, active, _ in subs)
    assert all(canceled == (status == "canceled") for status, _, canceled in subs)
    # a status the rule does not know ('invited') leaves the flag as generated; known ones decide it
    members = rows(target, "SELECT membership_status, is_active FROM members")
    assert all(flag == (status == "active") for status, flag in members if status != "invited")
    assert {flag for status, flag in members if status == "suspended"} == {False}


def test_a_row_names_one_owner_along_both_paths(fresh_db):
    """A subscription's account is its billing customer's account; an invitation's inviter is its account's owner
    (not the account's mostly-NULL created_by); one subscription per account stays one. (Tables named so that
    no user or account role is detected: all of them are plain rows here.)"""
    target = seeded(fresh_db, """
        CREATE TABLE public.staff (id uuid PRIMARY KEY, email text NOT NULL UNIQUE);
        CREATE TABLE public.workspaces (id uuid PRIMARY KEY, name text NOT NULL,
          created_by uuid REFERENCES public.staff, primary_owner_user_id uuid NOT NULL REFERENCES public.staff);
        CREATE TABLE public.billing_customers (id serial PRIMARY KEY, account_id uuid NOT NULL REFERENCES public.workspaces,
          customer_id text NOT NULL);
        CREATE TABLE public.subscriptions (id text PRIMARY KEY, account_id uuid NOT NULL REFERENCES public.workspaces,
          billing_customer_id int NOT NULL REFERENCES public.billing_customers);
        CREATE TABLE public.invitations (id serial PRIMARY KEY, account_id uuid NOT NULL REFERENCES public.workspaces,
          invited_by uuid NOT NULL REFERENCES public.staff, email text NOT NULL);
        CREATE TABLE public.plans (id serial PRIMARY KEY, account_id uuid NOT NULL UNIQUE REFERENCES public.workspaces,
          billing_customer_id int NOT NULL REFERENCES public.billing_customers);
    """, rowsPerTable=40)
    assert rows(target, """SELECT count(*), count(*) FILTER (WHERE s.account_id <> b.account_id)
                           FROM subscriptions s JOIN billing_customers b ON b.id = s.billing_customer_id""")[0] == (40, 0)
    assert rows(target, """SELECT count(*), count(*) FILTER (WHERE i.invited_by <> a.primary_owner_user_id)
                           FROM invitations i JOIN workspaces a ON a.id = i.account_id""")[0] == (40, 0)
    # the accounts are spread over many owners, so agreeing is not an accident of one owner
    assert rows(target, "SELECT count(DISTINCT invited_by) FROM invitations")[0][0] > 10
    # account_id is unique here: it keeps its own one-to-one values (moving it would collide)
    assert rows(target, "SELECT count(*), count(DISTINCT account_id) FROM plans")[0] == (40, 40)


def test_integer_flags_hold_zero_or_one(fresh_db):
    """pagila's customer.active is an integer 0/1 (it held 472 and 607); MySQL-born schemas keep booleans in ints."""
    target = seeded(fresh_db, """
        CREATE TABLE public.customer (customer_id serial PRIMARY KEY, active integer, is_deleted smallint NOT NULL,
          has_newsletter int, visits integer NOT NULL);
    """)
    flags = rows(target, """SELECT array_agg(DISTINCT active ORDER BY active), array_agg(DISTINCT is_deleted ORDER BY is_deleted),
                                   array_agg(DISTINCT has_newsletter ORDER BY has_newsletter), avg(active), avg(is_deleted),
                                   max(visits) FROM customer""")[0]
    assert flags[0] == [0, 1] and flags[1] == [0, 1] and flags[2] == [0, 1]
    assert flags[3] > 0.6 and flags[4] < 0.25    # mostly active, mostly not deleted
    assert flags[5] > 1                          # a count is no flag


def test_unique_keys_too_narrow_for_their_values_get_codes_that_fit(fresh_db):
    # a Stripe-like customer_id cut to bpchar(5) left one random letter per row (cus_z): the table collided
    target = seeded(fresh_db, """
        CREATE TABLE public.customers (customer_id bpchar(5) PRIMARY KEY, company_name text NOT NULL);
        CREATE TABLE public.customer_demographics (customer_type_id bpchar(10) PRIMARY KEY, customer_desc text);
        CREATE TABLE public.short_codes (id int PRIMARY KEY, code text NOT NULL UNIQUE CHECK (char_length(code) <= 4));
    """)
    codes = column(target, "SELECT customer_id FROM customers")
    assert len(codes) == len(set(codes)) == 200 and all(re.fullmatch(r"[A-Z]{5}", c) for c in codes)
    types = column(target, "SELECT customer_type_id FROM customer_demographics")
    assert len(set(types)) == 200 and all(len(t.rstrip()) <= 10 for t in types)
    assert rows(target, "SELECT count(DISTINCT code), max(char_length(code)) FROM short_codes") == [(200, 4)]
    assert not any(re.fullmatch(r"(?i)[a-z]+( [a-z]+){2,}", d or "") and "." not in d
                   for d in column(target, "SELECT customer_desc FROM customer_demographics"))   # sentences, not lorem
    no_violations(target)


def test_unique_values_of_other_types_keep_their_type(fresh_db):
    # a "-17" suffix made '20 minutes-17' and '10.3.0.0/16-17': not an interval, not a network
    target = seeded(fresh_db, """
        CREATE TABLE public.reminders (id int PRIMARY KEY, remind_before interval NOT NULL UNIQUE
          CHECK (remind_before > interval '0' AND remind_before <= interval '30 days'));
        CREATE TABLE public.networks (id int PRIMARY KEY, network cidr NOT NULL UNIQUE, host inet NOT NULL UNIQUE,
          opens_at time NOT NULL UNIQUE, mac macaddr NOT NULL UNIQUE);
    """)
    assert rows(target, "SELECT count(*), count(DISTINCT remind_before) FROM reminders") == [(200, 200)]
    assert rows(target, "SELECT count(*), count(DISTINCT network), count(DISTINCT host), count(DISTINCT opens_at), "
                        "count(DISTINCT mac) FROM networks") == [(200, 200, 200, 200, 200)]
    no_violations(target)


def test_an_enum_kept_from_one_label_takes_its_other_labels(fresh_db):
    target = seeded(fresh_db, """
        CREATE TYPE public.workspace_role AS ENUM ('owner', 'admin', 'member');
        CREATE TABLE public.invitations (id int PRIMARY KEY, email text NOT NULL,
          role public.workspace_role NOT NULL DEFAULT 'member' CHECK (role <> 'owner'));
    """)
    assert dict(rows(target, "SELECT role::text, count(*) FROM invitations GROUP BY 1")).keys() == {"admin", "member"}
    assert column(target, "SELECT count(*) FROM invitations") == [200]


def test_checks_on_defaulted_columns_and_enum_arrays_are_filtered_by_the_server(fresh_db):
    # the CHECK filter staged only the generated columns (column "settings" does not exist), and upper-cased
    # an enum array's labels ({PUSH}) when it tried case variants
    ddl = """
        CREATE TYPE public.notification_channel AS ENUM ('email', 'push', 'sms');
        CREATE TABLE public.workspaces (id int PRIMARY KEY, name text NOT NULL,
          settings jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'));
        CREATE TABLE public.members (id int PRIMARY KEY, workspace_id int NOT NULL REFERENCES public.workspaces,
          notify_via public.notification_channel[] NOT NULL DEFAULT '{email}'
            CHECK (cardinality(notify_via) BETWEEN 1 AND 4));
    """
    with connect(fresh_db) as conn:
        conn.execute(ddl)
        conn.commit()
    planned = dry_run(fresh_db, settings()).planned
    api.seed(fresh_db, settings())
    assert rows(fresh_db, "SELECT (SELECT count(*) FROM workspaces), (SELECT count(*) FROM members)") == [(200, 200)]
    assert planned == {"public.workspaces": 200, "public.members": 200}
    no_violations(fresh_db)


def test_a_check_the_server_cannot_evaluate_leaves_the_table_out_of_the_dry_run_too(fresh_db):
    with connect(fresh_db) as conn:
        conn.execute("""
            CREATE FUNCTION public.strict_label(t text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
            BEGIN RAISE EXCEPTION 'label service unavailable'; END $$;
            CREATE TABLE public.labels (id int PRIMARY KEY, name text NOT NULL CHECK (public.strict_label(name)));
            CREATE TABLE public.notes (id int PRIMARY KEY, body text NOT NULL);
        """)
        conn.commit()
    dry = dry_run(fresh_db, settings())
    assert "public.labels" in dry.left_out and "label service unavailable" in dry.left_out["public.labels"]
    assert dry.planned == {"public.notes": 200}


def test_a_flag_one_row_per_key_may_have_stays_false_and_the_rows_are_not_capped(fresh_db):
    # unique (workspace_id) WHERE is_default was read as unique (workspace_id): one project per workspace
    target = seeded(fresh_db, """
        CREATE TABLE public.workspaces (id int PRIMARY KEY, name text NOT NULL);
        CREATE TABLE public.projects (id int PRIMARY KEY, workspace_id int NOT NULL REFERENCES public.workspaces,
          name text NOT NULL, is_default boolean NOT NULL);
        CREATE UNIQUE INDEX projects_one_default ON public.projects (workspace_id) WHERE is_default;
    """, tables={"public.workspaces": {"count": 3}, "public.projects": {"count": 30}})
    assert rows(target, "SELECT count(*), count(DISTINCT workspace_id), count(*) FILTER (WHERE is_default) "
                        "FROM projects") == [(30, 3, 0)]


def test_a_counted_pattern_numbers_its_rows(fresh_db):
    target = seeded(fresh_db, """
        CREATE TABLE public.invoices (id int PRIMARY KEY, number text NOT NULL UNIQUE CHECK (number ~ '^INV-[0-9]{4,}$'));
    """)
    numbers = column(target, "SELECT number FROM invoices ORDER BY id")
    assert len(set(numbers)) == 200 and all(re.fullmatch(r"INV-\d{4}", n) for n in numbers)


def test_a_parent_and_a_label_make_the_key_together(fresh_db):
    # (office_id, weekday) made weekday unique alone: seven rows whatever was asked
    target = seeded(fresh_db, """
        CREATE TYPE public.weekday AS ENUM ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun');
        CREATE TABLE public.offices (id int PRIMARY KEY, name text NOT NULL);
        CREATE TABLE public.office_hours (office_id int NOT NULL REFERENCES public.offices, weekday public.weekday NOT NULL,
          opens_at time NOT NULL, closes_at time NOT NULL, PRIMARY KEY (office_id, weekday));
        CREATE TABLE public.products (id int PRIMARY KEY, name text NOT NULL);
        CREATE TABLE public.translations (product_id int NOT NULL REFERENCES public.products,
          locale text NOT NULL CHECK (locale IN ('en', 'fr', 'de')), title text NOT NULL, PRIMARY KEY (product_id, locale));
    """, tables={"public.offices": {"count": 5}, "public.office_hours": {"count": 30},
                 "public.products": {"count": 4}, "public.translations": {"count": 20}})
    assert rows(target, "SELECT count(*), count(DISTINCT office_id), max(n) FROM (SELECT office_id, count(*) "
                        "OVER (PARTITION BY office_id) AS n FROM office_hours) h") == [(30, 5, 7)]
    # 4 products x 3 locales: every pair once, and no more rows than pairs
    assert rows(target, "SELECT count(*), count(DISTINCT (product_id, locale)) FROM translations") == [(12, 12)]
    no_violations(target)


def test_new_rows_point_at_live_rows_not_soft_deleted_ones(fresh_db):
    with connect(fresh_db) as conn:
        conn.execute("""
            CREATE TABLE public.products (id int PRIMARY KEY, handle text NOT NULL, deleted_at timestamptz);
            CREATE UNIQUE INDEX products_handle ON public.products (handle) WHERE deleted_at IS NULL;
            INSERT INTO public.products VALUES (1, 't-shirt', now()), (2, 't-shirt', NULL), (3, 'mug', now());
            CREATE TABLE public.line_items (id int PRIMARY KEY, product_id int NOT NULL REFERENCES public.products,
              quantity int NOT NULL CHECK (quantity > 0));
        """)
        conn.commit()
    api.seed(fresh_db, settings(tables={"public.products": {"count": 0}}))
    assert column(fresh_db, "SELECT DISTINCT product_id FROM line_items") == [2]
    assert column(fresh_db, "SELECT count(*) FROM line_items") == [200]


def test_columns_read_like_what_real_apps_store(fresh_db):
    target = seeded(fresh_db, """
        CREATE TABLE public.devices (id int PRIMARY KEY, model text NOT NULL, external_id text NOT NULL,
          barcode varchar(13) NOT NULL, country_code text NOT NULL CHECK (country_code ~ '^[a-z]{2}$'));
        CREATE TABLE public.readings (id int PRIMARY KEY, temperature numeric(5,2) NOT NULL CHECK (temperature BETWEEN -50 AND 150),
          humidity numeric(5,2) NOT NULL CHECK (humidity BETWEEN 0 AND 100));
        CREATE TABLE public.alerts (id int PRIMARY KEY, message text NOT NULL);
        CREATE TABLE public.orders (id int PRIMARY KEY, idempotency_key text NOT NULL, tax_rate numeric(5,4) NOT NULL
          CHECK (tax_rate BETWEEN 0 AND 1));
        CREATE TABLE public.titles (emp_no int NOT NULL, title varchar(50) NOT NULL, from_date date NOT NULL,
          PRIMARY KEY (emp_no, title, from_date));
        CREATE TABLE public.board_columns (id int PRIMARY KEY, name text NOT NULL, wip_limit int);
        CREATE TABLE public.projects (id int PRIMARY KEY, name text NOT NULL, tags text[] NOT NULL);
        CREATE TABLE public.office_hours (id int PRIMARY KEY, opens_at time NOT NULL, closes_at time NOT NULL);
        CREATE TABLE public.audit_log (id int PRIMARY KEY, action text NOT NULL CHECK (action ~ '^[a-z_]+\\.[a-z_]+$'));
    """)
    devices = rows(target, "SELECT model, external_id, barcode, country_code FROM devices")
    assert all(re.fullmatch(r"[A-Z][a-z]+ [A-Za-z -]+\d00", m) for m, *_ in devices)
    assert all(e.startswith("ext_") for _, e, *_ in devices) and len({e for _, e, *_ in devices}) == 200
    for _, _, barcode, _ in devices:   # EAN-13: the check digit holds
        digits = [int(d) for d in barcode]
        assert len(digits) == 13 and (sum(digits[0:12:2]) + 3 * sum(digits[1:12:2]) + digits[12]) % 10 == 0
    assert {c for *_, c in devices} <= {c.lower() for c in pool("country_code").to_list()}   # ISO codes, lower-cased
    assert rows(target, "SELECT min(temperature) >= -5, max(temperature) <= 35, min(humidity) >= 20, max(humidity) <= 90 "
                        "FROM readings") == [(True, True, True, True)]
    assert set(column(target, "SELECT message FROM alerts")) <= set(vocab.ALERT_TEXTS)
    assert all(re.fullmatch(r"[0-9a-f-]{36}", k) for k in column(target, "SELECT idempotency_key FROM orders"))
    assert {float(r) for r in column(target, "SELECT DISTINCT tax_rate FROM orders")} <= set(vocab.TAX_RATES)
    assert not any(re.search(r"Title|\d", t) for t in column(target, "SELECT title FROM titles"))   # job titles
    assert set(column(target, "SELECT name FROM board_columns")) <= set(vocab.WORKFLOW_STAGES)
    assert rows(target, "SELECT min(wip_limit) >= 3, max(wip_limit) <= 20 FROM board_columns") == [(True, True)]
    tags = column(target, "SELECT tags FROM projects")
    assert all(len(t) == 2 and t[0] != t[1] and set(t) <= set(vocab.TAGS) for t in tags)
    assert rows(target, "SELECT bool_and(opens_at < closes_at), min(opens_at) >= '06:00', max(closes_at) <= '22:00' "
                        "FROM office_hours") == [(True, True, True)]
    assert set(column(target, "SELECT action FROM audit_log")) <= set(vocab.DOTTED_ACTIONS)
    no_violations(target)


def test_a_parents_history_follows_one_date_after_another(fresh_db):
    # (emp_no, from_date) made from_date unique for the whole table: 2000-01-01, 2000-01-02, ... for everyone
    target = seeded(fresh_db, """
        CREATE TABLE public.employees (emp_no int PRIMARY KEY, first_name text NOT NULL, hire_date date NOT NULL);
        CREATE TABLE public.salaries (emp_no int NOT NULL REFERENCES public.employees, salary int NOT NULL,
          from_date date NOT NULL, to_date date NOT NULL, PRIMARY KEY (emp_no, from_date));
    """, tables={"public.employees": {"count": 20}, "public.salaries": {"count": 100}})
    assert column(target, "SELECT count(*) FROM salaries") == [100]
    gaps = column(target, "SELECT DISTINCT from_date - lag(from_date) OVER (PARTITION BY emp_no ORDER BY from_date) "
                          "FROM salaries")
    assert set(gaps) == {None, 365}                            # a raise a year, per employee
    assert rows(target, "SELECT min(from_date) > '2015-01-01', max(from_date) <= '2026-06-30' FROM salaries") == [(True, True)]
    no_violations(target)


def test_a_table_kept_as_reference_data_says_so(fresh_db):
    with connect(fresh_db) as conn:
        conn.execute("""
            CREATE TABLE public.products (id serial PRIMARY KEY, title text NOT NULL);
            INSERT INTO public.products (title) VALUES ('Classic tee');
            CREATE TABLE public.reviews (id int PRIMARY KEY, product_id int NOT NULL REFERENCES public.products, body text);
        """)
        conn.commit()
    results = api.seed(fresh_db, settings())
    notes = [n for r in results for n in r.notes]
    assert any("public.products: its existing rows are used as reference data" in n
               and "tables.public.products.count" in n for n in notes)
    assert column(fresh_db, "SELECT count(*) FROM products") == [1]


def test_handles_prefixes_and_cancel_dates_read_like_a_shop(fresh_db):
    target = seeded(fresh_db, """
        CREATE TABLE public.products (id text PRIMARY KEY, title text NOT NULL, handle text NOT NULL UNIQUE);
        CREATE TABLE public.product_variants (id text PRIMARY KEY, product_id text NOT NULL REFERENCES public.products,
          title text NOT NULL);
        CREATE TABLE public.line_items (id text PRIMARY KEY, variant_id text NOT NULL REFERENCES public.product_variants,
          quantity int NOT NULL CHECK (quantity > 0));
        CREATE TABLE public.orders (id int PRIMARY KEY, status text NOT NULL CHECK (status IN ('pending', 'completed', 'canceled')),
          created_at timestamptz NOT NULL, canceled_at timestamptz);
    """)
    products = rows(target, "SELECT id, title, handle FROM products")
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", h) for _, _, h in products)   # the slug of a title
    assert all(i.startswith("prod_") for i, _, _ in products)
    assert all(i.startswith("var_") for i in column(target, "SELECT id FROM product_variants"))   # what the row is
    assert all(i.startswith("item_") for i in column(target, "SELECT id FROM line_items"))
    assert rows(target, "SELECT count(*) FILTER (WHERE status <> 'canceled' AND canceled_at IS NOT NULL), "
                        "count(*) FILTER (WHERE status = 'canceled' AND canceled_at IS NOT NULL) > 0 FROM orders") == [(0, True)]
    no_violations(target)


def test_a_django_project_gets_users_who_can_log_in_and_its_tables_read_like_django(fresh_db):
    target = seeded(fresh_db, """
        CREATE TABLE public.auth_user (id serial PRIMARY KEY, password varchar(128) NOT NULL, last_login timestamptz,
          is_superuser boolean NOT NULL, username varchar(150) NOT NULL UNIQUE, first_name varchar(150) NOT NULL,
          last_name varchar(150) NOT NULL, email varchar(254) NOT NULL, is_staff boolean NOT NULL,
          is_active boolean NOT NULL, date_joined timestamptz NOT NULL);
        CREATE TABLE public.django_session (session_key varchar(40) PRIMARY KEY, session_data text NOT NULL,
          expire_date timestamptz NOT NULL);
        CREATE TABLE public.django_admin_log (id serial PRIMARY KEY, action_time timestamptz NOT NULL, object_id text,
          object_repr varchar(200) NOT NULL, action_flag smallint NOT NULL CHECK (action_flag >= 0), change_message text NOT NULL,
          user_id int NOT NULL REFERENCES public.auth_user DEFERRABLE INITIALLY DEFERRED);
        CREATE TABLE public.country (code char(3) PRIMARY KEY, name text NOT NULL, region text NOT NULL,
          population int NOT NULL, localname text NOT NULL, governmentform text NOT NULL, headofstate text);
    """, userCount=20)
    import base64, hashlib
    users = rows(target, "SELECT password, is_superuser FROM auth_user")
    assert len(users) == 20 and sum(s for _, s in users) <= 5                  # the user table, few superusers
    algorithm, iterations, salt, digest = users[0][0].split("$")              # Django's own format, and it checks
    assert algorithm == "pbkdf2_sha256" and base64.b64decode(digest) == hashlib.pbkdf2_hmac(
        "sha256", settings().password.get_secret_value().encode(), salt.encode(), int(iterations))
    assert all(re.fullmatch(r"[a-z0-9]{32}", k) for k in column(target, "SELECT session_key FROM django_session"))
    assert set(column(target, "SELECT DISTINCT action_flag FROM django_admin_log")) <= {1, 2, 3}
    assert all(re.fullmatch(r"[A-Z][a-z]+ object \(\d+\)", r) for r in column(target, "SELECT object_repr FROM django_admin_log"))
    countries = rows(target, "SELECT name, region, governmentform, headofstate FROM country")
    assert {n for n, *_ in countries} <= set(pool("country").to_list()) | {f"{c} {k}" for c in pool("country").to_list() for k in range(2, 9)}
    assert {r for _, r, *_ in countries} <= set(vocab.WORLD_REGIONS)
    assert {g for _, _, g, _ in countries} <= set(vocab.GOVERNMENT_FORMS)
    assert all(re.fullmatch(r"[A-Z][a-z'.-]+( [A-Z][a-z'.-]+)+", h) for *_, h in countries if h)
    no_violations(target)


def test_checks_between_columns_hold_when_one_is_left_to_its_default_and_a_null_passes(fresh_db):
    # posts_count <= highest_post_number DEFAULT 0 left the pair unmatchable; closed_at was filled for the
    # ordering CHECK and then broke "closed only when closed" (state_id left to its default 1)
    target = seeded(fresh_db, """
        CREATE TABLE public.topics (id bigserial PRIMARY KEY, title text NOT NULL, posts_count int NOT NULL DEFAULT 0,
          highest_post_number int NOT NULL DEFAULT 0, CONSTRAINT topics_numbers CHECK (posts_count <= highest_post_number));
        CREATE TABLE public.issues (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL,
          state_id smallint NOT NULL DEFAULT 1 CHECK (state_id IN (1, 2)), closed_at timestamptz,
          CONSTRAINT issues_closed_only_when_closed CHECK (closed_at IS NULL OR state_id = 2),
          CONSTRAINT issues_closed_after_created CHECK (closed_at IS NULL OR closed_at >= created_at));
    """)
    assert rows(target, "SELECT (SELECT count(*) FROM topics), (SELECT count(*) FROM issues)") == [(200, 200)]
    assert column(target, "SELECT count(DISTINCT highest_post_number) > 1 FROM topics") == [True]
    no_violations(target)


def test_users_whose_emails_live_in_a_table_of_their_own_are_the_users(fresh_db):
    # Discourse keeps addresses in user_emails: `users` has no email column
    target = seeded(fresh_db, """
        CREATE TABLE public.users (id serial PRIMARY KEY, username varchar(60) NOT NULL UNIQUE, created_at timestamptz NOT NULL);
        CREATE TABLE public.user_emails (id serial PRIMARY KEY, user_id int NOT NULL REFERENCES public.users,
          email varchar(513) NOT NULL, "primary" boolean NOT NULL DEFAULT false);
        INSERT INTO public.users (username, created_at) VALUES ('system', now());
    """, userCount=12)
    assert column(target, "SELECT count(*) FROM users") == [13]


BOOKINGS = """
    CREATE EXTENSION IF NOT EXISTS btree_gist;
    CREATE TABLE public.rooms (id uuid PRIMARY KEY, name text NOT NULL);
    CREATE TABLE public.sessions (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      room_id uuid NOT NULL REFERENCES public.rooms, status text NOT NULL DEFAULT 'scheduled'
        CHECK (status IN ('scheduled', 'cancelled')),
      starts_at timestamptz NOT NULL, ends_at timestamptz, CHECK (ends_at > starts_at),
      CONSTRAINT sessions_room_free EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
        WHERE (status <> 'cancelled'));
    CREATE TABLE public.stays (id serial PRIMARY KEY, room_id uuid NOT NULL REFERENCES public.rooms,
      check_in date NOT NULL, check_out date NOT NULL,
      EXCLUDE USING gist (room_id WITH =, daterange(check_in, check_out, '[]') WITH &&));
    CREATE TABLE public.shifts (id serial PRIMARY KEY, "Start" timestamp NOT NULL, "End" timestamp NOT NULL,
      EXCLUDE USING gist (tsrange("Start", "End") WITH &&));
    CREATE TABLE public.slots (id serial PRIMARY KEY, room_id uuid NOT NULL REFERENCES public.rooms, during tstzrange NOT NULL,
      EXCLUDE USING gist (room_id WITH =, during WITH &&));
"""


def test_periods_an_exclude_constraint_keeps_apart_do_not_overlap(fresh_db):
    """A room's sessions and stays (EXCLUDE over tstzrange(starts_at, ends_at), a closed daterange, quoted
    columns, a range column): thousands of rows over 10 rooms load whole, none overlapping another."""
    with connect(fresh_db) as conn:
        conn.execute(BOOKINGS)
        conn.commit()
        exclusions = {t.name: [(e.columns, e.expressions, e.operators) for e in t.exclusions]
                      for t in take_snapshot(conn).tables}
    assert exclusions["sessions"] == [(["room_id", None], ["room_id", "tstzrange(starts_at, ends_at)"], ["=", "&&"])]
    assert exclusions["slots"] == [(["room_id", "during"], ["room_id", "during"], ["=", "&&"])]
    results = api.seed(fresh_db, settings(rowsPerTable=3000, tables={"public.rooms": {"count": 10}}))
    assert not results[-1].left_out
    counts = rows(fresh_db, "SELECT (SELECT count(*) FROM rooms), (SELECT count(*) FROM sessions), "
                            "(SELECT count(*) FROM stays), (SELECT count(*) FROM shifts), (SELECT count(*) FROM slots)")[0]
    assert counts == (10, 3000, 3000, 3000, 3000)
    overlaps = rows(fresh_db, """
        SELECT (SELECT count(*) FROM sessions a JOIN sessions b ON a.id < b.id AND a.room_id = b.room_id
                 AND tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)),
               (SELECT count(*) FROM stays a JOIN stays b ON a.id < b.id AND a.room_id = b.room_id
                 AND daterange(a.check_in, a.check_out, '[]') && daterange(b.check_in, b.check_out, '[]')),
               (SELECT count(*) FROM sessions WHERE ends_at IS NULL OR ends_at <= starts_at),
               (SELECT count(*) FROM shifts WHERE "End" <= "Start")""")[0]
    assert overlaps == (0, 0, 0, 0)


RAILS_APP = """
    CREATE EXTENSION IF NOT EXISTS citext;
    CREATE TABLE public.users (id bigserial PRIMARY KEY, email_address citext NOT NULL UNIQUE,
      password_digest varchar NOT NULL, name varchar(100) NOT NULL, created_at timestamp(6) NOT NULL,
      updated_at timestamp(6) NOT NULL);
    CREATE TABLE public.todos (id bigserial PRIMARY KEY, creator_id bigint NOT NULL REFERENCES public.users,
      content varchar(500) NOT NULL, status integer DEFAULT 0 NOT NULL, completed boolean DEFAULT false NOT NULL,
      completed_at timestamp(6), created_at timestamp(6) NOT NULL, updated_at timestamp(6) NOT NULL);
    CREATE TABLE public.comments (id bigserial PRIMARY KEY, todo_id bigint NOT NULL REFERENCES public.todos,
      edited_at timestamp(6), created_at timestamp(6) NOT NULL, updated_at timestamp(6) NOT NULL);
    CREATE TABLE public.todo_list (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      created_at timestamptz DEFAULT now() NOT NULL, title text, done boolean DEFAULT false, done_at timestamptz);
    CREATE TABLE public.blobs (id bigserial PRIMARY KEY, filename varchar NOT NULL, checksum varchar,
      location varchar(128));
"""


def test_a_rails_apps_users_flags_enums_and_edits_read_as_rails_writes_them(fresh_db):
    """Rails 8's authentication generator: users keyed by email_address are the user table (userCount of them)
    and has_secure_password's password_digest is the configured password's bcrypt hash; a flag left to its
    default has details only where it is set (completed false: no completed_at; done false: no done_at), and
    some are set; an integer enum (status DEFAULT 0) holds a few codes, not numbers up to 1000; an edit or a
    done_at comes after creation; a checksum is a digest and a location a place, not random words."""
    seeded(fresh_db, RAILS_APP, userCount=6, rowsPerTable=60)
    assert column(fresh_db, "SELECT count(*) FROM users") == [6]
    digests = column(fresh_db, "SELECT DISTINCT password_digest FROM users")
    assert len(digests) == 1 and digests[0].startswith("$2b$")
    flags = rows(fresh_db, """SELECT count(*) FILTER (WHERE completed), count(*) FILTER (WHERE NOT completed AND completed_at IS NOT NULL),
                                     count(*) FILTER (WHERE completed_at < created_at) FROM todos""")[0]
    assert flags[0] > 0 and flags[1:] == (0, 0)
    done = rows(fresh_db, """SELECT count(*) FILTER (WHERE done), count(*) FILTER (WHERE done IS NOT TRUE AND done_at IS NOT NULL),
                                    count(*) FILTER (WHERE done_at < created_at) FROM todo_list""")[0]
    assert done[0] > 0 and done[1:] == (0, 0)
    assert set(column(fresh_db, "SELECT DISTINCT status FROM todos")) <= {0, 1, 2, 3}
    assert column(fresh_db, "SELECT count(*) FROM comments WHERE edited_at < created_at") == [0]
    assert all(re.fullmatch(r"[0-9a-f]{16,}", c) for c in column(fresh_db, "SELECT checksum FROM blobs"))
    assert set(column(fresh_db, "SELECT location FROM blobs")) <= set(pool("city").to_list())


ORM_FRAMEWORK_TABLES = """
CREATE TABLE public.article (id serial PRIMARY KEY, title varchar NOT NULL, "createdAt" timestamp NOT NULL DEFAULT now(),
  "updatedAt" timestamp NOT NULL DEFAULT now(), "deletedAt" timestamp);
CREATE TABLE public.personal_access_tokens (id bigserial PRIMARY KEY, tokenable_type varchar(255) NOT NULL,
  tokenable_id bigint NOT NULL, name varchar(255) NOT NULL, token varchar(64) NOT NULL UNIQUE, abilities text);
CREATE TABLE public.sessions (id varchar(255) PRIMARY KEY, ip_address varchar(45), payload text NOT NULL,
  last_activity integer NOT NULL);
CREATE TABLE public.activity_log (id bigserial PRIMARY KEY, description text NOT NULL, event varchar(255),
  subject_type varchar(255), subject_id bigint);
CREATE TABLE public.two_factor_settings (id serial PRIMARY KEY, two_factor_secret text, two_factor_recovery_codes text NOT NULL);
CREATE TABLE public.phone_numbers (id serial PRIMARY KEY, number text, created_at timestamp(0), updated_at timestamp(0),
  phone_verified_at timestamp(0), two_factor_confirmed_at timestamp(0));
CREATE TABLE public.typeorm_metadata (type varchar NOT NULL, database varchar, schema varchar, "table" varchar,
  name varchar, value text);
"""


def test_orm_and_framework_columns_read_as_what_the_framework_stores(fresh_db):
    """TypeORM's "deletedAt" is a soft delete (NULL, or every seeded row is hidden from the ORM), Sanctum's
    personal_access_tokens are named where they are used (not after a person: "personal" is no person) with a
    JSON list of abilities, a session's integer last_activity is a Unix time, an activity log's event what
    happened, two-factor recovery codes are not words, a phone is verified after it was added, and
    typeorm_metadata (no key) is TypeORM's, left as it is."""
    import json
    seeded(fresh_db, ORM_FRAMEWORK_TABLES, rowsPerTable=20)
    assert column(fresh_db, 'SELECT count(*) FILTER (WHERE "deletedAt" IS NOT NULL) FROM article') == [0]
    assert column(fresh_db, "SELECT count(*) FROM article") == [20]
    tokens = rows(fresh_db, "SELECT name, abilities FROM personal_access_tokens")
    assert tokens and all(name in vocab.API_KEY_NAMES for name, _ in tokens)
    assert all(isinstance(json.loads(abilities), list) for _, abilities in tokens if abilities is not None)
    assert all(1_700_000_000 <= t <= 1_800_000_000 for t in column(fresh_db, "SELECT last_activity FROM sessions"))
    assert set(column(fresh_db, "SELECT event FROM activity_log WHERE event IS NOT NULL")) <= set(vocab.AUDIT_ACTIONS)
    assert all(re.fullmatch(r"[0-9a-f]{16,}", c) for c in column(fresh_db, "SELECT two_factor_recovery_codes FROM two_factor_settings"))
    assert column(fresh_db, "SELECT count(*) FROM typeorm_metadata") == [0]
    # verified and confirmed after the row was created, whatever the event is about (email_verified_at)
    assert column(fresh_db, """SELECT count(*) FILTER (WHERE phone_verified_at < created_at OR two_factor_confirmed_at < created_at)
                               FROM phone_numbers""") == [0]
    with connect(fresh_db) as conn:
        assert framework_table(take_snapshot(conn).table("public.typeorm_metadata"))   # not "add a primary key"
    no_violations(fresh_db)
