"""One run at a time per target: the steps of one run share a lock, another run waits.

A run (a CLI seed, a cleanup, a Dagster run with several steps, parallel batch workers) is named by
a token. Every connection working for that run holds the advisory lock (NAMESPACE, hash(token)) in
shared mode; it is taken only under a short gate lock and only when no other token holds one. So
the steps and workers of one run load side by side, while two runs (two configs, or a cleanup
during a seed) can never interleave. Session-level advisory locks end with the session, so a killed
run never leaves one behind.
"""

from __future__ import annotations

import contextvars
import threading
import time
import zlib
from contextlib import AbstractContextManager, contextmanager, suppress
from typing import Callable, Iterator, TypeVar

import psycopg

from supaseed_pipeline.errors import TargetBusy

NAMESPACE = 0x5375_7061          # "Supa": the first key of every supaseed advisory lock
# Dagster run tag carrying the token of a run made of several Dagster runs (the CLI's per-partition runs)
RUN_TOKEN_TAG = "supaseed/run_token"
_GATE = 0                        # (NAMESPACE, 0): held for a moment while a run's lock is taken


def token_key(token: str) -> int:
    """The second lock key of a run token: positive, never the gate's."""
    return zlib.crc32(token.encode()) % 0x7FFF_FFFF + 1


def holders(conn: psycopg.Connection, *, other_than: str | None = None) -> list[tuple[int, int]]:
    """(backend pid, token key) of the sessions holding a run lock on this database."""
    mine = token_key(other_than) if other_than is not None else -1
    rows = conn.execute(
        "SELECT pid, objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2 "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND classid::bigint = %s AND objid::bigint <> %s AND objid::bigint <> %s ORDER BY pid",
        (NAMESPACE, _GATE, mine)).fetchall()
    return [(int(pid), int(key)) for pid, key in rows]


def token_is_held(conn: psycopg.Connection, token: str) -> bool:
    return any(key == token_key(token) for _, key in holders(conn))


@contextmanager
def run_lock(conn: psycopg.Connection, identity: str, timeout_s: float, token: str) -> Iterator[None]:
    """Hold the run lock of `token` on this connection, waiting up to timeout_s for other runs."""
    key = token_key(token)
    deadline = time.monotonic() + timeout_s
    while True:
        if conn.execute("SELECT pg_try_advisory_lock(%s, %s)", (NAMESPACE, _GATE)).fetchone()[0]:
            try:
                others = holders(conn, other_than=token)
                if not others:
                    conn.execute("SELECT pg_advisory_lock_shared(%s, %s)", (NAMESPACE, key))
                    break
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s, %s)", (NAMESPACE, _GATE))
        else:
            others = []
        if time.monotonic() >= deadline:
            who = f" (held by backend pid {others[0][0]})" if others else ""
            raise TargetBusy(f"another supaseed run is seeding {identity}{who}",
                             hint="wait for it to finish, or stop it; nothing was changed")
        time.sleep(0.2)
    try:
        yield
    finally:
        if not conn.closed and not conn.broken:
            # a failed unlock must not hide the error that got us here; closing the session releases it anyway
            with suppress(psycopg.Error):
                conn.execute("SELECT pg_advisory_unlock_shared(%s, %s)", (NAMESPACE, key))


_PARTITIONS = NAMESPACE + 1      # (NAMESPACE + 1, hash(partition key)): one partition, one writer


def partition_lock(conn: psycopg.Connection, partition_key: str) -> None:
    """Hold a partition for the rest of the current transaction (waits up to lock_timeout for another
    step or worker of the same run that loads it)."""
    conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (_PARTITIONS, token_key(partition_key)))


Job = TypeVar("Job")


def on_connections(jobs: list[Job], work: Callable[[psycopg.Connection, Job], None],
                   open_worker: Callable[[], AbstractContextManager[psycopg.Connection]], workers: int) -> None:
    """work(connection, job) for every job, in order, on up to `workers` connections at once, each
    opened by `open_worker` (a context manager: the connection with whatever it holds, e.g. the run's
    lock). Jobs are independent and each commits on its own. After the first failure no new job
    starts; it is raised once the running ones end (jobs done stay done)."""
    workers = max(1, min(workers, len(jobs)))
    queue = list(reversed(jobs))
    claim = threading.Lock()
    failures: list[BaseException] = []

    def run() -> None:
        try:
            with open_worker() as worker:
                while True:
                    with claim:
                        if failures or not queue:
                            return
                        job = queue.pop()
                    work(worker, job)
        except BaseException as exc:   # re-raised below, in the caller's thread
            with claim:
                failures.append(exc)

    # each thread runs in a copy of this context: it sees the run's ledger schema (ledger.using)
    threads = [threading.Thread(target=contextvars.copy_context().run, args=(run,), name=f"supaseed-worker-{n}")
               for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
