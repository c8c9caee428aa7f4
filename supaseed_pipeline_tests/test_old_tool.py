"""Configs of the old Node tool (`supa-seed` v2.4) as its README documents them, seeded through the real CLI.

The four JSON snippets below are the configuration examples of the supa-seed README
(github.com/livebydesign2/supa-seed, v2.4.1), kept as data.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from supaseed_pipeline.cli import main
from supaseed_pipeline.db.connect import Target, connect
from supaseed_pipeline.settings import seed_from_text

README_EXAMPLES = {
    "configuration-file": {
        "supabaseUrl": "http://127.0.0.1:54321",
        "supabaseServiceKey": "your-service-role-key",
        "userCount": 12,
        "setupsPerUser": 3,
        "domain": "outdoor",
        "userStrategy": "hybrid",
        "schema": {"framework": "makerkit", "primaryUserTable": "accounts", "setupsTable": {"userField": "account_id"}},
    },
    "user-strategies": {
        "userStrategy": "hybrid",
        "existingUsers": {"preserve": True, "table": "accounts", "filter": {"is_personal_account": True}},
        "additionalUsers": {"count": 7, "personas": ["outdoors-enthusiast", "gear-expert", "adventure-photographer"]},
    },
    "schema-configuration": {
        "schema": {
            "framework": "makerkit",
            "primaryUserTable": "accounts",
            "userTable": {"emailField": "email", "nameField": "name", "pictureField": "picture_url"},
            "setupsTable": {"name": "setups", "userField": "account_id"},
        }
    },
    "domain-extensions": {
        "domain": "outdoor",
        "extensions": {"outdoor": {"enabled": True, "settings": {
            "gearCategories": ["camping", "hiking", "climbing"], "brands": "realistic", "priceRange": "market-accurate"}}},
    },
}


@pytest.fixture
def supaseed(demo_db: Target, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("DAGSTER_HOME", "SUPASEED_CONFIG", "SUPASEED_DATABASE_URL", "SUPABASE_DB_URL", "DATABASE_URL",
                 "SUPABASE_URL", "SUPABASE_SERVICE_ROLE_KEY", "SUPASEED_SEED", "SUPASEED_USER_COUNT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SUPASEED_DATA_DIR", str(tmp_path / "data"))

    def run(*args: str, expect: int = 0):
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == expect, f"exit {result.exit_code}\n{result.stdout}\n{result.stderr}"
        return result

    return run


def rows(target: Target, query: str):
    with connect(target) as conn:
        return conn.execute(query).fetchall()


@pytest.mark.parametrize("example", list(README_EXAMPLES))
def test_readme_config_example_seeds_as_is(supaseed, demo_db, example):
    """The old tool's form: `supa-seed seed --config custom-config.json` (the local supabaseUrl is overridden by the URL)."""
    Path("custom-config.json").write_text(json.dumps(README_EXAMPLES[example]))
    out = supaseed("seed", "--config", "custom-config.json", "--database-url", demo_db.url, "--users", "3").stdout
    assert "Seeded" in out
    users = rows(demo_db, "SELECT count(*) FROM auth.users")[0][0]
    setups = rows(demo_db, "SELECT count(*) FROM public.setups")[0][0]
    if example == "user-strategies":
        assert users == 7   # hybrid: the existing accounts (none here) plus additionalUsers.count
    elif example == "configuration-file":
        assert users == 0   # hybrid without additionalUsers adds nobody; nothing existing to use
    else:
        assert users == 3 and setups == 9
    # setups belong to the seeded users' personal accounts (setupsTable.userField: account_id)
    assert rows(demo_db, "SELECT count(*) FROM public.setups s LEFT JOIN public.accounts a ON a.id = s.account_id "
                         "WHERE a.id IS NULL OR NOT a.is_personal_account")[0][0] == 0
    assert "makerkit-full" in supaseed("detect", "-c", "custom-config.json", "--database-url", demo_db.url).stdout


def test_string_seed_is_hashed_stably(supaseed, demo_db):
    Path("supaseed.json").write_text(json.dumps({"seed": "wildernest-test-2025", "userCount": 2, "setupsPerUser": 1}))
    plan = supaseed("seed", "--dry-run", "--database-url", demo_db.url).stdout
    assert f"seed {seed_from_text('wildernest-test-2025')}" in plan
    assert seed_from_text("wildernest-test-2025") == 2538347595035728090   # stable across machines and releases
    supaseed("seed", "--database-url", demo_db.url)
    first = rows(demo_db, "SELECT email FROM auth.users ORDER BY email")
    supaseed("cleanup", "--force", "--database-url", demo_db.url)
    supaseed("seed", "--database-url", demo_db.url)
    assert rows(demo_db, "SELECT email FROM auth.users ORDER BY email") == first
    Path("supaseed.json").write_text(json.dumps({"seed": "another-seed", "userCount": 2, "setupsPerUser": 1}))
    supaseed("seed", "--database-url", demo_db.url)
    assert rows(demo_db, "SELECT email FROM auth.users ORDER BY email") != first


def test_framework_makerkit_on_a_schema_that_is_not_makerkit_is_one_line(supaseed, fresh_db):
    with connect(fresh_db) as conn:
        conn.execute("CREATE TABLE users (id uuid PRIMARY KEY, email text NOT NULL UNIQUE, name text)")
        conn.commit()
    Path("supaseed.json").write_text(json.dumps({"schema": {"framework": "makerkit"}}))
    result = supaseed("seed", "--database-url", fresh_db.url, expect=2)
    assert result.stderr.startswith("error: schema.framework: 'makerkit', but the target looks like postgres")
    assert rows(fresh_db, "SELECT count(*) FROM users")[0][0] == 0
