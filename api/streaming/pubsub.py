"""The api worker's one Redis pub/sub connection: PSUBSCRIBE `stock:realtime:*` and
`stock:orderbook:*`, read with a small
RESP reader of its own (an asyncio protocol), so everything that arrived in one socket read is
dispatched as one batch (the hub then writes each connection's ticks with one transport write).
`run_pubsub` keeps it connected: it pings, notices a silent connection, and reconnects with
back-off, telling the hub whether the stream is available.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from typing import Protocol, cast
from urllib.parse import unquote, urlparse

from core.contract import keys
from core.contract.resp import command
from core.retry import Backoff

log = logging.getLogger("api.streaming")

PING_SECONDS = 5.0
DEAD_AFTER_SECONDS = 15.0
CONNECT_TIMEOUT_S = 3.0


class Dispatcher(Protocol):
    def dispatch(self, channel: bytes, payload: bytes) -> None: ...

    def flush(self) -> None: ...

    def set_available(self, available: bool) -> None: ...


class _PubSubProtocol(asyncio.Protocol):
    """PSUBSCRIBE on one connection; parses RESP2 push arrays and hands them to the hub."""

    def __init__(self, hub: Dispatcher, auth: tuple[str | None, str] | None) -> None:
        self.hub = hub
        self.auth = auth
        self.buf = bytearray()
        self.transport: asyncio.Transport | None = None
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.last_data = time.monotonic()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)
        commands = []
        if self.auth is not None:
            user, password = self.auth
            commands.append(command("AUTH", user, password) if user else command("AUTH", password))
        commands.append(command("PSUBSCRIBE", keys.TICK_CHANNEL_PATTERN, keys.BOOK_CHANNEL_PATTERN))
        self.transport.write(b"".join(commands))

    def ping(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(b"*1\r\n$4\r\nPING\r\n")

    def data_received(self, data: bytes) -> None:
        self.last_data = time.monotonic()
        buf = self.buf
        buf += data
        pos, n = 0, len(buf)
        hub = self.hub
        dispatched = False
        while pos < n:
            end = buf.find(b"\r\n", pos)
            if end < 0:
                break
            kind = buf[pos]
            if kind != 42:  # not '*': a simple reply (+OK from AUTH) or an error
                if kind == 45:  # '-'
                    log.error("redis pub/sub error: %s", bytes(buf[pos + 1 : end]).decode(errors="replace"))
                    if self.transport is not None:
                        self.transport.close()
                pos = end + 2
                continue
            count = int(buf[pos + 1 : end])
            p = end + 2
            items: list[bytes | int | None] = []
            complete = True
            for _ in range(count):
                e = buf.find(b"\r\n", p)
                if e < 0:
                    complete = False
                    break
                if buf[p] == 36:  # '$'
                    length = int(buf[p + 1 : e])
                    if length < 0:
                        items.append(None)
                        p = e + 2
                        continue
                    start = e + 2
                    if start + length + 2 > n:
                        complete = False
                        break
                    items.append(bytes(buf[start : start + length]))
                    p = start + length + 2
                elif buf[p] == 58:  # ':'
                    items.append(int(buf[p + 1 : e]))
                    p = e + 2
                else:
                    items.append(bytes(buf[p + 1 : e]))
                    p = e + 2
            if not complete:
                break
            pos = p
            kind_name = items[0] if items else None
            if kind_name == b"pmessage" and len(items) == 4:
                hub.dispatch(items[2], items[3])  # type: ignore[arg-type]  # a pmessage's channel, data: bulk strings
                dispatched = True
            elif kind_name == b"psubscribe":
                hub.set_available(True)
        del buf[:pos]
        if dispatched:
            hub.flush()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)


def _command(parts: list[str | None]) -> bytes:
    out = [b"*%d\r\n" % len(parts)]
    for part in parts:
        raw = (part or "").encode()
        out.append(b"$%d\r\n%s\r\n" % (len(raw), raw))
    return b"".join(out)


async def connect(redis_url: str, hub: Dispatcher) -> _PubSubProtocol:
    url = urlparse(redis_url)
    auth = None
    if url.password:
        auth = (unquote(url.username) if url.username else None, unquote(url.password))
    loop = asyncio.get_running_loop()

    def factory() -> _PubSubProtocol:
        return _PubSubProtocol(hub, auth)

    if url.scheme == "unix":
        _, proto = await loop.create_unix_connection(factory, url.path)
    else:
        ctx = ssl.create_default_context() if url.scheme == "rediss" else None
        _, proto = await loop.create_connection(factory, url.hostname or "127.0.0.1", url.port or 6379, ssl=ctx)
    return proto


async def run_pubsub(redis_url: str, hub: Dispatcher, stopping: asyncio.Event) -> None:
    """Stay subscribed until `stopping` is set."""
    backoff = Backoff(0.1, 2.0, jitter=False)
    while not stopping.is_set():
        try:
            proto = await asyncio.wait_for(connect(redis_url, hub), CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as exc:
            log.debug("stream hub: connect failed: %s", exc)
            hub.set_available(False)
            await asyncio.sleep(backoff.next())
            continue
        subscribed = False
        try:
            while not proto.closed.done():
                done, _ = await asyncio.wait({proto.closed}, timeout=PING_SECONDS)
                if done:
                    break
                subscribed = True
                if time.monotonic() - proto.last_data > DEAD_AFTER_SECONDS:
                    log.warning("stream hub: Redis pub/sub silent for %.0f s; reconnecting", DEAD_AFTER_SECONDS)
                    if proto.transport is not None:
                        proto.transport.abort()
                    break
                proto.ping()
        finally:
            if proto.transport is not None:
                proto.transport.close()
        if subscribed:
            backoff.reset()
        hub.set_available(False)
        if not stopping.is_set():
            log.warning("stream hub: Redis pub/sub connection lost; reconnecting")
            await asyncio.sleep(backoff.next())
