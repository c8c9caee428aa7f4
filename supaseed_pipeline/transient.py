"""Which failures are worth retrying: the database went away or was busy, not the data or the config."""

from __future__ import annotations

import psycopg

from supaseed_pipeline.errors import ConnectionFailed, TargetBusy

# serialization_failure, deadlock_detected, lock_not_available: another session was in the way
BUSY_SQLSTATES = {"40001", "40P01", "55P03"}


def _chain(exc: BaseException):
    """The exception and every exception it was raised from or while handling (`from None` keeps __context__)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def is_transient(exc: BaseException) -> bool:
    """True when running the same step again later can succeed without anybody changing anything."""
    for link in _chain(exc):
        if isinstance(link, (ConnectionFailed, TargetBusy)):
            return True
        if isinstance(link, psycopg.Error):
            sqlstate = link.sqlstate or ""
            if sqlstate in BUSY_SQLSTATES or sqlstate.startswith("08") or sqlstate in {"57P01", "57P02", "57P03"}:
                return True
            if isinstance(link, psycopg.OperationalError) and not sqlstate:
                return True   # the connection dropped before the server could say why
    return False
