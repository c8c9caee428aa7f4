"""Schema snapshot introspection against real databases (embedded PG18, plus $SUPASEED_TEST_DATABASE_URL)."""

from __future__ import annotations

import importlib.util

import pytest

from supaseed_pipeline.db.connect import connect
from supaseed_pipeline.errors import ConfigError
from supaseed_pipeline.snapshot.introspect import inserted_tables, take_snapshot
from supaseed_pipeline.snapshot.models import SchemaSnapshot

HARD_SCHEMA = """
CREATE SCHEMA app;
CREATE SCHEMA extensions;
CREATE TABLE extensions.ext_thing (id int PRIMARY KEY);

CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN public.positive_int AS integer NOT NULL CHECK (VALUE > 0);
CREATE DOMAIN public.short_code AS varchar(8);

CREATE TABLE public.regions (
    country char(2) NOT NULL,
    code text NOT NULL,
    name varchar(100),
    PRIMARY KEY (country, code)
);
CREATE TABLE public.stores (
    id serial PRIMARY KEY,
    country char(2) NOT NULL,
    region_code text NOT NULL,
    ext_id int REFERENCES extensions.ext_thing (id),
    CONSTRAINT stores_region_fkey FOREIGN KEY (country, region_code)
        REFERENCES public.regions (country, code) MATCH FULL ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE TABLE public.employees (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    manager_id bigint REFERENCES public.employees (id) ON DELETE SET NULL,
    email text NOT NULL,
    is_active boolean NOT NULL DEFAULT true,
    mood public.mood,
    moods public.mood[],
    tags text[] NOT NULL DEFAULT '{}',
    price numeric(10, 2) CHECK (price >= 0),
    quantity public.positive_int,
    code public.short_code,
    flags bit(4),
    first_name text,
    last_name text,
    full_name text GENERATED ALWAYS AS (first_name || ' ' || last_name) STORED
);
CREATE UNIQUE INDEX employees_email_lower_key ON public.employees (lower(email));
CREATE UNIQUE INDEX employees_active_email_key ON public.employees (email) WHERE is_active;

CREATE TABLE public.a (id int PRIMARY KEY, b_id int);
CREATE TABLE public.b (id int PRIMARY KEY, a_id int NOT NULL REFERENCES public.a (id));
ALTER TABLE public.a ADD CONSTRAINT a_b_fkey FOREIGN KEY (b_id) REFERENCES public.b (id)
    DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE app.events (
    id bigint NOT NULL,
    happened_on date NOT NULL,
    payload jsonb,
    PRIMARY KEY (id, happened_on)
) PARTITION BY RANGE (happened_on);
CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE app.events_2025 PARTITION OF app.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE VIEW public.active_employees AS SELECT * FROM public.employees WHERE is_active;
CREATE MATERIALIZED VIEW public.employee_counts AS SELECT count(*) AS n FROM public.employees;

CREATE TABLE app.audit_log (id serial PRIMARY KEY, note text);
CREATE FUNCTION app.log_employee() RETURNS trigger LANGUAGE plpgsql SET search_path = app, public AS $$
BEGIN
    -- insert into ignored_comment (x) values (1);
    INSERT INTO audit_log (note) VALUES ('employee ' || NEW.id);
    insert   into  "public"."Café Orders" ("Größe") VALUES (1);
    RETURN NEW;
END $$;
CREATE TRIGGER employees_audit AFTER INSERT OR UPDATE ON public.employees
    FOR EACH ROW WHEN (NEW.is_active) EXECUTE FUNCTION app.log_employee();
CREATE TRIGGER employees_audit_stmt BEFORE DELETE ON public.employees
    FOR EACH STATEMENT EXECUTE FUNCTION app.log_employee();
ALTER TABLE public.employees DISABLE TRIGGER employees_audit_stmt;

ALTER TABLE public.employees ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.employees FORCE ROW LEVEL SECURITY;
CREATE POLICY employees_self ON public.employees AS RESTRICTIVE FOR UPDATE TO postgres
    USING (is_active) WITH CHECK (email <> '');
CREATE POLICY employees_read ON public.employees FOR SELECT USING (true);

CREATE TABLE public."Café Orders" (
    "Order ID" int PRIMARY KEY,
    "Größe" int,
    "MixedCase" text UNIQUE
);
"""


@pytest.fixture
def hard_snapshot(fresh_db) -> SchemaSnapshot:
    with connect(fresh_db) as conn:
        conn.execute(HARD_SCHEMA)
        conn.commit()
        return take_snapshot(conn)


def test_schemas_tables_and_exclusions(hard_snapshot):
    assert hard_snapshot.schemas == ["app", "public"]
    names = [t.qualified for t in hard_snapshot.tables]
    assert names == sorted(names, key=lambda q: tuple(q.split(".", 1)))
    assert "extensions.ext_thing" not in names
    assert "public.active_employees" not in names
    ext_fk = next(fk for fk in hard_snapshot.table("public.stores").foreign_keys if fk.columns == ["ext_id"])
    assert ext_fk.ref_qualified == "extensions.ext_thing"
    assert hard_snapshot.server_version


def test_composite_keys(hard_snapshot):
    regions = hard_snapshot.table("public.regions")
    assert regions.primary_key.columns == ["country", "code"]
    assert regions.column("country").max_length == 2
    assert regions.column("name").max_length == 100
    fk = next(fk for fk in hard_snapshot.table("public.stores").foreign_keys if fk.name == "stores_region_fkey")
    assert fk.columns == ["country", "region_code"]
    assert fk.ref_qualified == "public.regions" and fk.ref_columns == ["country", "code"]
    assert (fk.on_delete, fk.on_update, fk.match_full, fk.deferrable) == ("CASCADE", "CASCADE", True, False)


def test_self_reference_and_cycle(hard_snapshot):
    (manager,) = hard_snapshot.table("public.employees").foreign_keys
    assert manager.ref_qualified == "public.employees" and manager.columns == ["manager_id"]
    assert manager.on_delete == "SET NULL"
    (a_fk,) = hard_snapshot.table("public.a").foreign_keys
    (b_fk,) = hard_snapshot.table("public.b").foreign_keys
    assert a_fk.ref_qualified == "public.b" and b_fk.ref_qualified == "public.a"
    assert a_fk.deferrable and a_fk.initially_deferred and a_fk.on_delete == "NO ACTION"
    assert not hard_snapshot.table("public.a").column("b_id").not_null
    assert hard_snapshot.table("public.b").column("a_id").not_null


def test_unique_indexes(hard_snapshot):
    employees = hard_snapshot.table("public.employees")
    indexes = {i.name: i for i in employees.unique_indexes}
    assert set(indexes) == {"employees_active_email_key", "employees_email_lower_key"}
    lower = indexes["employees_email_lower_key"]
    assert lower.columns == [None] and lower.expressions == ["lower(email)"] and lower.predicate is None
    assert lower.definition.startswith("CREATE UNIQUE INDEX employees_email_lower_key")
    partial = indexes["employees_active_email_key"]
    assert partial.columns == ["email"] and partial.expressions == ["email"]
    assert partial.predicate == "is_active"
    assert "WHERE is_active" in partial.definition


def test_column_types(hard_snapshot):
    employees = hard_snapshot.table("public.employees")
    assert [c.position for c in employees.columns] == list(range(1, len(employees.columns) + 1))
    ident = employees.column("id")
    assert (ident.identity, ident.default, ident.type_name, ident.not_null) == ("always", None, "int8", True)
    mood = employees.column("mood")
    assert (mood.type_category, mood.enum_labels, mood.is_array) == ("E", ["sad", "ok", "happy"], False)
    moods = employees.column("moods")
    assert moods.is_array and moods.type_name == "mood" and moods.enum_labels == ["sad", "ok", "happy"]
    assert moods.data_type == "mood[]"
    tags = employees.column("tags")
    assert (tags.is_array, tags.type_schema, tags.type_name, tags.type_category) == (True, "pg_catalog", "text", "S")
    assert tags.data_type == "text[]" and tags.default == "'{}'::text[]"
    price = employees.column("price")
    assert (price.numeric_precision, price.numeric_scale, price.type_category) == (10, 2, "N")
    assert employees.column("is_active").default == "true"
    assert employees.column("flags").max_length == 4


def test_domains_and_enums(hard_snapshot):
    employees = hard_snapshot.table("public.employees")
    quantity = employees.column("quantity")
    assert quantity.domain == "public.positive_int"
    assert (quantity.type_name, quantity.base_type_name, quantity.type_category) == ("positive_int", "int4", "N")
    assert quantity.not_null
    code = employees.column("code")
    assert code.base_type_name == "varchar" and code.max_length == 8 and not code.not_null
    domain = hard_snapshot.domain("public.positive_int")
    assert domain.base_type == "integer" and domain.not_null and domain.checks == ["CHECK ((VALUE > 0))"]
    assert hard_snapshot.domain("public.short_code").base_type == "character varying(8)"
    assert [(e.schema_name, e.name, e.labels) for e in hard_snapshot.enums] == [
        ("public", "mood", ["sad", "ok", "happy"])]


def test_generated_identity_serial_sequences(hard_snapshot):
    full_name = hard_snapshot.table("public.employees").column("full_name")
    assert full_name.generated and full_name.default is None
    assert "first_name" in full_name.generation_expression and "last_name" in full_name.generation_expression
    stores_id = hard_snapshot.table("public.stores").column("id")
    assert stores_id.default == "nextval('stores_id_seq'::regclass)" and stores_id.identity == ""
    sequences = {s.name: s for s in hard_snapshot.sequences}
    assert sequences["stores_id_seq"].owned_by == "public.stores.id"
    assert sequences["stores_id_seq"].data_type == "integer"
    assert sequences["employees_id_seq"].owned_by == "public.employees.id"
    assert sequences["audit_log_id_seq"].schema_name == "app"


def test_checks(hard_snapshot):
    (check,) = hard_snapshot.table("public.employees").checks
    assert check.expression == "CHECK ((price >= (0)::numeric))" and check.columns == ["price"]


def test_partitions(hard_snapshot):
    events = hard_snapshot.table("app.events")
    assert events.kind == "partitioned" and events.partition_key == "RANGE (happened_on)"
    assert events.primary_key.columns == ["id", "happened_on"]
    part = hard_snapshot.table("app.events_2024")
    assert part.kind == "table" and part.partition_of == "app.events"
    assert part.partition_bound == "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"
    assert hard_snapshot.table("app.events_2025").partition_of == "app.events"
    assert hard_snapshot.table("public.regions").partition_of is None


def test_views(hard_snapshot):
    assert [(v.schema_name, v.name, v.materialized) for v in hard_snapshot.views] == [
        ("public", "active_employees", False), ("public", "employee_counts", True)]


def test_triggers(hard_snapshot):
    triggers = {t.name: t for t in hard_snapshot.table("public.employees").triggers}
    row = triggers["employees_audit"]
    assert (row.timing, row.events, row.for_each_row, row.enabled) == ("AFTER", ["INSERT", "UPDATE"], True, True)
    assert row.when == "new.is_active"
    assert row.function == "app.log_employee"
    assert row.inserts_into == ["app.audit_log", "public.Café Orders"]
    stmt = triggers["employees_audit_stmt"]
    assert (stmt.timing, stmt.events, stmt.for_each_row, stmt.enabled, stmt.when) == (
        "BEFORE", ["DELETE"], False, False, None)


def test_rls_and_policies(hard_snapshot):
    employees = hard_snapshot.table("public.employees")
    assert employees.rls_enabled and employees.rls_forced
    assert not hard_snapshot.table("public.regions").rls_enabled
    read, update = employees.policies
    assert (read.name, read.command, read.permissive, read.roles, read.using, read.with_check) == (
        "employees_read", "SELECT", True, ["public"], "true", None)
    assert (update.name, update.command, update.permissive, update.roles) == (
        "employees_self", "UPDATE", False, ["postgres"])
    assert update.using == "is_active" and update.with_check == "(email <> ''::text)"


def test_quoted_names(hard_snapshot):
    orders = hard_snapshot.table("public.Café Orders")
    assert [c.name for c in orders.columns] == ["Order ID", "Größe", "MixedCase"]
    assert orders.primary_key.columns == ["Order ID"]
    assert [(u.columns, u.nulls_not_distinct) for u in orders.unique_constraints] == [(["MixedCase"], False)]


def test_explicit_and_excluded_schemas(fresh_db):
    with connect(fresh_db) as conn:
        conn.execute(HARD_SCHEMA)
        only_app = take_snapshot(conn, schemas=["app"])
        assert only_app.schemas == ["app"] and {t.schema_name for t in only_app.tables} == {"app"}
        assert take_snapshot(conn, schemas=["extensions"]).table("extensions.ext_thing")
        assert take_snapshot(conn, exclude_schemas=["app"]).schemas == ["public"]
        with pytest.raises(ConfigError, match="nope"):
            take_snapshot(conn, schemas=["nope"])


def test_nulls_not_distinct(fresh_db):
    with connect(fresh_db) as conn:
        conn.execute("CREATE TABLE t (a int, b int, CONSTRAINT t_a_key UNIQUE NULLS NOT DISTINCT (a),"
                     " CONSTRAINT t_b_key UNIQUE (b))")
        (a_key, b_key) = take_snapshot(conn).table("public.t").unique_constraints
    assert (a_key.name, a_key.nulls_not_distinct) == ("t_a_key", True)
    assert (b_key.name, b_key.nulls_not_distinct) == ("t_b_key", False)


def test_fk_to_partitioned_table_listed_once(fresh_db):
    with connect(fresh_db) as conn:
        conn.execute("""
            CREATE TABLE p (id int PRIMARY KEY) PARTITION BY RANGE (id);
            CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);
            CREATE TABLE p2 PARTITION OF p FOR VALUES FROM (10) TO (20);
            CREATE TABLE child (id int PRIMARY KEY, p_id int REFERENCES p (id));""")
        snapshot = take_snapshot(conn)
    assert [(fk.ref_table, fk.columns) for fk in snapshot.table("public.child").foreign_keys] == [("p", ["p_id"])]
    assert [t.name for t in snapshot.tables] == ["child", "p", "p1", "p2"]


def test_inserted_tables_parsing():
    body = '''
        INSERT INTO profiles (id) VALUES (new.id);
        insert into public.accounts values (1);
        INSERT INTO "Auth"."Weird ""Name""" SELECT 1;
        INSERT INTO private . "Logs" VALUES (2);
        insert into profiles (id) values (2);
        /* INSERT INTO commented_out VALUES (1); */
    '''
    assert inserted_tables(body, ["app"], {"public.profiles"}) == [
        'Auth.Weird "Name"', "app.profiles", "private.Logs", "public.accounts"]
    assert "public.profiles" in inserted_tables(body, ["app", "public"], {"public.profiles"})
    assert inserted_tables("select 1", ["public"]) == []


def test_fingerprint_stable_and_sensitive(fresh_db):
    with connect(fresh_db, autocommit=True) as conn:
        conn.execute(HARD_SCHEMA)
        first = take_snapshot(conn)
        assert take_snapshot(conn).fingerprint == first.fingerprint
        restored = SchemaSnapshot.from_json(first.to_json())
        assert restored == first and restored.fingerprint == first.fingerprint
        conn.execute("INSERT INTO public.regions SELECT 'DE', 'r' || g, 'n' FROM generate_series(1, 500) g")
        conn.execute("ANALYZE")
        analyzed = take_snapshot(conn)
        assert analyzed.table("public.regions").row_estimate == 500
        assert analyzed.fingerprint == first.fingerprint
        conn.execute("ALTER TABLE public.regions ADD COLUMN population int")
        assert take_snapshot(conn).fingerprint != first.fingerprint


@pytest.mark.skipif(importlib.util.find_spec("supaseed_pipeline.demo") is None,
                    reason="the demo schema module does not exist yet")
def test_demo_schema(demo_db):
    with connect(demo_db) as conn:
        snapshot = take_snapshot(conn)
    assert "auth" in snapshot.schemas and "public" in snapshot.schemas
    users = snapshot.table("auth.users")
    assert users.column("confirmed_at").generated
    indexes = {i.name: i for i in users.unique_indexes}
    assert indexes["users_email_partial_key"].predicate
    token_indexes = [i for name, i in indexes.items() if "token" in name]
    assert token_indexes and all(i.predicate for i in token_indexes)
    assert snapshot.table("auth.identities").column("email").generated
    accounts = snapshot.table("public.accounts")
    assert any("slug" in c.columns for c in accounts.checks)
    personal = next(i for i in accounts.unique_indexes if i.name == "unique_personal_account")
    assert personal.predicate
    trigger = next(t for t in users.triggers if t.name == "on_auth_user_created")
    assert "public.accounts" in trigger.inserts_into
    assert len(snapshot.table("public.accounts_memberships").primary_key.columns) == 2
    assert snapshot.table("public.config").primary_key is None


def test_a_dot_in_a_table_name_is_kept_and_a_dot_in_a_schema_name_is_named(fresh_db):
    """Table names are `schema.table` split at the first dot everywhere: a table whose own name holds a dot is
    found and addressed; a schema whose name holds one is refused by name when listed, and not chosen otherwise."""
    with connect(fresh_db) as conn:
        conn.execute('CREATE TABLE public."v1.events" (id int PRIMARY KEY, note text); '
                     'CREATE SCHEMA "my.app"; CREATE TABLE "my.app".things (id int PRIMARY KEY)')
        snapshot = take_snapshot(conn)
        assert snapshot.schemas == ["public"]
        assert snapshot.table("public.v1.events").name == "v1.events" and snapshot.table("v1.events") is None
        with pytest.raises(ConfigError, match=r"'my\.app' have a dot"):
            take_snapshot(conn, schemas=["public", "my.app"])
