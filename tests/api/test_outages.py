"""Redis or PostgreSQL killed under a running api: no 500 anywhere, 503 SERVICE_UNAVAILABLE with
Retry-After where the dependency is needed, cached reads still served, one log line per change of
state, and recovery by itself once the server is back. The module runs its own servers (the
session's are shared with every other module) and kills them with SIGKILL."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import time
import urllib.parse

import asyncpg
import pytest

from db import migrate
from devtools.embedded import EmbeddedPostgres, EmbeddedRedis
from tests.api.conftest import PASSWORD, Client, assert_error, new_user, start_api
from tests.support import harness

RECOVERY_LIMIT_S = 10.0


@pytest.fixture(scope="module")
def own_servers():
    root = harness.server_folder("krx-outages-")
    pg = EmbeddedPostgres(root / "pg", database="krx")
    database_url = pg.start()
    rs = EmbeddedRedis(root / "redis")
    redis_url = rs.start()

    async def prepare() -> None:
        await migrate.apply_url(database_url)
        conn = await asyncpg.connect(database_url)
        try:
            await conn.execute(
                "INSERT INTO companies (symbol, name, market) VALUES ('005930', '삼성전자', 'KOSPI'), "
                "('000660', 'SK하이닉스', 'KOSPI')"
            )
        finally:
            await conn.close()

    asyncio.run(prepare())
    yield pg, rs, database_url, redis_url
    rs.stop()
    pg.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def outage_api(own_servers, output_dir):
    _, _, database_url, redis_url = own_servers
    server = start_api(database_url, redis_url, output_dir / "api_outages.log")
    yield server
    server.stop()


def kill9(process) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def assert_unavailable(resp) -> None:
    body = assert_error(resp, 503, "SERVICE_UNAVAILABLE")
    assert int(resp.headers["retry-after"]) >= 1 and body["retryAfter"] == int(resp.headers["retry-after"])


def wait_for(check, limit: float) -> float:
    """Seconds until `check()` holds (fails the test after `limit`)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if check():
            return time.monotonic() - started
        time.sleep(0.1)
    pytest.fail(f"not recovered within {limit} s")


def log_lines(server, text: str) -> int:
    return sum(1 for line in server.output().splitlines() if text in line)


def test_redis_killed(outage_api, own_servers):
    _, rs, _, _ = own_servers
    client, body = new_user(outage_api.url)
    revoked, _ = new_user(outage_api.url)
    assert revoked.post("/api/users/logout").status == 200  # on the deny-list before the crash
    assert client.get("/api/users/me").status == 200

    kill9(rs.process)
    try:
        # authentication fails closed: the deny-list cannot be read
        for _ in range(5):
            assert_unavailable(client.get("/api/users/me"))
        assert_unavailable(client.get("/api/users/favorites"))
        assert_unavailable(client.post("/api/users/logout"))
        # no token is handed out that could not be checked, and nothing to guard signup with
        assert_unavailable(
            Client(outage_api.url).post("/api/users/login", {"email": body["email"], "password": PASSWORD})
        )
        assert_unavailable(Client(outage_api.url).post("/api/users/refresh", {"refreshToken": body["refreshToken"]}))
        assert_unavailable(
            Client(outage_api.url).post(
                "/api/users/signup", {"email": "later@example.com", "username": "x", "password": PASSWORD}
            )
        )
        # public reads come from PostgreSQL
        assert Client(outage_api.url).get("/api/companies/1").status == 200
        search = Client(outage_api.url).get("/api/companies?keyword=" + urllib.parse.quote("하이닉스"))
        assert search.status == 200 and search.json()["data"][0]["symbol"] == "000660"
        health = Client(outage_api.url).get("/api/health")
        assert health.status == 503 and health.json()["data"]["redis"]["ok"] is False
    finally:
        rs.restart()  # same port and append-only file
    took = wait_for(lambda: client.get("/api/users/me").status == 200, RECOVERY_LIMIT_S)
    print(f"api answering again {took:.2f} s after Redis was back")
    assert revoked.get("/api/users/me").status == 401  # the deny-list survived the crash (AOF)
    time.sleep(1.5)  # the probe logs the recovery
    output = outage_api.output()
    assert log_lines(outage_api, "redis unavailable") == 1, output[-3000:]
    assert log_lines(outage_api, "redis available again") == 1, output[-3000:]
    assert "Traceback" not in output and "unhandled error" not in output


def test_postgres_killed(outage_api, own_servers):
    pg, _, _, _ = own_servers
    client, body = new_user(outage_api.url)
    anon = Client(outage_api.url)
    cached_search = "/api/companies?keyword=" + urllib.parse.quote("삼성")
    assert anon.get(cached_search).status == 200  # into the Redis cache
    assert anon.get("/api/companies/1").status == 200

    kill9(pg.process)
    try:
        assert_unavailable(anon.post("/api/users/login", {"email": body["email"], "password": PASSWORD}))
        assert_unavailable(
            anon.post("/api/users/signup", {"email": "pg-down@example.com", "username": "x", "password": PASSWORD})
        )
        assert_unavailable(anon.get("/api/companies?keyword=" + urllib.parse.quote("하이")))  # not cached
        assert_unavailable(anon.get("/api/companies/2"))
        assert_unavailable(client.get("/api/users/me"))
        for _ in range(5):
            assert_unavailable(client.get("/api/users/favorites"))
        # what is cached is still served
        cached = anon.get(cached_search)
        assert cached.status == 200 and cached.json()["data"][0]["symbol"] == "005930"
        assert anon.get("/api/companies/1").status == 200
        health = anon.get("/api/health")
        assert health.status == 503 and health.json()["data"]["database"]["ok"] is False
    finally:
        pg.restart()
    took = wait_for(
        lambda: anon.post("/api/users/login", {"email": body["email"], "password": PASSWORD}).status == 200,
        RECOVERY_LIMIT_S,
    )
    print(f"api answering again {took:.2f} s after PostgreSQL was back")
    assert client.get("/api/users/favorites").status == 200
    time.sleep(1.5)
    output = outage_api.output()
    assert log_lines(outage_api, "database unavailable") == 1, output[-3000:]
    assert log_lines(outage_api, "database available again") == 1, output[-3000:]
    assert "Traceback" not in output and "unhandled error" not in output
