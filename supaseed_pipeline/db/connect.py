"""Open connections to a target database with one-line, secret-free errors."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator
from urllib.parse import parse_qs, urlparse

import psycopg
from psycopg import sql

from supaseed_pipeline.errors import ConnectionFailed, redact, register_secret

CONNECT_TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class Target:
    """A target database: its full URL (secret) and how to show it."""

    url: str
    embedded: bool = False

    def __post_init__(self) -> None:
        register_secret(urlparse(self.url).password)

    @property
    def display(self) -> str:
        return redact(self.url)

    @property
    def host(self) -> str:
        parsed = urlparse(self.url)
        return parsed.hostname or parse_qs(parsed.query).get("host", ["localhost"])[0]

    @property
    def port(self) -> int:
        return urlparse(self.url).port or 5432

    @property
    def dbname(self) -> str:
        return urlparse(self.url).path.lstrip("/") or "postgres"

    @property
    def identity(self) -> str:
        """host:port/dbname, without credentials: used for tags, locks and messages."""
        host = "embedded" if self.embedded else self.host
        return f"{host}:{self.port}/{self.dbname}"

    def with_database(self, dbname: str) -> "Target":
        parsed = urlparse(self.url)
        return Target(parsed._replace(path=f"/{dbname}").geturl(), embedded=self.embedded)


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
        raise ConnectionFailed(
            f"cannot connect to {target.host}:{target.port}/{target.dbname}: {_reason(exc)}"
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
