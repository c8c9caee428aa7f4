"""Domain content (setups and their gear items) mapped onto the physical content tables."""

from __future__ import annotations

import numpy as np
import polars as pl

from supaseed_pipeline.generate import random as rnd
from supaseed_pipeline.generate.columns import pg_array
from supaseed_pipeline.generate.frames import TableRequest
from supaseed_pipeline.plan import allocation

# Physical column -> logical domain column it may take its values from, when the names differ.
SYNONYMS = {"name": "title", "title": "name", "price": "total_price", "summary": "description", "body": "description",
            "photo_url": "image_url", "cover_image_url": "image_url", "thumbnail_url": "image_url",
            "picture_url": "image_url", "image_urls": "images", "photo_urls": "images", "photos": "images"}


def _as_physical(values: pl.Series) -> pl.Series:
    """Lists become PostgreSQL array literals; everything else keeps its type."""
    if isinstance(values.dtype, pl.List):
        quoted = values.list.eval(pl.format('"{}"', pl.element().str.replace_all('"', "'"))).list.join(",")
        return pg_array(quoted)
    return values


def _logical_columns(run, table_name: str, logical: pl.DataFrame, skip: set[str],
                     named: dict[str, str] | None = None) -> dict[str, pl.Series]:
    """The write columns of the table the domain's logical frame fills: by name, a synonym, or `named`
    (column -> logical column, from config)."""
    fixed = {}
    named = named or {}
    for column in run._plan(table_name).write_columns:
        if column in skip:
            continue
        source = named.get(column) or (column if column in logical.columns else SYNONYMS.get(column))
        if source and source in logical.columns:
            if isinstance(logical[source].dtype, pl.List) and not run._table(table_name).column(column).is_array:
                continue   # a list (tags, images) fits an array column only; a json or text one is generated
            fixed[column] = _as_physical(logical[source])
    return fixed


def _lookup_ids(run, activities: pl.Series) -> pl.Series | None:
    mapping = run.e.mapping
    if not mapping.lookup_table:
        return None
    lookup = run._table(mapping.lookup_table)
    key = run._plan(mapping.lookup_table).key_columns[0]
    label_columns = [c for c in ("activity", "category", "slug", "name") if lookup.column(c)]
    rows = run.e.existing_pool(run.io, mapping.lookup_table, [key, *label_columns])
    if rows.height == 0 and mapping.lookup_table in run.loaded:
        rows = run.loaded[mapping.lookup_table]
    if rows.height == 0:
        return None
    ids = rows[key].to_list()
    by_label: dict[str, str] = {}
    for column in label_columns:
        for row_id, label in zip(ids, rows[column].to_list() if column in rows.columns else []):
            for word in str(label).lower().replace("-", " ").split():
                by_label.setdefault(word, row_id)
    fallback = rnd.choose(np.arange(len(activities)), rnd.salt(run.e.seed, "lookup-fallback"), len(ids))
    return pl.Series([by_label.get(a, ids[f]) for a, f in zip(activities.to_list(), fallback)])


def content_request(run, name: str) -> tuple[TableRequest, pl.DataFrame]:
    """Setups (or the domain's content) for the partition's owners."""
    mapping, owners = run.e.mapping, run.owners
    logical = run.e.domain.content(owners.select(["owner_index", "persona"]), run.e.settings.setups_per_user, run.e.seed)
    positions = logical["owner_position"].to_numpy()
    fixed = _logical_columns(run, name, logical, {mapping.content_user_field, mapping.content_account_field, mapping.lookup_field},
                             run.e.settings.schema_.setups_table.content_columns())
    if mapping.content_user_field:
        fixed[mapping.content_user_field] = owners["user_id"].gather(positions)
    if mapping.content_account_field:
        fixed[mapping.content_account_field] = owners["account_id"].gather(positions)
    if mapping.lookup_field and "activity" in logical.columns:
        ids = _lookup_ids(run, logical["activity"])
        if ids is not None:
            fixed[mapping.lookup_field] = ids
    return TableRequest(name, allocation.content_band(run.partition), logical.height, fixed=fixed), logical


def items_request(run, name: str) -> TableRequest:
    """Gear items (or the domain's items) for the content loaded just before."""
    content = run.content
    items = run.e.domain.items(content.drop("__id"), run.e.seed)
    fixed = _logical_columns(run, name, items, {run.e.mapping.item_parent_field})
    fixed[run.e.mapping.item_parent_field] = content["__id"].gather(items["content_position"].to_numpy())
    return TableRequest(name, allocation.item_band(run.partition), items.height, fixed=fixed)
