"""Test harness helpers: throw-away PostgreSQL/Redis (the same servers `make run` uses),
fresh databases cloned from migrated templates, and a real api server process.

Other test modules use these through the fixtures in tests/conftest.py.

Storage: the session's PostgreSQL runs with TimescaleDB preloaded (the default, like `make run`), or
as plain PostgreSQL with KRX_TEST_STORAGE=postgres. `make test` runs every suite on TimescaleDB and
then the storage tests (marker `storage`) once more on plain PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from db import migrate, snapshot
from devtools.embedded import EmbeddedPostgres, EmbeddedRedis, free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
TEST_JWT_SECRET = "test-secret-" + "x" * 40


def server_folder(prefix: str) -> Path:
    """A fresh folder (0755) for servers a test starts; the caller removes it. Not under pytest's
    base temp folder: any pytest session starting on the machine resets that to 0700, which locks
    the embedded PostgreSQL (another system user when run as root) out of its data mid-run."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    root.chmod(0o755)
    return root


STORAGES = ("timescaledb", "postgres")


def storage_under_test() -> str:
    """KRX_TEST_STORAGE: `timescaledb` (default) or `postgres`."""
    storage = os.environ.get("KRX_TEST_STORAGE", "timescaledb")
    if storage not in STORAGES:
        raise RuntimeError(f"KRX_TEST_STORAGE={storage!r}: expected one of {', '.join(STORAGES)}")
    return storage


@dataclass
class Services:
    pg: EmbeddedPostgres
    redis: EmbeddedRedis
    admin_url: str  # the `postgres` database, for CREATE DATABASE
    redis_url: str
    storage: str = "timescaledb"

    def url_for(self, database: str) -> str:
        return self.admin_url.rsplit("/", 1)[0] + f"/{database}"


def embedded_postgres(
    folder: Path, database: str, storage: str | None = None, port: int | None = None
) -> EmbeddedPostgres:
    """The session's kind of PostgreSQL server (not started yet): TimescaleDB preloaded unless the
    storage under test is plain PostgreSQL. `port`: fixed in advance (clients may wait on it)."""
    timescale = (storage or storage_under_test()) == "timescaledb"
    if timescale:
        from devtools import timescale as timescale_build

        if not timescale_build.installed():
            raise RuntimeError(
                "TimescaleDB is not built into the embedded PostgreSQL: run `make setup` "
                "(or set KRX_TEST_STORAGE=postgres to test on plain PostgreSQL)"
            )
    return EmbeddedPostgres(folder, database=database, port=port, timescale=timescale)


def start_services(root: Path, storage: str | None = None) -> Services:
    storage = storage or storage_under_test()
    pg = embedded_postgres(root / "postgres", "postgres", storage)
    admin_url = pg.start()
    redis_server = EmbeddedRedis(root / "redis")
    return Services(pg, redis_server, admin_url, redis_server.start(), storage)


async def has_timescale(database_url: str) -> bool:
    conn = await asyncpg.connect(database_url)
    try:
        return bool(await conn.fetchval("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')"))
    finally:
        await conn.close()


async def _create_database(admin_url: str, name: str, template: str | None = None) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        clause = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
        await conn.execute(f'CREATE DATABASE "{name}"{clause}')
    finally:
        await conn.close()


async def _close_to_connections(admin_url: str, name: str) -> None:
    """A template must have no session while it is copied; TimescaleDB's scheduler and policy jobs
    connect to every database that allows it, so a template allows none."""
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        for _ in range(100):
            others = await conn.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1", name
            )
            if not others:
                return
            await asyncio.sleep(0.05)
        raise RuntimeError(f"sessions on template {name} did not end")
    finally:
        await conn.close()


def build_template(services: Services, name: str, with_snapshot: bool) -> None:
    async def build() -> None:
        await _create_database(services.admin_url, name)
        url = services.url_for(name)
        await migrate.apply_url(url)
        if with_snapshot:
            await snapshot.load(url, progress=False)
        await _close_to_connections(services.admin_url, name)

    asyncio.run(build())


def clone_database(services: Services, template: str, name: str) -> str:
    asyncio.run(_create_database(services.admin_url, name, template))
    return services.url_for(name)


def platform_env(database_url: str, redis_url: str, **overrides: str) -> dict[str, str]:
    """Environment for a platform process under test."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIS_", "NAVER_", "DART_", "GEMINI_", "JINA_"))}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        JWT_SECRET=TEST_JWT_SECRET,
        LOG_LEVEL="WARNING",
        LOG_FORMAT="json",
    )
    env.pop("OPENSEARCH_URL", None)
    env.update(overrides)
    return env


class ProcessUnderTest:
    """A platform process (`python -m <module>`) with its output kept in a log file."""

    def __init__(self, module: str, env: dict[str, str], log_path: Path, args: tuple[str, ...] = ()) -> None:
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            env=env,
            cwd=REPO_ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # Sanic kills its own process group

    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout: float = 15.0) -> int | None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode


class ApiServer(ProcessUnderTest):
    """`python -m api` on a free port; `url` is its base URL."""

    def __init__(self, env: dict[str, str], log_path: Path, workers: int = 1) -> None:
        self.port = free_port()
        env = {**env, "API_PORT": str(self.port), "API_WORKERS": str(workers)}
        super().__init__("api", env, log_path)
        self.url = f"http://127.0.0.1:{self.port}"
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"api exited with {self.process.returncode}:\n{self.output()}")
            try:
                urllib.request.urlopen(self.url + "/api/health", timeout=2)
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"api did not start within {timeout} s:\n{self.output()}")


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        import orjson

        return orjson.loads(self.body)


def http(
    method: str,
    url: str,
    *,
    json: object = None,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> Response:
    """One real HTTP request; error statuses are returned, not raised."""
    import orjson

    data = body
    all_headers = dict(headers or {})
    if json is not None:
        data = orjson.dumps(json)
        all_headers.setdefault("Content-Type", "application/json")
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return Response(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
    except urllib.error.HTTPError as err:
        return Response(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())
