"""The `orderbook` channel of /ws/stocks/ and /api/stream/stocks: ack, snapshot then updates, the
ticks channel kept apart, demand to ingest, per-channel limits, drops for slow clients."""

from __future__ import annotations

import asyncio

import aiohttp
import orjson
import pytest
from websockets.asyncio.client import connect

from core.contract import keys
from tests.streaming.helpers import (
    HYNIX,
    KAKAO,
    SAMSUNG,
    SseClient,
    asyncapi,
    open_ws,
    order_book,
    recv_json,
    tick,
    tiny_socket,
    token,
    wait_watched,
    ws_url,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
API_OVERRIDES = {"STREAM_SEND_QUEUE": "8"}


async def send(ws, action: str, symbols: list[str], channel: str | None = "orderbook") -> dict:
    message: dict[str, object] = {"action": action, "symbols": symbols}
    if channel is not None:
        message["channel"] = channel
    await ws.send(orjson.dumps(message).decode())
    return await recv_json(ws)


async def wait_book_demand(rds, symbols: list[str]) -> None:
    for _ in range(250):
        if all(s is not None for s in await rds.zmscore(keys.INGEST_BOOK_DEMAND, symbols)):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"no order-book demand recorded for {symbols}")


async def test_snapshot_then_updates_and_the_channels_stay_apart(stream_server, rds):
    spec = asyncapi(stream_server)
    last = order_book(SAMSUNG, 0)
    await rds.set(keys.last_book(SAMSUNG), last)
    await rds.delete(keys.last_book(HYNIX), keys.INGEST_BOOK_DEMAND)
    control = rds.pubsub()
    await control.subscribe(keys.INGEST_CONTROL)
    await control.get_message(timeout=1)
    async with open_ws(stream_server, token()) as ws:
        ack = await send(ws, "subscribe", [SAMSUNG, HYNIX, "999999"])
        spec.check(ack)
        assert ack == {
            "type": "subscribed",
            "channel": "orderbook",
            "accepted": [SAMSUNG, HYNIX],
            "rejected": [{"symbol": "999999", "reason": "UNKNOWN_SYMBOL"}],
        }
        snapshots = {m["symbol"]: m for m in [await recv_json(ws), await recv_json(ws)]}
        for snapshot in snapshots.values():
            spec.check(snapshot)
        assert snapshots[SAMSUNG]["book"] == orjson.loads(last) and snapshots[HYNIX]["book"] is None

        await wait_book_demand(rds, [SAMSUNG, HYNIX])
        announced = await control.get_message(ignore_subscribe_messages=True, timeout=3)
        assert announced is not None
        assert orjson.loads(announced["data"]) == {"action": "demand", "symbols": [], "orderbook": [HYNIX, SAMSUNG]}
        assert await rds.zscore(keys.INGEST_DEMAND, SAMSUNG) is None  # books alone do not ask for trades

        # a tick of a symbol watched only for its book does not reach the connection
        await rds.publish(keys.tick_channel(SAMSUNG), tick(SAMSUNG, 1))
        update = order_book(SAMSUNG, 1)
        await rds.publish(keys.book_channel(SAMSUNG), update)
        got = await recv_json(ws)
        spec.check(got)
        assert got == orjson.loads(update)

        # ticks subscribed beside the book: both arrive, each on its own channel
        ticks_ack = await send(ws, "subscribe", [SAMSUNG], channel=None)
        assert ticks_ack["channel"] == "ticks" and ticks_ack["accepted"] == [SAMSUNG]
        assert (await recv_json(ws))["type"] == "snapshot"
        await wait_watched(rds, [SAMSUNG])
        await rds.publish(keys.tick_channel(SAMSUNG), tick(SAMSUNG, 2))
        await rds.publish(keys.book_channel(SAMSUNG), order_book(SAMSUNG, 2))
        assert [(await recv_json(ws))["type"] for _ in range(2)] == ["tick", "orderbook"]

        # unsubscribing the book leaves the ticks
        unsub = await send(ws, "unsubscribe", [SAMSUNG, KAKAO])
        spec.check(unsub)
        assert unsub["accepted"] == [SAMSUNG] and unsub["rejected"] == [{"symbol": KAKAO, "reason": "NOT_SUBSCRIBED"}]
        await rds.publish(keys.book_channel(SAMSUNG), order_book(SAMSUNG, 3))
        await rds.publish(keys.tick_channel(SAMSUNG), tick(SAMSUNG, 3))
        assert (await recv_json(ws))["type"] == "tick"
    await control.aclose()


async def test_unknown_channel_is_an_invalid_request_and_limits_count_per_channel(stream_server):
    async with open_ws(stream_server, token(41)) as ws:
        error = await send(ws, "subscribe", [SAMSUNG], channel="depth")
        assert error["type"] == "error" and error["code"] == "INVALID_REQUEST" and "orderbook" in error["message"]
        six = ["005930", "000660", "035420", "035720", "051910", "006400"]
        ticks = await send(ws, "subscribe", six[:5], channel="ticks")
        assert ticks["accepted"] == six[:5]
        for _ in range(5):
            await recv_json(ws)
        books = await send(ws, "subscribe", six)  # STREAM_MAX_SYMBOLS=5 books besides the 5 tick symbols
        assert books["accepted"] == six[:5] and books["rejected"] == [{"symbol": six[5], "reason": "SYMBOL_LIMIT"}]
        for _ in range(5):
            assert (await recv_json(ws))["type"] == "bookSnapshot"
        limit = await recv_json(ws)
        assert limit["code"] == "SYMBOL_LIMIT"


async def test_a_client_that_stops_reading_is_told_which_books_were_dropped(stream_server, rds):
    spec = asyncapi(stream_server)
    slow = await connect(ws_url(stream_server) + f"?token={token(42)}", sock=tiny_socket(stream_server), max_queue=2)
    await slow.send(orjson.dumps({"action": "subscribe", "symbols": [HYNIX], "channel": "orderbook"}).decode())
    await recv_json(slow)
    await recv_json(slow)
    await wait_book_demand(rds, [HYNIX])
    for seq in range(2000):
        await rds.publish(keys.book_channel(HYNIX), order_book(HYNIX, seq))
    await asyncio.sleep(0.3)
    dropped = []
    with pytest.raises(asyncio.TimeoutError):
        while True:
            message = orjson.loads(await asyncio.wait_for(slow.recv(), 1.0))
            spec.check(message)
            if message["type"] == "dropped":
                dropped.append(message)
    await slow.close()
    assert dropped and all(d["channel"] == "orderbook" and d["symbol"] == HYNIX for d in dropped)


async def test_sse_orderbook_channel(stream_server, rds):
    spec = asyncapi(stream_server)
    await rds.set(keys.last_book(KAKAO), order_book(KAKAO, 0))
    params = {"symbols": f"{KAKAO},999999", "channel": "orderbook", "token": token(43)}
    async with aiohttp.ClientSession() as http:
        async with http.get(stream_server.url + "/api/stream/stocks", params=params) as resp:
            assert resp.status == 200
            sse = SseClient(resp)
            ack = orjson.loads((await sse.next_of("subscribed"))["data"])
            spec.check(ack)
            assert ack["channel"] == "orderbook" and ack["accepted"] == [KAKAO]
            snapshot = orjson.loads((await sse.next_of("bookSnapshot"))["data"])
            spec.check(snapshot)
            assert snapshot["book"]["symbol"] == KAKAO
            await wait_book_demand(rds, [KAKAO])
            update = order_book(KAKAO, 1)
            await rds.publish(keys.book_channel(KAKAO), update)
            event = await sse.next_of("orderbook")
            assert event["data"].encode() == update and event["id"].startswith(f"{KAKAO}:")
        bad = {**params, "channel": "depth"}
        async with http.get(stream_server.url + "/api/stream/stocks", params=bad) as resp:
            assert resp.status == 400 and (await resp.json())["code"] == "INVALID_REQUEST"
