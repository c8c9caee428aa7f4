"""Read the live PostgreSQL catalog into a SchemaSnapshot with a few set-based catalog queries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

import psycopg

from supaseed_pipeline.errors import ConfigError
from supaseed_pipeline.snapshot.models import (
    CheckConstraint,
    Column,
    Domain,
    EnumType,
    Exclusion,
    ForeignKey,
    Index,
    Policy,
    PrimaryKey,
    SchemaSnapshot,
    Sequence,
    Table,
    Rule,
    Trigger,
    UniqueConstraint,
    View,
)

SYSTEM_SCHEMAS = frozenset({"pg_catalog", "information_schema", "pg_toast"})
SYSTEM_SCHEMA_PREFIXES = ("pg_temp_", "pg_toast_temp_")
SUPABASE_INTERNAL_SCHEMAS = frozenset({
    "extensions", "storage", "realtime", "_realtime", "graphql", "graphql_public", "vault",
    "pgsodium", "pgsodium_masks", "net", "cron", "supabase_functions", "supabase_migrations",
    "pgbouncer", "_analytics", "pgtle", "tiger", "topology",
})
DEFAULT_EXCLUDED_SCHEMAS = SYSTEM_SCHEMAS | SUPABASE_INTERNAL_SCHEMAS   # and the ledger's (setting ledgerSchema)

_FK_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_POLICY_COMMANDS = {"*": "ALL", "r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE"}
# pg_trigger.tgtype bits (include/catalog/pg_trigger.h)
_TG_ROW, _TG_BEFORE, _TG_INSERT, _TG_DELETE, _TG_UPDATE, _TG_TRUNCATE, _TG_INSTEAD = 1, 2, 4, 8, 16, 32, 64
_VARHDRSZ = 4


def is_default_excluded(schema: str) -> bool:
    """True for system, Supabase-internal and ledger schemas."""
    from supaseed_pipeline.seed import ledger   # late: the ledger, and its current name, belong to the seeding layer

    return schema in DEFAULT_EXCLUDED_SCHEMAS or schema == ledger.schema() or schema.startswith(SYSTEM_SCHEMA_PREFIXES)


def take_snapshot(
    conn: psycopg.Connection,
    schemas: list[str] | None = None,
    exclude_schemas: list[str] | None = None,
) -> SchemaSnapshot:
    """Snapshot the tables, views, sequences, enums and domains of the selected schemas."""
    selected = _select_schemas(conn, schemas, exclude_schemas or [])
    tables = _tables(conn, selected)
    types = _types(conn, list(tables), selected)
    _attach_columns(conn, tables, types)
    _attach_constraints(conn, tables)
    _lift_partition_foreign_keys(tables)
    _attach_unique_indexes(conn, tables)
    _attach_exclusions(conn, tables)
    _attach_triggers(conn, tables)
    _attach_rules(conn, tables)
    _attach_policies(conn, tables)
    ordered = sorted(tables.values(), key=lambda t: (t.schema_name, t.name))
    return SchemaSnapshot(
        server_version=str(conn.execute("SHOW server_version").fetchone()[0]),
        schemas=selected,
        tables=ordered,
        views=_views(conn, selected),
        sequences=_sequences(conn, selected),
        enums=_enums(types, selected),
        domains=_domains(types, selected),
    )


def _fetch(conn: psycopg.Connection, query: str, params: dict[str, Any] | None = None) -> list[tuple]:
    return conn.execute(query, params).fetchall()


def _select_schemas(conn: psycopg.Connection, schemas: list[str] | None, exclude: list[str]) -> list[str]:
    """Explicit schemas as given, else every schema with tables that is not excluded by default."""
    rows = _fetch(conn, """
        SELECT n.nspname::text,
               EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p'))
        FROM pg_namespace n""")
    existing = {name: has_tables for name, has_tables in rows}
    if schemas is not None:
        missing = sorted(set(schemas) - set(existing))
        if missing:
            raise ConfigError(f"schema(s) {', '.join(missing)} do not exist in the target database",
                              hint="fix the schemas list")
        dotted = sorted(name for name in set(schemas) - set(exclude) if "." in name)
        if dotted:
            raise ConfigError(f"schema(s) {', '.join(map(repr, dotted))} have a dot in their name, which supaseed's "
                              "table names (schema.table, split at the first dot) cannot carry",
                              hint="rename the schema, or leave it out of the schemas list")
        return sorted(set(schemas) - set(exclude))
    # a schema with a dot in its name is not chosen on its own (see above): its tables stay as they are, and
    # seeded tables that reference them take existing rows, as from any schema left out
    return sorted(name for name, has_tables in existing.items()
                  if has_tables and not is_default_excluded(name) and name not in exclude and "." not in name)


# --- tables and columns ---------------------------------------------------------------------------

def _tables(conn: psycopg.Connection, schemas: list[str]) -> dict[int, Table]:
    """Ordinary and partitioned tables by oid, without columns and constraints yet."""
    rows = _fetch(conn, """
        SELECT c.oid, n.nspname::text, c.relname::text, c.relkind, c.relrowsecurity, c.relforcerowsecurity,
               c.reltuples,
               CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
               (SELECT pn.nspname || '.' || p.relname
                  FROM pg_inherits i
                  JOIN pg_class p ON p.oid = i.inhparent
                  JOIN pg_namespace pn ON pn.oid = p.relnamespace
                 WHERE c.relispartition AND i.inhrelid = c.oid),
               CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY(%(schemas)s)""", {"schemas": schemas})
    return {
        oid: Table(schema_name=schema, name=name, kind="partitioned" if kind == "p" else "table",
                   partition_key=part_key, partition_of=parent, partition_bound=bound, columns=[],
                   rls_enabled=rls, rls_forced=forced, row_estimate=max(0, int(tuples)))
        for oid, schema, name, kind, rls, forced, tuples, part_key, parent, bound in rows
    }


@dataclass(frozen=True)
class _PgType:
    oid: int
    schema: str
    name: str
    typtype: str
    category: str
    elem: int
    base: int
    typmod: int
    not_null: bool
    is_array: bool
    base_format: str | None
    default: str | None
    labels: list[str]
    checks: list[str]
    used: bool                     # reached from a snapshot column (directly, as element or as domain base)

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


def _types(conn: psycopg.Connection, rel_oids: list[int], schemas: list[str]) -> dict[int, _PgType]:
    """Column types plus every enum/domain of the selected schemas, closed over array elements and domain bases."""
    rows = _fetch(conn, """
        WITH RECURSIVE wanted(oid, used) AS (
            SELECT a.atttypid, true FROM pg_attribute a
             WHERE a.attrelid = ANY(%(rels)s::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
            UNION
            SELECT t.oid, false FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
             WHERE t.typtype IN ('e', 'd') AND n.nspname = ANY(%(schemas)s)
            UNION
            SELECT ref.oid, w.used FROM wanted w
              JOIN pg_type t ON t.oid = w.oid
              CROSS JOIN LATERAL (VALUES (t.typelem), (t.typbasetype)) ref(oid)
             WHERE ref.oid <> 0
        )
        SELECT t.oid, n.nspname::text, t.typname::text, t.typtype, t.typcategory, t.typelem, t.typbasetype,
               t.typtypmod, t.typnotnull, t.typtype = 'b' AND t.typelem <> 0 AND t.typlen = -1,
               CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END,
               t.typdefault,
               ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder),
               ARRAY(SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
                      WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname),
               w.used
        FROM (SELECT oid, bool_or(used) AS used FROM wanted GROUP BY oid) w
        JOIN pg_type t ON t.oid = w.oid
        JOIN pg_namespace n ON n.oid = t.typnamespace""", {"rels": rel_oids, "schemas": schemas})
    return {row[0]: _PgType(*row) for row in rows}


def _attach_columns(conn: psycopg.Connection, tables: dict[int, Table], types: dict[int, _PgType]) -> None:
    rows = _fetch(conn, """
        SELECT a.attrelid, a.attnum, a.attname::text, format_type(a.atttypid, a.atttypmod), a.atttypid,
               a.atttypmod, a.attnotnull, a.attidentity, a.attgenerated, pg_get_expr(d.adbin, d.adrelid)
        FROM pg_attribute a
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = ANY(%(rels)s::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attrelid, a.attnum""", {"rels": list(tables)})
    for relid, attnum, name, data_type, type_oid, typmod, not_null, identity, generated, default in rows:
        tables[relid].columns.append(_column(
            types, name=name, position=attnum, data_type=data_type, type_oid=type_oid, typmod=typmod,
            not_null=not_null, identity=identity, generated=generated, default=default,
        ))


def _column(types: dict[int, _PgType], *, name: str, position: int, data_type: str, type_oid: int,
            typmod: int, not_null: bool, identity: str, generated: str, default: str | None) -> Column:
    """One column with its type resolved through arrays and domains."""
    named, base, domains, is_array = _resolve_type(types, type_oid)
    if typmod < 0:
        typmod = next((d.typmod for d in domains if d.typmod >= 0), -1)
    max_length, precision, scale = _typmod_details(base.name, typmod)
    return Column(
        name=name,
        position=position,
        data_type=data_type,
        type_schema=named.schema,
        type_name=named.name,
        type_category=base.category,
        base_type_name=base.name,
        is_array=is_array,
        not_null=not_null or any(d.not_null for d in domains),
        default=None if generated else default,
        identity={"a": "always", "d": "by_default"}.get(identity, ""),
        generated=bool(generated),
        generation_expression=default if generated else None,
        max_length=max_length,
        numeric_precision=precision,
        numeric_scale=scale,
        enum_labels=list(base.labels) if base.typtype == "e" else None,
        domain=domains[0].qualified if domains else None,
    )


def _resolve_type(types: dict[int, _PgType], type_oid: int) -> tuple[_PgType, _PgType, list[_PgType], bool]:
    """(element type as named, its base after domains, the domains passed through, is_array)."""
    named = types[type_oid]
    is_array = named.is_array
    if is_array:
        named = types[named.elem]
    base, domains = named, []
    while base.typtype == "d" or (base.is_array and not is_array):
        if base.typtype == "d":
            domains.append(base)
            base = types[base.base]
        else:  # a domain over an array type
            is_array = True
            base = types[base.elem]
    return named, base, domains, is_array


def _typmod_details(base_name: str, typmod: int) -> tuple[int | None, int | None, int | None]:
    """(max_length, numeric_precision, numeric_scale) decoded from a type modifier."""
    if typmod < 0:
        return None, None, None
    if base_name in ("varchar", "bpchar"):
        return typmod - _VARHDRSZ, None, None
    if base_name in ("bit", "varbit"):
        return typmod, None, None
    if base_name == "numeric":
        packed = typmod - _VARHDRSZ
        # the scale is an 11-bit two's complement number since PG15 (negative scales are allowed)
        return None, (packed >> 16) & 0xFFFF, ((packed & 0x7FF) ^ 1024) - 1024
    return None, None, None


# --- constraints and indexes ----------------------------------------------------------------------

def _attach_constraints(conn: psycopg.Connection, tables: dict[int, Table]) -> None:
    """Primary keys, foreign keys, unique and check constraints."""
    version = conn.info.server_version
    nulls_not_distinct = "COALESCE(i.indnullsnotdistinct, false)" if version >= 150000 else "false"
    rows = _fetch(conn, f"""
        SELECT con.conrelid, con.conname::text, con.contype,
               ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                       JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord),
               rn.nspname::text, rc.relname::text,
               ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
                       JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord),
               con.confdeltype, con.confupdtype, con.condeferrable, con.condeferred, con.confmatchtype,
               pg_get_constraintdef(con.oid), {nulls_not_distinct}
        FROM pg_constraint con
        LEFT JOIN pg_class rc ON rc.oid = con.confrelid
        LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
        LEFT JOIN pg_index i ON i.indexrelid = con.conindid
        WHERE con.conrelid = ANY(%(rels)s::oid[]) AND con.contype IN ('p', 'u', 'f', 'c')
          -- an FK to a partitioned table is repeated once per referenced partition; keep only the original
          AND NOT EXISTS (SELECT 1 FROM pg_constraint parent
                           WHERE parent.oid = con.conparentid AND parent.conrelid = con.conrelid)
        ORDER BY con.conrelid, con.conname""", {"rels": list(tables)})
    for (relid, name, kind, columns, ref_schema, ref_table, ref_columns, on_delete, on_update,
         deferrable, deferred, match, definition, nnd) in rows:
        table = tables[relid]
        if kind == "p":
            table.primary_key = PrimaryKey(name=name, columns=columns)
        elif kind == "u":
            table.unique_constraints.append(UniqueConstraint(name=name, columns=columns, nulls_not_distinct=nnd))
        elif kind == "c":
            table.checks.append(CheckConstraint(name=name, expression=definition, columns=columns))
        else:
            table.foreign_keys.append(ForeignKey(
                name=name, columns=columns, ref_schema=ref_schema, ref_table=ref_table, ref_columns=ref_columns,
                on_delete=_FK_ACTIONS[on_delete], on_update=_FK_ACTIONS[on_update], deferrable=deferrable,
                initially_deferred=deferred, match_full=match == "f",
            ))


def _lift_partition_foreign_keys(tables: dict[int, Table]) -> None:
    """Foreign keys declared on partitions (not on the partitioned table) also go on the partition root.

    Rows are written through the root, so its plan must see them: they order the load and generated rows
    satisfy them. A key that several partitions declare alike (one per monthly partition) is lifted once,
    under the first partition's constraint name; the root's own keys (cloned onto every partition) are not
    lifted again. The partitions keep their keys as declared.
    """
    by_name = {t.qualified: t for t in tables.values()}

    def root_of(table: Table) -> Table:
        seen = {table.qualified}
        while table.partition_of and table.partition_of in by_name and table.partition_of not in seen:
            table = by_name[table.partition_of]
            seen.add(table.qualified)
        return table

    lifted: dict[tuple, ForeignKey] = {}
    for partition in sorted((t for t in tables.values() if t.partition_of), key=lambda t: (t.schema_name, t.name)):
        root = root_of(partition)
        if root is partition:
            continue
        own = {(tuple(fk.columns), fk.ref_qualified, tuple(fk.ref_columns)) for fk in root.foreign_keys
               if not fk.declared_on}
        for fk in partition.foreign_keys:
            shape = (tuple(fk.columns), fk.ref_qualified, tuple(fk.ref_columns))
            if shape in own or not all(root.column(c) for c in fk.columns):
                continue
            key = (root.qualified, *shape)
            if key not in lifted:
                lifted[key] = fk.model_copy(update={"declared_on": []})
                root.foreign_keys.append(lifted[key])
            lifted[key].declared_on.append(partition.qualified)


# an index's key columns (NULL for an expression) and every key's text, in key order, for `pg_index i`
_INDEX_KEYS = """ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)
                       LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num AND k.num <> 0
                      WHERE k.ord <= i.indnkeyatts ORDER BY k.ord),
               ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
                       FROM generate_series(1, i.indnkeyatts) k ORDER BY k)"""


def _attach_unique_indexes(conn: psycopg.Connection, tables: dict[int, Table]) -> None:
    """Unique indexes that do not back a PK/UNIQUE/EXCLUDE constraint."""
    rows = _fetch(conn, f"""
        SELECT i.indrelid, ic.relname::text,
               {_INDEX_KEYS},
               pg_get_expr(i.indpred, i.indrelid),
               pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE i.indrelid = ANY(%(rels)s::oid[]) AND i.indisunique
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                           WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid
                             AND c.contype IN ('p', 'u', 'x'))
        ORDER BY i.indrelid, ic.relname""", {"rels": list(tables)})
    for relid, name, columns, expressions, predicate, definition in rows:
        tables[relid].unique_indexes.append(Index(
            name=name, columns=columns, expressions=expressions, predicate=predicate, definition=definition,
        ))


def _attach_exclusions(conn: psycopg.Connection, tables: dict[int, Table]) -> None:
    """EXCLUDE constraints, key by key: the column (or expression) and the operator it is compared with."""
    rows = _fetch(conn, f"""
        SELECT con.conrelid, con.conname::text,
               {_INDEX_KEYS},
               ARRAY(SELECT o.oprname::text FROM unnest(con.conexclop) WITH ORDINALITY x(op, ord)
                       JOIN pg_operator o ON o.oid = x.op ORDER BY x.ord),
               pg_get_expr(i.indpred, i.indrelid)
        FROM pg_constraint con
        JOIN pg_index i ON i.indexrelid = con.conindid
        WHERE con.conrelid = ANY(%(rels)s::oid[]) AND con.contype = 'x'
        ORDER BY con.conrelid, con.conname""", {"rels": list(tables)})
    for relid, name, columns, expressions, operators, predicate in rows:
        tables[relid].exclusions.append(Exclusion(name=name, columns=columns, expressions=expressions,
                                                  operators=operators, predicate=predicate))


# --- triggers and policies ------------------------------------------------------------------------

def _attach_triggers(conn: psycopg.Connection, tables: dict[int, Table]) -> None:
    rows = _fetch(conn, """
        SELECT t.tgrelid, t.tgname::text, t.tgtype, t.tgenabled, t.tgqual IS NOT NULL,
               pg_get_triggerdef(t.oid, true), pn.nspname::text, p.proname::text, p.prosrc, p.proconfig
        FROM pg_trigger t
        JOIN pg_proc p ON p.oid = t.tgfoid
        JOIN pg_namespace pn ON pn.oid = p.pronamespace
        WHERE t.tgrelid = ANY(%(rels)s::oid[]) AND NOT t.tgisinternal
        ORDER BY t.tgrelid, t.tgname""", {"rels": list(tables)})
    if not rows:
        return
    known = _relation_names(conn)
    for relid, name, tgtype, enabled, has_when, definition, fn_schema, fn_name, body, config in rows:
        tables[relid].triggers.append(Trigger(
            name=name,
            timing=_trigger_timing(tgtype),
            events=_trigger_events(tgtype),
            for_each_row=bool(tgtype & _TG_ROW),
            when=_trigger_when(definition) if has_when else None,
            function=f"{fn_schema}.{fn_name}",
            inserts_into=inserted_tables(body or "", _search_path(config), known),
            enabled=enabled != "D",
            body=body or "",
        ))


def _attach_rules(conn: psycopg.Connection, tables: dict[int, Table]) -> None:
    rows = _fetch(conn, """
        SELECT r.ev_class, r.rulename::text, r.ev_type::text, r.is_instead, pg_get_ruledef(r.oid)
        FROM pg_rewrite r
        WHERE r.ev_class = ANY(%(rels)s::oid[]) AND r.rulename <> '_RETURN'
        ORDER BY r.ev_class, r.rulename""", {"rels": list(tables)})
    if not rows:
        return
    known = _relation_names(conn)
    events = {"1": "SELECT", "2": "UPDATE", "3": "INSERT", "4": "DELETE"}
    for relid, name, event, instead, definition in rows:
        # pg_get_ruledef qualifies names outside the search path, so the default path resolves the rest
        tables[relid].rules.append(Rule(name=name, event=events[event], instead=bool(instead),
                                        inserts_into=inserted_tables(definition or "", ["public"], known)))


def _trigger_timing(tgtype: int) -> str:
    if tgtype & _TG_INSTEAD:
        return "INSTEAD OF"
    return "BEFORE" if tgtype & _TG_BEFORE else "AFTER"


def _trigger_events(tgtype: int) -> list[str]:
    bits = [(_TG_INSERT, "INSERT"), (_TG_UPDATE, "UPDATE"), (_TG_DELETE, "DELETE"), (_TG_TRUNCATE, "TRUNCATE")]
    return [event for bit, event in bits if tgtype & bit]


def _trigger_when(definition: str) -> str | None:
    """The WHEN condition out of pg_get_triggerdef, which prints it as `WHEN (cond) EXECUTE ...`."""
    start = definition.find(" WHEN (", definition.find(" FOR EACH "))
    end = definition.rfind(") EXECUTE ")
    if start < 0 or end < start:
        return None
    return definition[start + len(" WHEN ("):end]


def _relation_names(conn: psycopg.Connection) -> set[str]:
    """Every table-like relation as "schema.name", to resolve unqualified names against a search_path."""
    rows = _fetch(conn, """
        SELECT n.nspname::text, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')""")
    return {f"{schema}.{name}" for schema, name in rows}


def _search_path(config: list[str] | None) -> list[str]:
    """The schemas of a function's `SET search_path`, else ["public"]."""
    setting = next((item.split("=", 1)[1] for item in config or [] if item.startswith("search_path=")), None)
    if setting is None:
        return ["public"]
    schemas = [_unquote(part.strip()) for part in setting.split(",") if part.strip()]
    return [s for s in schemas if s and s not in ("$user", "pg_temp")] or ["public"]


_IDENT = r'(?:"(?:[^"]|"")+"|[^\W\d][\w$]*)'
_INSERT_INTO = re.compile(rf"\bINSERT\s+INTO\s+({_IDENT})(?:\s*\.\s*({_IDENT}))?", re.IGNORECASE)
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)


def _unquote(identifier: str) -> str:
    if identifier.startswith('"') and identifier.endswith('"') and len(identifier) >= 2:
        return identifier[1:-1].replace('""', '"')
    return identifier.lower()


def inserted_tables(body: str, search_path: list[str], known: Iterable[str] = ()) -> list[str]:
    """Sorted unique "schema.table" names a function body INSERTs INTO."""
    known = set(known)
    found = set()
    for first, second in _INSERT_INTO.findall(_COMMENTS.sub(" ", body)):
        if second:
            found.add(f"{_unquote(first)}.{_unquote(second)}")
            continue
        name = _unquote(first)
        candidates = [f"{schema}.{name}" for schema in search_path if schema != "pg_catalog"] or [f"public.{name}"]
        found.add(next((c for c in candidates if c in known), candidates[0]))
    return sorted(found)


def _attach_policies(conn: psycopg.Connection, tables: dict[int, Table]) -> None:
    rows = _fetch(conn, """
        SELECT p.polrelid, p.polname::text, p.polcmd, p.polpermissive,
               ARRAY(SELECT CASE WHEN r.oid = 0 THEN 'public' ELSE pg_get_userbyid(r.oid)::text END
                       FROM unnest(p.polroles) r(oid) ORDER BY 1),
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
        FROM pg_policy p
        WHERE p.polrelid = ANY(%(rels)s::oid[])
        ORDER BY p.polrelid, p.polname""", {"rels": list(tables)})
    for relid, name, command, permissive, roles, using, with_check in rows:
        tables[relid].policies.append(Policy(
            name=name, command=_POLICY_COMMANDS[command], permissive=permissive, roles=roles,
            using=using, with_check=with_check,
        ))


# --- other objects --------------------------------------------------------------------------------

def _views(conn: psycopg.Connection, schemas: list[str]) -> list[View]:
    rows = _fetch(conn, """
        SELECT n.nspname::text, c.relname::text, c.relkind = 'm'
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('v', 'm') AND n.nspname = ANY(%(schemas)s)""", {"schemas": schemas})
    return sorted((View(schema_name=s, name=n, materialized=m) for s, n, m in rows),
                  key=lambda v: (v.schema_name, v.name))


def _sequences(conn: psycopg.Connection, schemas: list[str]) -> list[Sequence]:
    rows = _fetch(conn, """
        SELECT n.nspname::text, c.relname::text, format_type(s.seqtypid, NULL), s.seqincrement,
               (SELECT tn.nspname || '.' || tc.relname || '.' || a.attname
                  FROM pg_depend d
                  JOIN pg_class tc ON tc.oid = d.refobjid
                  JOIN pg_namespace tn ON tn.oid = tc.relnamespace
                  JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                 WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                   AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
                 LIMIT 1)
        FROM pg_sequence s
        JOIN pg_class c ON c.oid = s.seqrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY(%(schemas)s)""", {"schemas": schemas})
    return sorted((Sequence(schema_name=s, name=n, data_type=t, increment=inc, owned_by=owner)
                   for s, n, t, inc, owner in rows), key=lambda q: (q.schema_name, q.name))


def _wanted_types(types: dict[int, _PgType], typtype: str, schemas: list[str]) -> list[_PgType]:
    """Types of a kind in the selected schemas or used by a snapshot column, ordered by schema and name."""
    picked = [t for t in types.values() if t.typtype == typtype and (t.schema in schemas or t.used)]
    return sorted(picked, key=lambda t: (t.schema, t.name))


def _enums(types: dict[int, _PgType], schemas: list[str]) -> list[EnumType]:
    return [EnumType(schema_name=t.schema, name=t.name, labels=list(t.labels))
            for t in _wanted_types(types, "e", schemas)]


def _domains(types: dict[int, _PgType], schemas: list[str]) -> list[Domain]:
    return [Domain(schema_name=t.schema, name=t.name, base_type=t.base_format or "", not_null=t.not_null,
                   default=t.default, checks=list(t.checks))
            for t in _wanted_types(types, "d", schemas)]
