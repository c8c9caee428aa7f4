"""Settings handed from a command to the Dagster run it executes in the same process, by an opaque token.

The CLI resolves its settings from the config file, the environment, `.env` and flags (the target URL and
its password included). The run needs exactly those settings, but everything Dagster is given can end up
stored: run config, the job snapshot (a resource passed to `execute_in_process(resources=...)` is stored
as its config's default value, password and all), metadata and logs. So the run config carries only a
random token, and the resource looks the settings up here. In any other process (a re-execution from the
UI, a code server) the token is unknown and the resource falls back to its own configuration.
"""

from __future__ import annotations

import secrets
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from supaseed_pipeline.settings import SeedSettings

TOKEN_PREFIX = "settings-"
_registered: dict[str, "SeedSettings"] = {}
_lock = threading.Lock()


@contextmanager
def handed_over(settings: "SeedSettings") -> Iterator[str]:
    """Register `settings` for the block; yields the token to put in run config. Forgotten when the block ends."""
    token = TOKEN_PREFIX + secrets.token_hex(12)
    with _lock:
        _registered[token] = settings
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
        settings = _registered.get(token)
    # a copy: a step that adjusts its settings must not change what the command (or the next step) sees
    return settings.model_copy(deep=True) if settings is not None else None
