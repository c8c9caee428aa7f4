"""How the ledger stores keys: a key made of one uuid column as uuid[] (16 bytes a key instead of text's 40), any
other as text[]; a ledger written before uuid[] existed (text keys only) is still read, cleaned and reseeded exactly."""

from __future__ import annotations

from psycopg import sql

from supaseed_pipeline.db.connect import Target, connect
from supaseed_pipeline.seed import api, verify
from supaseed_pipeline.settings import load_settings


def settings(**overrides):
    return load_settings(overrides={"userCount": 6, "batchSize": 2, "setupsPerUser": 2, "domain": "outdoor",
                                    "workers": 2, "lockTimeoutSeconds": 5, **overrides},
                         environ={}, use_default_file=False)


def execute(target: Target, statement: str, params=None):
    with connect(target, autocommit=True) as conn:
        cur = conn.execute(statement, params)
        return cur.fetchall() if cur.description else None


def dump(target: Target) -> dict[str, list[str]]:
    """Every row of every table outside the system schemas and the ledger, as sorted text."""
    tables = execute(target, "SELECT n.nspname::text, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                             "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', "
                             "'information_schema', 'supaseed') AND n.nspname NOT LIKE 'pg\\_%%' ORDER BY 1, 2")
    with connect(target) as conn:
        return {f"{s}.{t}": sorted(r[0] for r in conn.execute(sql.SQL("SELECT x::text FROM {} x").format(
            sql.Identifier(s, t)))) for s, t in tables}


def key_type(target: Target, table: str, column: str) -> str:
    schema, name = table.split(".")
    return execute(target, "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                           "WHERE a.attrelid = to_regclass(%s) AND a.attname = %s", (f"{schema}.{name}", column))[0][0]


def test_a_uuid_key_is_recorded_as_uuids_and_any_other_as_text(demo_db):
    pristine = dump(demo_db)
    api.seed(demo_db, settings())
    entries = execute(demo_db, "SELECT table_name, key_columns, keys IS NOT NULL, uuids IS NOT NULL, "
                               "cardinality(coalesce(keys, uuids::text[])) FROM supaseed.seeded_keys")
    forms = {}
    for table, columns, as_text, as_uuids, count in entries:
        uuid_key = len(columns) == 1 and key_type(demo_db, table, columns[0]) == "uuid"
        assert (as_text, as_uuids) == (not uuid_key, uuid_key), (table, columns)
        forms.setdefault(table, set()).add("uuid" if as_uuids else "text")
        assert count > 0
    # both forms occur in the demo: uuid keys (users, accounts, setups) and a composite one (memberships)
    assert {"uuid"} == forms["auth.users"] == forms["public.setups"]
    assert "text" in set().union(*forms.values())
    # every recorded key is a row of its table, and the counts read from either form are the tables' seeded rows
    seeded = dump(demo_db)
    state = api.status(demo_db, settings())["tables"]
    for table, entry in state.items():
        assert entry["rows"] == len(seeded[table]) - len(pristine[table]), table
    assert state["auth.users"]["rows"] == 6
    # the checks the Dagster run makes read uuids: nothing missing, every user with its account, passwords verify
    with connect(demo_db) as conn:
        prepared = api.prepare(conn, settings())
        assert verify.missing_seeded_rows(conn, prepared.snapshot) == []
        assert verify.users_without_personal_account(conn, prepared.mapping) == 0
        assert verify.password_mismatches(conn, settings().password.get_secret_value()) == 0
    # a seeded row deleted behind supaseed's back: the check names its table, and cleanup removes the rest
    item = execute(demo_db, "SELECT (uuids[1])::text FROM supaseed.seeded_keys WHERE table_name = 'public.gear_items' "
                            "ORDER BY partition_key, seq LIMIT 1")[0][0]
    execute(demo_db, "DELETE FROM public.gear_items WHERE id = %s", (item,))
    with connect(demo_db) as conn:
        missing = verify.missing_seeded_rows(conn, prepared.snapshot)
    assert len(missing) == 1 and missing[0].startswith("public.gear_items partition p0000") and ": 1 of " in missing[0], missing
    removed = api.cleanup(demo_db, settings())
    assert removed["auth.users"] == 6 and sum(removed.values()) == sum(e["rows"] for e in state.values()) - 1
    assert dump(demo_db) == pristine


def test_a_ledger_of_text_keys_from_before_is_cleaned_and_reseeded_exactly(demo_db):
    pristine = dump(demo_db)
    api.seed(demo_db, settings())
    seeded = dump(demo_db)
    # the ledger as the code before uuid[] wrote it: every key as text, no uuids column
    execute(demo_db, "ALTER TABLE supaseed.seeded_keys DROP CONSTRAINT seeded_keys_one_form; "
                     "UPDATE supaseed.seeded_keys SET keys = uuids::text[] WHERE uuids IS NOT NULL; "
                     "ALTER TABLE supaseed.seeded_keys DROP COLUMN uuids; "
                     "ALTER TABLE supaseed.seeded_keys ALTER COLUMN keys SET NOT NULL")
    assert api.status(demo_db, settings())["tables"]["auth.users"]["rows"] == 6
    # a reseed of two more users upgrades the ledger: the old batches stay text, the new one is uuids
    api.seed(demo_db, settings(userCount=8), partition_keys=None)
    forms = dict(execute(demo_db, "SELECT partition_key, bool_or(uuids IS NOT NULL) FROM supaseed.seeded_keys "
                                  "WHERE table_name = 'auth.users' GROUP BY 1"))
    assert len(forms) == 4 and any(forms.values())
    assert api.status(demo_db, settings(userCount=8))["tables"]["auth.users"]["rows"] == 8
    removed = api.cleanup(demo_db, settings(userCount=8))
    assert removed["auth.users"] == 8
    assert dump(demo_db) == pristine
    assert seeded != pristine
