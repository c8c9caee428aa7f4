"""The production guard: refuse targets that do not look like development or staging.

It decides from what libpq uses, not from the text of the URL: every host and hostaddr of the parsed
parameters (and PGHOST/PGHOSTADDR) before connecting, then the host the connection really reached. The
row count comes from the catalog, so it holds in a TEMPLATE copy or after a statistics reset, and leaves
out what supaseed seeded itself (a large seed can be removed and reseeded).
"""

from __future__ import annotations

import ipaddress
from typing import Protocol, Sequence

import psycopg
from psycopg import sql

from supaseed_pipeline.db.connect import Target
from supaseed_pipeline.errors import ProductionGuardError

# docker-compose / Supabase CLI service names and the loopback names
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "host.docker.internal", "db", "postgres", "supabase_db"}


class GuardSettings(Protocol):
    allow_production: bool
    allowed_hosts: list[str]
    production_row_threshold: int


def is_local(host: str, allowed_hosts: Sequence[str] = ()) -> bool:
    """A loopback name or address, a socket directory, a local service name, `*.local`, or allowed."""
    host = host.strip()
    if not host or host.startswith("/"):
        return True     # '' is libpq's default: the local socket
    name = host.lower().rstrip(".")
    if name in {h.strip().lower().rstrip(".") for h in allowed_hosts}:
        return True
    if name in LOCAL_HOSTS or name.endswith((".local", ".localhost")):
        return True
    try:
        return ipaddress.ip_address(name.strip("[]").split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse_host(target: Target, host: str, kind: str, action: str) -> None:
    raise ProductionGuardError(
        f"refusing to {action} {target.identity}: {kind} '{host}' is not local and not in allowedHosts",
        hint="add it to allowedHosts for staging, or set allowProduction: true / --i-know-this-is-production")


def _exempt(target: Target, settings: GuardSettings) -> bool:
    return settings.allow_production or target.embedded


def guard_host(target: Target, settings: GuardSettings, *, action: str = "seed") -> None:
    """Before connecting: every host and hostaddr libpq may use must be local or allowed.

    A service name (`service=` / PGSERVICE) takes its host from a file libpq reads at connect time:
    that case is left to check_connection.
    """
    if _exempt(target, settings):
        return
    params = target.resolved
    for key, kind in (("host", "host"), ("hostaddr", "hostaddr")):
        for host in (params.get(key) or "").split(","):
            if not is_local(host, settings.allowed_hosts):
                _refuse_host(target, host, kind, action)


def check_connection(conn: psycopg.Connection, target: Target, settings: GuardSettings, *, action: str = "seed") -> None:
    """After connecting: the host the connection reached (and the address, where one was given) is local or allowed."""
    if _exempt(target, settings):
        return
    host = conn.info.host or ""
    if not is_local(host, settings.allowed_hosts):
        _refuse_host(target, host, "host", action)
    if target.resolved.get("hostaddr"):
        address = conn.info.hostaddr or ""
        if not is_local(address, settings.allowed_hosts):
            _refuse_host(target, address, "hostaddr", action)


def guard_production(conn: psycopg.Connection, target: Target, settings: GuardSettings, *, action: str = "seed") -> None:
    """Refuse targets that do not look like development or staging unless explicitly allowed."""
    if _exempt(target, settings):
        return
    guard_host(target, settings, action=action)
    check_connection(conn, target, settings, action=action)
    threshold = settings.production_row_threshold
    rows = rows_not_seeded(conn, threshold)
    if rows > threshold:
        raise ProductionGuardError(
            f"refusing to {action} {target.identity}: it already holds more than {threshold:,} rows supaseed did "
            f"not seed (at least {rows:,}; productionRowThreshold {threshold:,}), which looks like production",
            hint="raise productionRowThreshold for a large staging database, or set allowProduction: true")


# Tables whose rows someone else owns: ordinary tables (partitions included), outside the system schemas,
# the ledger and extension-owned tables (PostGIS's spatial_ref_sys is not production data).
_TABLES = """
SELECT c.oid::regclass::text, c.reltuples::bigint, coalesce(s.n_live_tup, 0),
       has_table_privilege(c.oid, 'SELECT')
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
WHERE c.relkind = 'r'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
  AND n.nspname <> %s
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                  AND d.deptype = 'e')
ORDER BY c.reltuples DESC, c.oid
"""


def rows_not_seeded(conn: psycopg.Connection, threshold: int) -> int:
    """Rows in the database that supaseed did not seed, counted until they pass `threshold` (then a lower bound).

    Analyzed tables count by `reltuples` (or the live-tuple statistic when it is larger, rows added since);
    tables never analyzed (reltuples -1), or analyzed while empty, by a count bounded to what can still
    decide. Statistics alone say 0 in a TEMPLATE copy or after a reset. The ledger's own rows are left
    out, and the rows it recorded are subtracted.
    """
    from supaseed_pipeline.seed import ledger   # late: the ledger belongs to the seeding layer

    seeded = ledger.recorded_row_count(conn)
    limit = threshold + seeded           # more rows than this decides, whatever else is found
    tables = conn.execute(_TABLES, (ledger.schema(),)).fetchall()
    total = 0
    uncounted = []
    for name, reltuples, live, readable in tables:
        if reltuples > 0:
            total += max(reltuples, live)
        elif readable:
            uncounted.append(name)
        else:
            total += max(live, 0)        # cannot read it: the statistic is all there is
        if total > limit:
            return total - seeded
    for name in uncounted:
        bound = limit - total + 1
        total += conn.execute(sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT %s) AS rows").format(
            sql.SQL(name)), (bound,)).fetchone()[0]
        if total > limit:
            break
    return max(total - seeded, 0)
