"""After `kill -9` of the api, a user with several open streams gets all of them back as soon as a
new api runs: the dead worker's leases are dropped at claim time once its heartbeat has lapsed."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest
from websockets.exceptions import ConnectionClosed

from api.streaming.leases import WORKER_TTL_SECONDS
from tests.streaming.helpers import SAMSUNG, open_ws, recv_json, subscribe, token
from tests.support import harness

pytestmark = pytest.mark.asyncio(loop_scope="module")
LIMIT = 3
RECONNECT_LIMIT_S = 5.0


def _start(database_url: str, redis_url: str, log_path) -> harness.ApiServer:
    env = harness.platform_env(database_url, redis_url, STREAM_MAX_CONNECTIONS_PER_USER=str(LIMIT))
    return harness.ApiServer(env, log_path)


async def _open_all(server, tok: str) -> list:
    """LIMIT streams of one user, each subscribed; raises ConnectionClosed when one is refused."""
    opened = []
    try:
        for _ in range(LIMIT):
            ws = await open_ws(server, tok)
            opened.append(ws)
            reply = await subscribe(ws, [SAMSUNG])
            if reply["type"] != "subscribed":
                raise ConnectionClosed(None, None)
        return opened
    except BaseException:
        for ws in opened:
            await ws.close()
        raise


async def test_a_killed_api_does_not_lock_the_user_out(snapshot_database_url, redis_url, output_dir):
    tok = token(7070)
    first = _start(snapshot_database_url, redis_url, output_dir / "api-before-kill.log")
    try:
        streams = await _open_all(first, tok)
        async with open_ws(first, tok) as extra:  # the limit holds while the api lives
            msg = await recv_json(extra)
            assert msg["type"] == "error" and msg["code"] == "TOO_MANY_CONNECTIONS"
        os.killpg(first.process.pid, signal.SIGKILL)  # the api and its workers, no clean-up at all
        killed_at = time.monotonic()
        first.process.wait()
        for ws in streams:
            await ws.close()
    finally:
        first.stop()

    second = _start(snapshot_database_url, redis_url, output_dir / "api-after-kill.log")
    try:
        started = time.monotonic() - killed_at
        refused = 0
        while True:
            try:
                streams = await _open_all(second, tok)
                break
            except ConnectionClosed:
                refused += 1
                assert time.monotonic() - killed_at < RECONNECT_LIMIT_S, f"still refused after {refused} tries"
                await asyncio.sleep(0.1)
        took = time.monotonic() - killed_at
        print(
            f"all {LIMIT} streams back {took:.2f} s after kill -9 (new api ready after {started:.2f} s, "
            f"{refused} refused attempts; worker heartbeat TTL {WORKER_TTL_SECONDS:.0f} s)"
        )
        assert took < RECONNECT_LIMIT_S
        async with open_ws(second, tok) as extra:  # and the limit still holds
            assert (await recv_json(extra))["code"] == "TOO_MANY_CONNECTIONS"
        for ws in streams:
            await ws.close()
    finally:
        second.stop()
