"""The hook: a content domain whose free text (bios, content descriptions, review bodies) comes from pools.

`with_ai_text(domain, settings, mapping)` returns the domain unchanged unless `ai.enabled`; otherwise
a thin wrapper that delegates everything to it and only swaps those text columns after the domain
built its frames. The domain modules and the column generators stay untouched, and every other
value of a row (title, activity, rating, prices) is exactly what it is without AI text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from supaseed_pipeline.ai.texts import PoolSpec, TextPools, replace_text

BIO, DESCRIPTION, BODY = "bio", "description", "body"
RATINGS = ("1", "2", "3", "4", "5")


@dataclass(frozen=True)
class TextProfile:
    """How prompts describe a domain's app and rows, and whether its items are rated reviews."""

    app: str
    content_noun: str
    reviews: bool = False


PROFILES = {
    "outdoor": TextProfile("an outdoor adventure community where people share their gear setups", "gear setup"),
    "saas": TextProfile("a project management app for software teams", "project"),
    "ecommerce": TextProfile("an online marketplace", "product listing", reviews=True),
}


def profile_for(domain) -> TextProfile:
    if domain.name in PROFILES:
        return PROFILES[domain.name]
    noun = (domain.content_tables[0] if domain.content_tables else "post").replace("_", " ").removesuffix("s")
    return TextProfile(f"a {domain.name} app", noun)


def bio_prompt(profile: TextProfile, persona) -> str:
    interests = f", into {', '.join(persona.activities)}" if persona.activities else ""
    return (f"Write a short profile bio (one or two sentences, under 200 characters), in the first person, for a "
            f"member of {profile.app} who is a {persona.label.lower()}{interests}. Sound like a real person, not an "
            f"ad. Reply with the bio text only: no quotes, no hashtags, no emojis.")


def description_prompt(profile: TextProfile, activity: str) -> str:
    return (f"Write the description (two or three sentences, under 350 characters) of a {activity} "
            f"{profile.content_noun} on {profile.app}, written by the member who posted it. Be concrete and "
            f"plain. Reply with the description only: no title, no quotes, no hashtags.")


def review_prompt(profile: TextProfile, rating: str) -> str:
    return (f"Write the body of a {rating}-star customer review (two or three sentences, under 350 characters) of "
            f"something bought on {profile.app}; its tone must fit {rating} out of 5 stars. Reply with the review "
            f"text only: no title, no star count, no quotes.")


def pool_specs(domain, tables: dict[str, str]) -> list[PoolSpec]:
    """The pools a domain's text needs: bios per persona, descriptions per activity, review bodies per rating."""
    profile = profile_for(domain)
    specs = [PoolSpec(tables["bio"], BIO, p.key, bio_prompt(profile, p)) for p in domain.personas]
    specs += [PoolSpec(tables["content"], DESCRIPTION, a, description_prompt(profile, a)) for a in domain.activities]
    if profile.reviews:
        specs += [PoolSpec(tables["items"], BODY, r, review_prompt(profile, r)) for r in RATINGS]
    return specs


def text_tables(domain, mapping=None) -> dict[str, str]:
    """Which physical table each kind of text lands in (it salts the row pick); domain names as a fallback."""
    def first(*names):
        return next((n for n in names if n), "")
    return {
        "bio": first(getattr(mapping, "account_table", None), getattr(mapping, "user_table", None), "users"),
        "content": first(getattr(mapping, "content_table", None), *domain.content_tables, "content"),
        "items": first(getattr(mapping, "item_table", None), *domain.item_tables, "items"),
    }


def with_ai_text(domain, settings, mapping=None):
    """The domain itself when AI text is off (or there is no domain), else the pool-backed wrapper."""
    ai = getattr(settings, "ai", None)
    if domain is None or ai is None or not ai.enabled:
        return domain
    tables = text_tables(domain, mapping)
    return AiTextDomain(domain, TextPools.from_settings(ai, pool_specs(domain, tables)), tables)


class AiTextDomain:
    """Delegates to the wrapped domain; bios, content descriptions and review bodies come from the pools."""

    def __init__(self, inner, pools: TextPools, tables: dict[str, str]):
        self._inner, self._pools, self._tables = inner, pools, tables

    def __getattr__(self, name: str):
        return getattr(self._inner, name)

    @property
    def wrapped(self):
        return self._inner

    def _pools_for(self, table: str, column: str, keys) -> dict[str, list[str]]:
        found = {}
        for key in keys:
            texts = self._pools.get(table, column, key)
            if texts:
                found[key] = texts
        return found

    # ---- the three hooks ---------------------------------------------------------------------
    def bio(self, personas: pl.Series, user_index: np.ndarray, seed: int) -> pl.Series:
        values = self._inner.bio(personas, user_index, seed)
        table = self._tables["bio"]
        pools = self._pools_for(table, BIO, self._inner.persona_keys)
        return replace_text(values, personas, user_index, pools, seed, table, BIO)

    def content(self, owners: pl.DataFrame, per_owner: int, seed: int) -> pl.DataFrame:
        return self._content_text(self._inner.content(owners, per_owner, seed), seed)

    def items(self, content: pl.DataFrame, seed: int) -> pl.DataFrame:
        return self._item_text(self._inner.items(content, seed), seed)

    def content_with_items(self, owners: pl.DataFrame, per_owner: int, seed: int):
        content, items = self._inner.content_with_items(owners, per_owner, seed)
        return self._content_text(content, seed), self._item_text(items, seed)

    # ---- column swaps ------------------------------------------------------------------------
    def _content_text(self, frame: pl.DataFrame, seed: int) -> pl.DataFrame:
        if not {DESCRIPTION, "activity", "content_index"} <= set(frame.columns):
            return frame
        table = self._tables["content"]
        pools = self._pools_for(table, DESCRIPTION, self._inner.activities)
        index = frame["content_index"].cast(pl.Int64).to_numpy()
        return frame.with_columns(replace_text(frame[DESCRIPTION], frame["activity"], index, pools, seed, table,
                                               DESCRIPTION))

    def _item_text(self, frame: pl.DataFrame, seed: int) -> pl.DataFrame:
        if not {BODY, "rating", "item_index"} <= set(frame.columns):
            return frame
        table = self._tables["items"]
        pools = self._pools_for(table, BODY, RATINGS)
        if not pools:
            return frame
        index = frame["item_index"].cast(pl.Int64).to_numpy()
        return frame.with_columns(replace_text(frame[BODY], frame["rating"].cast(pl.String), index, pools, seed,
                                               table, BODY))
