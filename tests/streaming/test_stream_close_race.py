"""Clients that close while their ticks are being written leave everybody else streaming.

Found by bench/soak.py at the default load: after a client's close handshake Sanic shuts the write
side of its socket (write_eof) while `is_closing()` is still False; the hub's next write for it made
uvloop raise inside the api's Redis pub/sub reader, which took that connection down — and with it the
ticks of every client of the worker (reconnect, 503 to new streams meanwhile)."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from websockets.asyncio.client import connect

from tests.streaming.helpers import SAMSUNG, open_ws, subscribe, tick, token, ws_url

pytestmark = pytest.mark.asyncio(loop_scope="module")
API_OVERRIDES = {"STREAM_MAX_CONNECTIONS_PER_USER": "1000"}
CLOSERS = 200
GROUP = 25
BATCH = 40  # ticks per pipeline, every 5 ms: ~8,000 ticks/s on the symbol


async def test_clients_closing_mid_stream_do_not_stop_the_others(stream_server, rds):
    seq = 0
    publishing = True

    async def publish() -> None:
        nonlocal seq
        while publishing:
            async with rds.pipeline(transaction=False) as pipe:
                for _ in range(BATCH):
                    seq += 1
                    pipe.publish(f"stock:realtime:{SAMSUNG}", tick(SAMSUNG, seq))
                await pipe.execute()
            await asyncio.sleep(0.005)

    async def close_mid_stream(user: int) -> None:
        url = f"{ws_url(stream_server)}?token={token(user)}"
        async with connect(url, open_timeout=5, close_timeout=0.2) as ws:
            await subscribe(ws, [SAMSUNG])
            for _ in range(3):
                await asyncio.wait_for(ws.recv(), 5)
        # leaving the block sent the close frame while ticks kept coming for this client

    async with open_ws(stream_server, token(1), max_queue=None) as watcher:
        await subscribe(watcher, [SAMSUNG])
        publisher = asyncio.create_task(publish())
        try:
            for first in range(0, CLOSERS, GROUP):
                await asyncio.gather(*(close_mid_stream(2 + user) for user in range(first, first + GROUP)))
        finally:
            publishing = False
            await publisher
        last_sent = seq
        seen: list[int] = []
        dropped = 0  # the slow-client policy may drop ticks for the watcher too, and says how many
        while not seen or seen[-1] < last_sent:
            message = orjson.loads(await asyncio.wait_for(watcher.recv(), 5))
            if message.get("type") == "tick":
                seen.append(message["seq"])
            elif message.get("type") == "dropped":
                dropped += message["count"]

    log = stream_server.output()
    assert "Fatal error on transport" not in log
    assert "pub/sub connection lost" not in log
    assert seen == sorted(seen)
    assert len(seen) + dropped == last_sent - seen[0] + 1, "ticks missing without a dropped count"
