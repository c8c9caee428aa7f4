"""Real databases for the tests: the embedded server always, plus $SUPASEED_TEST_DATABASE_URL when set.

Every test gets its own freshly created database and drops it afterwards; nothing else on the
server is touched.
"""

from __future__ import annotations

import os
import uuid

import pytest

from supaseed_pipeline.db import embedded
from supaseed_pipeline.db.connect import Target, connect, create_database, drop_database

_SERVERS = ["embedded"] + (["external"] if os.environ.get("SUPASEED_TEST_DATABASE_URL") else [])

# Modules whose behaviour does not depend on the server's version (the CLI, Dagster wiring, the bench,
# AI text, process-level concurrency) run on the embedded server only; everything about SQL, the
# catalog and constraints runs on both majors. Keeps the CI run short.
ONE_SERVER_MODULES = {"test_ai", "test_bad_input", "test_bench", "test_cli", "test_dagster", "test_dagster_materialize_all",
                      "test_distributed_runs", "test_old_tool", "test_workers", "test_cleanup_scale",
                      "test_cli_environment", "test_cli_failures", "test_cli_rules", "test_dagster_output"}
# The same for single tests of the other modules: `@pytest.mark.one_server` (a CLI or Dagster process, a kill).


def pytest_collection_modifyitems(config, items):
    kept, dropped = [], []
    for item in items:
        server = getattr(getattr(item, "callspec", None), "params", {}).get("pg_server")
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        one_server = module in ONE_SERVER_MODULES or item.get_closest_marker("one_server") is not None
        (dropped if server == "external" and one_server else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
_templates: dict[str, str] = {}
_started_for_workers: list[bool] = []


def pytest_configure(config):
    """Under pytest-xdist the controller starts the embedded server before any worker: workers then find it
    running (two starting it at once would race) and none stops it while another still uses it."""
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    was_running = embedded.is_running()
    embedded.server_target()
    _started_for_workers.append(not was_running)


def pytest_unconfigure(config):
    if _started_for_workers and _started_for_workers.pop():
        embedded.stop_server()


@pytest.fixture(scope="session", params=_SERVERS)
def pg_server(request):
    """A server-level target (its maintenance database) on which tests create their databases."""
    if request.param == "external":
        target = Target(os.environ["SUPASEED_TEST_DATABASE_URL"])
        yield target
        _drop_template(target)
        return
    was_running = embedded.is_running()
    target = embedded.server_target()
    yield target
    # The demo template goes before the server this session started is stopped.
    _drop_template(target)
    if not was_running:
        embedded.stop_server()


def _drop_template(server: Target) -> None:
    template = _templates.pop(server.url, None)
    if template:
        drop_database(server, template)


def server_major_version(target: Target) -> int:
    with connect(target) as conn:
        return int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000


def _new_name(prefix: str) -> str:
    return f"supaseed_t_{prefix}_{uuid.uuid4().hex[:10]}"


@pytest.fixture
def fresh_db(pg_server: Target):
    """An empty database of our own, dropped after the test."""
    name = _new_name("empty")
    target = create_database(pg_server, name)
    yield target
    drop_database(pg_server, name)


@pytest.fixture
def demo_db(pg_server: Target):
    """A database with the demo Supabase-style schema (cloned from a per-session template)."""
    from supaseed_pipeline.demo import apply_demo_schema

    key = pg_server.url
    if key not in _templates:
        template = _new_name("demo_template")
        target = create_database(pg_server, template)
        try:
            with connect(target) as conn:
                apply_demo_schema(conn)
                conn.commit()
        except Exception:
            drop_database(pg_server, template)
            raise
        _templates[key] = template
    name = _new_name("demo")
    target = create_database(pg_server, name, template=_templates[key])
    yield target
    drop_database(pg_server, name)
