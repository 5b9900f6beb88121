"""`make run` heals itself: its embedded Redis and PostgreSQL, the api and ingest are killed with
SIGKILL, one at a time, and the platform must answer `/api/health` 200 again by itself within 10 s,
reap every dead process (no zombie), bring the server back on the same port and data folder, and
have lost nothing it had accepted. Each figure printed is measured here, from the kill."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import time

import psutil
import pytest
import redis

from devtools.embedded import free_port
from tests.foundation.test_runall import _start, _stop, _wait_healthy
from tests.support import harness
from tests.support.harness import http

HEAL_LIMIT_S = 10.0
STREAMS_LIMIT_S = 5.0
INGEST_LIMIT_S = 5.0
PASSWORD = "SecurePass123!"


@pytest.fixture(scope="module")
def platform(output_dir):
    root = harness.server_folder("krx-crash-")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = output_dir / "runall-crash.log"
    process, log = _start(root / "data", port, log_path, STREAM_MAX_CONNECTIONS_PER_USER="3")
    try:
        _wait_healthy(url, process, log_path)
        yield url, psutil.Process(process.pid), log_path
    finally:
        code = _stop(process, log)
        for server_log in (root / "data/postgres/pgdata/server.log", root / "data/redis/redis.log"):
            if server_log.exists():
                (output_dir / f"crash-{server_log.name}").write_bytes(server_log.read_bytes())
        shutil.rmtree(root, ignore_errors=True)
        assert code == 0, log_path.read_text(errors="replace")[-3000:]


def find(supervisor: psutil.Process, match) -> psutil.Process:
    for proc in supervisor.children(recursive=True):
        try:
            if proc.status() != psutil.STATUS_ZOMBIE and match(proc.cmdline()):
                return proc
        except psutil.NoSuchProcess:
            continue
    raise AssertionError("process not found")


def redis_server(supervisor):
    return find(supervisor, lambda cmd: "redis-server" in " ".join(cmd))


def postmaster(supervisor):
    return find(supervisor, lambda cmd: bool(cmd) and cmd[0].endswith("/postgres") and "-D" in cmd)


def module(name: str):
    return lambda supervisor: find(supervisor, lambda cmd: cmd[1:3] == ["-m", name])


def port_of(proc: psutil.Process) -> int:
    """The TCP port the process listens on."""
    ports = {c.laddr.port for c in proc.net_connections(kind="tcp") if c.status == psutil.CONN_LISTEN}
    assert len(ports) == 1, ports
    return ports.pop()


def zombies(supervisor: psutil.Process) -> list[int]:
    out = []
    for proc in supervisor.children(recursive=True):
        try:
            if proc.status() == psutil.STATUS_ZOMBIE:
                out.append(proc.pid)
        except psutil.NoSuchProcess:
            continue
    return out


def kill9(proc: psutil.Process) -> float:
    os.kill(proc.pid, signal.SIGKILL)
    return time.monotonic()


def time_to_healthy(url: str, killed_at: float, log_path) -> float:
    """Seconds from the kill until /api/health is 200 again (health first has to notice the death)."""
    saw_unhealthy = False
    while time.monotonic() - killed_at < HEAL_LIMIT_S + 20:
        try:
            status = http("GET", url + "/api/health", timeout=2).status
        except OSError:
            status = 0
        if status != 200:
            saw_unhealthy = True
        elif saw_unhealthy or time.monotonic() - killed_at > 1.0:
            return time.monotonic() - killed_at
        time.sleep(0.1)
    pytest.fail("health never came back:\n" + log_path.read_text(errors="replace")[-3000:])


def signed_up(url: str) -> tuple[str, dict]:
    email = f"crash-{time.monotonic_ns()}@example.com"
    assert (
        http("POST", url + "/api/users/signup", json={"email": email, "username": "x", "password": PASSWORD}).status
        == 201
    )
    login = http("POST", url + "/api/users/login", json={"email": email, "password": PASSWORD})
    assert login.status == 200
    return email, login.json()


def test_redis_killed_heals_by_itself_and_keeps_what_it_accepted(platform):
    url, supervisor, log_path = platform
    old = redis_server(supervisor)
    port = port_of(old)
    _, logged_out = signed_up(url)
    bearer = {"Authorization": f"Bearer {logged_out['accessToken']}"}
    assert http("POST", url + "/api/users/logout", headers=bearer).status == 200  # a write Redis acknowledged
    killed_at = kill9(old)
    took = time_to_healthy(url, killed_at, log_path)
    print(f"Redis kill -9 → /api/health 200 after {took:.2f} s")
    assert took < HEAL_LIMIT_S
    new = redis_server(supervisor)
    assert new.pid != old.pid and port_of(new) == port
    assert not zombies(supervisor)
    assert http("GET", url + "/api/users/me", headers=bearer).status == 401  # still revoked: the AOF kept it


def test_postgres_killed_heals_by_itself_and_keeps_what_it_accepted(platform):
    url, supervisor, log_path = platform
    old = postmaster(supervisor)
    port = port_of(old)
    email, _ = signed_up(url)  # a committed row
    killed_at = kill9(old)
    took = time_to_healthy(url, killed_at, log_path)
    print(f"PostgreSQL kill -9 → /api/health 200 after {took:.2f} s")
    assert took < HEAL_LIMIT_S
    new = postmaster(supervisor)
    assert new.pid != old.pid and port_of(new) == port
    time.sleep(0.5)
    assert not zombies(supervisor)
    assert http("POST", url + "/api/users/login", json={"email": email, "password": PASSWORD}).status == 200


def test_api_killed_user_gets_every_stream_back(platform):
    from websockets.asyncio.client import connect

    url, supervisor, log_path = platform
    _, tokens = signed_up(url)
    ws_url = url.replace("http://", "ws://") + f"/ws/stocks/?token={tokens['accessToken']}"

    async def open_all() -> list:
        opened = []
        try:
            for _ in range(3):
                ws = await connect(ws_url, open_timeout=3)
                opened.append(ws)
                await ws.send('{"action":"subscribe","symbols":["005930"]}')
                reply = await asyncio.wait_for(ws.recv(), 5)
                if '"subscribed"' not in reply:
                    raise ConnectionError(reply)
            return opened
        except BaseException:
            for ws in opened:
                await ws.close()
            raise

    async def scenario() -> float:
        streams = await open_all()
        killed_at = kill9(module("api")(supervisor))
        for ws in streams:
            try:
                await ws.close()
            except Exception:  # noqa: BLE001 - the server is gone
                pass
        while True:
            try:
                streams = await open_all()
                break
            except (OSError, ConnectionError, TimeoutError, Exception) as exc:  # noqa: BLE001 - not yet
                assert time.monotonic() - killed_at < STREAMS_LIMIT_S + 10, exc
                await asyncio.sleep(0.1)
        took = time.monotonic() - killed_at
        for ws in streams:
            await ws.close()
        return took

    took = asyncio.run(scenario())
    print(f"api kill -9 → all 3 streams of the user back after {took:.2f} s")
    assert took < STREAMS_LIMIT_S
    assert not zombies(supervisor)


def test_ingest_killed_streams_again_and_records_the_gap(platform):
    url, supervisor, log_path = platform
    rds = redis.Redis(port=port_of(redis_server(supervisor)))
    deadline = time.monotonic() + 60
    while True:  # streaming, with trades stored (the gap begins at the last one)
        ingest = http("GET", url + "/api/health").json()["data"]["ingest"]
        if ingest.get("connected") and (ingest.get("detail") or {}).get("metrics", {}).get("counters", {}).get(
            "rows_written_ticks"
        ):
            break
        assert time.monotonic() < deadline, ingest
        time.sleep(0.5)
    time.sleep(1.0)
    pubsub = rds.pubsub()
    killed_at = kill9(module("ingest")(supervisor))
    time.sleep(0.3)
    pubsub.psubscribe("stock:realtime:*")
    while True:
        msg = pubsub.get_message(timeout=0.05)
        if msg and msg["type"] == "pmessage" and b'"poll"' not in msg["data"]:
            break
        assert time.monotonic() - killed_at < INGEST_LIMIT_S + 10, log_path.read_text(errors="replace")[-3000:]
    took = time.monotonic() - killed_at
    pubsub.close()
    print(f"ingest kill -9 → ticks streaming again after {took:.2f} s")
    assert took < INGEST_LIMIT_S
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        health = http("GET", url + "/api/health").json()["data"]
        gap = (health["ingest"].get("detail") or {}).get("gap")
        if gap and gap.get("endedAt"):
            break
        time.sleep(0.3)
    else:
        pytest.fail(f"no gap in health: {health['ingest']}")
    assert gap["status"] in ("pending", "repaired") and gap["symbols"] > 0
    assert not zombies(supervisor)
