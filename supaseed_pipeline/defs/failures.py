"""How a step fails: transient errors go to the asset's RetryPolicy, user errors fail once in one line."""

import dagster as dg

from supaseed_pipeline.errors import SupaseedError
from supaseed_pipeline.transient import is_transient

# Transient failures only (see run_step): lost connection, lock timeout, serialization failure, busy target.
RETRY = dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL)


def run_step(call):
    """Run call(); a transient error asks for a retry, a SupaseedError becomes a one-line dg.Failure (no traceback)."""
    try:
        return call()
    except (dg.Failure, dg.RetryRequested):
        raise
    except Exception as exc:
        if is_transient(exc):
            raise dg.RetryRequested(max_retries=RETRY.max_retries, seconds_to_wait=RETRY.delay) from exc
        if isinstance(exc, SupaseedError):
            raise dg.Failure(description=str(exc), allow_retries=False) from None
        # a bug: keep its traceback as the cause, but retrying the same input cannot help
        raise dg.Failure(description=f"unexpected {type(exc).__name__}: {exc}", allow_retries=False) from exc
