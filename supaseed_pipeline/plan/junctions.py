"""Junction tables: a primary or unique key made entirely of two or more foreign keys (a link between parents).

The generator fills such tables with distinct parent pairs so the key stays unique; `supaseed
detect-junction-tables` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass

from supaseed_pipeline.snapshot.models import SchemaSnapshot


@dataclass(frozen=True)
class Junction:
    table: str
    key: str               # "primary key (user_id, account_id)" or "unique <name> (...)"
    links: list[str]       # "user_id -> auth.users", one per foreign key in the key


def junction_tables(snapshot: SchemaSnapshot) -> list[Junction]:
    """Every table with a key whose columns are exactly covered by two or more of its foreign keys (its first such key)."""
    found = []
    for t in snapshot.tables:
        keys = ([("primary key", t.primary_key.columns)] if t.primary_key else []) + [
            (f"unique {u.name}", u.columns) for u in t.unique_constraints] + [
            (f"unique index {i.name}", i.columns) for i in t.unique_indexes if not i.predicate and all(i.columns)]
        for label, columns in keys:
            fks = [fk for fk in t.foreign_keys if set(fk.columns) <= set(columns)]
            covered = {c for fk in fks for c in fk.columns}
            if len(fks) >= 2 and covered == set(columns):
                found.append(Junction(t.qualified, f"{label} ({', '.join(columns)})",
                                      [f"{', '.join(fk.columns)} -> {fk.ref_qualified}" for fk in fks]))
                break
    return found
