"""The bundled demo schema: applies cleanly, and its triggers and constraints behave like Supabase + MakerKit."""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest
from psycopg import errors

from supaseed_pipeline.db.connect import connect, create_database, drop_database
from supaseed_pipeline.demo import DEMO_SQL_DIR, apply_demo_schema
from supaseed_pipeline_tests.conftest import _new_name

INSTANCE = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def conn(demo_db):
    with connect(demo_db, autocommit=True) as connection:
        yield connection


def add_user(conn: psycopg.Connection, email: str, meta: dict | None = None, *, confirmed: bool = True) -> uuid.UUID:
    """Insert an auth.users row the way a seeder should (tokens '', metadata objects)."""
    user_id = uuid.uuid4()
    conn.execute(
        """
        insert into auth.users (
            instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
            confirmation_token, recovery_token, email_change_token_new, email_change,
            raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
        values (%s, %s, 'authenticated', 'authenticated', %s, 'x',
                case when %s then now() end, '', '', '', '',
                '{"provider": "email", "providers": ["email"]}', %s, now(), now())
        """,
        (INSTANCE, user_id, email, confirmed, json.dumps(meta or {})),
    )
    return user_id


def add_team(conn: psycopg.Connection, owner: uuid.UUID, name: str) -> tuple[uuid.UUID, str]:
    row = conn.execute(
        "insert into public.accounts (name, primary_owner_user_id) values (%s, %s) returning id, slug",
        (name, owner),
    ).fetchone()
    return row[0], row[1]


def test_sql_files_are_bundled_in_order():
    names = [p.name for p in sorted(DEMO_SQL_DIR.glob("*.sql"))]
    assert names == ["00_roles.sql", "10_auth.sql", "20_makerkit.sql", "30_outdoor.sql"]


def test_new_user_gets_exactly_one_personal_account(conn):
    user_id = add_user(conn, "ada@example.com", {"name": "Ada Lovelace", "avatar_url": "https://x.test/a.png"})

    rows = conn.execute(
        "select id, name, email, slug, is_personal_account, picture_url from public.accounts "
        "where primary_owner_user_id = %s",
        (user_id,),
    ).fetchall()
    assert rows == [(user_id, "Ada Lovelace", "ada@example.com", None, True, "https://x.test/a.png")]

    # confirmed_at is generated from email_confirmed_at / phone_confirmed_at.
    confirmed, email_confirmed = conn.execute(
        "select confirmed_at, email_confirmed_at from auth.users where id = %s", (user_id,)
    ).fetchone()
    assert confirmed is not None and confirmed == email_confirmed
    with pytest.raises(errors.GeneratedAlways):
        conn.execute("update auth.users set confirmed_at = now() where id = %s", (user_id,))

    # Changing the auth email follows into the personal account.
    conn.execute("update auth.users set email = 'ada@new.example.com' where id = %s", (user_id,))
    assert conn.execute("select email from public.accounts where id = %s", (user_id,)).fetchone()[0] == (
        "ada@new.example.com"
    )


def test_name_falls_back_to_email_local_part_and_unconfirmed_user_has_no_confirmed_at(conn):
    user_id = add_user(conn, "grace.hopper@example.com", confirmed=False)
    name, = conn.execute("select name from public.accounts where id = %s", (user_id,)).fetchone()
    assert name == "grace.hopper"
    assert conn.execute("select confirmed_at from auth.users where id = %s", (user_id,)).fetchone()[0] is None


def test_duplicate_email_fails_on_partial_unique_key(conn):
    add_user(conn, "dup@example.com")
    with pytest.raises(errors.UniqueViolation) as exc_info:
        add_user(conn, "dup@example.com")
    assert exc_info.value.diag.constraint_name == "users_email_partial_key"


def test_non_empty_tokens_must_be_unique_but_empty_ones_may_repeat(conn):
    first = add_user(conn, "t1@example.com")
    second = add_user(conn, "t2@example.com")  # both have confirmation_token ''
    conn.execute("update auth.users set confirmation_token = 'abc' where id = %s", (first,))
    with pytest.raises(errors.UniqueViolation) as exc_info:
        conn.execute("update auth.users set confirmation_token = 'abc' where id = %s", (second,))
    assert exc_info.value.diag.constraint_name == "confirmation_token_idx"


def test_team_accounts_get_unique_slugs_and_no_membership_without_jwt(conn):
    owner = add_user(conn, "owner@example.com", {"name": "Owner"})
    first_id, first_slug = add_team(conn, owner, "Alpine Club")
    _, second_slug = add_team(conn, owner, "Alpine Club")
    multi = conn.execute(
        "insert into public.accounts (name, primary_owner_user_id) values ('Alpine  Club!', %s), ('Alpine Club', %s) "
        "returning slug",
        (owner, owner),
    ).fetchall()
    slugs = [first_slug, second_slug] + [r[0] for r in multi]
    assert slugs == ["alpine-club", "alpine-club-1", "alpine-club-2", "alpine-club-3"]

    # No JWT claims: auth.uid() is NULL, so no owner membership is created.
    assert conn.execute("select count(*) from public.accounts_memberships").fetchone()[0] == 0

    # With JWT claims for the owner, the trigger adds the owner membership.
    conn.execute("select set_config('request.jwt.claims', %s, false)", (json.dumps({"sub": str(owner)}),))
    team_id, slug = add_team(conn, owner, "Crème Brûlée Hikers")
    assert slug == "creme-brulee-hikers"
    assert conn.execute(
        "select user_id, account_role from public.accounts_memberships where account_id = %s", (team_id,)
    ).fetchall() == [(owner, "owner")]
    assert conn.execute("select count(*) from public.accounts_memberships where account_id = %s", (first_id,)).fetchone()[0] == 0


def test_primary_owner_user_id_is_required_without_jwt(conn):
    with pytest.raises(errors.NotNullViolation):
        conn.execute("insert into public.accounts (name) values ('Orphans')")


def test_slug_check_rejects_personal_account_with_slug(conn):
    user_id = add_user(conn, "slug@example.com")
    with pytest.raises(errors.CheckViolation) as exc_info:
        conn.execute("update public.accounts set slug = 'mine' where id = %s", (user_id,))
    assert exc_info.value.diag.constraint_name == "accounts_slug_null_if_personal_account_true"
    with pytest.raises(errors.CheckViolation):
        conn.execute(
            "insert into public.accounts (name, primary_owner_user_id, is_personal_account, slug) "
            "values ('Second', %s, true, 'second')",
            (user_id,),
        )


def test_membership_rules_and_cascading_user_delete(conn):
    owner = add_user(conn, "boss@example.com")
    member = add_user(conn, "crew@example.com")
    team_id, _ = add_team(conn, owner, "Summit Crew")
    conn.execute(
        "insert into public.accounts_memberships (user_id, account_id, account_role) values (%s, %s, 'owner'), (%s, %s, 'member')",
        (owner, team_id, member, team_id),
    )

    with pytest.raises(errors.RaiseException, match="primary account owner"):
        conn.execute("delete from public.accounts_memberships where user_id = %s", (owner,))
    with pytest.raises(errors.RaiseException, match="Only the account_role"):
        conn.execute("update public.accounts_memberships set account_role = 'member' where user_id = %s", (member,))
    conn.execute("update public.accounts_memberships set account_role = 'owner' where user_id = %s", (member,))

    setup_type = conn.execute("select id from public.setup_types where slug = 'backpacking'").fetchone()[0]
    conn.execute(
        "insert into public.setups (account_id, user_id, setup_type_id, title, slug, difficulty) "
        "values (%s, %s, %s, 'Three days in the Sierra', 'sierra', 'intermediate')",
        (team_id, owner, setup_type),
    )

    conn.execute("delete from auth.users where id = %s", (owner,))
    assert conn.execute(
        "select count(*) from public.accounts where primary_owner_user_id = %s or id = %s", (owner, team_id)
    ).fetchone()[0] == 0
    assert conn.execute("select count(*) from public.accounts_memberships").fetchone()[0] == 0
    assert conn.execute("select count(*) from public.setups").fetchone()[0] == 0
    # The member keeps their own personal account.
    assert conn.execute("select count(*) from public.accounts where id = %s", (member,)).fetchone()[0] == 1


def test_setups_and_gear_checks(conn):
    user_id = add_user(conn, "hiker@example.com")
    setup_type = conn.execute("select id from public.setup_types where slug = 'day-hiking'").fetchone()[0]
    insert_setup = (
        "insert into public.setups (account_id, user_id, setup_type_id, title, slug, difficulty, total_price) "
        "values (%s, %s, %s, %s, %s, %s, %s) returning id, currency, tags, is_public"
    )
    setup_id, currency, tags, is_public = conn.execute(
        insert_setup, (user_id, user_id, setup_type, "Ridge walk", "ridge-walk", "beginner", 120)
    ).fetchone()
    assert (currency, tags, is_public) == ("USD", [], True)

    bad_rows = [
        ("Bad level", "bad-level", "legendary", 10),
        ("Negative", "negative", "expert", -1),
        ("Bad slug", "Bad Slug", "expert", 1),
        ("ab", "too-short", "expert", 1),
    ]
    for title, slug, difficulty, price in bad_rows:
        with pytest.raises(errors.CheckViolation):
            conn.execute(insert_setup, (user_id, user_id, setup_type, title, slug, difficulty, price))
    with pytest.raises(errors.UniqueViolation):
        conn.execute(insert_setup, (user_id, user_id, setup_type, "Ridge again", "ridge-walk", "beginner", 1))

    insert_item = (
        "insert into public.gear_items (setup_id, position, name, brand, category, price) "
        "values (%s, %s, %s, %s, %s, %s)"
    )
    conn.execute(insert_item, (setup_id, 1, "Trail runner", "Altra", "footwear", "149.95"))
    with pytest.raises(errors.CheckViolation):
        conn.execute(insert_item, (setup_id, 2, "Free socks", "None", "clothing", 0))
    with pytest.raises(errors.UniqueViolation):
        conn.execute(insert_item, (setup_id, 1, "Headlamp", "Petzl", "lighting", 40))
    with pytest.raises(errors.InvalidTextRepresentation):
        conn.execute(insert_item, (setup_id, 3, "Spork", "Toaks", "cutlery", 10))


def test_schema_applies_in_two_databases_on_one_server(pg_server):
    names = [_new_name("demo_twice"), _new_name("demo_twice")]
    try:
        for name in names:
            target = create_database(pg_server, name)
            with connect(target) as connection:
                apply_demo_schema(connection)
                connection.commit()
                roles = connection.execute(
                    "select rolname, rolbypassrls, rolcanlogin from pg_roles "
                    "where rolname in ('anon', 'authenticated', 'service_role', 'authenticator') order by rolname"
                ).fetchall()
                assert roles == [
                    ("anon", False, False),
                    ("authenticated", False, False),
                    ("authenticator", False, True),
                    ("service_role", True, False),
                ]
    finally:
        for name in names:
            drop_database(pg_server, name)
