"""Settings (and the schema snapshot) handed from a command to the Dagster run it executes in the same
process, by an opaque token.

The CLI resolves its settings from the config file, the environment, `.env` and flags (the target URL and
its password included). The run needs exactly those settings, but everything Dagster is given can end up
stored: run config, the job snapshot (a resource passed to `execute_in_process(resources=...)` is stored
as its config's default value, password and all), metadata and logs. So the run config carries only a
random token, and the resource looks the settings up here. In any other process (a re-execution from the
UI, a code server) the token is unknown and the resource falls back to its own configuration.

The command also hands over the schema snapshot it planned with, so one `supaseed seed` reads the catalog
once: the run's `schema_snapshot` step records that snapshot instead of introspecting again.
"""

from __future__ import annotations

import secrets
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from supaseed_pipeline.settings import SeedSettings
    from supaseed_pipeline.snapshot.models import SchemaSnapshot

TOKEN_PREFIX = "settings-"
_registered: dict[str, tuple["SeedSettings", "SchemaSnapshot | None"]] = {}
_lock = threading.Lock()


@contextmanager
def handed_over(settings: "SeedSettings", snapshot: "SchemaSnapshot | None" = None) -> Iterator[str]:
    """Register `settings` (and the snapshot taken for them) for the block; yields the token to put in run
    config. Forgotten when the block ends."""
    token = TOKEN_PREFIX + secrets.token_hex(12)
    with _lock:
        _registered[token] = (settings, snapshot)
    try:
        yield token
    finally:
        with _lock:
            _registered.pop(token, None)


def lookup(token: str | None) -> "SeedSettings | None":
    """A private copy of the settings registered under `token` in this process, or None."""
    if not token:
        return None
    with _lock:
        settings, _ = _registered.get(token, (None, None))
    # a copy: a step that adjusts its settings must not change what the command (or the next step) sees
    return settings.model_copy(deep=True) if settings is not None else None


def lookup_snapshot(token: str | None) -> "SchemaSnapshot | None":
    """The schema snapshot registered with `token` in this process (read-only by convention), or None."""
    if not token:
        return None
    with _lock:
        return _registered.get(token, (None, None))[1]
