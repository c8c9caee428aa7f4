"""Open connections to a target database with one-line, secret-free errors."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

import psycopg
from psycopg import sql

from supaseed_pipeline.db import conninfo
from supaseed_pipeline.errors import ConnectionFailed, redact, register_secret

CONNECT_TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class Target:
    """A target database: its connection string (secret), parsed once, and how to show and name it.

    `display`, `identity`, `host`, `port` and `dbname` come from the parameters libpq reads (plus the
    PG* environment at creation), never from the text: a password cannot end up in a name or a message.
    """

    url: str = field(repr=False)
    embedded: bool = False
    params: dict[str, str] = field(init=False, repr=False, compare=False)     # as the string gives them
    resolved: dict[str, str] = field(init=False, repr=False, compare=False)   # plus the PG* environment

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", conninfo.parse(self.url))
        object.__setattr__(self, "resolved", conninfo.effective(self.params))
        for key in conninfo.SECRET_KEYS:
            register_secret(self.resolved.get(key))   # PGPASSWORD included
        register_secret(self.url)   # the password in every spelling the URL text can show it

    def __repr__(self) -> str:
        return f"Target({self.display!r}{', embedded=True' if self.embedded else ''})"

    @property
    def display(self) -> str:
        """The connection string rebuilt from its parameters, the password as *** (unchanged without one)."""
        return conninfo.display(self.url, self.params)

    @property
    def host(self) -> str:
        """The host (or comma-separated hosts) libpq connects to; socket directories start with '/'."""
        return ",".join(h or "localhost" for h in conninfo.host_list(self.resolved))

    @property
    def port(self) -> str:
        return ",".join(p or conninfo.DEFAULT_PORT for p in self.resolved.get("port", "").split(","))

    @property
    def dbname(self) -> str:
        return conninfo.database(self.resolved)

    @property
    def identity(self) -> str:
        """host:port/dbname, without credentials: used for tags, locks, folder names and messages."""
        return conninfo.identity(self.resolved, embedded=self.embedded)

    def with_database(self, dbname: str) -> "Target":
        return Target(conninfo.with_database(self.url, dbname), embedded=self.embedded)


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    lowered = str(exc).lower()
    if "password authentication failed" in lowered:
        return "password authentication failed (check the user and password in the URL)"
    if "connection refused" in lowered:
        return "connection refused (is the server running and listening on that port?)"
    if "could not translate host name" in lowered or "name or service not known" in lowered:
        return "unknown host (check the host name in the URL)"
    if "timeout expired" in lowered or "timed out" in lowered:
        return f"no answer within {CONNECT_TIMEOUT_SECONDS}s (check host, port and firewall)"
    match = re.search(r'database "([^"]+)" does not exist', str(exc))
    if match:
        return f"database {match.group(1)!r} does not exist (create it or fix the URL)"
    if "no such file or directory" in lowered:
        return "no server socket there (is the server running?)"
    return redact(re.sub(r"^connection failed:\s*", "", text))


def connect(target: Target, *, autocommit: bool = False, application_name: str = "supaseed") -> psycopg.Connection:
    """A psycopg connection, or ConnectionFailed naming host, port and database (password redacted)."""
    try:
        return psycopg.connect(
            target.url,
            autocommit=autocommit,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            application_name=application_name,
        )
    except psycopg.Error as exc:
        refused = "connection refused" in str(exc).lower()
        raise ConnectionFailed(
            f"cannot connect to {target.host}:{target.port}/{target.dbname}: {_reason(exc)}",
            # 54322: the local Supabase CLI's database, which supabaseUrl http://127.0.0.1:54321 (every example
            # config of the old tool) points at; a user without it running expects the demo database
            hint="that is a local Supabase's database port: start it (`supabase start`), or remove supabaseUrl "
                 "(and SUPABASE_URL) to seed supaseed's embedded demo database" if refused and str(target.port) == "54322"
            else None,
        ) from None


@contextmanager
def connection(target: Target, *, autocommit: bool = False) -> Iterator[psycopg.Connection]:
    conn = connect(target, autocommit=autocommit)
    try:
        yield conn
    finally:
        conn.close()


def create_database(server: Target, name: str, *, template: str | None = None) -> Target:
    with connect(server, autocommit=True) as conn:
        clause = sql.SQL(" TEMPLATE {}").format(sql.Identifier(template)) if template else sql.SQL("")
        conn.execute(sql.SQL("CREATE DATABASE {}{}").format(sql.Identifier(name), clause))
    return server.with_database(name)


def drop_database(server: Target, name: str) -> None:
    with connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
