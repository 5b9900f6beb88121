"""Connections per user are limited across api workers, not per worker."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.streaming.helpers import SAMSUNG, recv_json, subscribe, token, ws_url
from tests.streaming.test_stream_fanout import worker_of

pytestmark = pytest.mark.asyncio(loop_scope="module")
API_WORKERS = 2
API_OVERRIDES = {"STREAM_MAX_CONNECTIONS_PER_USER": "2"}


async def _open(server, tok):
    ws = await connect(ws_url(server) + f"?token={tok}")
    assert (await subscribe(ws, [SAMSUNG]))["type"] == "subscribed"  # registered on the server
    return ws


async def test_limit_holds_when_connections_sit_on_different_workers(stream_server):
    tok = token(4242)
    first = await _open(stream_server, tok)
    first_worker = worker_of(stream_server, first.local_address[1])
    second = None
    try:
        for _ in range(30):  # until the second connection lands on the other worker
            candidate = await _open(stream_server, tok)
            if worker_of(stream_server, candidate.local_address[1]) != first_worker:
                second = candidate
                break
            await candidate.close()
            await asyncio.sleep(0.1)  # the closed connection's lease is released
        assert second is not None, "connections never reached the second worker"
        async with connect(ws_url(stream_server) + f"?token={tok}") as third:
            msg = await recv_json(third)
            assert msg["type"] == "error" and msg["code"] == "TOO_MANY_CONNECTIONS" and msg["limit"] == 2
            with pytest.raises(ConnectionClosed) as info:
                await recv_json(third)
            assert info.value.rcvd.code == 4429
    finally:
        await first.close()
        if second is not None:
            await second.close()
