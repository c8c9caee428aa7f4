"""Binary COPY (seed/binary_copy.py) stores exactly what CSV stores, on the demo and every corpus schema."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import polars as pl
import pytest
from psycopg import sql

from supaseed_pipeline.db.connect import connect, create_database, drop_database
from supaseed_pipeline.seed import api, binary_copy, load
from supaseed_pipeline.seed.load import ident
from supaseed_pipeline.settings import load_settings
from supaseed_pipeline.snapshot.introspect import take_snapshot
from supaseed_pipeline.snapshot.models import Column
from supaseed_pipeline_tests import corpus
from supaseed_pipeline_tests.conftest import _new_name
from supaseed_pipeline_tests.test_workers import clone


def column_values(target) -> dict[tuple[str, str], str]:
    """(table, column) -> md5 of the column's sorted values, for every table outside supaseed's schema."""
    with connect(target) as conn:
        snapshot = take_snapshot(conn)
        out = {}
        for table in corpus.all_tables(snapshot):
            for column in snapshot.table(table).columns:
                out[(table, column.name)] = conn.execute(sql.SQL(
                    "SELECT coalesce(md5(string_agg(coalesce(t.{c}::text, '<null>'), E'\\n' ORDER BY t.{c}::text)), '') "
                    "FROM {t} t").format(c=sql.Identifier(column.name), t=ident(table))).fetchone()[0]
        return out


def _seed_both_ways(pg_server, target, settings, monkeypatch) -> tuple[dict, dict, list[str]]:
    """Seed `target` (binary where it maps) and two clones of it with CSV only. Returns the values of
    every column the two CSV seeds agree on (not those a trigger sets from now() or a random default),
    binary and CSV, and the tables that went binary (so the test cannot pass by never using it)."""
    others = [clone(pg_server, target, f"csv{n}") for n in (1, 2)]
    binary_tables = []
    encoded = binary_copy.encoded

    def recording(table, frame, zone):
        result = encoded(table, frame, zone)
        if result is not None:
            binary_tables.append(table.qualified)
        return result

    try:
        monkeypatch.setattr(binary_copy, "encoded", recording)
        api.seed(target, settings)
        monkeypatch.setattr(binary_copy, "encoded", lambda *args: None)
        for other in others:
            api.seed(other, settings)
        binary, csv, again = column_values(target), column_values(others[0]), column_values(others[1])
        stable = [key for key in csv if csv[key] == again[key]]
        return {k: binary[k] for k in stable}, {k: csv[k] for k in stable}, sorted(set(binary_tables))
    finally:
        for other in others:
            drop_database(pg_server, other.dbname)


def test_binary_copy_writes_the_rows_csv_writes_on_the_demo(pg_server, demo_db, monkeypatch):
    settings = load_settings(overrides={"userCount": 300, "batchSize": 100, "setupsPerUser": 2, "workers": 2},
                             environ={}, use_default_file=False)
    binary, csv, tables = _seed_both_ways(pg_server, demo_db, settings, monkeypatch)
    # every demo table the seed COPYs maps exactly: uuids, varchar/text/enums, jsonb, ints, numeric(10,2),
    # timestamptz, bool and the setups' text[] tags; the accounts the auth.users trigger made are enriched
    # from a stage COPYd the same way
    assert tables == ["auth.identities", "auth.users", "public.accounts", "public.accounts_memberships",
                      "public.gear_items", "public.setups"]
    assert len(binary) > 60 and binary == csv   # every column of the demo is deterministic


ALL_KEYS_ASSIGNED = {"rails_basecamp"}


@pytest.mark.one_server   # binary input of these types is the same on every supported major; the demo test runs on both
@pytest.mark.parametrize("name", list(corpus.FIXTURES))
def test_binary_copy_writes_the_rows_csv_writes_on_the_corpus(pg_server, monkeypatch, name):
    fixture = corpus.FIXTURES[name]
    target = create_database(pg_server, _new_name(f"binary_{name}"))
    try:
        corpus.apply_fixture(target, fixture)
        binary, csv, tables = _seed_both_ways(pg_server, target, corpus.corpus_settings(fixture), monkeypatch)
        # a Rails app's every key comes from a sequence: its rows go by INSERT ... RETURNING, not COPY
        assert tables or name in ALL_KEYS_ASSIGNED, "no table went binary"
        assert len(binary) > 10 and {k: v for k, v in binary.items() if v != csv[k]} == {}
    finally:
        drop_database(pg_server, target.dbname)


def test_values_without_an_exact_binary_form_go_as_csv():
    def column(type_name, **extra):
        return Column(name="c", position=1, data_type=type_name, type_schema="pg_catalog", type_name=type_name,
                      type_category="S", base_type_name=type_name, **extra)

    def maps(col, values):
        try:
            binary_copy._column(col, pl.Series("c", values), True)
            return True
        except binary_copy.Unmapped:
            return False

    price = column("numeric", numeric_precision=10, numeric_scale=2)
    assert maps(price, [12.34, 0.5]) and not maps(price, [12.345])   # the server would round 12.345
    assert maps(price, ["12.34"]) and not maps(price, ["12.345"]) and not maps(price, [float("nan")])
    assert binary_copy._column(price, pl.Series("c", [19.99, 0.29, -0.01, None]), True).to_list() == \
        [Decimal("19.99"), Decimal("0.29"), Decimal("-0.01"), None]   # the nearest decimal, not a truncated float
    assert not maps(column("numeric"), [1.5])                        # its scale is the value's own
    tags = column("text", is_array=True)
    assert maps(tags, ['{"a","b c"}', "{}", None])
    assert not maps(tags, ["{NULL}"]) and not maps(tags, ['{"a,b"}']) and not maps(column("varchar", is_array=True), ["{a}"])
    stamp = column("timestamptz")
    assert maps(stamp, [datetime(2024, 1, 1)])
    with pytest.raises(binary_copy.Unmapped):   # CSV reads a naive value in the session's zone
        binary_copy._column(stamp, pl.Series("c", [datetime(2024, 1, 1)]), False)


def test_edge_values_store_the_same_in_binary_and_csv(fresh_db):
    """Signs, scales, unicode, control characters, empty and NULL values, infinities: one frame COPYd both ways."""
    frame = pl.DataFrame({
        "n": [0.0, -1.5, 12345678.1234, 0.0001, -0.0001, 100.0, None],
        "z": [0.0, -12.0, 99999.0, 1.0, 10.0, 100.0, None],   # numeric(5,0) from floats: "0.0" has no extra digit
        "j": ['{"a": "é ✓", "b": [1, 2.5, null]}', "[]", '"x"', "{}", "null", "1", None],
        "t": ["tab\there", "new\nline", 'quote"s', "back\\slash", "ünï", "", None],
        "v": ["ab", "abcde", "é", "", "x", "y", None],
        "c": ["ab", "abcd", "", "x", "y", "z", None],
        "u": ["0F0E0D0C-0B0A-4908-8706-050403020100", "00000000-0000-0000-0000-000000000000",
              "ffffffff-ffff-ffff-ffff-ffffffffffff", "0f0e0d0c-0b0a-4908-8706-050403020101",
              "0f0e0d0c-0b0a-4908-8706-050403020102", "0f0e0d0c-0b0a-4908-8706-050403020103", None],
        # without NULLs: decoded from the text buffer in one pass (upper case digits too)
        "u2": ["0F0E0D0C-0B0A-4908-8706-050403020100", "00000000-0000-0000-0000-000000000000",
               "ffffffff-ffff-ffff-ffff-ffffffffffff", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
               "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A12", "0f0e0d0c-0b0a-4908-8706-050403020103",
               "0f0e0d0c-0b0a-4908-8706-050403020104"],
        "u3": ["a0eebc999c0b4ef8bb6d6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "00000000000000000000000000000000",
               "A0EEBC999C0B4EF8BB6D6BB9BD380A11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1f", "0f0e0d0c0b0a49088706050403020100",
               "ffffffff-ffff-ffff-ffff-ffffffffffff"],   # other spellings PostgreSQL accepts
        "tags": ['{"a","b c"}', "{}", "{x}", '{"é","ü"}', '{"NULL"}', '{"q"}', None],
        "d": [datetime(2024, 2, 29).date()] * 6 + [None],
        "s": [datetime(2024, 2, 29, 12, 30, 15, 123456)] * 6 + [None],
        "b": [True, False, None, True, False, True, None],
        "f": [0.1, -2.5, 1e300, 5e-324, float("inf"), float("nan"), None],
        "i2": ["1", "-32768", "32767", "0", "7", "8", None],
    })
    columns = ("n numeric(12,4), z numeric(5,0), j jsonb, t text, v varchar(5), c char(4), u uuid, u2 uuid, u3 uuid, tags text[], "
               "d date, s timestamptz, b bool, f float8, i2 int2")
    with connect(fresh_db, autocommit=True) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        for name in ("as_binary", "as_csv"):
            conn.execute(f"CREATE TABLE public.{name} ({columns})")
        table = take_snapshot(conn).table("public.as_binary")
        assert binary_copy.encoded(table, frame, "UTC") is not None
        load.copy_frame(conn, "public.as_binary", frame, table)
        load.copy_frame(conn, "public.as_csv", frame)
        stored = [conn.execute(f"SELECT x::text FROM public.{name} x ORDER BY 1").fetchall() for name in ("as_binary", "as_csv")]
    assert len(stored[0]) == 7 and stored[0] == stored[1]


def test_uuid_bytes_match_the_text_decoding_for_every_spelling_and_slice():
    """The one-pass decoder of canonical uuids gives the bytes the text functions give, on a slice of a longer
    column too (its Arrow buffers start at an offset), and leaves other spellings to them."""
    import numpy as np

    from supaseed_pipeline.generate import random as rnd

    def by_text(values: pl.Series) -> list[bytes]:
        return values.str.replace_all("-", "", literal=True).str.decode("hex").to_list()

    def decoded(values: pl.Series) -> list[bytes]:
        out = binary_copy._uuid_bytes(values)
        return out.to_pylist() if not isinstance(out, pl.Series) else out.to_list()

    made = pl.concat([rnd.uuids(np.arange(5000), 77), pl.Series(["A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"])])
    for values in (made, made.slice(1234, 777), made.slice(4990, 11)):
        assert decoded(values) == by_text(values)
    assert not isinstance(binary_copy._uuid_bytes(made), pl.Series)        # the one-pass path was taken
    odd = pl.Series(["a0eebc999c0b4ef8bb6d6bb9bd380a11"] * 3)                # no dashes: the text functions
    assert isinstance(binary_copy._uuid_bytes(odd), pl.Series) and decoded(odd) == by_text(odd)
    bad = pl.Series(["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g"])               # not hex: neither decodes it
    with pytest.raises(pl.exceptions.PolarsError):
        binary_copy._uuid_bytes(bad)


def test_generated_uuids_are_canonical_and_the_same_from_release_to_release():
    """rnd.uuids spells its 16 bytes as the uuid module does, and keeps the keys earlier releases wrote (a
    reseed of an unchanged config must find the rows it seeded): these four were made before the text
    was assembled from byte-pair lookups."""
    import uuid

    import numpy as np

    from supaseed_pipeline.generate import random as rnd

    made = rnd.uuids(np.arange(0, 3_000_000, 997), rnd.salt(42, "auth.users", "id"))
    assert all(str(uuid.UUID(value)) == value and uuid.UUID(value).version == 4 for value in made)
    assert rnd.uuids(np.array([0, 1, 5000, 10**9]), rnd.salt(42, "auth.users", "id")).to_list() == [
        "13916bf9-0000-4000-8000-000000000000", "13916bf9-0000-4000-a545-f4914f6cdd1d",
        "13916bf9-0000-4004-be50-b617463e9e68", "13916bf9-00ee-46b2-8fb2-871e98eae200"]
