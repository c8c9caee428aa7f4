"""The environment supaseed reads: the process environment, plus a `.env` file's variables for one command.

A `.env` file's values apply where the real environment does not set them. They are layered in a context
variable for the command that read the file, never written to `os.environ`: child processes, Dagster and
other libraries see the real environment only, nothing has to be restored when the command ends (or
fails half-way), and two commands run in one process (tests, a notebook) do not see each other's file.
Worker threads started with `contextvars.copy_context()` (as `seed.api` starts them) see the layer too.
"""

from __future__ import annotations

import os
from collections import ChainMap
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator, Mapping

_DOTENV: ContextVar[Mapping[str, str]] = ContextVar("supaseed_dotenv", default={})


def get(name: str, default: str | None = None) -> str | None:
    """A variable of the real environment, else of the current `.env` layer (an empty real value counts as set)."""
    value = os.environ.get(name)
    if value is None:
        value = _DOTENV.get().get(name)
    return default if value is None else value


def current() -> Mapping[str, str]:
    """A read-only view: the real environment first, then the current `.env` layer."""
    return ChainMap(os.environ, dict(_DOTENV.get()))   # type: ignore[arg-type]


def taken_from(values: Mapping[str, str]) -> dict[str, str]:
    """The `.env` values that apply: names the real environment does not set, non-empty values."""
    return {name: value for name, value in values.items() if name not in os.environ and value != ""}


@contextmanager
def layered(values: Mapping[str, str]) -> Iterator[list[str]]:
    """Within the block, `get`/`current` also see `values` where the real environment is silent; yields their names."""
    taken = taken_from(values)
    token = _DOTENV.set({**_DOTENV.get(), **taken})
    try:
        yield list(taken)
    finally:
        _DOTENV.reset(token)
