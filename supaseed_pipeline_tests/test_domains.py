"""Domain content layer: pure frame tests (no database)."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from supaseed_pipeline.domains import (Domain, Persona, available_domains, get_domain, load_domain_modules,
                                       register_domain)
from supaseed_pipeline.domains.base import ANCHOR
from supaseed_pipeline.errors import ConfigError

DEMO_SQL = Path(__file__).resolve().parents[1] / "supaseed_pipeline" / "demo" / "sql" / "30_outdoor.sql"


# ------------------------------------------------------------------------------------------------
# The demo schema's rules, read from the SQL so the test follows the schema.
# ------------------------------------------------------------------------------------------------

def _enum_labels(sql: str, type_name: str) -> set[str]:
    body = re.search(rf"create type public\.{type_name} as enum \((.*?)\);", sql, re.S).group(1)
    return set(re.findall(r"'([^']+)'", body))


def _check_in_list(sql: str, column: str) -> set[str]:
    body = re.search(rf"check \({column} in \((.*?)\)\)", sql, re.S).group(1)
    return set(re.findall(r"'([^']+)'", body))


@pytest.fixture(scope="module")
def schema() -> dict:
    sql = DEMO_SQL.read_text()
    return {
        "activity": _enum_labels(sql, "activity_type"),
        "category": _enum_labels(sql, "gear_category"),
        "difficulty": _check_in_list(sql, "difficulty"),
        "season": _check_in_list(sql, "season"),
    }


def owners_frame(domain: Domain, n: int, seed: int = 7, start: int = 0, allowed: list[str] | None = None) -> pl.DataFrame:
    index = np.arange(start, start + n, dtype=np.int64)
    return pl.DataFrame({"owner_index": pl.Series(index, dtype=pl.Int64)}).with_columns(
        domain.persona_for(index, seed, allowed))


@pytest.fixture
def isolated_registry(monkeypatch):
    """Domains registered by a test disappear after it."""
    from supaseed_pipeline.domains import registry
    registry.available_domains()                       # built-ins first
    monkeypatch.setattr(registry, "_registry", dict(registry._registry))


@pytest.fixture(scope="module")
def outdoor():
    return get_domain("outdoor")


@pytest.fixture(scope="module")
def outdoor_frames(outdoor):
    owners = owners_frame(outdoor, 3000, seed=11)
    content = outdoor.content(owners, 3, 11)
    return owners, content, outdoor.items(content, 11)


# ------------------------------------------------------------------------------------------------
# Counts and determinism
# ------------------------------------------------------------------------------------------------

def test_twelve_users_with_thirty_six_setups(outdoor):
    owners = owners_frame(outdoor, 12)
    content = outdoor.content(owners, 3, 7)
    assert content.height == 36
    assert content.group_by("owner_position").len()["len"].to_list() == [3] * 12
    assert content["owner_position"].to_list() == sorted(content["owner_position"].to_list())
    assert content["content_index"].is_unique().all()
    assert set(content["content_index"].to_list()) == {i * 1000 + k for i in range(12) for k in (1, 2, 3)}


@pytest.mark.parametrize("name", ["outdoor", "saas", "ecommerce"])
def test_deterministic_per_seed(name):
    domain = get_domain(name)
    owners = owners_frame(domain, 150, seed=3)
    a = domain.content(owners, 3, 3)
    b = domain.content(owners, 3, 3)
    assert a.equals(b)
    assert domain.items(a, 3).equals(domain.items(b, 3))
    other = domain.content(owners, 3, 4)
    assert not other.equals(a)
    assert domain.persona_for(np.arange(200), 3).equals(domain.persona_for(np.arange(200), 3))
    assert not domain.persona_for(np.arange(200), 3).equals(domain.persona_for(np.arange(200), 4))


def test_large_population_counts_average_per_owner(outdoor):
    owners = owners_frame(outdoor, 20_000, seed=5)
    for per_owner in (1, 3, 8):
        content = outdoor.content(owners, per_owner, 5)
        counts = content.group_by("owner_position").len()
        # users x setupsPerUser at any size: the old tool's users count on "12 users, 36 setups"
        assert content.height == owners.height * per_owner
        assert counts.height == owners.height and counts["len"].min() == counts["len"].max() == per_owner


def test_partitions_produce_the_same_rows(outdoor):
    """Rows are keyed by global indices: splitting the owners gives the same content and items."""
    whole_owners = owners_frame(outdoor, 1000, seed=9)
    whole = outdoor.content(whole_owners, 3, 9).drop("owner_position")
    parts = [outdoor.content(whole_owners.slice(o, 500), 3, 9).drop("owner_position") for o in (0, 500)]
    assert pl.concat(parts).equals(whole)
    items = outdoor.items(whole, 9).drop("content_position")
    part_items = pl.concat([outdoor.items(p, 9).drop("content_position") for p in parts])
    assert part_items.equals(items)


def test_empty_inputs(outdoor):
    owners = owners_frame(outdoor, 0)
    content = outdoor.content(owners, 3, 1)
    assert content.height == 0 and "slug" in content.columns
    assert outdoor.items(content, 1).height == 0
    assert outdoor.content(owners_frame(outdoor, 12), 0, 1).height == 0


def test_content_with_items_matches_separate_calls():
    for name in available_domains():
        domain = get_domain(name)
        owners = owners_frame(domain, 120, seed=2)
        content, items = domain.content_with_items(owners, 2, 2)
        assert content.equals(domain.content(owners, 2, 2))
        assert items.equals(domain.items(content, 2))


# ------------------------------------------------------------------------------------------------
# Outdoor values against the demo schema
# ------------------------------------------------------------------------------------------------

def test_setups_satisfy_the_demo_schema(outdoor_frames, schema):
    _, content, _ = outdoor_frames
    assert content["slug"].str.contains(r"^[a-z0-9-]+$").all()
    assert set(content["difficulty"].unique()) <= schema["difficulty"]
    assert set(content["season"].unique()) <= schema["season"]
    assert set(content["activity"].unique()) == schema["activity"]
    assert content["currency"].str.contains(r"^[A-Z]{3}$").all()
    lengths = content["title"].str.len_chars()
    assert lengths.min() >= 3 and lengths.max() <= 120
    assert (content["total_price"] >= 0).all() and (content["total_price"] < 1e8).all()
    assert ((content["total_price"] * 100).round(6) % 1 == 0).all()
    assert (content["total_weight_grams"] >= 0).all()
    assert (content["updated_at"] >= content["created_at"]).all()
    assert content["created_at"].min() >= ANCHOR - dt.timedelta(days=730)
    assert content["updated_at"].max() <= ANCHOR
    assert content.schema["created_at"] == pl.Datetime("us")
    tags = content["tags"]
    assert tags.dtype == pl.List(pl.String)
    assert tags.list.len().is_between(2, 4).all()
    assert (tags.list.n_unique() == tags.list.len()).all()
    assert content.null_count().select(pl.sum_horizontal(pl.all())).item() == 0
    public = content["is_public"].mean()
    assert 0.80 < public < 0.90
    assert (content["currency"] == "USD").mean() > 0.7
    assert set(content["currency"].unique()) == {"USD", "EUR", "GBP", "CAD"}


def test_gear_items_satisfy_the_demo_schema(outdoor_frames, schema):
    _, content, items = outdoor_frames
    assert set(items["category"].unique()) <= schema["category"]
    assert (items["price"] > 0).all() and (items["price"] < 20000).all()
    cents = (items["price"] * 100).round(6)
    assert (cents % 1 == 0).all()
    assert set((cents % 100).cast(pl.Int64).unique()) <= {95, 99}          # .95 / .99 endings
    assert items["quantity"].is_between(1, 20).all()
    assert (items["quantity"] == 1).mean() > 0.8
    assert (items["weight_grams"] > 0).all()
    assert items["name"].str.len_chars().max() <= 200
    assert items["brand"].str.len_chars().max() <= 80
    assert items["product_url"].str.contains(r"^https://www\.[a-z0-9-]+\.example/products/[a-z0-9-]+$").all()
    assert items["product_url"].str.len_chars().max() <= 500
    assert 0.4 < items["notes"].null_count() / items.height < 0.6
    assert (items["position"] >= 1).all()
    per_setup = items.group_by("content_position").agg(n=pl.len(), positions=pl.col("position").sort())
    assert per_setup["n"].is_between(3, 8).all()
    assert all(p == list(range(1, len(p) + 1)) for p in per_setup["positions"].to_list())
    assert per_setup.height == content.height
    assert items["item_index"].is_unique().all()


def test_prices_are_market_accurate(outdoor_frames):
    _, content, items = outdoor_frames
    usd = items.join(content.select(pl.int_range(pl.len()).alias("content_position"), "currency"),
                     on="content_position").filter(pl.col("currency") == "USD")
    ranges = {"shelter": (150, 700), "lighting": (20, 80), "camera": (1000, 3500), "rope": (150, 350),
              "harness": (50, 250), "lens": (80, 3000), "avalanche_safety": (50, 900)}
    for category, (low, high) in ranges.items():
        prices = usd.filter(pl.col("category") == category)["price"]
        if category == "lighting":
            prices = usd.filter(pl.col("name").str.contains("Headlamp"))["price"]
        assert prices.len() > 0, category
        assert prices.min() >= low * 0.9 - 1 and prices.max() <= high * 1.1 + 1, category   # ±10 % variation


def test_totals_equal_item_sums(outdoor_frames):
    _, content, items = outdoor_frames
    sums = (items.group_by("content_position")
            .agg(price=(pl.col("price") * pl.col("quantity")).sum(),
                 weight=(pl.col("weight_grams") * pl.col("quantity")).sum())
            .sort("content_position"))
    assert sums["content_position"].to_list() == list(range(content.height))
    assert np.allclose(sums["price"].to_numpy(), content["total_price"].to_numpy(), atol=1e-6)
    assert sums["weight"].to_list() == content["total_weight_grams"].to_list()


def test_slugs_unique_per_owner(outdoor_frames, outdoor):
    _, content, _ = outdoor_frames
    assert content.select(pl.struct("owner_position", "slug").is_unique().all()).item()
    assert content["slug"].str.contains(r"-\d+$").all()
    many = outdoor.content(owners_frame(outdoor, 12), 40, 3)
    assert many.select(pl.struct("owner_position", "slug").is_unique().all()).item()


def test_kits_follow_the_activity(outdoor_frames):
    _, content, items = outdoor_frames
    joined = items.join(content.select(pl.int_range(pl.len()).alias("content_position"), "activity"),
                        on="content_position")
    kit = joined.group_by("content_position", "activity").agg(pl.col("category"))

    def has_all(activity: str, needed: set[str]) -> bool:
        rows = kit.filter(pl.col("activity") == activity)["category"].to_list()
        return bool(rows) and all(needed <= set(c) for c in rows)

    assert has_all("photography", {"camera", "lens"})
    assert has_all("climbing", {"rope", "harness"})
    assert has_all("winter", {"winter_traction", "avalanche_safety"})
    assert has_all("backpacking", {"shelter", "pack"})
    photo = joined.filter(pl.col("activity") == "photography")
    assert photo["category"].is_in(["camera", "lens", "tripod"]).mean() > 0.5
    # a setup's camera body and lenses share a mount
    mounts = {"Sony": "sony", "Sigma": "sony", "Tamron": "sony", "Canon": "canon", "Nikon": "nikon",
              "Fujifilm": "fujifilm"}
    glass = photo.filter(pl.col("category").is_in(["camera", "lens"]) & pl.col("brand").is_in(list(mounts)))
    per_setup = glass.with_columns(mount=pl.col("brand").replace_strict(mounts)).group_by("content_position") \
        .agg(pl.col("mount").n_unique())
    assert (per_setup["mount"] == 1).all()


def test_text_reads_like_people_wrote_it(outdoor_frames):
    _, content, items = outdoor_frames
    descriptions = content["description"]
    sentences = descriptions.str.count_matches(r"[.!?](\s|$)")
    assert sentences.is_between(2, 4).all()
    assert descriptions.n_unique() > 1000
    assert content["title"].n_unique() > 300
    assert not descriptions.str.contains(r"\{|\}").any() and not content["title"].str.contains(r"\{").any()
    assert items["name"].n_unique() >= 120
    for expected in ("Osprey Exos 58", "Big Agnes Copper Spur HV UL2", "Black Diamond Spot 400 Headlamp",
                     "Sony Alpha 7 IV", "Petzl GriGri"):
        assert expected in set(items["name"].unique())


# ------------------------------------------------------------------------------------------------
# Personas
# ------------------------------------------------------------------------------------------------

def test_personas_shape_content(outdoor):
    def content_for(persona: str, n: int = 400) -> pl.DataFrame:
        return outdoor.content(owners_frame(outdoor, n, allowed=[persona]), 3, 21)

    photo = content_for("adventure-photographer")
    assert (photo["activity"] == "photography").mean() > 0.6
    climbers = content_for("alpine-climber")
    assert climbers["activity"].is_in(["climbing", "winter"]).mean() > 0.7
    assert climbers["difficulty"].is_in(["advanced", "expert"]).mean() > 0.6
    ultralight = content_for("ultralight-backpacker")
    assert (ultralight["activity"] == "backpacking").mean() > 0.6
    weekend = content_for("weekend-warrior")
    assert weekend["difficulty"].is_in(["beginner", "intermediate"]).mean() > 0.7

    mixed = owners_frame(outdoor, 20_000, seed=4)
    content = outdoor.content(mixed, 3, 4)
    per_persona = (content.group_by("owner_position").len()
                   .join(mixed.with_row_index("owner_position").with_columns(pl.col("owner_position").cast(pl.Int64)),
                         on="owner_position")
                   .group_by("persona").agg(pl.col("len").mean()))
    mean = dict(zip(per_persona["persona"], per_persona["len"]))
    assert set(mean.values()) == {3}    # personas shape what the content is, not how much
    assert set(mixed["persona"].unique()) == set(outdoor.persona_keys)


def test_personas_and_bios(outdoor):
    keys = {"outdoors-enthusiast", "gear-expert", "adventure-photographer", "weekend-warrior", "content-creator",
            "ultralight-backpacker", "alpine-climber"}
    assert set(outdoor.persona_keys) == keys
    for persona in outdoor.personas:
        assert len(persona.bios) >= 6 and persona.label and persona.activities
    users = np.arange(500)
    personas = outdoor.persona_for(users, 8)
    bios = outdoor.bio(personas, users, 8)
    assert bios.null_count() == 0
    by_key = {p.key: set(p.bios) for p in outdoor.personas}
    assert all(b in by_key[p] for p, b in zip(personas, bios))
    assert bios.equals(outdoor.bio(personas, users, 8))
    assert outdoor.bio(pl.Series([None], dtype=pl.String), np.arange(1), 8).null_count() == 1
    only = outdoor.persona_for(users, 8, allowed=["gear-expert", "weekend-warrior"])
    assert set(only.unique()) == {"gear-expert", "weekend-warrior"}


def test_unknown_persona_is_a_clear_error(outdoor):
    with pytest.raises(ValueError, match=r"unknown persona 'hermit'.*valid personas: outdoors-enthusiast, gear-expert"):
        outdoor.persona_for(np.arange(3), 1, allowed=["hermit"])
    owners = pl.DataFrame({"owner_index": [1, 2], "persona": ["gear-expert", "hermit"]})
    with pytest.raises(ValueError, match="unknown persona 'hermit'"):
        outdoor.content(owners, 3, 1)
    with pytest.raises(ValueError, match="hermit"):
        outdoor.bio(pl.Series(["hermit"]), np.arange(1), 1)


def test_null_persona_falls_back_deterministically(outdoor):
    owners = pl.DataFrame({"owner_index": [1, 2, 3], "persona": [None, "gear-expert", None]},
                          schema={"owner_index": pl.Int64, "persona": pl.String})
    assert outdoor.content(owners, 2, 1).equals(outdoor.content(owners, 2, 1))


def test_owner_frame_validation(outdoor):
    with pytest.raises(ValueError, match="unique"):
        outdoor.content(pl.DataFrame({"owner_index": [1, 1], "persona": ["gear-expert"] * 2}), 1, 1)
    with pytest.raises(ValueError, match="persona"):
        outdoor.content(pl.DataFrame({"owner_index": [1]}), 1, 1)


# ------------------------------------------------------------------------------------------------
# Lookups and registry
# ------------------------------------------------------------------------------------------------

def test_lookup_rows(schema):
    for name in available_domains():
        domain = get_domain(name)
        rows = domain.lookup_rows()
        assert rows.columns == ["slug", "name", "activity"]
        assert rows["slug"].is_unique().all() and rows["slug"].str.contains(r"^[a-z0-9-]+$").all()
        assert rows["name"].str.len_chars().max() <= 80
        assert set(rows["activity"]) == set(domain.activities)
    outdoor_rows = get_domain("outdoor").lookup_rows()
    assert set(outdoor_rows["activity"]) == schema["activity"]
    assert {"day-hiking", "backpacking", "car-camping", "rock-climbing", "landscape-photography",
            "winter-mountaineering"} <= set(outdoor_rows["slug"])


def test_unknown_domain_is_a_config_error():
    with pytest.raises(ConfigError) as info:
        get_domain("x")
    assert str(info.value) == "unknown domain 'x'; available: ecommerce, outdoor, saas"
    assert {"ecommerce", "outdoor", "saas"} <= set(available_domains())
    outdoor = get_domain("outdoor")
    assert outdoor.content_tables[0] == "setups" and "gear_items" in outdoor.item_tables
    assert "setup_types" in outdoor.lookup_tables


CUSTOM_DOMAIN = '''
import numpy as np
import polars as pl
from supaseed_pipeline.domains import Domain, Persona, register_domain


class {cls}(Domain):
    name = "{name}"
    content_tables = ("recipes",)
    item_tables = ("ingredients",)
    lookup_tables = ("cuisines",)
    activities = ("baking", "grilling")
    personas = (
        Persona(key="home-cook", label="Home Cook", bios=("I cook for my family.",) * 6,
                content_weight=1.0, activities=("baking",)),
        Persona(key="chef", label="Chef", bios=("Twenty years on the line.",) * 6,
                content_weight=2.0, activities=("grilling",)),
    )

    def lookup_rows(self):
        return pl.DataFrame({{"slug": ["baking", "grilling"], "name": ["Baking", "Grilling"],
                             "activity": ["baking", "grilling"]}})

    def content(self, owners, per_owner, seed):
        rows = self.expand(owners, per_owner, seed)
        return pl.DataFrame({{"owner_position": rows["owner_position"], "content_index": rows["content_index"],
                             "title": [f"Recipe {{i}}" for i in rows["content_index"]]}})

    def items(self, content, seed):
        return pl.DataFrame({{"content_position": np.arange(content.height), "position": np.ones(content.height)}})


{register}
'''


def test_custom_domain_from_a_python_file(tmp_path, isolated_registry):
    call_style = tmp_path / "recipes_domain.py"
    call_style.write_text(CUSTOM_DOMAIN.format(cls="RecipeDomain", name="recipes",
                                               register="register_domain(RecipeDomain())"))
    list_style = tmp_path / "pkg" / "grill_domain.py"
    list_style.parent.mkdir()
    list_style.write_text(CUSTOM_DOMAIN.format(cls="GrillDomain", name="grilling", register="DOMAINS = [GrillDomain]"))
    loaded = load_domain_modules([str(call_style), str(list_style)])
    assert loaded == ["recipes", "grilling"]
    assert {"recipes", "grilling", "outdoor"} <= set(available_domains())
    recipes = get_domain("recipes")
    owners = pl.DataFrame({"owner_index": np.arange(12)}).with_columns(recipes.persona_for(np.arange(12), 1))
    content = recipes.content(owners, 3, 1)
    assert content.height == 36
    assert recipes.items(content, 1).height == 36
    assert set(recipes.persona_for(np.arange(50), 1).unique()) == {"home-cook", "chef"}
    with pytest.raises(ValueError, match="valid personas: home-cook, chef"):
        recipes.persona_for(np.arange(3), 1, allowed=["sous-chef"])
    with pytest.raises(ConfigError, match="unknown domain 'nope'; available: ecommerce, grilling, outdoor, recipes"):
        get_domain("nope")


def test_load_domain_modules_errors(tmp_path, isolated_registry):
    with pytest.raises(ConfigError, match="not found"):
        load_domain_modules([str(tmp_path / "missing.py")])
    with pytest.raises(ConfigError, match="cannot import domain module 'no_such_module_xyz'"):
        load_domain_modules(["no_such_module_xyz"])
    empty = tmp_path / "empty_domains.py"
    empty.write_text("X = 1\n")
    with pytest.raises(ConfigError, match="registered no domains"):
        load_domain_modules([str(empty)])
    broken = tmp_path / "broken_domains.py"
    broken.write_text("raise RuntimeError('boom')\n")
    with pytest.raises(ConfigError, match="failed to import: RuntimeError: boom"):
        load_domain_modules([str(broken)])
    bad = tmp_path / "bad_persona.py"
    bad.write_text(textwrap.dedent('''
        from supaseed_pipeline.domains import Domain, Persona
        class Bad(Domain):
            name = "bad"
            activities = ("a",)
            personas = (Persona(key="p", label="P", bios=("x",), content_weight=1.0, activities=("zzz",)),)
        DOMAINS = [Bad()]
    '''))
    with pytest.raises(ConfigError, match="unknown activities"):
        load_domain_modules([str(bad)])


def test_register_domain_replaces_by_name(isolated_registry):
    class Tiny(Domain):
        name = "tiny-test"
        personas = (Persona(key="p", label="P", bios=("hi",), content_weight=1.0, activities=()),)

    first, second = Tiny(), Tiny()
    register_domain(first)
    register_domain(second)
    assert get_domain("tiny-test") is second


# ------------------------------------------------------------------------------------------------
# SaaS and e-commerce
# ------------------------------------------------------------------------------------------------

def test_saas_projects_and_tasks():
    saas = get_domain("saas")
    owners = owners_frame(saas, 800, seed=6)
    projects = saas.content(owners, 3, 6)
    tasks = saas.items(projects, 6)
    assert projects["slug"].str.contains(r"^[a-z0-9-]+$").all()
    assert projects.select(pl.struct("owner_position", "slug").is_unique().all()).item()
    assert projects["title"].equals(projects["name"].alias("title"))
    assert set(projects["activity"].unique()) <= set(saas.activities)
    assert set(projects["status"].unique()) == {"planning", "active", "on_hold", "completed", "archived"}
    assert set(tasks["status"].unique()) == {"todo", "in_progress", "done"}
    assert set(tasks["priority"].unique()) == {"low", "medium", "high", "urgent"}
    assert tasks["estimate_hours"].is_between(0.5, 16).all()
    assert (tasks["created_at"] <= tasks["updated_at"]).all()
    done = tasks["status"] == "done"
    assert tasks.filter(done)["completed_at"].null_count() == 0
    assert tasks.filter(~done)["completed_at"].null_count() == (~done).sum()
    assert (tasks.filter(done)["completed_at"] >= tasks.filter(done)["created_at"]).all()
    assert tasks["title"].str.len_chars().min() >= 3 and not tasks["title"].str.contains(r"\{").any()
    joined = tasks.join(projects.with_row_index("content_position").select(
        pl.col("content_position").cast(pl.Int64), pl.col("created_at").alias("project_created"),
        pl.col("status").alias("project_status")), on="content_position")
    assert (joined["created_at"] >= joined["project_created"]).all()
    assert (joined.filter(pl.col("project_status") == "completed")["status"] == "done").all()
    per = tasks.group_by("content_position").agg(
        n=pl.len(), hours=pl.col("estimate_hours").sum(), done=(pl.col("status") == "done").sum(),
        unique_titles=pl.col("title").n_unique()).sort("content_position")
    assert per["n"].to_list() == projects["task_count"].to_list()
    assert np.allclose(per["hours"].to_numpy(), projects["total_estimate_hours"].to_numpy())
    assert (per["unique_titles"] == per["n"]).all()
    progress = (100 * per["done"] / per["n"]).round(0).cast(pl.Int64)
    assert progress.to_list() == projects["progress"].to_list()
    engineers = saas.content(owners_frame(saas, 300, allowed=["engineer"]), 3, 6)
    assert engineers["activity"].is_in(["engineering", "infrastructure"]).mean() > 0.75


def test_ecommerce_products_and_reviews():
    shop = get_domain("ecommerce")
    owners = owners_frame(shop, 800, seed=8)
    products = shop.content(owners, 3, 8)
    reviews = shop.items(products, 8)
    assert products["sku"].is_unique().all()
    assert products["slug"].str.contains(r"^[a-z0-9-]+$").all()
    assert products.select(pl.struct("owner_position", "slug").is_unique().all()).item()
    assert (products["price"] > 0).all() and ((products["price"] * 100).round(6) % 1 == 0).all()
    compare = products.filter(pl.col("compare_at_price").is_not_null())
    assert compare.height > 0 and (compare["compare_at_price"] > compare["price"]).all()
    assert products["stock"].is_between(0, 500).all() and (products["stock"] == 0).any()
    assert products["currency"].str.contains(r"^[A-Z]{3}$").all()
    assert reviews["rating"].is_between(1, 5).all()
    assert reviews["rating"].mean() > 3.5
    assert (reviews["created_at"] <= reviews["updated_at"]).all()
    per = reviews.group_by("content_position").agg(n=pl.len(), avg=pl.col("rating").mean())
    merged = products.with_row_index("content_position").with_columns(pl.col("content_position").cast(pl.Int64)) \
        .join(per, on="content_position", how="left")
    assert (merged["review_count"] == merged["n"].fill_null(0)).all()
    rated = merged.filter(pl.col("n").is_not_null())
    assert np.allclose(rated["average_rating"].to_numpy(), rated["avg"].round(2).to_numpy())
    assert merged.filter(pl.col("n").is_null())["average_rating"].null_count() == merged["n"].null_count()
    negative = reviews.filter(pl.col("rating") <= 2)["title"]
    assert not negative.is_in(["Love it!", "Five stars", "Highly recommend"]).any()
    bargain = shop.content(owners_frame(shop, 300, allowed=["bargain-hunter"]), 3, 8)
    collector = shop.content(owners_frame(shop, 300, allowed=["collector"]), 3, 8)
    assert bargain["price"].median() < collector["price"].median()
    assert collector["activity"].is_in(["collectibles", "books", "toys-games"]).mean() > 0.75
