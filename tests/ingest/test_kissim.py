"""kissim speaks the KIS protocol (external-apis.md §1–2): REST approval key and token with the
once-a-minute rule, current price, subscribe acks and every documented error, PINGPONG, and
H0STCNT0 frames whose records are realistic and consistent with each other."""

from __future__ import annotations

import asyncio
import random

import aiohttp
import orjson
import pytest
import websockets

from devtools.kissim.market import intraday_path, limits, round_tick, tick_size
from tests.ingest.helpers import Kissim


@pytest.fixture(scope="module")
def kissim(output_dir):
    sim = Kissim(
        output_dir / "kissim-protocol.log",
        "--speed",
        "3000",
        "--trade-rate",
        "40",
        "--frame-interval-ms",
        "50",
        "--pingpong-seconds",
        "0.5",
        "--max-registrations",
        "3",
    )
    yield sim
    sim.stop()


def sub(approval: str, tr_key: str, tr_type: str = "1", tr_id: str = "H0STCNT0") -> str:
    return orjson.dumps(
        {
            "header": {"approval_key": approval, "custtype": "P", "tr_type": tr_type, "content-type": "utf-8"},
            "body": {"input": {"tr_id": tr_id, "tr_key": tr_key}},
        }
    ).decode()


async def next_control(ws) -> dict:
    while True:
        msg = await asyncio.wait_for(ws.recv(), 5)
        if msg.startswith("{") and "PINGPONG" not in msg:
            return orjson.loads(msg)


def test_rest_approval_token_and_current_price(kissim):
    async def run():
        async with aiohttp.ClientSession() as http:
            r = await http.post(
                kissim.url + "/oauth2/Approval",
                json={"grant_type": "client_credentials", "appkey": "restkey", "secretkey": "sec"},
            )
            assert r.status == 200 and (await r.json())["approval_key"]
            r = await http.post(
                kissim.url + "/oauth2/tokenP",
                json={"grant_type": "client_credentials", "appkey": "restkey", "appsecret": "sec"},
            )
            token = await r.json()
            assert r.status == 200 and token["token_type"] == "Bearer" and token["expires_in"] == 86400
            assert len(token["access_token_token_expired"]) == 19
            r = await http.post(
                kissim.url + "/oauth2/tokenP",
                json={"grant_type": "client_credentials", "appkey": "restkey", "appsecret": "sec"},
            )
            assert r.status == 403 and (await r.json())["error_code"] == "EGW00133"
            headers = {
                "authorization": f"Bearer {token['access_token']}",
                "appkey": "restkey",
                "appsecret": "sec",
                "tr_id": "FHKST01010100",
                "custtype": "P",
            }
            url = kissim.url + "/uapi/domestic-stock/v1/quotations/inquire-price"
            r = await http.get(url, params={"FID_COND_MRKT_DIV_CODE": "J", "FID_INPUT_ISCD": "005930"}, headers=headers)
            body = await r.json()
            assert body["rt_cd"] == "0" and body["msg_cd"] == "MCA00000"
            assert int(body["output"]["stck_prpr"]) > 0 and isinstance(body["output"]["acml_vol"], str)
            r = await http.get(
                url,
                params={"FID_COND_MRKT_DIV_CODE": "J", "FID_INPUT_ISCD": "005930"},
                headers={**headers, "authorization": "Bearer wrong"},
            )
            assert (await r.json())["msg_cd"] == "EGW00123"
            codes = []
            for _ in range(25):
                r = await http.get(
                    url, params={"FID_COND_MRKT_DIV_CODE": "J", "FID_INPUT_ISCD": "000660"}, headers=headers
                )
                codes.append((await r.json())["msg_cd"])
            assert "EGW00201" in codes  # more than 20 calls in a second

    asyncio.run(run())


def test_websocket_acks_errors_pingpong_and_frames(kissim):
    async def run():
        async with aiohttp.ClientSession() as http:
            r = await http.post(
                kissim.url + "/oauth2/Approval",
                json={"grant_type": "client_credentials", "appkey": "wskey", "secretkey": "sec"},
            )
            approval = (await r.json())["approval_key"]
        async with websockets.connect(f"ws://127.0.0.1:{kissim.port}/tryitout/H0STCNT0", ping_interval=None) as ws:
            await ws.send(sub("not-a-key", "005930"))
            assert (await next_control(ws))["body"]["msg_cd"] == "OPSP0011"
            for symbol in ("005930", "000660", "035420"):
                await ws.send(sub(approval, symbol))
                ack = await next_control(ws)
                assert ack["body"]["msg_cd"] == "OPSP0000" and ack["header"]["tr_key"] == symbol
                assert len(ack["body"]["output"]["iv"]) == 16 and len(ack["body"]["output"]["key"]) == 32
            await ws.send(sub(approval, "000660"))
            assert (await next_control(ws))["body"]["msg_cd"] == "OPSP0002"
            await ws.send(sub(approval, "051910"))  # limit is 3 in this kissim
            assert (await next_control(ws))["body"]["msg_cd"] == "OPSP0008"
            async with websockets.connect(f"ws://127.0.0.1:{kissim.port}", ping_interval=None) as second:
                await second.send(sub(approval, "051910"))
                refusal = await next_control(second)
                assert refusal["header"]["tr_id"] == "(null)" and refusal["body"]["msg_cd"] == "OPSP8996"
            await ws.send(sub(approval, "035420", "2"))
            assert (await next_control(ws))["body"]["msg_cd"] == "OPSP0001"
            await ws.send(sub(approval, "035420", "2"))
            assert (await next_control(ws))["body"]["msg_cd"] == "OPSP0003"
            frames, pings = [], 0
            while len(frames) < 60 or pings == 0:
                msg = await asyncio.wait_for(ws.recv(), 5)
                if "PINGPONG" in msg:
                    assert len(orjson.loads(msg)["header"]["datetime"]) == 14
                    pings += 1
                    await ws.send(msg)
                elif msg[0] == "0":
                    frames.append(msg)
            return frames

    frames = asyncio.run(run())
    last: dict[str, list[str]] = {}
    for frame in frames:
        enc, tr, count, payload = frame.split("|", 3)
        assert enc == "0" and tr == "H0STCNT0" and len(count) == 3
        fields = payload.split("^")
        assert len(fields) == int(count) * 46
        for i in range(int(count)):
            rec = fields[i * 46 : (i + 1) * 46]
            symbol, price, vol, acc = rec[0], int(rec[2]), int(rec[12]), int(rec[13])
            assert symbol in ("005930", "000660")
            assert price % tick_size(price) == 0
            assert int(rec[9]) <= price <= int(rec[8])  # day low ≤ price ≤ day high
            assert rec[44] == "" and rec[45] == rec[7]
            assert int(rec[17]) == int(rec[16]) - int(rec[15])
            prev = last.get(symbol)
            if prev is not None:
                assert acc == int(prev[13]) + vol  # cumulative volume follows the trades
                assert int(rec[15]) + int(rec[16]) == int(prev[15]) + int(prev[16]) + 1  # sequence
                assert int(rec[14]) == int(prev[14]) + price * vol
                assert int(rec[8]) >= int(prev[8]) and int(rec[9]) <= int(prev[9])
            last[symbol] = rec
    assert set(last) == {"005930", "000660"}


def test_intraday_path_touches_high_and_low_and_respects_the_grid():
    rnd = random.Random(3)
    lower, upper = limits(70_000)
    assert lower == 49_000 and upper == 91_000
    path = intraday_path(rnd, 70_200, 71_500, 69_100, 70_900)
    assert path[0] == 70_200 and path[-1] == 70_900 and max(path) == 71_500 and min(path) == 69_100
    assert all(p % tick_size(p) == 0 for p in path)
    assert round_tick(1_999.4) == 1_999 and round_tick(4_997) == 4_995 and tick_size(600_000) == 1_000


def test_refusal_faults_and_market_hours(kissim):
    from datetime import datetime

    from devtools.kissim.market import KST, market_hours_fraction

    async def run():
        async with aiohttp.ClientSession() as http:
            approvals = []
            for key in ("faultkey1", "faultkey2"):
                r = await http.post(
                    kissim.url + "/oauth2/Approval",
                    json={"grant_type": "client_credentials", "appkey": key, "secretkey": "sec"},
                )
                approvals.append((await r.json())["approval_key"])
        kissim.fault("refuse_subscribe", seconds=30)
        async with websockets.connect(f"ws://127.0.0.1:{kissim.port}", ping_interval=None) as ws:
            await ws.send(sub(approvals[0], "005930"))
            refusal = await next_control(ws)
            assert refusal["body"]["rt_cd"] != "0" and refusal["body"]["msg_cd"] == "OPSP0007"
        kissim.fault("clear")
        kissim.fault("refuse_session", seconds=30)
        async with websockets.connect(f"ws://127.0.0.1:{kissim.port}", ping_interval=None) as ws:
            await ws.send(sub(approvals[1], "005930"))
            assert (await next_control(ws))["body"]["msg_cd"] == "OPSP8996"
        kissim.fault("clear")

    asyncio.run(run())
    assert market_hours_fraction(datetime(2026, 11, 26, 9, 0, tzinfo=KST)) == 0.0
    assert 0.49 < market_hours_fraction(datetime(2026, 11, 26, 12, 15, tzinfo=KST)) < 0.51
    assert market_hours_fraction(datetime(2026, 11, 26, 15, 30, tzinfo=KST)) is None
    assert market_hours_fraction(datetime(2026, 11, 28, 10, 0, tzinfo=KST)) is None  # Saturday


def test_a_restarted_kissim_continues_the_day(output_dir):
    """Like KIS, accumulated volume and the trade sequence of a business day never go back, even
    if kissim restarts (its state file is kept), so ingest's replay detection stays valid."""

    async def last_record(sim) -> list[str]:
        async with aiohttp.ClientSession() as http:
            r = await http.post(
                sim.url + "/oauth2/Approval",
                json={"grant_type": "client_credentials", "appkey": "restartkey", "secretkey": "sec"},
            )
            approval = (await r.json())["approval_key"]
        async with websockets.connect(f"ws://127.0.0.1:{sim.port}", ping_interval=None) as ws:
            await ws.send(sub(approval, "005930"))
            records = []
            while len(records) < 20:
                msg = await asyncio.wait_for(ws.recv(), 5)
                if msg[0] == "0":
                    records.append(msg.split("|", 3)[3].split("^")[-46:])
            return records[-1]

    state = output_dir / "kissim-restart.state.json"
    state.unlink(missing_ok=True)
    records = []
    for run in (1, 2):
        sim = Kissim(
            output_dir / f"kissim-restart-{run}.log",
            "--trade-rate",
            "50",
            "--frame-interval-ms",
            "50",
            state_file=state,
        )
        try:
            records.append(asyncio.run(last_record(sim)))
        finally:
            sim.stop()
    before, after = records
    assert after[33] == before[33]
    assert int(after[13]) > int(before[13])  # accumulated volume continued
    assert int(after[15]) + int(after[16]) > int(before[15]) + int(before[16])  # and the sequence


def test_order_books_are_consistent_with_the_trades(kissim):
    """H0STASP0 next to H0STCNT0: the best bid ≤ the last trade ≤ the best ask, on the tick grid,
    ten ordered levels each side, totals that add up, and sizes that move as trades hit them."""
    import tickcore

    async def run() -> tuple[list[dict], list[dict]]:
        async with aiohttp.ClientSession() as http:
            r = await http.post(
                kissim.url + "/oauth2/Approval",
                json={"grant_type": "client_credentials", "appkey": "bookkey", "secretkey": "sec"},
            )
            approval = (await r.json())["approval_key"]
        trades, books = [], []
        async with websockets.connect(f"ws://127.0.0.1:{kissim.port}", ping_interval=None) as ws:
            await ws.send(sub(approval, "005930", tr_id="H0STASP0"))
            assert (await next_control(ws))["body"]["msg_cd"] == "OPSP0000"
            await ws.send(sub(approval, "005930"))
            assert (await next_control(ws))["body"]["msg_cd"] == "OPSP0000"
            while len(books) < 30:
                msg = await asyncio.wait_for(ws.recv(), 5)
                if msg[0] != "0":
                    if "PINGPONG" in msg:
                        await ws.send(msg)
                    continue
                frame = tickcore.parse_frame(msg)
                if frame["kind"] == "trades":
                    trades.extend(frame["records"])
                elif frame["kind"] == "order_books":
                    books.extend((trades[-1]["price"] if trades else None, b) for b in frame["records"])
        return trades, books

    trades, books = asyncio.run(run())
    sizes_seen = set()
    for last_price, book in books:
        asks, bids = book["ask_prices"], book["bid_prices"]
        assert asks == sorted(asks) and bids == sorted(bids, reverse=True)
        assert bids[0] < asks[0]
        for price in asks + bids:
            assert price == 0 or price % tick_size(price) == 0
        assert book["total_ask_size"] == sum(book["ask_sizes"]) and book["total_bid_size"] == sum(book["bid_sizes"])
        if last_price is not None:
            assert bids[0] <= last_price <= asks[0]
        sizes_seen.add((asks[0], book["ask_sizes"][0]))
    assert len(trades) > 10 and len(books) == 30
    assert len(sizes_seen) > 1  # the touch and its size move with the trades
