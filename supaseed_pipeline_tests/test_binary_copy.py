"""Binary COPY (seed/binary_copy.py) stores exactly what CSV stores, on the demo and every corpus schema."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest
from psycopg import sql

from supaseed_pipeline.db.connect import connect, create_database, drop_database
from supaseed_pipeline.seed import api, binary_copy
from supaseed_pipeline.seed.load import ident
from supaseed_pipeline.settings import load_settings
from supaseed_pipeline.snapshot.introspect import take_snapshot
from supaseed_pipeline.snapshot.models import Column
from supaseed_pipeline_tests import corpus
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
    # timestamptz, bool and the setups' text[] tags
    assert tables == ["auth.identities", "auth.users", "public.accounts_memberships", "public.gear_items", "public.setups"]
    assert len(binary) > 60 and binary == csv   # every column of the demo is deterministic


@pytest.mark.parametrize("name", list(corpus.FIXTURES))
def test_binary_copy_writes_the_rows_csv_writes_on_the_corpus(pg_server, monkeypatch, name):
    fixture = corpus.FIXTURES[name]
    target = create_database(pg_server, f"supaseed_test_binary_{name}")
    try:
        corpus.apply_fixture(target, fixture)
        binary, csv, tables = _seed_both_ways(pg_server, target, corpus.corpus_settings(fixture), monkeypatch)
        assert tables, "no table went binary"
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
    assert not maps(column("numeric"), [1.5])                        # its scale is the value's own
    tags = column("text", is_array=True)
    assert maps(tags, ['{"a","b c"}', "{}", None])
    assert not maps(tags, ["{NULL}"]) and not maps(tags, ['{"a,b"}']) and not maps(column("varchar", is_array=True), ["{a}"])
    stamp = column("timestamptz")
    assert maps(stamp, [datetime(2024, 1, 1)])
    with pytest.raises(binary_copy.Unmapped):   # CSV reads a naive value in the session's zone
        binary_copy._column(stamp, pl.Series("c", [datetime(2024, 1, 1)]), False)
