"""Tenants (team accounts): which schemas have them, and the ones a target holds.

Team accounts are the MakerKit notion: rows of the accounts table whose personal-account flag is
false, with memberships linking users to them.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from supaseed_pipeline.db.connect import Target
from supaseed_pipeline.errors import SupaseedError
from supaseed_pipeline.plan.graph import ConstraintGraph
from supaseed_pipeline.plan.mapping import TableMapping
from supaseed_pipeline.seed.load import ident

TEAM_FRAMEWORK = "makerkit-full"   # the framework whose accounts and memberships the engine seeds teams into


@dataclass(frozen=True)
class TeamAccount:
    name: str
    slug: str | None
    members: int          # memberships, the owner's included


def can_list_team_accounts(mapping: TableMapping) -> bool:
    """An accounts table with a personal-account flag: team accounts are the rows where it is false."""
    return bool(mapping.account_table and mapping.account_personal_flag)


def team_accounts(conn: psycopg.Connection, mapping: TableMapping, graph: ConstraintGraph) -> list[TeamAccount]:
    """Every team account in the target, by name, with its member count (0 without a memberships table)."""
    key = graph.tables[mapping.account_table].key_columns[0]
    slug = sql.SQL("a.{}").format(sql.Identifier(mapping.account_slug)) if mapping.account_slug else sql.SQL("NULL")
    members = sql.SQL("0")
    if mapping.membership_table:
        members = sql.SQL("(SELECT count(*) FROM {} m WHERE m.{} = a.{})").format(
            ident(mapping.membership_table), sql.Identifier(mapping.membership_account_field), sql.Identifier(key))
    query = sql.SQL("SELECT a.{}, {}, {} FROM {} a WHERE a.{} = false ORDER BY 1").format(
        sql.Identifier(mapping.account_name or key), slug, members, ident(mapping.account_table),
        sql.Identifier(mapping.account_personal_flag))
    return [TeamAccount(str(name), str(slug) if slug is not None else None, int(count))
            for name, slug, count in conn.execute(query).fetchall()]


def require_team_accounts(target: Target, mapping: TableMapping) -> None:
    """Refuse to generate tenants on a schema the engine cannot seed team accounts into."""
    if mapping.framework != TEAM_FRAMEWORK:
        raise SupaseedError(f"{target.display} has no team accounts to generate (framework {mapping.framework}; "
                            "tenants need an accounts table with a personal-account flag and memberships)")
