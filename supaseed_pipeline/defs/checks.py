"""Checks declared on the seeding assets and evaluated in the same step, on the batches that step loaded.

They query the target (they do not trust the load) with the snapshot and mapping the step was given,
and travel with the materialization (`MaterializeResult(check_results=...)`).
"""

import dagster as dg
import psycopg

from supaseed_pipeline.plan.mapping import TableMapping
from supaseed_pipeline.seed import verify
from supaseed_pipeline.settings import SeedSettings
from supaseed_pipeline.snapshot.models import SchemaSnapshot

REFERENCE_SPECS = [
    dg.AssetCheckSpec("reference_constraints_hold", asset="reference_data", blocking=True,
                      description="Every FK, unique and CHECK holds on the reference tables this run loaded."),
]
BATCH_SPECS = [
    dg.AssetCheckSpec("user_passwords_verify", asset="users",
                      description="Seeded users' password hashes verify with bcrypt (Supabase targets)."),
    dg.AssetCheckSpec("users_have_personal_accounts", asset="accounts", blocking=True,
                      description="Every seeded auth user has its personal account."),
    dg.AssetCheckSpec("seeded_constraints_hold", asset="setups", blocking=True,
                      description="Every FK, unique and CHECK holds on the tables of the batches this run loaded."),
    dg.AssetCheckSpec("seeded_rows_present", asset="setups",
                      description="Every row the ledger records for the seeded batches is still in its table."),
    dg.AssetCheckSpec("tables_in_scope_have_rows", asset="setups",
                      description="Every table in the seeded schemas holds rows; a table left empty is listed with "
                                  "why (left out by the database, skipped) — a warning, the rest is seeded."),
]


def constraints_result(conn: psycopg.Connection, snapshot: SchemaSnapshot, tables: list[str], name: str, asset: str,
                       batches: list[str]) -> dg.AssetCheckResult:
    # PostgreSQL vouches for validated FKs and CHECKs and for unique constraints on every row; the ones added
    # NOT VALID are re-checked on the seeded tables (100k users: 7.1 s for all of them, 1M: over a minute)
    unvouched = verify.not_validated(conn, sorted(tables))
    problems = verify.constraint_violations(conn, snapshot, sorted(tables), unvouched=unvouched)
    return dg.AssetCheckResult(asset_key=asset, check_name=name, passed=not problems, metadata={
        "tables": len(tables), "batches": dg.MetadataValue.json(batches), "problems": dg.MetadataValue.json(problems[:50]),
        "not_valid_constraints_checked": len(unvouched)})


def empty_tables_result(conn: psycopg.Connection, snapshot: SchemaSnapshot, settings: SeedSettings,
                        reasons: dict[str, str]) -> dg.AssetCheckResult:
    """Warn when a table in scope ended with no rows, and say why (left out, skipped, or no reason known)."""
    empty = {}
    for table in snapshot.tables:
        if table.schema_name not in settings.schemas or table.partition_of:
            continue
        if not verify.has_rows(conn, table.qualified):
            empty[table.qualified] = reasons.get(table.qualified, "no rows and no reason recorded")
    return dg.AssetCheckResult(asset_key="setups", check_name="tables_in_scope_have_rows", passed=not empty,
                               severity=dg.AssetCheckSeverity.WARN,
                               metadata={"empty_tables": dg.MetadataValue.json(empty)})


def batch_results(conn: psycopg.Connection, snapshot: SchemaSnapshot, mapping: TableMapping, settings: SeedSettings,
                  tables: list[str], batches: list[str],
                  reasons: dict[str, str] | None = None, open_connection=None) -> dict[str, list[dg.AssetCheckResult]]:
    """Check results per asset key for the batches this step loaded (the seeded rows counted on up to
    `workers` connections that `open_connection` opens)."""
    if mapping.is_supabase:
        bad = verify.password_mismatches(conn, settings.password.get_secret_value())
        passwords = dg.AssetCheckResult(asset_key="users", check_name="user_passwords_verify", passed=bad == 0,
                                        metadata={"mismatches": bad})
    else:
        passwords = dg.AssetCheckResult(asset_key="users", check_name="user_passwords_verify", passed=True,
                                        metadata={"skipped": "not a Supabase target"})
    missing_accounts = verify.users_without_personal_account(conn, mapping)
    # every batch the ledger records, not only this run's: an older batch's rows may have been deleted since
    missing_rows = verify.missing_seeded_rows(conn, snapshot, open_connection=open_connection, workers=settings.workers)
    return {
        "users": [passwords],
        "accounts": [dg.AssetCheckResult(asset_key="accounts", check_name="users_have_personal_accounts",
                                         passed=missing_accounts == 0, metadata={"users_without_account": missing_accounts})],
        "setups": [
            constraints_result(conn, snapshot, tables, "seeded_constraints_hold", "setups", batches),
            dg.AssetCheckResult(asset_key="setups", check_name="seeded_rows_present", passed=not missing_rows,
                                metadata={"batches": dg.MetadataValue.json(batches),
                                          "problems": dg.MetadataValue.json(missing_rows[:50])}),
            empty_tables_result(conn, snapshot, settings, reasons or {}),
        ],
    }
