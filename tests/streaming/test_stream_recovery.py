"""Redis goes away and comes back: open streams are told, new ones get 503, ticks resume by themselves."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import orjson
import pytest
import redis.asyncio as aioredis
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.streaming.helpers import SAMSUNG, SseClient, asyncapi, recv_json, subscribe, tick, token, ws_url

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_redis_restart_status_messages_503_and_resumed_ticks(stream_server, services, redis_url):
    spec = asyncapi(stream_server)
    ws = await connect(ws_url(stream_server) + f"?token={token()}")
    await subscribe(ws, [SAMSUNG])
    await recv_json(ws)  # snapshot
    http = aiohttp.ClientSession()
    resp = await http.get(stream_server.url + "/api/stream/stocks", params={"symbols": SAMSUNG, "token": token()})
    sse = SseClient(resp)
    await sse.next_of("subscribed")
    try:
        services.redis.stop()
        status = await recv_json(ws, timeout=10)
        spec.check(status)
        assert status == {"type": "status", "stream": "unavailable"}
        assert orjson.loads((await sse.next_of("status", timeout=10))["data"])["stream"] == "unavailable"

        # new streams are refused while Redis is down
        with pytest.raises(InvalidStatus) as info:
            await connect(ws_url(stream_server) + f"?token={token()}", open_timeout=5)
        assert info.value.response.status_code == 503
        assert orjson.loads(info.value.response.body)["code"] == "STREAM_UNAVAILABLE"
        async with http.get(
            stream_server.url + "/api/stream/stocks", params={"symbols": SAMSUNG, "token": token()}
        ) as refused:
            assert refused.status == 503 and (await refused.json())["code"] == "STREAM_UNAVAILABLE"

        started = time.monotonic()
        services.redis.restart()  # same port; the api is not restarted
        status = await recv_json(ws, timeout=15)
        assert status == {"type": "status", "stream": "ok"}, status
        assert orjson.loads((await sse.next_of("status", timeout=15))["data"])["stream"] == "ok"
        recovery = time.monotonic() - started
        assert recovery < 10

        publisher = aioredis.from_url(redis_url)
        payload = tick(SAMSUNG, 99)
        await publisher.publish(f"stock:realtime:{SAMSUNG}", payload)
        assert (await asyncio.wait_for(ws.recv(), 5)).encode() == payload
        assert (await sse.next_of("tick"))["data"].encode() == payload
        # and new connections work again at once (stale pooled Redis connections are retried)
        async with connect(ws_url(stream_server) + f"?token={token()}") as fresh:
            assert (await subscribe(fresh, [SAMSUNG]))["accepted"] == [SAMSUNG]
        async with http.get(
            stream_server.url + "/api/stream/stocks", params={"symbols": SAMSUNG, "token": token()}
        ) as again:
            assert again.status == 200
        await publisher.aclose()
    finally:
        await ws.close()
        resp.close()
        await http.close()
