"""Bad input of every kind: each case fails with one clear line naming what is wrong, and the target is untouched.

"Untouched" is checked against a fingerprint of every row of every table (the ledger included) and
whether the `supaseed` schema exists, taken before and after the failed attempt.
"""

from __future__ import annotations

import json
import socket
import uuid
from urllib.parse import urlparse

import dagster as dg
import pytest
from psycopg import sql

from supaseed_pipeline.db.connect import Target, connect
from supaseed_pipeline.errors import ConfigError, ConnectionFailed, ProductionGuardError, SupaseedError
from supaseed_pipeline.seed import api, verify
from supaseed_pipeline.settings import load_settings
from supaseed_pipeline.snapshot.introspect import take_snapshot

PASSWORD = "S3cretPw0rd"
SERVICE_KEY = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0c2VydmljZWtleQ.c2lnbmF0dXJlc2lnbmF0dXJl"
SECRET_PARTS = (PASSWORD, SERVICE_KEY, "c2VjcmV0c2VydmljZWtleQ", "c2lnbmF0dXJlc2lnbmF0dXJl")


def settings(**overrides):
    base = {"userCount": 5, "batchSize": 5, "setupsPerUser": 1, "rowsPerTable": 3}
    return load_settings(overrides={**base, **overrides}, environ={}, use_default_file=False)


def fingerprint(target: Target) -> dict:
    """Every row of every table (ledger included) and whether the ledger schema exists."""
    with connect(target) as conn:
        tables = conn.execute(
            "SELECT n.nspname::text, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', "
            "'information_schema') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2").fetchall()
        rows = {f"{s}.{t}": sorted(r[0] for r in conn.execute(
            sql.SQL("SELECT x::text FROM {} x").format(sql.Identifier(s, t)))) for s, t in tables}
        rows["(supaseed schema exists)"] = conn.execute("SELECT to_regnamespace('supaseed') IS NOT NULL").fetchone()[0]
        return rows


def one_line(message: str) -> None:
    assert message and "\n" not in message and "\r" not in message, message
    assert "Traceback" not in message and "File \"" not in message, message
    for secret in SECRET_PARTS:
        assert secret not in message, message


def assert_refused(target: Target, attempt, *expected: str, error: type[Exception] = SupaseedError) -> str:
    """Run the attempt; it must raise `error` with one line containing every expected text, changing nothing."""
    before = fingerprint(target)
    with pytest.raises(error) as caught:
        attempt()
    message = str(caught.value)
    one_line(message)
    for text in expected:
        assert text in message, f"{text!r} not in {message!r}"
    assert fingerprint(target) == before
    return message


def with_user(url: str, user: str, password: str | None = None) -> str:
    parsed = urlparse(url)
    host = parsed.netloc.rpartition("@")[2]
    return parsed._replace(netloc=f"{user}{':' + password if password is not None else ''}@{host}").geturl()


# ------------------------------------------------------------------------------------------ config

CONFIG_CASES = [
    pytest.param({"userCont": 5}, ["unknown key 'userCont'", "userCount"], id="unknown-key"),
    pytest.param({"tenants": {"teams": 3}}, ["unknown key 'tenants.teams'", "membersPerTenant"], id="unknown-nested-key"),
    pytest.param({"userCount": "lots"}, ["'userCount'", "lots"], id="wrong-type"),
    pytest.param({"allowedHosts": "db.example.com"}, ["'allowedHosts'"], id="wrong-type-list"),
    pytest.param({"userCount": -1}, ["'userCount'", "-1", "greater than or equal to 0"], id="negative-count"),
    pytest.param({"batchSize": 0}, ["'batchSize'", "greater than or equal to 1"], id="zero-batch"),
    pytest.param({"userCount": 10**12}, ["'userCount'", "1000000000000", "less than or equal"], id="huge-count"),
    pytest.param({"tables": {"setups": {"count": -5}}}, ["'tables.setups.count'"], id="negative-table-count"),
    pytest.param({"lockTimeoutSeconds": -1}, ["'lockTimeoutSeconds'"], id="negative-timeout"),
    pytest.param({"userStrategy": "borrow"}, ["'userStrategy'", "borrow"], id="unknown-strategy"),
    pytest.param({"domain": "underwater-basket-weaving"}, ["unknown domain 'underwater-basket-weaving'", "outdoor"],
                 id="unknown-domain"),
    pytest.param({"userStrategy": "hybrid", "additionalUsers": {"count": 2, "personas": ["space-pirate"]}},
                 ["additionalUsers.personas", "space-pirate", "gear-expert"], id="unknown-persona"),
    pytest.param({"schema": {"setupsTable": {"name": "trip_plans"}}}, ["schema.setupsTable", "trip_plans"],
                 id="mapping-missing-table"),
    pytest.param({"schema": {"setupsTable": {"userField": "owner_id"}}},
                 ["schema.setupsTable.userField", "owner_id", "public.setups"], id="mapping-missing-column"),
    pytest.param({"schema": {"primaryUserTable": "members"}}, ["schema.primaryUserTable", "members"],
                 id="mapping-missing-user-table"),
    pytest.param({"tables": {"public.trip_plans": {"count": 3}}}, ["tables.public.trip_plans"], id="unknown-table"),
    pytest.param({"tables": {"setups": {"columns": {"colour": {"value": "red"}}}}},
                 ["tables.setups.columns.colour", "public.setups", "title"], id="unknown-column-override"),
    pytest.param({"tables": {"setups": {"columns": {"title": {"value": "x", "pattern": "y{i}"}}}}},
                 ["tables.setups.columns.title", "value, pattern"], id="ambiguous-column-override"),
]


@pytest.mark.parametrize("overrides, expected", CONFIG_CASES)
def test_bad_config_is_one_line_and_changes_nothing(demo_db, overrides, expected):
    assert_refused(demo_db, lambda: api.seed(demo_db, settings(**overrides)), *expected)


def test_bad_environment_variable_names_the_key(demo_db):
    environ = {"SUPASEED_USER_COUNT": "a few"}
    assert_refused(demo_db, lambda: api.seed(demo_db, load_settings(environ=environ, use_default_file=False)),
                   "'userCount'", "a few", error=ConfigError)


def test_mapping_to_a_missing_email_column_on_a_plain_users_schema(fresh_db):
    with connect(fresh_db) as conn:
        conn.execute("CREATE TABLE users (id uuid PRIMARY KEY, email text NOT NULL UNIQUE, name text)")
        conn.commit()
    assert_refused(fresh_db, lambda: api.seed(fresh_db, settings(schema={"userTable": {"emailField": "mail"}})),
                   "schema.userTable.emailField", "'mail'", "public.users", error=ConfigError)


FILE_CASES = [
    pytest.param("supaseed.json", '{"userCount": 5,\n  "batchSize": }\n', ["malformed JSON", "line 2"], id="json"),
    pytest.param("supaseed.yaml", "userCount: 5\ntables:\n  setups: [count: 3\n", ["malformed YAML", "line"], id="yaml"),
    pytest.param("supaseed.yml", "- userCount\n- 5\n", ["top level must be an object"], id="yaml-list"),
    pytest.param("supaseed.yaml", "userCount: 5\nusercount: 6\n", ["unknown key 'usercount'"], id="yaml-unknown-key"),
    pytest.param("supaseed.json", '{"tables": {"setups": {"perParent": "many"}}}',
                 ["'tables.setups.perParent'", "many"], id="json-wrong-type"),
]


@pytest.mark.parametrize("name, text, expected", FILE_CASES)
def test_bad_config_file_names_the_file_and_the_place(tmp_path, name, text, expected):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(config_file=path, environ={})
    message = str(caught.value)
    one_line(message)
    assert str(path) in message
    for part in expected:
        assert part in message, message


def test_missing_config_file_is_named(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_settings(config_file=tmp_path / "nope.json", environ={})
    one_line(str(caught.value))
    assert "nope.json" in str(caught.value) and "not found" in str(caught.value)


# ------------------------------------------------------------------------------------------ schema

GENERATED_TYPES = ["money", "bytea", "inet", "cidr", "macaddr", "int4range", "numrange", "daterange", "tstzrange",
                   "tsvector", "interval", "point", "time", "timetz", "bit(1)", "varbit", "oid", "uuid[]", "text[]"]


def test_unusual_types_with_a_generator_seed_valid_values(fresh_db):
    columns = ", ".join(f"c{n} {t} NOT NULL" for n, t in enumerate(GENERATED_TYPES))
    with connect(fresh_db) as conn:
        conn.execute(f"CREATE TABLE odd (id int PRIMARY KEY, {columns})")
        conn.commit()
    results = api.seed(fresh_db, settings())
    assert sum(r.rows.get("public.odd", 0) for r in results) == 3
    with connect(fresh_db) as conn:
        snapshot = take_snapshot(conn)
        assert verify.constraint_violations(conn, snapshot, ["public.odd"]) == []
        for n, type_name in enumerate(GENERATED_TYPES):
            # every value survives a round trip through its type's input function
            distinct = conn.execute(sql.SQL("SELECT count(DISTINCT {c}::text), count(*) FILTER "
                                            "(WHERE {c}::text::{t}::text = {c}::text) FROM odd").format(
                c=sql.Identifier(f"c{n}"), t=sql.SQL(type_name))).fetchone()
            assert distinct[0] >= 1 and distinct[1] == 3, type_name


UNSUPPORTED = [
    ("pg_lsn", "0/16B3748"), ("txid_snapshot", "10:20:10,14,15"), ("regclass", "pg_class"), ("tsquery", "tent & stove"),
    ("box", "((0,0),(1,1))"), ("jsonpath", "$.gear[*]"), ("macaddr8", "08:00:2b:01:02:03:04:05"),
    ("int4multirange", "{[1,3)}"),
]


@pytest.mark.parametrize("type_name, value", UNSUPPORTED, ids=[u[0] for u in UNSUPPORTED])
def test_type_without_a_generator_names_the_column_and_the_override(fresh_db, type_name, value):
    with connect(fresh_db) as conn:
        conn.execute(f"CREATE TABLE odd (id int PRIMARY KEY, c {type_name} NOT NULL, note text)")
        conn.commit()
    assert_refused(fresh_db, lambda: api.seed(fresh_db, settings()),
                   "public.odd.c", type_name, "tables.public.odd.columns.c")
    # and the advice works
    override = {"tables": {"public.odd": {"columns": {"c": {"value": value}}}}}
    api.seed(fresh_db, settings(**override))
    with connect(fresh_db) as conn:
        rows = conn.execute(sql.SQL("SELECT c::text = {}::{}::text FROM odd").format(
            sql.Literal(value), sql.SQL(type_name))).fetchall()
    assert rows == [(True,)] * 3


def test_unsatisfiable_check_names_table_and_constraint(fresh_db):
    with connect(fresh_db) as conn:
        conn.execute("CREATE TABLE gauge (id int PRIMARY KEY, "
                     "reading int NOT NULL CONSTRAINT reading_impossible CHECK (reading > 10 AND reading < 5))")
        conn.commit()
    assert_refused(fresh_db, lambda: api.seed(fresh_db, settings()), "public.gauge", "reading_impossible")


def test_not_null_cycle_through_a_generated_key_is_skipped_and_named(fresh_db):
    with connect(fresh_db) as conn:
        conn.execute("""
            CREATE TABLE hen (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                              tag int GENERATED ALWAYS AS (id + 1000) STORED UNIQUE, egg_id int NOT NULL);
            CREATE TABLE egg (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, hen_id int NOT NULL REFERENCES hen (tag));
            ALTER TABLE hen ADD CONSTRAINT hen_egg_fk FOREIGN KEY (egg_id) REFERENCES egg;
            CREATE TABLE barn (id int PRIMARY KEY, name text NOT NULL);""")
        conn.commit()
    results = api.seed(fresh_db, settings())
    loaded = {t for r in results for t in r.rows}
    assert loaded == {"public.barn"}
    with connect(fresh_db) as conn:
        prepared = api.prepare(conn, settings())
        assert conn.execute("SELECT count(*) FROM hen").fetchone()[0] == 0
    for table in ("public.hen", "public.egg"):
        reason = prepared.engine.skipped[table]
        one_line(reason)
        assert "public.hen.egg_id" in reason and "public.egg.hen_id" in reason, reason


def test_empty_database_is_a_clear_error(fresh_db):
    assert_refused(fresh_db, lambda: api.seed(fresh_db, settings()), "no tables to seed")


def test_unknown_schema_in_schemas_is_named(fresh_db):
    with connect(fresh_db) as conn:
        conn.execute("CREATE SCHEMA app; CREATE TABLE app.things (id int PRIMARY KEY)")
        conn.commit()
    assert_refused(fresh_db, lambda: api.seed(fresh_db, settings(schemas=["nope"])), "schemas", "'nope'", "app",
                   error=ConfigError)


# ------------------------------------------------------------------------------------------ connection

@pytest.mark.parametrize("url, expected", [
    pytest.param(f"postgresql://app:{PASSWORD}@no-such-host.invalid/app", ["no-such-host.invalid:5432/app", "unknown host"],
                 id="unknown-host"),
    pytest.param(f"postgresql://app:{PASSWORD}@127.0.0.1:1/app", ["127.0.0.1:1/app", "connection refused"],
                 id="refused-port"),
])
def test_unreachable_target_is_named_without_the_password(url, expected):
    with pytest.raises(ConnectionFailed) as caught:
        api.seed(Target(url), settings(allowedHosts=[urlparse(url).hostname]))   # past the guard, to the connection
    message = str(caught.value)
    one_line(message)
    for text in expected:
        assert text in message, message


def test_missing_database_is_named(pg_server):
    missing = f"supaseed_t_missing_{uuid.uuid4().hex[:8]}"
    with pytest.raises(ConnectionFailed) as caught:
        api.seed(pg_server.with_database(missing), settings())
    one_line(str(caught.value))
    assert f"database '{missing}' does not exist" in str(caught.value)


@pytest.fixture
def login_role(pg_server, demo_db):
    """A role that can log in and has no privileges on the test database; dropped afterwards."""
    role = f"supaseed_t_ro_{uuid.uuid4().hex[:8]}"
    with connect(demo_db, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), sql.Literal(PASSWORD)))
    yield role
    with connect(demo_db, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_wrong_password_is_named_without_the_password(demo_db, login_role):
    target = Target(with_user(demo_db.url, login_role, "Wr0ngPassw0rdXyz"))
    try:
        connect(target).close()
    except ConnectionFailed as exc:
        one_line(str(exc))
        assert "password authentication failed" in str(exc) and "Wr0ngPassw0rdXyz" not in str(exc)
    else:
        pytest.skip("the server trusts this connection (no password check), so a wrong password cannot be tested")


def test_user_without_privileges_is_told_so_and_nothing_changes(demo_db, login_role):
    target = Target(with_user(demo_db.url, login_role, PASSWORD))
    assert_refused(demo_db, lambda: api.seed(target, settings()), "supaseed", "permission denied", "privileges")


def test_read_only_user_is_told_which_table_and_nothing_changes(demo_db, login_role):
    with connect(demo_db, autocommit=True) as conn:
        role = sql.Identifier(login_role)
        conn.execute(sql.SQL("GRANT CREATE ON DATABASE {} TO {}").format(sql.Identifier(demo_db.dbname), role))
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA auth, public TO {}").format(role))
        conn.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA auth, public TO {}").format(role))
    target = Target(with_user(demo_db.url, login_role, PASSWORD))
    message = assert_refused(demo_db, lambda: api.seed(target, settings()), "permission denied for table", "privileges")
    assert "loading public." in message or "loading auth." in message


# ------------------------------------------------------------------------------------------ secrets

def _scan(texts: list[str]) -> None:
    for text in texts:
        for secret in SECRET_PARTS:
            assert secret not in text, f"{secret!r} leaked: ...{text[max(0, text.find(secret) - 200):text.find(secret) + 50]}..."


def test_dagster_run_leaks_neither_the_database_password_nor_the_service_key(demo_db, monkeypatch, tmp_path):
    from dagster._serdes import serialize_value

    from supaseed_pipeline.definitions import defs

    config = tmp_path / "supaseed.json"
    config.write_text(json.dumps({"userCount": 6, "batchSize": 3, "setupsPerUser": 1, "supabaseServiceKey": SERVICE_KEY}))
    monkeypatch.setenv("SUPASEED_DATABASE_URL", with_user(demo_db.url, "postgres", PASSWORD))
    monkeypatch.setenv("SUPASEED_CONFIG", str(config))
    monkeypatch.setenv("SUPASEED_DATA_DIR", str(tmp_path / "data"))
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def("seed_job").execute_in_process(instance=instance)
        assert result.success
        texts = [serialize_value(entry) for entry in instance.all_logs(result.run_id)]
        texts.append(serialize_value(instance.get_run_by_id(result.run_id)))
        for key in ("users", "accounts", "setups", "reference_data"):
            event = instance.get_latest_materialization_event(dg.AssetKey(key))
            texts.append(serialize_value(event))
    with connect(demo_db) as conn:
        assert conn.execute("SELECT count(*) FROM auth.users").fetchone()[0] == 6
        texts += [json.dumps(r[0]) for r in conn.execute("SELECT settings FROM supaseed.runs")]
    joined = "\n".join(texts)
    # the scan covers real content, including where the target is named
    assert "ASSET_MATERIALIZATION" in joined and "rows_per_table" in joined and demo_db.dbname in joined
    assert '"supabaseServiceKey": "***"' in texts[-1]
    _scan(texts)


# ------------------------------------------------------------------------------------------ production guard

def test_guard_refuses_a_non_local_host_unless_allowed(demo_db):
    remote = Target(f"postgresql://app:{PASSWORD}@db.example.com:5432/app")
    with connect(demo_db) as conn:
        with pytest.raises(ProductionGuardError) as caught:
            api.guard_production(conn, remote, settings())
        one_line(str(caught.value))
        assert "db.example.com" in str(caught.value) and "allowedHosts" in str(caught.value)
        api.guard_production(conn, remote, settings(allowedHosts=["db.example.com"]))
        api.guard_production(conn, remote, settings(allowProduction=True))
        with pytest.raises(ProductionGuardError) as caught:
            api.guard_production(conn, remote, settings(), action="clean")
        assert "refusing to clean" in str(caught.value)


def _non_local_alias(target: Target) -> str | None:
    """A name for the server's host that does not look local (e.g. the machine's host name), if one reaches it."""
    host = urlparse(target.url).hostname
    if not host or target.host.startswith("/"):
        return None
    try:
        address = socket.gethostbyname(host)
    except OSError:
        return None
    for alias in (socket.gethostname(), socket.getfqdn()):
        if alias and alias not in api.LOCAL_HOSTS and not alias.endswith(".local"):
            try:
                if socket.gethostbyname(alias) == address:
                    return alias
            except OSError:
                continue
    return None


def test_seed_through_a_non_local_host_name_is_refused_before_writing(demo_db):
    alias = _non_local_alias(demo_db)
    if alias is None:
        pytest.skip("no non-local-looking host name reaches this server (socket-only or no alias)")
    parsed = urlparse(demo_db.url)
    remote = Target(parsed._replace(netloc=parsed.netloc.replace(parsed.hostname, alias, 1)).geturl())
    assert_refused(demo_db, lambda: api.seed(remote, settings()), f"host '{alias}' is not local", "allowedHosts",
                   error=ProductionGuardError)
    results = api.seed(remote, settings(allowedHosts=[alias]))
    assert sum(r.rows.get("auth.users", 0) for r in results) == 5


def test_guard_refuses_a_database_with_more_rows_than_the_threshold(demo_db):
    target = Target(demo_db.url)           # as a user would name it (not flagged as the embedded default)
    api.seed(target, settings(userCount=30, batchSize=30))   # supaseed's own rows do not count, rows it did not write do
    with connect(target, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA someone_else")
        conn.execute("CREATE TABLE someone_else.orders AS SELECT generate_series(1, 100) AS id")
    assert_refused(demo_db, lambda: api.seed(target, settings(userCount=40, batchSize=40, productionRowThreshold=50)),
                   "productionRowThreshold 50", "looks like production", "allowProduction", error=ProductionGuardError)
    assert_refused(demo_db, lambda: api.cleanup(target, settings(productionRowThreshold=50)),
                   "refusing to clean", error=ProductionGuardError)
    results = api.seed(target, settings(userCount=40, batchSize=40, productionRowThreshold=50, allowProduction=True))
    assert sum(r.rows.get("auth.users", 0) for r in results) == 40


def test_a_local_supabase_project_url_maps_to_its_database_port_and_env_wins():
    def target(config: dict, environ: dict | None = None) -> str | None:
        return load_settings(overrides=config, environ=environ or {}, use_default_file=False).target_url()

    assert target({"supabaseUrl": "http://127.0.0.1:54321"}) == "postgresql://postgres:postgres@127.0.0.1:54322/postgres"
    assert target({}, {"SUPABASE_URL": "http://localhost:64321"}).endswith("@localhost:64322/postgres")
    assert target({"supabaseUrl": "http://127.0.0.1:54321"},
                  {"SUPASEED_DATABASE_URL": "postgresql://app@db.internal:5432/app"}) == "postgresql://app@db.internal:5432/app"
    with pytest.raises(ConfigError, match="hosted project"):
        target({"supabaseUrl": "https://abcd.supabase.co"})
    # The derived URL is a real connection string: on our machines :5431 + 1 is the PostgreSQL 15 on 5432.
    derived = Target(target({"supabaseUrl": "http://127.0.0.1:5431"}))
    try:
        with connect(derived) as conn:
            assert conn.execute("SELECT current_database()").fetchone()[0] == "postgres"
    except ConnectionFailed:
        pytest.skip("no PostgreSQL on 127.0.0.1:5432 to connect the derived URL to")


# ------------------------------------------------------------------------------------------ config files, via the CLI

import os  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

SUPASEED = Path(sys.executable).parent / "supaseed"
CLEAR_ENV = ("DAGSTER_HOME", "SUPASEED_CONFIG", "SUPASEED_DATABASE_URL", "SUPABASE_DB_URL", "DATABASE_URL",
             "SUPABASE_URL", "SUPABASE_SERVICE_ROLE_KEY", "SUPASEED_SEED", "SUPASEED_USER_COUNT", "SUPASEED_BATCH_SIZE",
             "SUPASEED_ALLOW_PRODUCTION")


def _memory_cap() -> None:
    # an alias bomb that is not refused would take the machine down with it; 3 GB is plenty for a seed
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))


def run_cli(cwd: Path, *args: str, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """The installed console script in `cwd`, with none of the caller's supaseed environment."""
    env = {k: v for k, v in os.environ.items() if k not in CLEAR_ENV}
    return subprocess.run([*prefix, str(SUPASEED), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300, preexec_fn=_memory_cap)


def assert_cli_refused(target: Target, cwd: Path, args: list[str], *expected: str, prefix: tuple[str, ...] = ()) -> str:
    """`supaseed ARGS` exits 2 with one `error:` line containing every expected text; the target is unchanged."""
    before = fingerprint(target)
    completed = run_cli(cwd, "--database-url", target.url, *args, prefix=prefix)
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert completed.returncode == 2, (completed.returncode, completed.stdout[-2000:], completed.stderr[-2000:])
    assert len(lines) == 1 and lines[0].startswith("error: "), completed.stderr[-2000:]
    one_line(lines[0])
    for text in expected:
        assert text in lines[0], f"{text!r} not in {lines[0]!r}"
    assert "unexpected" not in lines[0]
    assert fingerprint(target) == before
    return lines[0]


ALIAS_BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n" for prev, name in zip("abcdefgh", "bcdefghi")) + "userCount: 2\n"


BAD_FILES = [
    pytest.param("supaseed.yaml", ALIAS_BOMB.encode(), ["supaseed.yaml", "aliases expand"], id="yaml-alias-bomb"),
    pytest.param("supaseed.yaml", b"a: &a [*a]\nuserCount: 2\n", ["supaseed.yaml", "alias"], id="yaml-recursive-alias"),
    pytest.param("supaseed.json", b'{"userCount": 2, "domain": "caf\xe9"}', ["supaseed.json", "not UTF-8", "0xe9", "line 1"],
                 id="invalid-utf8"),
    pytest.param("supaseed.json", b'{"userCount": true}', ["supaseed.json", "'userCount'", "boolean"], id="bool-as-int"),
    pytest.param("supaseed.yaml", b"tables:\n  public.config:\n    perParent: yes\n",
                 ["'tables.public.config.perParent'", "boolean"], id="yaml-bool-as-number"),
    pytest.param("supaseed.json", b'{"userCount": 2, "setupsPerUser": 1, "userCount": 500}',
                 ["supaseed.json", "duplicate key 'userCount'"], id="json-duplicate-key"),
    pytest.param("supaseed.yaml", b"tenants:\n  count: 1\n  count: 4\n", ["supaseed.yaml", "duplicate key 'count'", "line 3"],
                 id="yaml-duplicate-key"),
    pytest.param("supaseed.json", b'{"rowsPerTable": 100000000}',
                 ["supaseed.json", "'rowsPerTable'", "1000000", "perParent"], id="rows-per-table-beyond-what-fits"),
]


@pytest.mark.parametrize("name, content, expected", BAD_FILES)
def test_bad_config_file_through_the_cli_is_one_line_exit_2_and_changes_nothing(demo_db, tmp_path, name, content, expected):
    (tmp_path / name).write_bytes(content)
    assert_cli_refused(demo_db, tmp_path, ["seed"], *expected)


def test_normal_yaml_anchors_and_merge_keys_still_work(demo_db, tmp_path):
    (tmp_path / "anchors.yaml").write_text(
        "userCount: &n 3\nsetupsPerUser: 1\nbatchSize: *n\ntenants: {<<: {count: 5, membersPerTenant: 2}, count: 0}\n")
    completed = run_cli(tmp_path, "--database-url", demo_db.url, "-c", "anchors.yaml", "seed")
    assert completed.returncode == 0, completed.stderr
    with connect(demo_db) as conn:
        assert conn.execute("SELECT count(*) FROM auth.users").fetchone()[0] == 3


def test_unreadable_config_file_is_named(demo_db, tmp_path):
    path = tmp_path / "supaseed.json"
    path.write_text('{"userCount": 2}')
    path.chmod(0)
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:   # root reads anything: drop the capabilities that let it
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: cannot make a file unreadable")
        caps = "-dac_override,-dac_read_search"
        prefix = ("setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}")
    assert_cli_refused(demo_db, tmp_path, ["-c", str(path), "seed"], str(path), "cannot read", "Permission denied",
                       prefix=prefix)
    directory = tmp_path / "conf.json"
    directory.mkdir()
    assert_cli_refused(demo_db, tmp_path, ["-c", str(directory), "seed"], str(directory), "cannot read")


def test_statement_timeout_while_planning_names_the_step(demo_db, tmp_path):
    """A table locked by another session: planning waits, then statementTimeoutSeconds names the step that waited."""
    (tmp_path / "supaseed.json").write_text(json.dumps({"statementTimeoutSeconds": 0.5, "lockTimeoutSeconds": 60}))
    with connect(demo_db) as locker:
        locker.execute("LOCK TABLE public.setups IN ACCESS EXCLUSIVE MODE")
        before = fingerprint_excluding(demo_db, "public.setups")
        completed = run_cli(tmp_path, "--database-url", demo_db.url, "seed", "--users", "2")
        after = fingerprint_excluding(demo_db, "public.setups")
        locker.rollback()
    assert completed.returncode == 2, completed.stderr
    line = completed.stderr.strip()
    one_line(line)
    assert "planning step 'taking the schema snapshot'" in line and "statementTimeoutSeconds" in line, line
    assert after == before
    with connect(demo_db) as conn:
        assert conn.execute("SELECT count(*) FROM public.setups").fetchone()[0] == 0


def fingerprint_excluding(target: Target, locked: str) -> dict:
    """The fingerprint of every table but one that another session holds locked (reading it would wait)."""
    with connect(target) as conn:
        tables = conn.execute(
            "SELECT n.nspname::text, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg\\_%%' AND n.nspname || '.' || c.relname <> %s ORDER BY 1, 2",
            (locked,)).fetchall()
        rows = {f"{s}.{t}": sorted(r[0] for r in conn.execute(
            sql.SQL("SELECT x::text FROM {} x").format(sql.Identifier(s, t)))) for s, t in tables}
        rows["(supaseed schema exists)"] = conn.execute("SELECT to_regnamespace('supaseed') IS NOT NULL").fetchone()[0]
        return rows


def test_rows_per_table_at_its_maximum_seeds_and_a_failed_run_is_marked_failed(fresh_db, tmp_path):
    """The largest allowed rowsPerTable really seeds; a run that then fails is recorded as failed, not running."""
    from supaseed_pipeline.settings import MAX_ROWS_PER_TABLE

    with connect(fresh_db) as conn:
        conn.execute("CREATE TABLE things (id bigint PRIMARY KEY, name text NOT NULL, qty int CHECK (qty >= 0))")
        conn.execute("CREATE TABLE tags (id int PRIMARY KEY, label text NOT NULL)")
        conn.commit()
    config = {"rowsPerTable": MAX_ROWS_PER_TABLE, "userCount": 0, "productionRowThreshold": 10 * MAX_ROWS_PER_TABLE,
              "tables": {"public.tags": {"count": 3}}}
    (tmp_path / "supaseed.json").write_text(json.dumps(config))
    completed = run_cli(tmp_path, "--database-url", fresh_db.url, "seed")
    assert completed.returncode == 0, completed.stderr[-2000:]
    with connect(fresh_db) as conn:
        assert conn.execute("SELECT count(*) FROM things").fetchone()[0] == MAX_ROWS_PER_TABLE
        # a reseed that the database rejects everywhere fails the run (one table alone would be left out)
        conn.execute("CREATE FUNCTION no_more_tags() RETURNS trigger LANGUAGE plpgsql AS "
                     "$$ BEGIN RAISE EXCEPTION 'tags are frozen'; END $$")
        conn.execute("CREATE TRIGGER tags_frozen BEFORE INSERT ON tags FOR EACH ROW EXECUTE FUNCTION no_more_tags()")
        conn.execute("CREATE TRIGGER things_frozen BEFORE INSERT ON things FOR EACH ROW EXECUTE FUNCTION no_more_tags()")
        conn.commit()
    config["seed"] = 7
    (tmp_path / "supaseed.json").write_text(json.dumps(config))
    failed = run_cli(tmp_path, "--database-url", fresh_db.url, "seed")
    assert failed.returncode == 1 and "tags are frozen" in failed.stderr, failed.stderr[-2000:]
    with connect(fresh_db) as conn:
        statuses = [s for (s,) in conn.execute("SELECT status FROM supaseed.runs ORDER BY started_at").fetchall()]
    assert "running" not in statuses and statuses[-1] == "failed", statuses


def test_a_local_supabase_that_is_not_running_is_named_with_what_to_do():
    """The old tool's configs all say supabaseUrl http://127.0.0.1:54321: its database port 54322 refusing says why."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 54322)) == 0:
            pytest.skip("a local Supabase database answers on 54322 here")
    with pytest.raises(ConnectionFailed) as refused:
        connect(Target("postgresql://postgres:postgres@127.0.0.1:54322/postgres"))
    assert str(refused.value).startswith("cannot connect to 127.0.0.1:54322/postgres: connection refused")
    assert "`supabase start`" in str(refused.value) and "remove supabaseUrl" in refused.value.hint
    assert "postgres:postgres" not in str(refused.value)
    with socket.socket() as spare:   # another refusing port gets no Supabase hint
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    with pytest.raises(ConnectionFailed) as other:
        connect(Target(f"postgresql://postgres@127.0.0.1:{port}/postgres"))
    assert other.value.hint is None
