"""Triggers that enforce business rules: read from their bodies (pure), then met by the seeded rows (real DB).

The bodies below are written the way MakerKit, basejump and Supabase's chat example write theirs.
"""

from __future__ import annotations

import uuid
from collections import Counter

import polars as pl
from psycopg import sql

from supaseed_pipeline.db.connect import connect, create_database, drop_database
from supaseed_pipeline.plan import trigger_rules
from supaseed_pipeline.plan.trigger_rules import Condition
from supaseed_pipeline.seed import api, load, verify
from supaseed_pipeline.settings import load_settings
from supaseed_pipeline.snapshot.introspect import take_snapshot
from supaseed_pipeline.snapshot.models import Column, ForeignKey, Table, Trigger
from supaseed_pipeline_tests.corpus import SUPABASE_BASE


def _column(name: str, type_name: str = "uuid", not_null: bool = True) -> Column:
    return Column(name=name, position=1, data_type=type_name, type_schema="pg_catalog", type_name=type_name,
                  type_category="U", base_type_name=type_name, not_null=not_null)


def _fk(name: str, columns: list[str], parent: str, ref_columns: list[str]) -> ForeignKey:
    schema, _, table = parent.partition(".")
    return ForeignKey(name=name, columns=columns, ref_schema=schema, ref_table=table, ref_columns=ref_columns)


def _table(name: str, columns: list[Column], fks: list[ForeignKey], body: str, timing: str = "BEFORE",
           events: tuple[str, ...] = ("INSERT",)) -> Table:
    schema, _, table = name.partition(".")
    trigger = Trigger(name="rule", timing=timing, events=list(events), function="public.rule_fn", body=body)
    return Table(schema_name=schema, name=table, columns=columns, foreign_keys=fks, triggers=[trigger])


MAKERKIT_TEAM_CHECK = """
begin
    if (select is_personal_account from public.accounts where id = new.account_id) then
        raise exception 'Account must be an team account';
    end if;
    return new;
end;
"""

INVITATIONS = dict(columns=[_column("id", "int4"), _column("account_id"), _column("invited_by"),
                            _column("created_by", not_null=False)],
                   fks=[_fk("invitations_account_id_fkey", ["account_id"], "public.accounts", ["id"]),
                        _fk("invitations_invited_by_fkey", ["invited_by"], "auth.users", ["id"])])


def test_team_only_trigger_reads_as_a_parent_condition():
    table = _table("public.invitations", INVITATIONS["columns"], INVITATIONS["fks"], MAKERKIT_TEAM_CHECK,
                   events=("INSERT", "UPDATE"))
    rules = trigger_rules.analyse(table)
    assert [(r.fk, r.conditions) for r in rules.parents] == [
        ("invitations_account_id_fkey", (Condition("is_personal_account", "=", "false", null_passes=True),))]
    assert rules.claims == rules.pairs == rules.opaque == []
    accounts = pl.DataFrame({"id": ["a", "b", "c"], "is_personal_account": ["true", "false", None]})
    # a personal account raises; a team account and a NULL flag (`if NULL then`) pass
    assert trigger_rules.passing(accounts, rules.parents[0].conditions).to_list() == [False, True, True]

    # the same rule written the other ways real kits write it
    for body, wanted in [
        ("if not (select is_team from public.accounts where id = new.account_id) then raise exception 'team only'; end if;",
         Condition("is_team", "=", "true", null_passes=True)),
        ("if exists (select 1 from accounts a where a.id = new.account_id and a.is_personal_account) then raise 'no'; end if;",
         Condition("is_personal_account", "<>", "true", null_passes=True)),
        ("if (select kind from public.accounts where id = new.account_id) <> 'team' then raise exception 'x'; end if;",
         Condition("kind", "=", "team", null_passes=True)),
    ]:
        rules = trigger_rules.analyse(_table("public.invitations", INVITATIONS["columns"], INVITATIONS["fks"], body))
        assert [r.conditions for r in rules.parents] == [(wanted,)], body


def test_admin_member_check_over_the_rows_own_fk_is_a_parent_condition():
    body = """begin
        if not exists (select 1 from public.workspace_members m where m.workspace_id = new.workspace_id
                       and m.person_id = new.approver_id and m.role = 'admin') then
            raise exception 'approver % is not an admin of workspace %', new.approver_id, new.workspace_id;
        end if;
        return new;
    end"""
    table = _table("public.approvals", [_column("workspace_id"), _column("approver_id")],
                   [_fk("approvals_member_fkey", ["workspace_id", "approver_id"], "public.workspace_members",
                        ["workspace_id", "person_id"])], body)
    rules = trigger_rules.analyse(table)
    assert [(r.fk, r.conditions) for r in rules.parents] == [("approvals_member_fkey", (Condition("role", "=", "admin"),))]


def test_channel_membership_check_reads_as_a_pair_of_the_junction_table():
    body = """
    begin
        -- only members may post
        if not exists (select 1 from public.channel_members m
                       where m.channel_id = new.channel_id and m.user_id = new.user_id) then
            raise exception 'user % is not a member of channel %', new.user_id, new.channel_id;
        end if;
        return new;
    end;"""
    table = _table("public.messages", [_column("id", "int8"), _column("user_id"), _column("channel_id", "int8")],
                   [_fk("messages_user_id_fkey", ["user_id"], "public.users", ["id"]),
                    _fk("messages_channel_id_fkey", ["channel_id"], "public.channels", ["id"])], body)
    rules = trigger_rules.analyse(table)
    assert rules.parents == [] and rules.opaque == []
    [pair] = rules.pairs
    assert pair.table == "public.channel_members"
    assert dict(pair.columns) == {"channel_id": "channel_id", "user_id": "user_id"}
    assert pair.fks == ("messages_channel_id_fkey", "messages_user_id_fkey")
    pools = {"messages_user_id_fkey": pl.DataFrame({"id": ["u"]}), pair.pool_key: pl.DataFrame(
        {"channel_id": ["1"], "user_id": ["u"]})}
    assert trigger_rules.pair_pool(pools, "messages_channel_id_fkey")[0] == pair.pool_key
    assert trigger_rules.pair_pool(pools, "messages_other_fkey") is None


def test_auth_uid_assignments_of_not_null_columns_are_claims():
    basejump = """
    begin
        new.invited_by_user_id = auth.uid();
        new.account_name = (select name from basejump.accounts where id = new.account_id);
        return new;
    end"""
    tracking = """begin
        if tg_op = 'INSERT' then new.created_by = auth.uid(); new.updated_by = (select auth.uid()); end if;
        if new.primary_owner_user_id = auth.uid() then insert into members values (new.id); end if;
        return new;
    end"""
    assert trigger_rules.claim_columns(basejump) == ["invited_by_user_id"]
    # two statements in a row, the (select auth.uid()) form; a comparison with auth.uid() is no assignment
    assert trigger_rules.claim_columns(tracking) == ["created_by", "updated_by"]
    todos = _table("public.todos", [_column("user_id"), _column("created_by", not_null=False)], [],
                   "begin new.user_id := auth.uid(); new.created_by := auth.uid(); return new; end")
    # only NOT NULL columns: a nullable audit column stays NULL as the seeder leaves it
    assert [c.column for c in trigger_rules.analyse(todos).claims] == ["user_id"]
    assert trigger_rules.claim_column(todos, ["id", "user_id"]) == "user_id"
    assert trigger_rules.claim_column(todos, ["id"]) is None
    # when the loader does not write the assigned column, the row's own user FK says who is signed in
    owned = _table("public.todos", [_column("user_id"), _column("owner_id"), _column("editor_id", not_null=False)],
                   [_fk("todos_editor_fkey", ["editor_id"], "auth.users", ["id"]),
                    _fk("todos_owner_fkey", ["owner_id"], "auth.users", ["id"])],
                   "begin new.user_id := auth.uid(); return new; end")
    assert trigger_rules.claim_column(owned, ["id", "editor_id", "owner_id"]) == "owner_id"
    # AFTER triggers and UPDATE-only triggers do not run for the insert the way a BEFORE INSERT one does
    after = _table("public.todos", [_column("user_id")], [], "begin new.user_id := auth.uid(); return new; end",
                   timing="AFTER")
    assert not trigger_rules.analyse(after)


def test_conditions_that_cannot_be_read_are_probed_and_notices_ignored():
    fks = INVITATIONS["fks"]
    helper = "begin if not public.is_team_account(new.account_id) then raise exception 'team only'; end if; return new; end"
    not_found = """begin
        perform 1 from public.accounts where id = new.account_id and kind in ('team', 'org');
        if not found then raise exception 'team only'; end if;
        return new;
    end"""
    for body in (helper, not_found):
        rules = trigger_rules.analyse(_table("public.invitations", INVITATIONS["columns"], fks, body))
        assert [(o.trigger, o.fks) for o in rules.opaque] == [("rule", ("invitations_account_id_fkey",))], body
        assert rules.parents == []
    quiet = ("begin if (select is_personal_account from public.accounts where id = new.account_id) then "
             "raise notice 'personal'; end if; if tg_op = 'UPDATE' and new.account_id <> old.account_id then "
             "raise exception 'immutable'; end if; return new; end")
    assert not trigger_rules.analyse(_table("public.invitations", INVITATIONS["columns"], fks, quiet))


def test_stock_check_reads_as_a_budget_of_the_rows_parent():
    columns = [_column("id", "int8"), _column("variant_id"), _column("quantity", "int4")]
    fks = [_fk("order_items_variant_id_fkey", ["variant_id"], "public.product_variants", ["id"])]
    body = """declare available integer;
    begin
        select on_hand - reserved into available
        from public.inventory_levels where variant_id = new.variant_id for update;
        if available is null or available < new.quantity then
            raise exception 'variant % has % available', new.variant_id, coalesce(available, 0);
        end if;
        update public.inventory_levels set reserved = reserved + new.quantity where variant_id = new.variant_id;
        return new;
    end"""
    rules = trigger_rules.analyse(_table("public.order_items", columns, fks, body))
    assert rules.budgets == [trigger_rules.BudgetRule("rule", "public.inventory_levels", None, "on_hand - reserved",
                                                      (("variant_id", "variant_id"),), "quantity")]
    assert rules.opaque == []   # read: its parents are not narrowed to a probed few


# ---------------------------------------------------------------------------------------- real database

def _settings(**overrides):
    base = {"schemas": ["public"], "rowsPerTable": 12, "userCount": 6}
    return load_settings(overrides={**base, **overrides}, environ={}, use_default_file=False)


def _supabase(conn) -> None:
    for path in SUPABASE_BASE:
        conn.execute(path.read_text(encoding="utf-8"))


def _loaded(results) -> Counter:
    return sum((Counter(r.rows) for r in results), Counter())


def _constraints_hold(target) -> None:
    with connect(target) as conn:
        snapshot = take_snapshot(conn)
        tables = [t.qualified for t in snapshot.tables if t.schema_name != "supaseed"]
        assert verify.constraint_violations(conn, snapshot, tables) == []


NOTES = """
create table public.notes (
    id       bigint generated by default as identity primary key,
    owner_id uuid not null references auth.users on delete cascade,
    body     text not null,
    sub_seen text,     -- what the older claim setting said when the row went in
    jwt_role text
);
create function public.notes_set_owner() returns trigger language plpgsql set search_path = '' as $$
begin
    new.owner_id := auth.uid();
    new.sub_seen := current_setting('request.jwt.claim.sub', true);
    new.jwt_role := current_setting('request.jwt.claims', true)::jsonb ->> 'role';
    return new;
end $$;
create trigger notes_set_owner before insert on public.notes for each row execute function public.notes_set_owner();
"""


def test_auth_uid_column_is_each_rows_own_seeded_user(fresh_db):
    with connect(fresh_db) as conn:
        _supabase(conn)
        conn.execute(NOTES)
        conn.commit()
    results = api.seed(fresh_db, _settings())
    assert all(not r.left_out for r in results)
    assert _loaded(results)["public.notes"] > 1
    with connect(fresh_db) as conn:
        rows = conn.execute("SELECT owner_id::text, sub_seen, jwt_role FROM public.notes").fetchall()
        users = {r[0] for r in conn.execute("SELECT id::text FROM auth.users").fetchall()}
    # every row was inserted as its own user: both claim forms agree per row, and rows have different users
    assert rows and all(owner in users and sub == owner and role == "authenticated" for owner, sub, role in rows)
    assert len({owner for owner, _, _ in rows}) > 1
    _constraints_hold(fresh_db)


def test_claims_are_set_per_row_and_restored_after_the_insert(fresh_db):
    with connect(fresh_db) as conn:
        _supabase(conn)
        conn.execute(NOTES)
        users = [f"a0000000-0000-4000-8000-00000000000{i}" for i in range(1, 6)]
        for user in users:
            conn.execute("INSERT INTO auth.users (id, email) VALUES (%s, %s)", (user, f"{user[-1]}@x.example"))
        conn.execute("SELECT set_config('request.jwt.claims', '{\"sub\": \"before\"}', true)")
        table = take_snapshot(conn).table("public.notes")
        frame = pl.DataFrame({"owner_id": users, "body": [f"note {i}" for i in range(5)]})
        kept = load.insert_returning(conn, table, frame, ["id", "owner_id"])
        # rows come back in frame order, each owned by the user the frame gave it
        assert kept["owner_id"].to_list() == users
        stored = conn.execute("SELECT owner_id::text, sub_seen FROM public.notes ORDER BY id").fetchall()
        assert stored == [(u, u) for u in users]
        assert conn.execute("SELECT current_setting('request.jwt.claims', true)").fetchone()[0] == '{"sub": "before"}'
        conn.rollback()


TEAMS = """
create table public.accounts (
    id                  uuid primary key default gen_random_uuid(),
    name                text not null,
    is_personal_account boolean not null
);
create table public.invitations (
    id         bigserial primary key,
    account_id uuid not null references public.accounts on delete cascade,
    email      text not null,
    unique (account_id, email)
);
create function public.check_team_account() returns trigger language plpgsql set search_path = '' as $$
begin
    if (select is_personal_account from public.accounts where id = new.account_id) then
        raise exception 'Account must be an team account';
    end if;
    return new;
end $$;
create trigger only_team_accounts_check before insert or update on public.invitations
    for each row execute procedure public.check_team_account();
insert into public.accounts (name, is_personal_account) values ('Ada', true), ('Acme', false), ('Bea', true);
"""


def test_team_only_trigger_gets_team_accounts(fresh_db):
    with connect(fresh_db) as conn:
        conn.execute(TEAMS)
        conn.commit()
    # the user's three accounts are there, so accounts are seeded only because the config asks for them
    results = api.seed(fresh_db, _settings(rowsPerTable=30, tables={"public.accounts": {"count": 20}}))
    assert all(not r.left_out for r in results)
    assert _loaded(results)["public.invitations"] == 30
    with connect(fresh_db) as conn:
        kinds = conn.execute("SELECT a.is_personal_account, count(*) FROM public.invitations i "
                             "JOIN public.accounts a ON a.id = i.account_id GROUP BY 1").fetchall()
        personal = conn.execute("SELECT count(*) FROM public.accounts WHERE is_personal_account").fetchone()[0]
    assert personal > 2   # seeded personal accounts exist beside the user's; none was invited to
    assert dict(kinds) == {False: 30}
    _constraints_hold(fresh_db)


CHAT = """
create table public.people (id uuid primary key default gen_random_uuid(), username text not null);
create table public.channels (id bigint generated by default as identity primary key, slug text not null unique);
create table public.channel_members (
    channel_id bigint not null references public.channels on delete cascade,
    person_id  uuid not null references public.people on delete cascade,
    primary key (channel_id, person_id)
);
create table public.board_posts (
    id         bigint generated by default as identity primary key,
    person_id  uuid not null references public.people,
    channel_id bigint not null references public.channels on delete cascade,
    message    text
);
create function public.ensure_member() returns trigger language plpgsql as $$
begin
    if not exists (select 1 from public.channel_members m
                   where m.channel_id = new.channel_id and m.person_id = new.person_id) then
        raise exception 'person % is not a member of channel %', new.person_id, new.channel_id;
    end if;
    return new;
end $$;
create trigger board_posts_member_check before insert on public.board_posts for each row execute function public.ensure_member();
"""


def test_membership_trigger_gets_pairs_of_members(fresh_db, pg_server):
    with connect(fresh_db) as conn:
        conn.execute(CHAT)
        conn.commit()
    results = api.seed(fresh_db, _settings(rowsPerTable=20))
    assert all(not r.left_out for r in results)
    assert _loaded(results)["public.board_posts"] == 20
    with connect(fresh_db) as conn:
        outsiders = conn.execute("SELECT count(*) FROM public.board_posts p WHERE NOT EXISTS (SELECT 1 FROM "
                                 "public.channel_members m WHERE m.channel_id = p.channel_id "
                                 "AND m.person_id = p.person_id)").fetchone()[0]
        pairs = conn.execute("SELECT count(DISTINCT (channel_id, person_id)) FROM public.board_posts").fetchone()[0]
    assert outsiders == 0 and pairs > 1
    _constraints_hold(fresh_db)
    # the same seed picks the same pairs on another database (compared by channel and person: identity
    # keys are the database's)
    name = f"supaseed_t_pairs_{uuid.uuid4().hex[:8]}"
    other = create_database(pg_server, name)
    try:
        with connect(other) as conn:
            conn.execute(CHAT)
            conn.commit()
        api.seed(other, _settings(rowsPerTable=20))
        assert _posts_by_member(other) == _posts_by_member(fresh_db)
    finally:
        drop_database(pg_server, name)


def _posts_by_member(target) -> list[tuple]:
    with connect(target) as conn:
        return conn.execute("SELECT c.slug, p.username, b.message FROM public.board_posts b JOIN public.channels c "
                            "ON c.id = b.channel_id JOIN public.people p ON p.id = b.person_id ORDER BY 1, 2, 3").fetchall()


OPAQUE = """
create table public.workspaces (
    id      uuid primary key default gen_random_uuid(),
    name    text not null,
    is_team boolean not null
);
create table public.workspace_invites (
    id           bigserial primary key,
    workspace_id uuid not null references public.workspaces on delete cascade,
    email        text not null
);
create function public.is_team_workspace(ws uuid) returns boolean language sql stable as $$
    select coalesce((select is_team from public.workspaces where id = ws), false)
$$;
create function public.invites_need_team() returns trigger language plpgsql as $$
begin
    if not public.is_team_workspace(new.workspace_id) then
        raise exception 'workspace % is a personal workspace: invitations need a team', new.workspace_id;
    end if;
    return new;
end $$;
create trigger invites_need_team before insert on public.workspace_invites
    for each row execute function public.invites_need_team();
"""


def test_opaque_trigger_is_probed_under_a_savepoint(fresh_db):
    with connect(fresh_db) as conn:
        conn.execute(OPAQUE)
        conn.commit()
        table = take_snapshot(conn).table("public.workspace_invites")
    # the condition calls a helper: nothing to read, so the engine must probe
    rules = trigger_rules.analyse(table)
    assert rules.parents == [] and [o.fks for o in rules.opaque] == [("workspace_invites_workspace_id_fkey",)]
    results = api.seed(fresh_db, _settings(rowsPerTable=16))
    assert all(not r.left_out for r in results)
    loaded = _loaded(results)
    assert loaded["public.workspace_invites"] == 16
    with connect(fresh_db) as conn:
        teams = conn.execute("SELECT w.is_team, count(*) FROM public.workspace_invites i "
                             "JOIN public.workspaces w ON w.id = i.workspace_id GROUP BY 1").fetchall()
        # probe rows were rolled back: the table holds exactly the rows the run reports
        stored = conn.execute("SELECT count(*) FROM public.workspace_invites").fetchone()[0]
        personal = conn.execute("SELECT count(*) FROM public.workspaces WHERE NOT is_team").fetchone()[0]
    assert dict(teams) == {True: 16} and stored == 16 and personal > 0
    _constraints_hold(fresh_db)


def test_seeded_rows_of_trigger_tables_are_cleaned_up_exactly(fresh_db):
    with connect(fresh_db) as conn:
        conn.execute(TEAMS)
        conn.execute(CHAT)
        conn.commit()
    before = _dump(fresh_db)
    api.seed(fresh_db, _settings())
    api.cleanup(fresh_db, _settings())
    assert _dump(fresh_db) == before


def _dump(target) -> dict[str, list[str]]:
    with connect(target) as conn:
        snapshot = take_snapshot(conn)
        return {t.qualified: [r[0] for r in conn.execute(sql.SQL("SELECT t::text FROM {} t ORDER BY 1").format(
            load.ident(t.qualified))).fetchall()] for t in snapshot.tables if t.schema_name == "public"}


def test_sql_export_replays_auth_uid_rows_as_their_own_users(fresh_db, pg_server, tmp_path):
    from supaseed_pipeline.seed import export

    with connect(fresh_db) as conn:
        _supabase(conn)
        conn.execute(NOTES)
        conn.commit()
    path = tmp_path / "seed.sql"
    result = export.export_sql(fresh_db, _settings(), path)
    assert result.inserted["public.notes"] > 1
    name = f"supaseed_t_replay_{uuid.uuid4().hex[:8]}"
    other = create_database(pg_server, name)
    try:
        with connect(other) as conn:
            _supabase(conn)
            conn.execute(NOTES)
            conn.commit()
            conn.execute(path.read_text())   # the file as psql would run it: no claims set by anyone else
            conn.commit()
            rows = conn.execute("SELECT owner_id::text, sub_seen FROM public.notes").fetchall()
        assert len(rows) == result.inserted["public.notes"]
        assert all(owner is not None and owner == sub for owner, sub in rows) and len({o for o, _ in rows}) > 1
    finally:
        drop_database(pg_server, name)
