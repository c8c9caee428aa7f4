"""One table's failure never aborts the others: it is left out, with the tables that need it, and reported."""

from __future__ import annotations

import pytest

from supaseed_pipeline.db.connect import connect
from supaseed_pipeline.errors import SupaseedError
from supaseed_pipeline.seed import api
from supaseed_pipeline.settings import load_settings

REFUSING = """
CREATE TABLE public.impossible (id int PRIMARY KEY, n int NOT NULL CHECK (n > 5 AND n < 3));
CREATE TABLE public.needs_impossible (id int PRIMARY KEY, imp int NOT NULL REFERENCES public.impossible);
CREATE TABLE public.picky (id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES auth.users, note text);
CREATE FUNCTION public.refuse_some() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.note IS NOT NULL THEN RAISE EXCEPTION 'picky rejects notes'; END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER picky_rejects BEFORE INSERT ON public.picky FOR EACH ROW EXECUTE FUNCTION public.refuse_some();
"""


def settings(**overrides):
    return load_settings(overrides={"userCount": 6, "batchSize": 2, "setupsPerUser": 2, **overrides},
                         environ={}, use_default_file=False)


def count(target, table):
    with connect(target) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_refused_tables_are_left_out_with_reasons_and_the_rest_seeds(demo_db):
    with connect(demo_db) as conn:
        conn.execute(REFUSING)
        conn.commit()
    results = api.seed(demo_db, settings())
    left_out = results[-1].left_out
    assert set(left_out) == {"public.impossible", "public.needs_impossible", "public.picky"}
    assert "violates check constraint" in left_out["public.impossible"]
    assert "constraint impossible_n_check" in left_out["public.impossible"]
    assert '"public.impossible": {"skip": true}' in left_out["public.impossible"]
    assert left_out["public.needs_impossible"].startswith("needs public.impossible")
    assert "picky rejects notes" in left_out["public.picky"] and "trigger function refuse_some" in left_out["public.picky"]
    # everything else is there, whole: each partition is one transaction, retried without the refused tables
    assert count(demo_db, "auth.users") == 6 and count(demo_db, "public.setups") == 12
    for table in left_out:
        assert count(demo_db, table) == 0
    # the fix the report names works: skipping the tables seeds without any left out
    fixed = api.seed(demo_db, settings(tables={t: {"skip": True} for t in left_out}))
    assert not fixed[-1].left_out


def test_nothing_seedable_is_an_error_and_changes_nothing(demo_db):
    with connect(demo_db) as conn:
        conn.execute("ALTER TABLE auth.users ADD CONSTRAINT no_new_users CHECK (false) NOT VALID")
        conn.commit()
    with pytest.raises(SupaseedError) as caught:
        api.seed(demo_db, settings())
    assert "nothing could be seeded" in str(caught.value) and "no_new_users" in str(caught.value)
    assert count(demo_db, "auth.users") == 0


@pytest.mark.one_server
def test_cli_reports_left_out_tables_and_exits_3(demo_db):
    """Through the console entry point and the Dagster job: the report, exit code 3, and the Dagster metadata."""
    import subprocess
    import sys
    from pathlib import Path

    with connect(demo_db) as conn:
        conn.execute(REFUSING)
        conn.commit()
    supaseed = str(Path(sys.executable).parent / "supaseed")
    completed = subprocess.run([supaseed, "--database-url", demo_db.url, "seed", "--users", "4"],
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 3, completed.stderr[-2000:]
    out = " ".join(completed.stdout.split())
    assert "3 table(s) left out (exit code 3)" in out
    for table in ("public.impossible", "public.needs_impossible", "public.picky"):
        assert table in out
    assert "impossible_n_check" in out and "picky rejects notes" in out
    assert count(demo_db, "auth.users") == 4
    # a partition rerun through the CLI (one Dagster run for the chosen batch) is exit 3 too, rows unchanged
    again = subprocess.run([supaseed, "--database-url", demo_db.url, "seed", "--users", "4", "--partition", "p00000"],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 3, again.stderr[-2000:]
    assert count(demo_db, "auth.users") == 4
