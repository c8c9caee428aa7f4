"""The rules the inspection commands print, as plain functions: junction tables and team accounts."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from supaseed_pipeline.cli import main
from supaseed_pipeline.db.connect import Target, connect
from supaseed_pipeline.errors import SupaseedError
from supaseed_pipeline.plan.junctions import Junction, junction_tables
from supaseed_pipeline.seed import read_only
from supaseed_pipeline.seed.tenants import TeamAccount, can_list_team_accounts, require_team_accounts, team_accounts
from supaseed_pipeline.settings import load_settings
from supaseed_pipeline.snapshot.introspect import take_snapshot


def test_junction_tables(demo_db: Target, fresh_db: Target):
    with connect(demo_db) as conn:
        demo = junction_tables(take_snapshot(conn))
    assert demo == [Junction("public.accounts_memberships", "primary key (user_id, account_id)",
                             ["account_id -> public.accounts", "user_id -> auth.users"])]
    with connect(fresh_db) as conn:
        conn.execute("""
            CREATE TABLE tag (id int PRIMARY KEY);
            CREATE TABLE post (id int PRIMARY KEY);
            -- a unique key made of two foreign keys: a junction, though its primary key is a surrogate
            CREATE TABLE post_tag (id int PRIMARY KEY, post_id int REFERENCES post, tag_id int REFERENCES tag,
                                   CONSTRAINT post_tag_pair UNIQUE (post_id, tag_id));
            -- two foreign keys plus a column of its own in the key: not a junction
            CREATE TABLE post_tag_vote (post_id int REFERENCES post, tag_id int REFERENCES tag, voter text,
                                        PRIMARY KEY (post_id, tag_id, voter));
            -- one foreign key only
            CREATE TABLE post_revision (post_id int REFERENCES post, n int, PRIMARY KEY (post_id, n));
        """)
        conn.commit()
        found = junction_tables(take_snapshot(conn))
    assert found == [Junction("public.post_tag", "unique post_tag_pair (post_id, tag_id)",
                              ["post_id -> public.post", "tag_id -> public.tag"])]


def test_team_accounts_and_who_has_them(demo_db: Target, fresh_db: Target, tmp_path, monkeypatch):
    for name in ("DAGSTER_HOME", "SUPASEED_CONFIG", "SUPASEED_DATABASE_URL", "SUPABASE_DB_URL", "DATABASE_URL",
                 "SUPASEED_USER_COUNT", "SUPASEED_BATCH_SIZE", "SUPASEED_SEED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SUPASEED_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    settings = load_settings(overrides={"databaseUrl": demo_db.url}, environ={}, use_default_file=False)
    prepared = read_only.prepare(demo_db, settings)
    assert can_list_team_accounts(prepared.mapping)
    require_team_accounts(demo_db, prepared.mapping)   # makerkit-full: allowed
    with read_only.read_only(demo_db) as conn:
        assert team_accounts(conn, prepared.mapping, prepared.graph) == []

    result = CliRunner().invoke(main, ["--database-url", demo_db.url, "generate-tenants", "--count", "2", "--members", "2",
                                       "--users", "6"], catch_exceptions=False)
    assert result.exit_code == 0, result.stdout + result.stderr
    with read_only.read_only(demo_db) as conn:
        teams = team_accounts(conn, prepared.mapping, prepared.graph)
        expected = conn.execute("SELECT a.name, a.slug, (SELECT count(*) FROM public.accounts_memberships m "
                                "WHERE m.account_id = a.id) FROM public.accounts a WHERE NOT a.is_personal_account "
                                "ORDER BY 1").fetchall()
    assert teams == [TeamAccount(name, slug, members) for name, slug, members in expected]
    assert len(teams) == 2 and [t.members for t in teams] == [3, 3]   # the owner and two members each

    with connect(fresh_db) as conn:
        conn.execute("CREATE TABLE note (id int PRIMARY KEY, body text)")
        conn.commit()
    plain = read_only.prepare(fresh_db, load_settings(overrides={"databaseUrl": fresh_db.url}, environ={},
                                                      use_default_file=False))
    assert not can_list_team_accounts(plain.mapping)
    with pytest.raises(SupaseedError, match=f"has no team accounts to generate \\(framework {plain.mapping.framework};"):
        require_team_accounts(fresh_db, plain.mapping)
