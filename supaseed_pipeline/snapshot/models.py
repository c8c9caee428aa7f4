"""The schema snapshot document: pydantic models, JSON-serialisable, with a stable fingerprint."""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from pydantic import BaseModel, Field

SNAPSHOT_FORMAT_VERSION = 1


class Domain(BaseModel):
    schema_name: str
    name: str
    base_type: str                 # format_type of the base type, e.g. "text", "integer"
    not_null: bool = False
    default: str | None = None
    checks: list[str] = Field(default_factory=list)   # pg_get_constraintdef texts, e.g. "CHECK ((VALUE > 0))"


class EnumType(BaseModel):
    schema_name: str
    name: str
    labels: list[str]


class Column(BaseModel):
    name: str
    position: int
    data_type: str                 # format_type(atttypid, atttypmod): "character varying(255)", "integer[]", "app_permissions"
    type_schema: str               # schema of the (element) type, e.g. "pg_catalog", "public"
    type_name: str                 # typname of the element type: "varchar", "int4", "uuid", "jsonb", "app_permissions"
    type_category: str             # pg typcategory of the element type (after resolving domains): S N B D U E A ...
    base_type_name: str            # element type name after resolving a domain to its base type
    is_array: bool = False
    not_null: bool = False
    default: str | None = None     # pg_get_expr of the default, None when there is none
    identity: Literal["", "always", "by_default"] = ""
    generated: bool = False        # GENERATED ALWAYS AS (...) STORED
    generation_expression: str | None = None
    max_length: int | None = None  # character varying(n) / character(n) / bit(n)
    numeric_precision: int | None = None
    numeric_scale: int | None = None
    enum_labels: list[str] | None = None   # when the element type is an enum
    domain: str | None = None      # "schema.name" when the column's type is a domain

    @property
    def is_uuid(self) -> bool:
        """A uuid (or a domain over uuid), not an array of them."""
        return self.base_type_name == "uuid" and not self.is_array


class PrimaryKey(BaseModel):
    name: str
    columns: list[str]


class ForeignKey(BaseModel):
    name: str
    columns: list[str]
    ref_schema: str
    ref_table: str
    ref_columns: list[str]
    on_delete: Literal["NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"] = "NO ACTION"
    on_update: Literal["NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"] = "NO ACTION"
    deferrable: bool = False
    initially_deferred: bool = False
    match_full: bool = False
    # set on a partitioned table for a key declared on its partitions rather than on itself (sample
    # databases with monthly partitions do this): the partitions that declare it. Rows go through the
    # parent, so the parent's plan honours it; the database checks it on those partitions only.
    declared_on: list[str] = Field(default_factory=list)

    @property
    def ref_qualified(self) -> str:
        return f"{self.ref_schema}.{self.ref_table}"


class UniqueConstraint(BaseModel):
    name: str
    columns: list[str]
    nulls_not_distinct: bool = False


class Index(BaseModel):
    """A unique index that is not already a PK/UNIQUE constraint (partial and expression ones included)."""

    name: str
    columns: list[str | None]      # one entry per key; None where the key is an expression
    expressions: list[str] = Field(default_factory=list)   # key texts in order, e.g. ["lower(email)"]
    predicate: str | None = None   # WHERE clause of a partial index, e.g. "(is_personal_account = true)"
    definition: str                # pg_get_indexdef


class Exclusion(BaseModel):
    """An EXCLUDE constraint: no two rows whose keys all match under their operators (a room's bookings
    do not overlap: room_id WITH =, tstzrange(starts_at, ends_at) WITH &&)."""

    name: str
    columns: list[str | None]      # one entry per key; None where the key is an expression
    expressions: list[str]         # key texts in order, e.g. ["room_id", "tstzrange(starts_at, ends_at)"]
    operators: list[str]           # one per key, e.g. ["=", "&&"]
    predicate: str | None = None   # WHERE clause of a partial constraint


class CheckConstraint(BaseModel):
    name: str
    expression: str                # pg_get_constraintdef, e.g. "CHECK ((price >= (0)::numeric))"
    columns: list[str] = Field(default_factory=list)


class Trigger(BaseModel):
    name: str
    timing: Literal["BEFORE", "AFTER", "INSTEAD OF"]
    events: list[Literal["INSERT", "UPDATE", "DELETE", "TRUNCATE"]]
    for_each_row: bool = True
    when: str | None = None
    function: str                  # "schema.name"
    inserts_into: list[str] = Field(default_factory=list)   # "schema.table" the function body INSERTs into
    enabled: bool = True
    body: str = ""                 # the function's source (prosrc), read by plan/trigger_rules.py


class Rule(BaseModel):
    """A rewrite rule (CREATE RULE): rows it writes elsewhere are the seed's too."""

    name: str
    event: Literal["SELECT", "UPDATE", "INSERT", "DELETE"]
    instead: bool = False
    inserts_into: list[str] = Field(default_factory=list)   # "schema.table" its actions INSERT into


class Policy(BaseModel):
    name: str
    command: Literal["ALL", "SELECT", "INSERT", "UPDATE", "DELETE"]
    permissive: bool = True
    roles: list[str] = Field(default_factory=list)
    using: str | None = None
    with_check: str | None = None


class Table(BaseModel):
    schema_name: str
    name: str
    kind: Literal["table", "partitioned"] = "table"
    partition_key: str | None = None       # pg_get_partkeydef for a partitioned parent
    partition_of: str | None = None        # "schema.parent" for a partition
    partition_bound: str | None = None     # e.g. "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"
    columns: list[Column]
    primary_key: PrimaryKey | None = None
    foreign_keys: list[ForeignKey] = Field(default_factory=list)
    unique_constraints: list[UniqueConstraint] = Field(default_factory=list)
    unique_indexes: list[Index] = Field(default_factory=list)
    checks: list[CheckConstraint] = Field(default_factory=list)
    exclusions: list[Exclusion] = Field(default_factory=list)
    triggers: list[Trigger] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    rls_enabled: bool = False
    rls_forced: bool = False
    policies: list[Policy] = Field(default_factory=list)
    row_estimate: int = Field(default=0, exclude=False)   # volatile: not part of the fingerprint

    @property
    def qualified(self) -> str:
        return f"{self.schema_name}.{self.name}"

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


class Sequence(BaseModel):
    schema_name: str
    name: str
    data_type: str
    increment: int = 1
    owned_by: str | None = None    # "schema.table.column"


class View(BaseModel):
    schema_name: str
    name: str
    materialized: bool = False


class SchemaSnapshot(BaseModel):
    format_version: int = SNAPSHOT_FORMAT_VERSION
    server_version: str = ""
    schemas: list[str]
    tables: list[Table]
    views: list[View] = Field(default_factory=list)
    sequences: list[Sequence] = Field(default_factory=list)
    enums: list[EnumType] = Field(default_factory=list)
    domains: list[Domain] = Field(default_factory=list)

    def table(self, qualified: str) -> Table | None:
        # split at the first dot, as `load.ident` does: a table name may hold a dot, a chosen schema's may not
        schema, dot, name = qualified.partition(".")
        schema, name = (schema, name) if dot else ("public", schema)
        return next((t for t in self.tables if t.name == name and t.schema_name == schema), None)

    def domain(self, qualified: str) -> Domain | None:
        return next((d for d in self.domains if f"{d.schema_name}.{d.name}" == qualified), None)

    @property
    def fingerprint(self) -> str:
        """sha256 over the canonical document without volatile parts (server version, row estimates)."""
        document = self.model_dump(mode="json", exclude={"server_version": True,
                                                         "tables": {"__all__": {"row_estimate"}}})
        return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()[:16]

    def to_json(self) -> str:
        return json.dumps({"fingerprint": self.fingerprint, **self.model_dump(mode="json")}, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "SchemaSnapshot":
        data = json.loads(text)
        data.pop("fingerprint", None)
        return cls.model_validate(data)
