"""SSE /api/stream/stocks: auth, headers, retry hint, ticks with ids, heartbeats, Last-Event-ID resume."""

from __future__ import annotations

import aiohttp
import orjson
import pytest

from tests.streaming.helpers import HYNIX, SAMSUNG, SseClient, expired_token, tick, token, wait_watched

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_auth_and_bad_requests(stream_server):
    url = stream_server.url + "/api/stream/stocks"
    async with aiohttp.ClientSession() as http:
        async with http.get(url, params={"symbols": SAMSUNG}) as resp:
            assert resp.status == 401 and (await resp.json())["code"] == "UNAUTHORIZED"
        async with http.get(url, params={"symbols": SAMSUNG, "token": expired_token()}) as resp:
            assert resp.status == 401 and "만료" in (await resp.json())["message"]
        async with http.get(url, params={"token": token()}) as resp:
            assert resp.status == 400 and (await resp.json())["code"] == "MISSING_FIELD"
        async with http.get(url, params={"symbols": "999999", "token": token()}) as resp:
            body = await resp.json()
            assert resp.status == 400 and body["rejected"] == [{"symbol": "999999", "reason": "UNKNOWN_SYMBOL"}]


async def test_ticks_headers_ids_and_heartbeat(stream_server, rds):
    await rds.delete(f"tick:last:{SAMSUNG}", f"tick:last:{HYNIX}")
    url = stream_server.url + "/api/stream/stocks"
    async with aiohttp.ClientSession() as http:
        async with http.get(
            url,
            params={"symbols": f"{SAMSUNG},{HYNIX},999999"},
            headers={"Authorization": f"Bearer {token()}", "Accept": "text/event-stream"},
        ) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"].startswith("text/event-stream")
            assert resp.headers["Cache-Control"] == "no-cache" and resp.headers["X-Accel-Buffering"] == "no"
            sse = SseClient(resp)
            assert (await sse.event())["retry"] == "3000"
            ack = await sse.event()
            assert ack["event"] == "subscribed"
            assert orjson.loads(ack["data"]) == {
                "type": "subscribed",
                "channel": "ticks",
                "accepted": [SAMSUNG, HYNIX],
                "rejected": [{"symbol": "999999", "reason": "UNKNOWN_SYMBOL"}],
            }
            await wait_watched(rds, [SAMSUNG, HYNIX])
            sent = [tick(SAMSUNG, 1), tick(HYNIX, 1), tick(SAMSUNG, 2)]
            for payload in sent:
                await rds.publish(f"stock:realtime:{orjson.loads(payload)['symbol']}", payload)
            events = [await sse.next_of("tick") for _ in sent]
            assert [e["data"].encode() for e in events] == sent  # the published bytes as data
            for e, payload in zip(events, sent, strict=False):
                symbol, _, ms = e["id"].partition(":")
                assert symbol == orjson.loads(payload)["symbol"] and ms.isdigit()
            # heartbeat comments every STREAM_HEARTBEAT_SECONDS (1 s in this test server)
            beat = await sse.event(timeout=3)
            assert beat.get("comment", "").startswith("heartbeat")


async def test_reconnect_with_last_event_id_gets_newer_latest_ticks_only(stream_server, rds):
    url = stream_server.url + "/api/stream/stocks"
    params = {"symbols": f"{SAMSUNG},{HYNIX}", "token": token()}
    old = tick(SAMSUNG, 1, at=1_800_000_000.0)
    newer = tick(HYNIX, 2, at=1_800_000_005.0)
    await rds.set(f"tick:last:{SAMSUNG}", old)
    await rds.set(f"tick:last:{HYNIX}", newer)
    async with aiohttp.ClientSession() as http:
        # a first connect gets the latest tick of each symbol at once
        async with http.get(url, params=params) as resp:
            sse = SseClient(resp)
            first = [await sse.next_of("tick"), await sse.next_of("tick")]
            assert {e["id"] for e in first} == {f"{SAMSUNG}:1800000000000", f"{HYNIX}:1800000005000"}
        # resuming after the SAMSUNG event: only the newer HYNIX tick is replayed, then live ticks
        async with http.get(url, params=params, headers={"Last-Event-ID": f"{SAMSUNG}:1800000000000"}) as resp:
            sse = SseClient(resp)
            replay = await sse.next_of("tick")
            assert replay["id"] == f"{HYNIX}:1800000005000" and replay["data"].encode() == newer
            await wait_watched(rds, [SAMSUNG])
            live = tick(SAMSUNG, 3)
            await rds.publish(f"stock:realtime:{SAMSUNG}", live)
            assert (await sse.next_of("tick"))["data"].encode() == live
