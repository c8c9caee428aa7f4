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
    "makerkit-optimal": {   # "Optimal Configuration for MakerKit Projects"
        "supabaseUrl": "http://127.0.0.1:54321",
        "supabaseServiceKey": "your-service-role-key",
        "environment": "local",
        "userCount": 3,
        "setupsPerUser": 2,
        "imagesPerSetup": 1,
        "enableRealImages": False,
        "seed": "makerkit-test-2025",
        "emailDomain": "supaseed.test",
        "createStandardTestEmails": True,
        "schema": {
            "framework": "makerkit",
            "primaryUserTable": "accounts",
            "userTable": {"name": "accounts", "emailField": "email", "idField": "id", "nameField": "name",
                          "pictureField": "picture_url"},
            "setupsTable": {"name": "setups", "userField": "account_id", "titleField": "title",
                            "descriptionField": "description"},
            "optionalTables": {"categories": False, "baseTemplates": False, "gearItems": True},
        },
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
    else:   # configuration-file is hybrid without additionalUsers: userCount (--users 3) new users, as the old tool
        assert users == 3 and setups == 3 * README_EXAMPLES[example].get("setupsPerUser", 3)
    if example == "makerkit-optimal":   # emailDomain, createStandardTestEmails: the first users are the test logins
        emails = [r[0] for r in rows(demo_db, "SELECT email FROM auth.users ORDER BY email")]
        assert {"test@supaseed.test", "owner@supaseed.test", "member@supaseed.test"} == set(emails)
        assert rows(demo_db, "SELECT count(*) FROM public.gear_items")[0][0] > 0   # optionalTables.gearItems: true
    # setups belong to the seeded users' personal accounts (setupsTable.userField: account_id)
    assert rows(demo_db, "SELECT count(*) FROM public.setups s LEFT JOIN public.accounts a ON a.id = s.account_id "
                         "WHERE a.id IS NULL OR NOT a.is_personal_account")[0][0] == 0
    # and to those users: each setup's user_id is its account's owner, not a user drawn at random
    assert rows(demo_db, "SELECT count(*) FROM public.setups s JOIN public.accounts a ON a.id = s.account_id "
                         "WHERE s.user_id IS DISTINCT FROM a.primary_owner_user_id")[0][0] == 0
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


def total_row(output: str) -> int:
    """The figure of the `total` row of a summary table."""
    line = next(line for line in output.splitlines() if line.strip("│┃ ").startswith("total"))
    return int(line.split("│")[1].strip().replace(",", ""))


def test_seed_summary_counts_each_row_once(supaseed, demo_db):
    out = supaseed("seed", "--database-url", demo_db.url, "--users", "3", "--setups", "2").stdout
    in_database = sum(rows(demo_db, f"SELECT count(*) FROM {t}")[0][0] for t in
                      ("auth.users", "auth.identities", "public.accounts", "public.setups", "public.gear_items"))
    status = supaseed("status", "--database-url", demo_db.url).stdout
    assert total_row(out) == total_row(status) >= in_database


# ---- extensions.outdoor.settings: the catalog the gear comes from -----------------------------------

GEAR = """SELECT t.activity::text, g.category::text, g.brand, g.price FROM public.gear_items g
          JOIN public.setups s ON s.id = g.setup_id JOIN public.setup_types t ON t.id = s.setup_type_id"""


def test_outdoor_settings_restrict_activities_brands_and_prices(supaseed, demo_db):
    """The old tool's documented template: gearCategories, a brand list and priceRange {min, max}."""
    Path("supaseed.json").write_text(json.dumps({"domain": "outdoor", "userCount": 8, "extensions": {"outdoor": {
        "enabled": True, "settings": {"gearCategories": ["camping", "climbing"],
                                      "brands": ["Patagonia", "REI", "Black Diamond", "Petzl", "MSR"],
                                      "priceRange": {"min": 20, "max": 250}}}}}))
    supaseed("seed", "--database-url", demo_db.url)
    gear = rows(demo_db, GEAR)
    assert len(gear) >= 8 * 3
    assert {a for a, *_ in gear} == {"camping", "climbing"}
    assert {b for _, _, b, _ in gear} <= {"Patagonia", "REI Co-op", "Black Diamond", "Petzl", "MSR"}
    assert all(20 <= float(p) <= 250 for *_, p in gear)
    # setups' totals still add up from their items
    assert rows(demo_db, """SELECT count(*) FROM public.setups s WHERE s.total_price <> (SELECT coalesce(sum(price * quantity), 0)
                            FROM public.gear_items g WHERE g.setup_id = s.id)""")[0][0] == 0


def test_outdoor_gear_categories_may_name_gear_kinds(supaseed, demo_db):
    Path("supaseed.json").write_text(json.dumps({"userCount": 6, "extensions": {"outdoor": {"settings": {
        "gearCategories": ["shelter", "sleep-system", "pack"]}}}}))
    supaseed("seed", "--database-url", demo_db.url)
    categories = {c for _, c, _, _ in rows(demo_db, GEAR)}
    assert categories and categories <= {"shelter", "sleep_system", "pack"}


def test_disabled_extension_keeps_the_catalog_defaults(supaseed, demo_db):
    Path("supaseed.json").write_text(json.dumps({"userCount": 6, "extensions": {"outdoor": {"enabled": False, "settings": {
        "gearCategories": ["camping"]}}}}))
    supaseed("seed", "--database-url", demo_db.url)
    assert len({a for a, *_ in rows(demo_db, GEAR)}) > 1


@pytest.mark.parametrize("settings, message", [
    ({"gearCategories": ["kayaking"]}, "extensions.outdoor.settings.gearCategories: unknown category 'kayaking'"),
    ({"brands": ["Acme Outdoor"]}, "extensions.outdoor.settings.brands: no gear of brand 'Acme Outdoor'"),
    ({"priceRange": {"min": 300, "max": 20}}, "extensions.outdoor.settings.priceRange: max 20 is below min 300"),
    ({"priceRange": "cheap"}, "extensions.outdoor.settings.priceRange: expected \"market-accurate\""),
    ({"colour": "green"}, "extensions.outdoor.settings.colour: unknown key"),
    ({"brands": ["Petzl"], "gearCategories": ["shelter"]}, "extensions.outdoor.settings: no gear of the outdoor catalog"),
])
def test_outdoor_settings_that_cannot_be_used_are_one_line(supaseed, demo_db, settings, message):
    Path("supaseed.json").write_text(json.dumps({"extensions": {"outdoor": {"settings": settings}}}))
    result = supaseed("seed", "--database-url", demo_db.url, expect=2)
    assert result.stderr.startswith(f"error: {message}"), result.stderr
    assert rows(demo_db, "SELECT count(*) FROM auth.users")[0][0] == 0


def test_settings_of_a_domain_without_settings_are_refused(supaseed, demo_db):
    Path("supaseed.json").write_text(json.dumps({"domain": "saas", "extensions": {"saas": {"settings": {"x": 1}}}}))
    result = supaseed("seed", "--database-url", demo_db.url, expect=2)
    assert result.stderr.startswith("error: extensions.saas.settings: unknown key 'x'; the saas domain takes no settings")


# ---- existingUsers.preserve, environment, userTable.name/idField -------------------------------------

def test_existing_users_preserve_false_is_refused(supaseed, demo_db):
    Path("supaseed.json").write_text(json.dumps({"userStrategy": "hybrid", "existingUsers": {"preserve": False}}))
    result = supaseed("seed", "--database-url", demo_db.url, expect=2)
    assert "invalid value for 'existingUsers.preserve' (got false): supaseed never changes or deletes rows it did " \
           "not create" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_environment_production_needs_the_override(supaseed, demo_db):
    Path("supaseed.json").write_text(json.dumps({"environment": "production", "userCount": 2, "setupsPerUser": 1}))
    result = supaseed("seed", "--database-url", demo_db.url, expect=1)
    assert result.stderr.startswith("error: refusing to seed") and "environment: production" in result.stderr
    assert rows(demo_db, "SELECT count(*) FROM auth.users")[0][0] == 0
    supaseed("seed", "--database-url", demo_db.url, "--i-know-this-is-production")
    assert rows(demo_db, "SELECT count(*) FROM auth.users")[0][0] == 2
    result = supaseed("cleanup", "--force", "--database-url", demo_db.url, expect=1)
    assert "environment: production" in result.stderr
    Path("supaseed.json").write_text(json.dumps({"environment": "staging"}))
    assert "environment: staging" in supaseed("status", "-v", "--database-url", demo_db.url).stderr


def test_user_table_name_and_id_field(supaseed, demo_db):
    Path("supaseed.json").write_text(json.dumps({"userCount": 2, "setupsPerUser": 1, "schema": {
        "framework": "makerkit", "userTable": {"name": "accounts", "idField": "id", "nameField": "name"}}}))
    detected = supaseed("detect", "--database-url", demo_db.url).stdout
    assert "userTable.name public.accounts is the profile table of auth.users" in detected
    supaseed("seed", "--database-url", demo_db.url)
    assert rows(demo_db, "SELECT count(*) FROM public.accounts a JOIN auth.users u ON u.id = a.primary_owner_user_id "
                         "WHERE a.is_personal_account")[0][0] == 2
    for schema, message in (
            ({"userTable": {"name": "accounts", "idField": "email"}},
             "schema.userTable.idField: column 'email' of public.accounts does not hold the user's id"),
            ({"userTable": {"name": "acounts"}}, "schema.userTable.name: table 'acounts' does not exist"),
            ({"primaryUserTable": "accounts", "userTable": {"name": "profiles"}},
             "invalid value for 'schema': userTable.name 'profiles' and primaryUserTable 'accounts'")):
        Path("supaseed.json").write_text(json.dumps({"schema": schema}))
        assert message in supaseed("seed", "--database-url", demo_db.url, expect=2).stderr


# ---- emailDomain, testUserPassword, createTeamAccounts, test logins, setupsTable fields, optionalTables --

def test_old_user_keys_shape_the_users(supaseed, demo_db):
    import bcrypt

    Path("supaseed.json").write_text(json.dumps({
        "userCount": 7, "setupsPerUser": 1, "emailDomain": "wildernest.local", "testUserPassword": "hunter2-long",
        "createTeamAccounts": False, "createStandardTestEmails": True, "customTestEmails": ["me@example.com"]}))
    supaseed("seed", "--database-url", demo_db.url)
    users = rows(demo_db, "SELECT email, encrypted_password FROM auth.users ORDER BY created_at, email")
    emails = sorted(u[0] for u in users)
    # user 0 the custom login, users 1-5 MakerKit's five at emailDomain, user 6 generated at emailDomain
    fixed = ["me@example.com"] + [f"{n}@wildernest.local" for n in ("test", "owner", "member", "custom", "super-admin")]
    assert set(fixed) < set(emails) and len(emails) == 7
    generated = next(e for e in emails if e not in fixed)
    assert generated.endswith("@wildernest.local") and generated.count(".") >= 2
    assert all(bcrypt.checkpw(b"hunter2-long", u[1].encode()) for u in users)
    # the identity and the personal account carry the same email
    assert rows(demo_db, "SELECT count(*) FROM auth.identities i JOIN auth.users u ON u.id = i.user_id "
                         "WHERE i.identity_data->>'email' = u.email AND u.email = 'me@example.com'")[0][0] == 1
    assert rows(demo_db, "SELECT count(*) FROM public.accounts WHERE email = 'owner@wildernest.local'")[0][0] == 1
    assert rows(demo_db, "SELECT count(*) FROM public.accounts WHERE NOT is_personal_account")[0][0] == 0
    assert rows(demo_db, "SELECT count(*) FROM public.accounts_memberships")[0][0] == 0


def test_setups_table_fields_and_optional_tables(supaseed, demo_db):
    Path("supaseed.json").write_text(json.dumps({"userCount": 3, "setupsPerUser": 2, "schema": {
        "setupTable": {"name": "setups", "userField": "account_id", "titleField": "description"},
        "optionalTables": {"gearItems": False, "categories": False}}}))
    supaseed("seed", "--database-url", demo_db.url)
    assert rows(demo_db, "SELECT count(*) FROM public.gear_items")[0][0] == 0
    # titleField names the description column: the titles went there too
    setups = rows(demo_db, "SELECT title, description FROM public.setups")
    assert len(setups) == 6 and all(title == description for title, description in setups)
    Path("supaseed.json").write_text(json.dumps({"schema": {"setupsTable": {"titleField": "headline"}}}))
    assert "schema.setupsTable.titleField: column 'headline' does not exist in public.setups" in \
        supaseed("seed", "--database-url", demo_db.url, expect=2).stderr
    Path("supaseed.json").write_text(json.dumps({"schema": {"optionalTables": {"gear": False}}}))
    assert "unknown optional table gear; known: categories, baseTemplates, gearItems" in \
        supaseed("seed", "--database-url", demo_db.url, expect=2).stderr


def test_every_unknown_key_is_named_at_once(supaseed, demo_db):
    Path("supaseed.json").write_text(json.dumps({"userCount": 2, "storage": {}, "frameworkStrategy": {}}))
    result = supaseed("seed", "--database-url", demo_db.url, expect=2)
    assert "unknown keys 'storage', 'frameworkStrategy'; allowed keys here: " in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    Path("supaseed.json").write_text(json.dumps({"emailDomain": "Not A Domain"}))
    assert "invalid value for 'emailDomain'" in supaseed("seed", "--database-url", demo_db.url, expect=2).stderr
    assert rows(demo_db, "SELECT count(*) FROM auth.users")[0][0] == 0


# ---- imagesPerSetup / enableRealImages ----------------------------------------------------------------

def test_images_fill_image_columns_of_setups_and_gear(supaseed, demo_db):
    with connect(demo_db) as conn:
        conn.execute("ALTER TABLE public.setups ADD COLUMN images text[], ADD COLUMN cover_image_url text")
        conn.execute("ALTER TABLE public.gear_items ADD COLUMN image_url text")
        conn.commit()
    Path("supaseed.json").write_text(json.dumps({"userCount": 3, "setupsPerUser": 2, "imagesPerSetup": 4}))
    supaseed("seed", "--database-url", demo_db.url)
    setups = rows(demo_db, "SELECT images, cover_image_url FROM public.setups")
    assert len(setups) == 6
    assert all(len(images) == 4 and cover == images[0] for images, cover in setups)
    assert all(url.startswith("https://picsum.photos/seed/setup-") and url.endswith("/800/600")
               for images, _ in setups for url in images)
    assert len({url for images, _ in setups for url in images}) == 24
    gear = [url for (url,) in rows(demo_db, "SELECT image_url FROM public.gear_items")]
    assert gear and all(url.startswith("https://picsum.photos/seed/gear-") for url in gear)
    first = rows(demo_db, "SELECT images FROM public.setups ORDER BY slug, user_id")

    supaseed("cleanup", "--force", "--database-url", demo_db.url)
    Path("supaseed.json").write_text(json.dumps({"userCount": 3, "setupsPerUser": 2, "imagesPerSetup": 1,
                                                 "enableRealImages": True}))
    supaseed("seed", "--database-url", demo_db.url)
    real = rows(demo_db, "SELECT t.activity::text, s.images FROM public.setups s JOIN public.setup_types t "
                         "ON t.id = s.setup_type_id")
    assert all(len(images) == 1 and images[0].startswith("https://loremflickr.com/1200/800/") for _, images in real)
    assert all("?lock=" in images[0] for _, images in real)

    supaseed("cleanup", "--force", "--database-url", demo_db.url)
    Path("supaseed.json").write_text(json.dumps({"userCount": 3, "setupsPerUser": 2, "imagesPerSetup": 4}))
    supaseed("seed", "--database-url", demo_db.url)
    assert rows(demo_db, "SELECT images FROM public.setups ORDER BY slug, user_id") == first   # deterministic


def test_images_for_a_domain_without_images_are_refused(supaseed, demo_db):
    Path("supaseed.json").write_text(json.dumps({"domain": "saas", "enableRealImages": True}))
    result = supaseed("seed", "--database-url", demo_db.url, expect=2)
    assert result.stderr.startswith("error: imagesPerSetup/enableRealImages: the saas domain writes no images")
    # the defaults (as `supaseed init` writes them) ask for nothing
    Path("supaseed.json").write_text(json.dumps({"domain": "saas", "imagesPerSetup": 2, "enableRealImages": False}))
    assert "seed" in supaseed("seed", "--dry-run", "--database-url", demo_db.url).stdout
