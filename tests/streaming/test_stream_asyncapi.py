"""The AsyncAPI document at /api/asyncapi.json describes the messages the server really sends."""

from __future__ import annotations

import asyncio

import aiohttp
import orjson
import pytest
from websockets.asyncio.client import connect

from core.contract import keys
from tests.streaming.helpers import (
    HYNIX,
    SAMSUNG,
    SseClient,
    asyncapi,
    recv_json,
    tick,
    tiny_socket,
    token,
    wait_watched,
    ws_url,
)
from tests.support.harness import http

pytestmark = pytest.mark.asyncio(loop_scope="module")
API_OVERRIDES = {"STREAM_SEND_QUEUE": "8"}


async def test_document_is_asyncapi_3_and_served_as_json(stream_server):
    resp = http("GET", stream_server.url + "/api/asyncapi.json")
    assert resp.status == 200 and resp.headers["content-type"].startswith("application/json")
    doc = resp.json()
    assert doc["asyncapi"].startswith("3.")
    assert {c["address"] for c in doc["channels"].values()} == {"/ws/stocks/", "/api/stream/stocks"}
    # every operation's message reference resolves inside the document
    for op in doc["operations"].values():
        channel = op["channel"]["$ref"].rsplit("/", 1)[-1]
        for ref in op["messages"]:
            assert ref["$ref"].rsplit("/", 1)[-1] in doc["channels"][channel]["messages"]


async def test_real_websocket_and_sse_messages_match_the_schemas(stream_server, rds):
    spec = asyncapi(stream_server)
    await rds.set(f"tick:last:{SAMSUNG}", tick(SAMSUNG, 0))
    await rds.set(
        keys.open_bar("1m", SAMSUNG),
        orjson.dumps(
            {
                "time": 1767000000,
                "open": 1,
                "high": 2,
                "low": 1,
                "close": 2,
                "volume": 5,
                "amount": 9.5,
                "tradeCount": 2,
                "source": "kissim",
            }
        ),
    )
    await rds.delete(f"tick:last:{HYNIX}", f"bar:1m:{HYNIX}")
    async with connect(ws_url(stream_server) + f"?token={token()}") as ws:
        sub = {"action": "subscribe", "symbols": [SAMSUNG, HYNIX, "999999"]}
        spec.check(sub, "subscribe")
        await ws.send(orjson.dumps(sub).decode())
        for _ in range(3):  # ack + 2 snapshots
            spec.check(await recv_json(ws))
        await wait_watched(rds, [SAMSUNG, HYNIX])
        await rds.publish(f"stock:realtime:{SAMSUNG}", tick(SAMSUNG, 1))
        spec.check(await recv_json(ws))
        await ws.send("{}")
        spec.check(await recv_json(ws))  # error
        unsub = {"action": "unsubscribe", "symbols": [HYNIX, "035720"]}
        spec.check(unsub, "unsubscribe")
        await ws.send(orjson.dumps(unsub).decode())
        spec.check(await recv_json(ws))
        many = ["000660", "035720", "035420", "051910", "006400", "005380", "000270"]
        await ws.send(orjson.dumps({"action": "subscribe", "symbols": many}).decode())
        ack = await recv_json(ws)
        spec.check(ack)
        assert {r["reason"] for r in ack["rejected"]} == {"SYMBOL_LIMIT"}
        msg = await recv_json(ws)
        while msg["type"] in ("snapshot", "tick"):
            spec.check(msg)
            msg = await recv_json(ws)
        spec.check(msg)
        assert msg["code"] == "SYMBOL_LIMIT"

    # a dropped notice, from a client that stops reading
    slow = await connect(ws_url(stream_server) + f"?token={token()}", sock=tiny_socket(stream_server), max_queue=2)
    await slow.send(orjson.dumps({"action": "subscribe", "symbols": [SAMSUNG]}).decode())
    await recv_json(slow)
    await recv_json(slow)
    for seq in range(3000):
        await rds.publish(f"stock:realtime:{SAMSUNG}", tick(SAMSUNG, seq))
    await asyncio.sleep(0.3)
    with pytest.raises(asyncio.TimeoutError):
        while True:
            spec.check(orjson.loads(await asyncio.wait_for(slow.recv(), 1.0)))
    await slow.close()

    async with aiohttp.ClientSession() as session:
        async with session.get(
            stream_server.url + "/api/stream/stocks", params={"symbols": SAMSUNG, "token": token()}
        ) as resp:
            sse = SseClient(resp)
            ack = await sse.next_of("subscribed")
            spec.check(orjson.loads(ack["data"]), "subscribed")
            first = await sse.next_of("tick")  # the latest tick
            spec.check(orjson.loads(first["data"]), "tick")

    assert {
        "subscribe",
        "unsubscribe",
        "subscribed",
        "unsubscribed",
        "snapshot",
        "tick",
        "error",
        "dropped",
    } <= spec.seen
