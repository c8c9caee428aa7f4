"""Declaratively partitioned tables: rows only inside an existing partition's bounds."""

from __future__ import annotations

import re

import numpy as np
import polars as pl

from supaseed_pipeline.generate import random as rnd
from supaseed_pipeline.snapshot.models import SchemaSnapshot

_RANGE = re.compile(r"FOR VALUES FROM \((.+)\) TO \((.+)\)", re.IGNORECASE)
_LIST = re.compile(r"FOR VALUES IN \((.+)\)", re.IGNORECASE)


def _literal(text: str) -> str:
    text = text.strip()
    text = re.sub(r"::[\w ]+$", "", text)
    return text.strip("'")


def partition_key_values(snapshot: SchemaSnapshot, table: str, index: np.ndarray, seed: int) -> dict[str, pl.Series]:
    """Values for a single-column RANGE or LIST partition key, spread over the existing partitions."""
    parent = snapshot.table(table)
    if parent is None or parent.kind != "partitioned" or not parent.partition_key:
        return {}
    match = re.match(r"(RANGE|LIST)\s*\(\s*\"?([^\s\")]+)\"?\s*\)", parent.partition_key, re.IGNORECASE)
    if not match:
        return {}
    strategy, column_name = match.group(1).upper(), match.group(2)
    column = parent.column(column_name)
    children = [t for t in snapshot.tables if t.partition_of == table and t.partition_bound]
    if column is None or not children:
        return {}
    purpose = rnd.salt(seed, table, column_name, "partition")
    child = rnd.choose(index, purpose, len(children))
    values: list[object] = [None] * len(index)
    for number, part in enumerate(children):
        rows = np.flatnonzero(child == number)
        if not len(rows):
            continue
        bound = part.partition_bound
        if strategy == "LIST" and (m := _LIST.search(bound)):
            options = [_literal(v) for v in m.group(1).split(",")]
            picks = rnd.choose(index[rows], purpose + 1, len(options))
            for row, pick in zip(rows, picks):
                values[row] = options[pick]
        elif strategy == "RANGE" and (m := _RANGE.search(bound)):
            low, high = _literal(m.group(1)), _literal(m.group(2))
            for row, value in zip(rows, _between(low, high, index[rows], purpose + 2, column.base_type_name)):
                values[row] = value
        elif "DEFAULT" in bound.upper():
            continue
    if any(v is None for v in values):
        return {}
    return {column_name: pl.Series(values, dtype=pl.String)}


def _between(low: str, high: str, index: np.ndarray, purpose: int, base: str) -> list[str]:
    if base in {"int2", "int4", "int8", "numeric"}:
        return [str(v) for v in rnd.integers(index, purpose, int(float(low)), int(float(high)) - 1)]
    start, end = np.datetime64(low[:19].replace(" ", "T")), np.datetime64(high[:19].replace(" ", "T"))
    span = int((end - start) / np.timedelta64(1, "s"))
    seconds = rnd.integers(index, purpose, 0, max(span - 1, 0))
    stamps = start.astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    text = [str(s).replace("T", " ") for s in stamps]
    return [t[:10] for t in text] if base == "date" else text
