"""Progress events from the engine to whoever listens (the CLI's progress bars), in-process."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

Listener = Callable[[str, str, int], None]   # (partition key, table, rows just loaded)
_listeners: list[Listener] = []


def report(partition: str, table: str, rows: int) -> None:
    for listener in list(_listeners):
        listener(partition, table, rows)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)
