"""Asset checks run after loading: they query the target, they do not trust the load."""

from contextlib import contextmanager

import dagster as dg

from supaseed_pipeline.db.connect import connect
from supaseed_pipeline.defs.resources import SupaseedResource
from supaseed_pipeline.seed import verify
from supaseed_pipeline.seed.api import prepare
from supaseed_pipeline.seed.ledger import ledger_exists

NOTHING_SEEDED = dg.AssetCheckResult(passed=False, metadata={"reason": "nothing seeded yet"})


@contextmanager
def seeded_target(supaseed: SupaseedResource):
    """(settings, connection, prepared plan) for the target, or None in place of the plan when nothing is seeded."""
    settings = supaseed.settings()
    with connect(supaseed.target(settings)) as conn:
        yield settings, conn, (prepare(conn, settings) if ledger_exists(conn) else None)


@dg.asset_check(asset="setups", blocking=True, description="Every FK, unique and CHECK holds on the seeded tables.")
def seeded_constraints_hold(supaseed: SupaseedResource) -> dg.AssetCheckResult:
    with seeded_target(supaseed) as (_, conn, prepared):
        if prepared is None:
            return NOTHING_SEEDED
        tables = sorted(verify.seeded_tables(conn))
        problems = verify.constraint_violations(conn, prepared.snapshot, tables)
    return dg.AssetCheckResult(passed=not problems, metadata={"tables": len(tables), "problems": dg.MetadataValue.json(problems)})


@dg.asset_check(asset="setups", description="Row counts per table and partition match the ledger.")
def seeded_row_counts(supaseed: SupaseedResource) -> dg.AssetCheckResult:
    with seeded_target(supaseed) as (_, conn, prepared):
        if prepared is None:
            return NOTHING_SEEDED
        problems = verify.missing_seeded_rows(conn, prepared.snapshot)
        counts = verify.seeded_tables(conn)
    return dg.AssetCheckResult(passed=not problems, metadata={"rows": dg.MetadataValue.json(counts),
                                                               "problems": dg.MetadataValue.json(problems)})


@dg.asset_check(asset="accounts", blocking=True, description="Every seeded auth user has its personal account.")
def users_have_personal_accounts(supaseed: SupaseedResource) -> dg.AssetCheckResult:
    with seeded_target(supaseed) as (_, conn, prepared):
        missing = verify.users_without_personal_account(conn, prepared.mapping) if prepared else 0
    return dg.AssetCheckResult(passed=missing == 0, metadata={"users_without_account": missing})


@dg.asset_check(asset="users", description="Seeded users' password hashes verify with bcrypt.")
def user_passwords_verify(supaseed: SupaseedResource) -> dg.AssetCheckResult:
    with seeded_target(supaseed) as (settings, conn, prepared):
        if prepared is None or not prepared.mapping.is_supabase:
            return dg.AssetCheckResult(passed=True, metadata={"skipped": "not a Supabase target or nothing seeded"})
        bad = verify.password_mismatches(conn, settings.password.get_secret_value())
    return dg.AssetCheckResult(passed=bad == 0, metadata={"mismatches": bad})


CHECKS = [seeded_constraints_hold, seeded_row_counts, users_have_personal_accounts, user_passwords_verify]
