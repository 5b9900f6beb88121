"""Shared fixtures: one PostgreSQL and one Redis per test session (started like `make run`
starts them), a fresh database per test module, and a real api server process.

    services             the session's servers
    database_url         a fresh, migrated, empty database for this module
    snapshot_database_url  a fresh database holding the bundled KRX snapshot, for this module
    redis_url            the session's Redis, flushed at the start of each module
    api_server           `python -m api` against snapshot_database_url + redis_url
    storage              "timescaledb" or "postgres" (KRX_TEST_STORAGE; see tests/support/harness.py)
    opensearch_url       one real OpenSearch node per session (jobs and api search tests), fetched
                         with Maven and started by devtools/opensearch_node.py (about 15 s; the first
                         run also downloads ~60 MB into ./.cache/opensearch)

Markers: `storage` — a storage test, run on both backends by `make test`; `timescale` /
`plain_postgres` — only meaningful on that backend (deselected, and counted as such, on the other).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import redis

from devtools.opensearch_node import Node
from tests.support import harness

EMPTY_TEMPLATE = "tpl_empty"
SNAPSHOT_TEMPLATE = "tpl_snapshot"


def pytest_configure(config):
    config.addinivalue_line("markers", "storage: a storage test; make test runs it on TimescaleDB and plain PostgreSQL")
    config.addinivalue_line("markers", "timescale: needs TimescaleDB (deselected on plain PostgreSQL)")
    config.addinivalue_line("markers", "plain_postgres: about plain PostgreSQL only (deselected on TimescaleDB)")


def pytest_collection_modifyitems(config, items):
    other = "plain_postgres" if harness.storage_under_test() == "timescaledb" else "timescale"
    deselected = [item for item in items if item.get_closest_marker(other)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker(other)]


@pytest.fixture(scope="session")
def services():
    root = Path(tempfile.mkdtemp(prefix="krx-test-"))
    root.chmod(0o755)
    started = harness.start_services(root)
    harness.build_template(started, EMPTY_TEMPLATE, with_snapshot=False)
    # the session really runs on the storage it says (the migration runner decides by itself)
    probe = harness.clone_database(started, EMPTY_TEMPLATE, "t_storage_probe")
    assert asyncio.run(harness.has_timescale(probe)) == (started.storage == "timescaledb")
    yield started
    started.redis.stop()
    started.pg.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def storage(services) -> str:
    return services.storage


@pytest.fixture(scope="session")
def snapshot_template(services) -> str:
    harness.build_template(services, SNAPSHOT_TEMPLATE, with_snapshot=True)
    return SNAPSHOT_TEMPLATE


def _database_name(request, suffix: str) -> str:
    module = re.sub(r"[^a-z0-9_]", "_", request.module.__name__.lower())[-40:]
    return f"t_{module}_{suffix}"


@pytest.fixture(scope="module")
def database_url(services, request) -> str:
    return harness.clone_database(services, EMPTY_TEMPLATE, _database_name(request, "empty"))


@pytest.fixture(scope="module")
def snapshot_database_url(services, snapshot_template, request) -> str:
    return harness.clone_database(services, snapshot_template, _database_name(request, "snap"))


@pytest.fixture(scope="module")
def redis_url(services) -> str:
    client = redis.Redis.from_url(services.redis_url)
    client.flushall()
    client.close()
    return services.redis_url


@pytest.fixture(scope="module")
def output_dir(request) -> Path:
    """A folder for this module's process logs and screenshots (kept after the run)."""
    path = harness.REPO_ROOT / "test-output" / request.module.__name__.rsplit(".", 1)[-1]
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def api_server(snapshot_database_url, redis_url, output_dir):
    server = harness.ApiServer(harness.platform_env(snapshot_database_url, redis_url), output_dir / "api.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def opensearch_url():
    node = Node()
    url = node.start()
    yield url
    node.stop()
