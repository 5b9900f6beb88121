"""WebSocket /ws/stocks/: auth and close codes, acks, snapshot then ticks, limits, demand to ingest;
open streams (WebSocket and SSE) ended when their token is voided after they opened."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import orjson
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from api.http import auth
from api.streaming.hub import REVOCATION_CHECK_SECONDS
from core.contract import keys
from tests.streaming.helpers import (
    HYNIX,
    KAKAO,
    NAVER,
    SAMSUNG,
    SseClient,
    claims_of,
    expired_token,
    open_ws,
    recv_json,
    recv_until,
    settings,
    subscribe,
    tick,
    token,
    wait_watched,
    ws_url,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
API_OVERRIDES = {"STREAM_MAX_CONNECTIONS_PER_USER": "3", "STREAM_MAX_MESSAGES_PER_SECOND": "5"}


async def closed_with(ws_cm) -> tuple[int, str]:
    async with ws_cm as ws:
        with pytest.raises(ConnectionClosed) as info:
            await asyncio.wait_for(ws.recv(), 5)
    return info.value.rcvd.code, info.value.rcvd.reason


async def test_missing_token_closes_4401(stream_server):
    code, reason = await closed_with(open_ws(stream_server))
    assert code == 4401 and reason


async def test_tampered_token_closes_4401(stream_server):
    good = token()
    head, payload, sig = good.split(".")
    tampered = ".".join([head, payload, ("A" if sig[0] != "A" else "B") + sig[1:]])
    code, reason = await closed_with(open_ws(stream_server, tampered))
    assert code == 4401 and "유효하지 않은" in reason


async def test_expired_token_closes_4401(stream_server):
    code, reason = await closed_with(open_ws(stream_server, expired_token()))
    assert code == 4401 and "만료" in reason


async def test_revoked_token_closes_4401(stream_server, rds):
    tok = token(7)
    await rds.set(f"auth:revoked:{claims_of(tok)['jti']}", b"1", ex=600)
    code, reason = await closed_with(open_ws(stream_server, tok))
    assert code == 4401 and "로그아웃" in reason


async def test_token_in_authorization_header_and_in_subprotocol(stream_server):
    async with connect(ws_url(stream_server), additional_headers={"Authorization": f"Bearer {token()}"}) as ws:
        assert (await subscribe(ws, [SAMSUNG]))["type"] == "subscribed"
    # the browser style: new WebSocket(url, ["bearer", token]) — the server must answer with "bearer"
    async with connect(ws_url(stream_server), subprotocols=["bearer", token()]) as ws:
        assert ws.subprotocol == "bearer"
        assert (await subscribe(ws, [SAMSUNG]))["accepted"] == [SAMSUNG]
    # a bad token in the subprotocol is still a 4401
    code, _ = await closed_with(connect(ws_url(stream_server), subprotocols=["bearer", "not.a.jwt"]))
    assert code == 4401


async def test_subscribe_ack_rejects_unknown_symbols_by_name(stream_server):
    async with open_ws(stream_server, token()) as ws:
        ack = await subscribe(ws, [SAMSUNG, "999999", "bad", HYNIX])
        assert ack == {
            "type": "subscribed",
            "channel": "ticks",
            "accepted": [SAMSUNG, HYNIX],
            "rejected": [
                {"symbol": "999999", "reason": "UNKNOWN_SYMBOL"},
                {"symbol": "BAD", "reason": "UNKNOWN_SYMBOL"},
            ],
        }
        snapshots = [await recv_json(ws), await recv_json(ws)]
        assert {s["symbol"] for s in snapshots} == {SAMSUNG, HYNIX}
        unsub = await subscribe(ws, [HYNIX, KAKAO], action="unsubscribe")
        assert unsub == {
            "type": "unsubscribed",
            "channel": "ticks",
            "accepted": [HYNIX],
            "rejected": [{"symbol": KAKAO, "reason": "NOT_SUBSCRIBED"}],
        }
        # still connected and usable
        again = await subscribe(ws, [SAMSUNG])
        assert again["accepted"] == [SAMSUNG]


async def test_snapshot_then_ticks_in_order(stream_server, rds):
    last = tick(KAKAO, 0)
    await rds.set(f"tick:last:{KAKAO}", last)
    await rds.set(
        keys.open_bar("1m", KAKAO),
        orjson.dumps(
            {
                "time": 1767000000,
                "open": 50000,
                "high": 50500,
                "low": 49900,
                "close": 50100,
                "volume": 1234,
                "amount": 61000000.5,
                "tradeCount": 17,
                "source": "kissim",
            }
        ),
    )
    await rds.delete(f"tick:last:{NAVER}", f"bar:1m:{NAVER}")
    async with open_ws(stream_server, token()) as ws:
        ack = await subscribe(ws, [KAKAO, NAVER])
        assert ack["accepted"] == [KAKAO, NAVER]
        snap = {m["symbol"]: m for m in [await recv_json(ws), await recv_json(ws)]}
        assert snap[KAKAO]["type"] == "snapshot" and snap[KAKAO]["tick"] == orjson.loads(last)
        assert snap[KAKAO]["bar"] == {
            "time": 1767000000,
            "open": 50000,
            "high": 50500,
            "low": 49900,
            "close": 50100,
            "volume": 1234,
            "amount": 61000000.5,
            "tradeCount": 17,
            "source": "kissim",
        }
        assert snap[NAVER] == {"type": "snapshot", "symbol": NAVER, "tick": None, "bar": None}
        sent = {KAKAO: [], NAVER: []}
        for seq in range(1, 51):
            for symbol in (KAKAO, NAVER):
                payload = tick(symbol, seq)
                sent[symbol].append(payload)
                await rds.publish(f"stock:realtime:{symbol}", payload)
        got = {KAKAO: [], NAVER: []}
        while len(got[KAKAO]) + len(got[NAVER]) < 100:
            raw = await asyncio.wait_for(ws.recv(), 5)
            got[orjson.loads(raw)["symbol"]].append(raw.encode())
        assert got == sent  # the exact bytes ingest published, in order per symbol


async def test_ticks_arrive_while_subscribing_other_symbols(stream_server, rds):
    """A snapshot read for new symbols never reorders or loses ticks of symbols already watched."""
    async with open_ws(stream_server, token()) as ws:
        await subscribe(ws, [SAMSUNG])
        await recv_json(ws)  # snapshot

        async def publish():
            for seq in range(200):
                await rds.publish(f"stock:realtime:{SAMSUNG}", tick(SAMSUNG, seq))
                if seq % 20 == 0:
                    await asyncio.sleep(0.005)

        publisher = asyncio.create_task(publish())
        await ws.send(orjson.dumps({"action": "subscribe", "symbols": [HYNIX]}).decode())
        seqs, others = [], []
        while len(seqs) < 200:
            msg = await recv_json(ws)
            (seqs if msg["type"] == "tick" else others).append(msg.get("seq", msg["type"]))
        await publisher
        assert seqs == list(range(200))
        assert others == ["subscribed", "snapshot"]


async def test_symbol_limit_and_message_rate_limit_then_4429(stream_server):
    async with open_ws(stream_server, token(11)) as ws:
        ack = await subscribe(ws, ["005930", "000660", "035720", "035420", "051910", "006400", "005380"])
        assert ack["accepted"] == ["005930", "000660", "035720", "035420", "051910"]
        assert [r["reason"] for r in ack["rejected"]] == ["SYMBOL_LIMIT", "SYMBOL_LIMIT"]
        msgs = await recv_until(ws, lambda m: m["type"] == "error")
        assert msgs[-1]["code"] == "SYMBOL_LIMIT" and msgs[-1]["limit"] == 5
    async with open_ws(stream_server, token(12)) as ws:
        await ws.send("not json")
        assert (await recv_json(ws))["code"] == "INVALID_REQUEST"
        for _ in range(40):  # far above 5 messages per second
            await ws.send(orjson.dumps({"action": "unsubscribe", "symbols": []}).decode())
        with pytest.raises(ConnectionClosed) as info:
            while True:
                msg = await recv_json(ws)
                assert msg["type"] in ("unsubscribed", "error")
        assert info.value.rcvd.code == 4429


async def test_connections_per_user_limit(stream_server):
    tok = token(21)
    opened = [await open_ws(stream_server, tok).__aenter__() for _ in range(3)]
    for ws in opened:  # a round trip each: the server has registered all three before the fourth
        assert (await subscribe(ws, [SAMSUNG]))["type"] == "subscribed"
    try:
        async with open_ws(stream_server, tok) as ws:
            msg = await recv_json(ws)
            assert msg["type"] == "error" and msg["code"] == "TOO_MANY_CONNECTIONS" and msg["limit"] == 3
            with pytest.raises(ConnectionClosed) as info:
                await recv_json(ws)
            assert info.value.rcvd.code == 4429
    finally:
        for ws in opened:
            await ws.close()


async def test_demand_is_announced_to_ingest(stream_server, rds):
    await rds.delete("ingest:demand")
    pubsub = rds.pubsub()
    await pubsub.subscribe("ingest:control")
    await pubsub.get_message(timeout=1)  # the subscribe confirmation
    async with open_ws(stream_server, token()) as ws:
        await subscribe(ws, ["068270"])
        await wait_watched(rds, ["068270"])
        msg = await pubsub.get_message(ignore_subscribe_messages=True, timeout=3)
        assert msg is not None and orjson.loads(msg["data"]) == {"action": "demand", "symbols": ["068270"]}
        score = await rds.zscore("ingest:demand", "068270")
        assert abs(score - __import__("time").time()) < 10
    await pubsub.aclose()


async def test_path_without_trailing_slash_works_too(stream_server):
    """(The 503 refusal while Redis is down is tested in test_stream_recovery.)"""
    async with connect(ws_url(stream_server, "/ws/stocks") + f"?token={token()}") as ws:
        assert (await subscribe(ws, [SAMSUNG]))["type"] == "subscribed"


async def test_oversized_client_message_closes_1009(stream_server):
    async with open_ws(stream_server, token(31)) as ws:
        await ws.send(orjson.dumps({"action": "subscribe", "symbols": ["005930"] * 3000}).decode())  # > 16 KiB
        with pytest.raises(ConnectionClosed) as info:
            while True:
                await recv_json(ws)
        assert info.value.rcvd is not None and info.value.rcvd.code == 1009


# ------------------------------------------------------------------ revocation of open streams


async def still_open(ws) -> bool:
    """The connection answers a new subscription (after whatever it was sent before)."""
    await ws.send(orjson.dumps({"action": "subscribe", "symbols": [HYNIX]}).decode())
    return bool(await recv_until(ws, lambda m: m["type"] == "subscribed"))


async def closed_code(ws, timeout: float) -> int:
    with pytest.raises(ConnectionClosed) as info:
        while True:
            await asyncio.wait_for(ws.recv(), timeout)
    return info.value.rcvd.code


async def test_a_password_change_closes_the_users_open_streams(stream_server, rds):
    victim, bystander = token(41), token(42)
    url = stream_server.url + "/api/stream/stocks"
    async with (
        open_ws(stream_server, victim) as ws,
        open_ws(stream_server, bystander) as other,
        aiohttp.ClientSession() as http,
        http.get(url, params={"symbols": SAMSUNG, "token": victim}) as resp,
    ):
        assert (await subscribe(ws, [SAMSUNG]))["type"] == "subscribed"
        assert (await subscribe(other, [SAMSUNG]))["type"] == "subscribed"
        sse = SseClient(resp)
        await sse.next_of("subscribed")
        revoked_at = time.monotonic()
        # what PUT /api/users/me/password does: every token of the user issued before now is void
        await auth.revoke_issued_before(settings(), rds, 41, time.time())
        assert await closed_code(ws, REVOCATION_CHECK_SECONDS + 5) == 4401
        error = await sse.next_of("error", REVOCATION_CHECK_SECONDS + 5)
        assert orjson.loads(error["data"])["code"] == "UNAUTHORIZED"
        with pytest.raises(EOFError):
            while True:
                await sse.event(5)
        took = time.monotonic() - revoked_at
        assert took < REVOCATION_CHECK_SECONDS + 2, took
        print(f"streams of a revoked token closed {took:.2f} s after the revocation")
        assert await still_open(other)  # another user's stream goes on


async def test_a_logout_closes_the_stream_of_that_token_only(stream_server, rds):
    first, second = token(43), token(43)  # two sessions of one user
    async with open_ws(stream_server, first) as ws, open_ws(stream_server, second) as kept:
        assert (await subscribe(ws, [SAMSUNG]))["type"] == "subscribed"
        assert (await subscribe(kept, [SAMSUNG]))["type"] == "subscribed"
        claims = claims_of(first)
        await auth.revoke(rds, auth.Claims(43, claims["jti"], claims["exp"], "access", claims["iat"]))
        assert await closed_code(ws, REVOCATION_CHECK_SECONDS + 5) == 4401
        assert await still_open(kept)
