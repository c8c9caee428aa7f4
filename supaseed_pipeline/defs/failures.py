"""How a step fails: transient errors go to the asset's RetryPolicy, user errors fail once in one line.

Every failure a supaseed step raises is a `dg.Failure` whose description is the one line the user reads
and whose metadata says what kind of failure it is (`supaseed/exit`: "usage" for a config or usage error,
"failure" otherwise). Dagster keeps both as the step failure's `user_failure_data`, also when a transient
error used up its retries, so the CLI and the console logger read them structurally, never from the
exception's class name.
"""

from __future__ import annotations

import dagster as dg
import psycopg

from supaseed_pipeline.errors import ConfigError, SupaseedError, redact
from supaseed_pipeline.transient import is_transient

# Transient failures only (see run_step): lost connection, lock timeout, serialization failure, busy target.
RETRY = dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL)

EXIT_KIND = "supaseed/exit"   # failure metadata: USAGE (the CLI exits 2) or FAILURE (exits 1)
USAGE, FAILURE = "usage", "failure"
ERROR_TYPE = "supaseed/error"   # the exception's type, for --verbose and the UI (read as text, never matched)


def user_failure(message: str, *, kind: str = FAILURE, hint: str | None = None, error: str | None = None,
                 transient: bool = False) -> dg.Failure:
    """A step failure the user can act on: one line (the hint after a dash), plus its kind and hint as metadata."""
    if hint and hint not in message:   # a SupaseedError's message already ends with its hint
        message = f"{message} — {hint}"
    metadata: dict[str, str | bool] = {EXIT_KIND: kind}
    if hint:
        metadata["hint"] = hint
    if error:
        metadata[ERROR_TYPE] = error
    if transient:
        metadata["transient"] = True
    return dg.Failure(description=" ".join(str(message).split()), metadata=metadata, allow_retries=False)


def failure_for(exc: BaseException) -> dg.Failure:
    """The dg.Failure for an exception a step did not expect to handle itself."""
    if isinstance(exc, SupaseedError):
        return user_failure(str(exc), kind=USAGE if isinstance(exc, ConfigError) else FAILURE, hint=exc.hint,
                            error=type(exc).__name__, transient=is_transient(exc))
    if isinstance(exc, psycopg.Error):   # as the CLI words a database error outside a run
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return user_failure(f"database error: {redact(first)}", error=type(exc).__name__, transient=is_transient(exc))
    return user_failure(f"unexpected {type(exc).__name__}: {redact(str(exc))}", error=type(exc).__name__,
                        transient=is_transient(exc))


def run_step(call):
    """Run call(); a transient error asks for a retry, anything else becomes a one-line dg.Failure.

    The retry request carries the failure it would be as its cause: when the retries are used up, Dagster
    reports that failure's description and metadata (the step's `user_failure_data`).
    """
    try:
        return call()
    except (dg.Failure, dg.RetryRequested):
        raise
    except Exception as exc:
        failure = failure_for(exc)
        if is_transient(exc):
            failure.__cause__ = exc   # the original error stays in the trace Dagster records
            raise dg.RetryRequested(max_retries=RETRY.max_retries, seconds_to_wait=RETRY.delay) from failure
        if isinstance(exc, SupaseedError):
            raise failure from None   # its message says it all: no traceback
        raise failure from exc   # a bug: keep its traceback as the cause; retrying the same input cannot help
