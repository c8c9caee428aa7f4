"""The Supabase domain: mapping per framework, users GoTrue accepts, trigger-aware accounts, setups."""

from __future__ import annotations

from collections import Counter

import bcrypt
import pytest
from psycopg import sql

from supaseed_pipeline.db.connect import connect
from supaseed_pipeline.demo import DEMO_SQL_DIR
from supaseed_pipeline.seed import api, verify
from supaseed_pipeline.seed.load import ident
from supaseed_pipeline.settings import load_settings
from supaseed_pipeline.snapshot.introspect import take_snapshot

AUTH_ONLY = [DEMO_SQL_DIR / "00_roles.sql", DEMO_SQL_DIR / "10_auth.sql"]

LITE_KIT = """
CREATE TABLE public.accounts (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name varchar(255) NOT NULL,
  email varchar(320) UNIQUE, picture_url varchar(1000), public_data jsonb NOT NULL DEFAULT '{}',
  created_by uuid REFERENCES auth.users, updated_by uuid REFERENCES auth.users);
CREATE FUNCTION public.new_user_created_setup() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  INSERT INTO public.accounts (id, name, picture_url, email)
  VALUES (new.id, coalesce(new.raw_user_meta_data->>'name', split_part(new.email, '@', 1), ''),
          new.raw_user_meta_data->>'avatar_url', new.email);
  RETURN new;
END $$;
CREATE TRIGGER on_auth_user_created AFTER INSERT ON auth.users FOR EACH ROW EXECUTE FUNCTION public.new_user_created_setup();
CREATE TABLE public.setups (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), account_id uuid NOT NULL REFERENCES public.accounts ON DELETE CASCADE,
  title text NOT NULL, description text, created_at timestamptz NOT NULL DEFAULT now());
"""

PROFILES = """
CREATE TABLE public.profiles (id uuid PRIMARY KEY REFERENCES auth.users ON DELETE CASCADE, username text UNIQUE,
  full_name text, avatar_url text, bio text, updated_at timestamptz);
CREATE TABLE public.base_templates (id serial PRIMARY KEY, slug text NOT NULL UNIQUE, name text NOT NULL);
INSERT INTO public.base_templates (slug, name) VALUES ('day-hiking', 'Day hiking'), ('climbing', 'Climbing');
CREATE TABLE public.setups (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), user_id uuid NOT NULL REFERENCES auth.users ON DELETE CASCADE,
  base_template_id int NOT NULL REFERENCES public.base_templates, title text NOT NULL, description text);
CREATE TABLE public.trips (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), owner uuid NOT NULL REFERENCES auth.users ON DELETE CASCADE,
  title text NOT NULL);
"""

PLAIN = """
CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE, name text NOT NULL,
  password_hash text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE setups (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
  title varchar(120) NOT NULL, description text, difficulty text CHECK (difficulty IN ('easy', 'hard')));
CREATE TABLE gear_items (id bigserial PRIMARY KEY, setup_id bigint NOT NULL REFERENCES setups ON DELETE CASCADE,
  name text NOT NULL, brand text NOT NULL, price numeric(10,2) NOT NULL CHECK (price > 0), position int NOT NULL,
  UNIQUE (setup_id, position));
"""


def settings(**overrides):
    return load_settings(overrides={"userCount": 12, "setupsPerUser": 3, "batchSize": 5, **overrides},
                         environ={}, use_default_file=False)


def apply(target, *sql_texts: str, auth: bool = True) -> None:
    with connect(target) as conn:
        if auth:
            for path in AUTH_ONLY:
                conn.execute(path.read_text())
        for text in sql_texts:
            conn.execute(text)
        conn.commit()


def count(conn, table: str) -> int:
    return conn.execute(sql.SQL("SELECT count(*) FROM {}").format(ident(table))).fetchone()[0]


def all_rows(target) -> dict[str, list[str]]:
    with connect(target) as conn:
        snapshot = take_snapshot(conn)
        return {t.qualified: [r[0] for r in conn.execute(
            sql.SQL("SELECT t::text FROM {} t ORDER BY 1").format(ident(t.qualified))).fetchall()]
            for t in snapshot.tables}


def test_demo_twelve_users_thirty_six_setups(demo_db):
    api.seed(demo_db, settings())
    with connect(demo_db) as conn:
        assert count(conn, "auth.users") == 12 and count(conn, "public.setups") == 36
        # exactly one personal account per user, id = user id, made by the trigger and enriched by us
        rows = conn.execute("""SELECT u.id = a.id, a.primary_owner_user_id = u.id, a.public_data ? 'bio',
                                      a.public_data ? 'username', a.name <> '', a.picture_url LIKE 'https://%'
                               FROM auth.users u JOIN public.accounts a ON a.id = u.id AND a.is_personal_account""").fetchall()
        assert len(rows) == 12 and all(all(r) for r in rows)
        assert conn.execute("SELECT count(*) FROM public.accounts WHERE is_personal_account GROUP BY primary_owner_user_id "
                            "HAVING count(*) > 1").fetchall() == []
        # team accounts have unique slugs and an owner membership
        teams = conn.execute("SELECT a.id, a.slug, m.account_role FROM public.accounts a LEFT JOIN public.accounts_memberships m "
                             "ON m.account_id = a.id AND m.user_id = a.primary_owner_user_id WHERE NOT a.is_personal_account").fetchall()
        assert teams and all(slug and role == "owner" for _, slug, role in teams)
        # GoTrue's rules for an email/password login
        users = conn.execute("""SELECT instance_id::text, aud, role, email_confirmed_at IS NOT NULL, confirmation_token,
                                       recovery_token, email_change_token_new, email_change, phone, raw_app_meta_data,
                                       raw_user_meta_data ? 'name', encrypted_password, confirmed_at IS NOT NULL
                                FROM auth.users""").fetchall()
        for row in users:
            assert row[:4] == ("00000000-0000-0000-0000-000000000000", "authenticated", "authenticated", True)
            assert row[4:8] == ("", "", "", "") and row[8] is None
            assert row[9] == {"provider": "email", "providers": ["email"]} and row[10] and row[12]
            assert bcrypt.checkpw(b"password123", row[11].encode())
        assert len({row[11] for row in users}) == 1   # one distinct password hashed once
        identities = conn.execute("""SELECT count(*) FROM auth.identities i JOIN auth.users u ON i.user_id = u.id
                                     WHERE i.provider = 'email' AND i.provider_id = u.id::text
                                       AND i.identity_data->>'sub' = u.id::text AND i.email = lower(u.email)""").fetchone()[0]
        assert identities == 12
        snapshot = take_snapshot(conn)
        assert verify.constraint_violations(conn, snapshot, [t.qualified for t in snapshot.tables]) == []
        prices = conn.execute("SELECT min(price), max(price), count(DISTINCT brand) FROM public.gear_items").fetchone()
        assert prices[0] > 0 and prices[1] < 20000 and prices[2] > 5


def test_trigger_made_accounts_filled_the_same_found_by_index_or_read_back(demo_db, fresh_db):
    """With an index on the accounts' user column, the accounts the auth.users trigger makes are found and filled in
    by one UPDATE ... RETURNING; without one (only the partial unique index left), read back and then updated.
    Both give the same accounts and the same setups."""
    from supaseed_pipeline.demo import apply_demo_schema

    with connect(fresh_db) as conn:
        apply_demo_schema(conn)
        conn.execute("DROP INDEX public.ix_accounts_primary_owner_user_id")
        conn.commit()
    seeded = {}
    for target in (demo_db, fresh_db):
        api.seed(target, settings(userCount=30, batchSize=10))
        with connect(target) as conn:
            seeded[target.dbname] = (
                conn.execute("SELECT id::text, primary_owner_user_id::text, name, picture_url, public_data::text "
                             "FROM public.accounts WHERE is_personal_account ORDER BY id").fetchall(),
                conn.execute("SELECT md5(string_agg(s::text, '|' ORDER BY s.id)) FROM public.setups s").fetchone()[0])
    filled, read_back = seeded[demo_db.dbname], seeded[fresh_db.dbname]
    assert len(filled[0]) == 30 and all(name and picture and '"bio"' in data for _, _, name, picture, data in filled[0])
    assert filled == read_back


def test_cleanup_removes_trigger_made_accounts_too(demo_db):
    before = all_rows(demo_db)
    api.seed(demo_db, settings())
    deleted = api.cleanup(demo_db, settings())
    assert deleted["auth.users"] == 12
    after = all_rows(demo_db)
    assert {t: r for t, r in after.items() if not t.startswith("supaseed.")} == before


def test_makerkit_lite_is_detected_and_seeds(fresh_db):
    apply(fresh_db, LITE_KIT)
    with connect(fresh_db) as conn:
        prepared = api.prepare(conn, settings())
    assert prepared.mapping.framework == "makerkit-lite"
    assert prepared.mapping.account_created_by_trigger and prepared.mapping.content_account_field == "account_id"
    api.seed(fresh_db, settings())
    with connect(fresh_db) as conn:
        assert conn.execute("SELECT count(*) FROM public.accounts a JOIN auth.users u ON u.id = a.id").fetchone()[0] == 12
        assert count(conn, "public.setups") == 36
        assert conn.execute("SELECT count(*) FROM public.setups s JOIN public.accounts a ON a.id = s.account_id").fetchone()[0] == 36
    api.cleanup(fresh_db, settings())
    with connect(fresh_db) as conn:   # lite has no FK from accounts to users: the ledger removes them itself
        assert count(conn, "public.accounts") == 0 and count(conn, "auth.users") == 0


def test_profiles_schema_with_renamed_lookup(fresh_db):
    apply(fresh_db, PROFILES)
    with connect(fresh_db) as conn:
        prepared = api.prepare(conn, settings())
    mapping = prepared.mapping
    assert mapping.framework == "supabase" and mapping.account_table == "public.profiles"
    assert mapping.lookup_table == "public.base_templates" and mapping.lookup_field == "base_template_id"
    api.seed(fresh_db, settings())
    with connect(fresh_db) as conn:
        assert count(conn, "public.profiles") == 12
        assert conn.execute("SELECT count(*) FROM public.profiles p JOIN auth.users u ON u.id = p.id").fetchone()[0] == 12
        assert count(conn, "public.setups") == 36
        assert count(conn, "public.base_templates") == 2   # a populated lookup is sampled, never extended
        assert count(conn, "public.trips") == 12            # other user-owned tables get rows too


def test_config_override_wins_over_detection(fresh_db):
    apply(fresh_db, PROFILES)
    override = settings(schema={"setupsTable": {"name": "trips", "userField": "owner"}})
    with connect(fresh_db) as conn:
        prepared = api.prepare(conn, override)
    assert prepared.mapping.content_table == "public.trips" and prepared.mapping.content_user_field == "owner"
    api.seed(fresh_db, override)
    with connect(fresh_db) as conn:
        assert count(conn, "public.trips") == 36


def test_plain_postgres_users_schema(fresh_db):
    apply(fresh_db, PLAIN, auth=False)
    with connect(fresh_db) as conn:
        prepared = api.prepare(conn, settings())
    assert prepared.mapping.framework == "postgres" and prepared.mapping.user_table == "public.users"
    assert prepared.mapping.item_table == "public.gear_items"
    api.seed(fresh_db, settings())
    with connect(fresh_db) as conn:
        assert count(conn, "public.users") == 12 and count(conn, "public.setups") == 36
        assert count(conn, "public.gear_items") > 36
        hashed = conn.execute("SELECT password_hash FROM users LIMIT 1").fetchone()[0]
        assert bcrypt.checkpw(b"password123", hashed.encode())


def test_use_existing_and_hybrid_leave_existing_rows_untouched(demo_db):
    existing = load_settings(overrides={"userCount": 4, "setupsPerUser": 0, "seed": 99, "tenants": {"count": 0}},
                             environ={}, use_default_file=False)
    # "someone else's" users: seeded with a different seed, then forgotten by the ledger
    api.seed(demo_db, existing)
    with connect(demo_db) as conn:
        conn.execute("DROP SCHEMA supaseed CASCADE")
        conn.commit()
    before = all_rows(demo_db)

    reuse = settings(userStrategy="use-existing", existingUsers={"filter": {"is_personal_account": True}})
    api.seed(demo_db, reuse)
    with connect(demo_db) as conn:
        assert count(conn, "public.setups") == 4 * 3
        assert count(conn, "auth.users") == 4
    after = all_rows(demo_db)
    for table in ("auth.users", "auth.identities", "public.accounts"):
        assert after[table] == before[table], table

    api.cleanup(demo_db, reuse)
    hybrid = settings(userStrategy="hybrid", additionalUsers={"count": 3},
                      existingUsers={"filter": {"is_personal_account": True}})
    api.seed(demo_db, hybrid)
    with connect(demo_db) as conn:
        assert count(conn, "auth.users") == 7 and count(conn, "public.setups") == 7 * 3
    after = all_rows(demo_db)
    assert set(before["auth.users"]) <= set(after["auth.users"])
    assert set(before["public.accounts"]) <= set(after["public.accounts"])
    api.cleanup(demo_db, hybrid)
    assert {t: r for t, r in all_rows(demo_db).items() if not t.startswith("supaseed.")} == before


def test_bulk_load_rebuilds_every_index_and_foreign_key(demo_db):
    with connect(demo_db) as conn:
        before = take_snapshot(conn).fingerprint
    api.seed(demo_db, settings(bulkLoad=True, userCount=30, batchSize=10))
    with connect(demo_db) as conn:
        snapshot = take_snapshot(conn)
        assert snapshot.fingerprint == before            # every index and FK is back, as it was
        assert count(conn, "auth.users") == 30 and count(conn, "public.setups") == 90
        assert verify.constraint_violations(conn, snapshot, [t.qualified for t in snapshot.tables]) == []
        assert conn.execute("SELECT count(*) FROM supaseed.deferred_ddl").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated").fetchone()[0] == 0
    api.seed(demo_db, settings(bulkLoad=True, userCount=30, batchSize=10, seed=5))   # replaces its own seed
    with connect(demo_db) as conn:    # rows nobody recorded: the target is no longer empty
        conn.execute("DROP SCHEMA supaseed CASCADE")
        conn.commit()
    with pytest.raises(Exception, match="bulkLoad needs empty tables"):
        api.seed(demo_db, settings(bulkLoad=True, userCount=30, batchSize=10))
