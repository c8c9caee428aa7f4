"""Progress events from the engine to whoever listens (the CLI's progress bars), in-process."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

Listener = Callable[[str, str, int], None]   # (partition key, table, rows just loaded)
_listeners: list[Listener] = []


def report(partition: str, table: str, rows: int) -> None:
    for listener in list(_listeners):
        listener(partition, table, rows)


def announce(stage: str) -> None:
    """A stage of the run that loads no rows (a bulk load's rebuild), for listeners with `on_stage`."""
    for listener in list(_listeners):
        on_stage = getattr(listener, "on_stage", None)
        if on_stage is not None:
            on_stage(stage)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)
