"""Counts users ask for are the counts they get, whatever the batch size (plan/allocation.py)."""

from __future__ import annotations

import random

import pytest

from supaseed_pipeline.db.connect import connect
from supaseed_pipeline.plan import allocation
from supaseed_pipeline.seed import api
from supaseed_pipeline.settings import load_settings


def settings(**overrides):
    return load_settings(overrides={"domain": "outdoor", **overrides}, environ={}, use_default_file=False)


def scalar(target, statement, params=None):
    with connect(target) as conn:
        return conn.execute(statement, params).fetchone()[0]


def team_accounts(target) -> int:
    return scalar(target, "SELECT count(*) FROM public.accounts WHERE NOT is_personal_account")


@pytest.mark.parametrize("case", range(40))
def test_shares_tile_the_total_and_bands_never_overlap(case):
    rng = random.Random(case)
    owners = rng.choice([1, 7, 999, 1000, 25_000, rng.randint(1, 200_000)])
    size = rng.choice([1, 3, 1000, owners, rng.randint(1, owners)])
    total = rng.choice([0, 1, 2, 5, owners, owners * 3, rng.randint(0, 10 * owners)])
    partitions = allocation.partitions(owners, size)[1:]
    assert sum(p.owner_count for p in partitions) == owners
    shares = [allocation.share(total, owners, p.owner_start, p.owner_count) for p in partitions]
    assert sum(n for _, n in shares) == total
    assert [f for f, _ in shares] == sorted(f for f, _ in shares)
    # every thing lives in the partition of its home owner
    for p, (first, n) in zip(partitions, shares):
        for thing in (first, first + n - 1) if n else ():
            assert p.owner_start <= allocation.home_owner(thing, total, owners) < p.owner_end
    # row-index bands of per-parent tables, counted tables and teams: disjoint across partitions
    for band in (lambda p, s: allocation.generic_band(p, rng.randint(0, 5000)),
                 lambda p, s: (allocation.counted_band(s[0]), s[1]),
                 lambda p, s: (allocation.team_band(s[0]), s[1]),
                 lambda p, s: (allocation.membership_band(s[0]), s[1] * allocation.MEMBERSHIP_SLOTS_PER_TEAM)):
        spans = sorted(band(p, s) for p, s in zip(partitions, shares))
        for (a_start, a_n), (b_start, _) in zip(spans, spans[1:]):
            assert a_start + a_n <= b_start


def test_tenants_count_is_exact_with_many_small_batches(demo_db):
    api.seed(demo_db, settings(userCount=25_000, batchSize=1000, setupsPerUser=0, tenants={"count": 2}))
    assert team_accounts(demo_db) == 2


def test_hybrid_users_with_tenants_gives_exactly_the_tenants(demo_db):
    with connect(demo_db) as conn:   # 12 users the app already has (their accounts come from the trigger)
        conn.execute("""
            INSERT INTO auth.users (instance_id, id, aud, role, email, raw_user_meta_data, created_at, updated_at)
            SELECT '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
                   'existing' || i || '@example.com', '{}', now(), now() FROM generate_series(1, 12) i""")
        conn.commit()
    config = settings(userStrategy="hybrid", additionalUsers={"count": 2}, tenants={"count": 2}, setupsPerUser=1)
    api.seed(demo_db, config)
    assert team_accounts(demo_db) == 2
    assert scalar(demo_db, "SELECT count(*) FROM auth.users") == 14


@pytest.mark.parametrize("batch_size", [3, 4, 10])
def test_per_table_count_is_exact_for_any_batch_size(demo_db, batch_size):
    with connect(demo_db) as conn:
        conn.execute("CREATE TABLE public.user_notes (id uuid PRIMARY KEY, user_id uuid NOT NULL "
                     "REFERENCES auth.users ON DELETE CASCADE, body text NOT NULL)")
        conn.commit()
    api.seed(demo_db, settings(userCount=10, batchSize=batch_size, setupsPerUser=1,
                               tables={"public.user_notes": {"count": 17}}))
    assert scalar(demo_db, "SELECT count(*) FROM public.user_notes") == 17


def test_setups_per_user_is_exact_at_any_size(demo_db):
    api.seed(demo_db, settings(userCount=1_000, batchSize=300, setupsPerUser=3))
    assert scalar(demo_db, "SELECT count(*) FROM public.setups") == 3_000


@pytest.mark.parametrize("strategy", ["create-new", "hybrid"])
def test_dry_run_plans_exactly_what_the_seed_writes(demo_db, strategy):
    """`seed --dry-run` is the real planner with a loader that writes nothing: over several batches, tenants,
    a counted table and (hybrid) users that already exist, its per-table rows are the seed's."""
    from supaseed_pipeline.seed.dry_run import dry_run

    with connect(demo_db) as conn:
        conn.execute("CREATE TABLE public.user_notes (id uuid PRIMARY KEY, user_id uuid NOT NULL "
                     "REFERENCES auth.users ON DELETE CASCADE, body text NOT NULL)")
        if strategy == "hybrid":
            conn.execute("""
                INSERT INTO auth.users (instance_id, id, aud, role, email, raw_user_meta_data, created_at, updated_at)
                SELECT '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
                       'existing' || i || '@example.com', '{}', now(), now() FROM generate_series(1, 12) i""")
        conn.commit()
    config = settings(userCount=2_300, batchSize=1_000, setupsPerUser=2, tenants={"count": 3}, workers=2,
                      userStrategy=strategy, additionalUsers={"count": 5},
                      tables={"public.user_notes": {"count": 17}})
    planned = dry_run(demo_db, config)
    assert scalar(demo_db, "SELECT count(*) FROM public.setups") == 0   # nothing written
    results = api.seed(demo_db, config)
    written: dict[str, int] = {}
    for result in results:
        for table, rows in result.rows.items():
            written[table] = written.get(table, 0) + rows - result.by_triggers.get(table, 0)
    assert {t: n for t, n in planned.planned.items() if n} == {t: n for t, n in written.items() if n}
    owners = 2_300 if strategy == "create-new" else 12 + 5
    assert planned.planned["public.setups"] == owners * 2
    assert planned.planned["public.user_notes"] == 17
    assert team_accounts(demo_db) == 3 == planned.planned["public.accounts"]
