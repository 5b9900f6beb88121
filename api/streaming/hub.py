"""The per-worker fan-out hub: one Redis PSUBSCRIBE per api worker process, ticks routed
in-process to the connections watching each symbol.

Ingest publishes tick JSON on `stock:realtime:{symbol}`. The hub reads the pub/sub socket
with a small RESP reader of its own (an asyncio protocol), so everything that arrived in one
socket read is dispatched as one batch: a connection that keeps up gets one
`transport.write` per batch holding the WebSocket frames of all its ticks. Frames are built
once per message (server frames are unmasked and uncompressed, so every client gets the same
bytes) from the exact bytes ingest published; nothing is re-encoded per client.

The hub also keeps the set of known symbols (`companies.symbol`, refreshed periodically),
per-user connection counts, and tells ingest which symbols browsers watch
(`ingest:demand`, `ingest:control`). When the pub/sub connection drops the hub marks the
stream unavailable, tells every open connection, and reconnects by itself.
"""
from __future__ import annotations

import asyncio
import logging
import os
import ssl
import time
from datetime import datetime
from typing import Iterable, Protocol
from urllib.parse import unquote, urlparse

import orjson

log = logging.getLogger("api.streaming")

CHANNEL_PREFIX = b"stock:realtime:"
PATTERN = CHANNEL_PREFIX + b"*"
DEMAND_KEY = "ingest:demand"
CONTROL_CHANNEL = "ingest:control"
DEMAND_REFRESH_SECONDS = 30.0
# Open connections per user, across every api worker: a sorted set of connection ids scored by the
# time they expire unless refreshed (a crashed worker's entries lapse by themselves).
USER_CONNECTIONS_KEY = "stream:connections:{}"
CONNECTION_LEASE_SECONDS = 3 * DEMAND_REFRESH_SECONDS
_CLAIM_CONNECTION = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
"""
KNOWN_REFRESH_SECONDS = 300.0
KNOWN_MISS_REFRESH_SECONDS = 30.0
PING_SECONDS = 5.0
DEAD_AFTER_SECONDS = 15.0
STATUS_UNAVAILABLE = b'{"type":"status","stream":"unavailable"}'
STATUS_OK = b'{"type":"status","stream":"ok"}'


def ws_text_frame(payload: bytes) -> bytes:
    """An unmasked, unfragmented WebSocket text frame (server → client, no extensions)."""
    n = len(payload)
    if n < 126:
        return bytes((0x81, n)) + payload
    if n < 65536:
        return b"\x81\x7e" + n.to_bytes(2, "big") + payload
    return b"\x81\x7f" + n.to_bytes(8, "big") + payload


def iso_to_ms(value: object) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return None


def tick_time_ms(payload: bytes) -> int | None:
    """`receivedAt` (else `timestamp`) of a tick JSON in epoch ms; used for SSE event ids."""
    try:
        tick = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(tick, dict):
        return None
    return iso_to_ms(tick.get("receivedAt")) or iso_to_ms(tick.get("timestamp"))


def sse_event(event: str, payload: bytes, event_id: str | None = None) -> bytes:
    data = payload.replace(b"\r\n", b"\n").replace(b"\n", b"\ndata: ")
    head = b"id: " + event_id.encode() + b"\n" if event_id else b""
    return head + b"event: " + event.encode() + b"\ndata: " + data + b"\n\n"


class Message:
    """One published tick; the per-transport encodings are built once, on first use."""

    __slots__ = ("symbol", "payload", "_ws", "_sse")

    def __init__(self, symbol: str, payload: bytes) -> None:
        self.symbol = symbol
        self.payload = payload
        self._ws: bytes | None = None
        self._sse: bytes | None = None

    @property
    def ws_frame(self) -> bytes:
        if self._ws is None:
            self._ws = ws_text_frame(self.payload)
        return self._ws

    @property
    def sse_event(self) -> bytes:
        if self._sse is None:
            ms = tick_time_ms(self.payload) or int(time.time() * 1000)
            self._sse = sse_event("tick", self.payload, f"{self.symbol}:{ms}")
        return self._sse


class Subscriber(Protocol):
    user_id: int

    def deliver(self, message: Message) -> None: ...

    def flush(self) -> None: ...

    def send_status(self, payload: bytes) -> None: ...


class _PubSubProtocol(asyncio.Protocol):
    """PSUBSCRIBE on one connection; parses RESP2 push arrays and hands them to the hub."""

    def __init__(self, hub: "Hub", auth: tuple[str | None, str] | None) -> None:
        self.hub = hub
        self.auth = auth
        self.buf = bytearray()
        self.transport: asyncio.Transport | None = None
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.last_data = time.monotonic()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        commands = []
        if self.auth is not None:
            user, password = self.auth
            commands.append(["AUTH", user, password] if user else ["AUTH", password])
        commands.append(["PSUBSCRIBE", PATTERN.decode()])
        self.transport.write(b"".join(_command(c) for c in commands))

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
                    log.error("redis pub/sub error: %s", bytes(buf[pos + 1:end]).decode(errors="replace"))
                    if self.transport is not None:
                        self.transport.close()
                pos = end + 2
                continue
            count = int(buf[pos + 1:end])
            p = end + 2
            items: list[bytes | int | None] = []
            complete = True
            for _ in range(count):
                e = buf.find(b"\r\n", p)
                if e < 0:
                    complete = False
                    break
                if buf[p] == 36:  # '$'
                    length = int(buf[p + 1:e])
                    if length < 0:
                        items.append(None)
                        p = e + 2
                        continue
                    start = e + 2
                    if start + length + 2 > n:
                        complete = False
                        break
                    items.append(bytes(buf[start:start + length]))
                    p = start + length + 2
                elif buf[p] == 58:  # ':'
                    items.append(int(buf[p + 1:e]))
                    p = e + 2
                else:
                    items.append(bytes(buf[p + 1:e]))
                    p = e + 2
            if not complete:
                break
            pos = p
            kind_name = items[0] if items else None
            if kind_name == b"pmessage" and len(items) == 4:
                hub.dispatch(items[2], items[3])  # type: ignore[arg-type]
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


class Hub:
    """Fan-out state of one worker process."""

    def __init__(self, redis_url: str, redis, db) -> None:
        self.redis_url = redis_url
        self.redis = redis  # the app's redis-py client: snapshots, demand
        self.db = db
        self.subs: dict[bytes, set[Subscriber]] = {}
        self.dirty: list[Subscriber] = []
        self.connections: set[Subscriber] = set()
        self.user_connections: dict[int, int] = {}
        self.available = False
        self.known: frozenset[str] = frozenset()
        self._known_loaded_at = 0.0
        self._known_lock = asyncio.Lock()
        self._tasks: list[asyncio.Task] = []
        self._protocol: _PubSubProtocol | None = None
        self._stopping = False
        self._new_demand: set[str] = set()
        self._demand_task: asyncio.Task | None = None
        self._ready = asyncio.Event()
        self.messages_in = 0

    # -- lifecycle ---------------------------------------------------------------------
    async def start(self, wait: float = 3.0) -> None:
        self._tasks = [asyncio.create_task(self._run_pubsub(), name="stream-pubsub"),
                       asyncio.create_task(self._refresh_demand_forever(), name="stream-demand"),
                       asyncio.create_task(self._refresh_known_forever(), name="stream-known")]
        try:
            await asyncio.wait_for(self._ready.wait(), wait)
        except asyncio.TimeoutError:
            log.warning("stream hub: Redis pub/sub not ready after %.0f s; retrying in the background", wait)

    async def stop(self) -> None:
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        if self._protocol is not None and self._protocol.transport is not None:
            self._protocol.transport.close()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _connect(self) -> _PubSubProtocol:
        url = urlparse(self.redis_url)
        auth = None
        if url.password:
            auth = (unquote(url.username) if url.username else None, unquote(url.password))
        loop = asyncio.get_running_loop()

        def factory() -> _PubSubProtocol:
            return _PubSubProtocol(self, auth)

        if url.scheme == "unix":
            _, proto = await loop.create_unix_connection(factory, url.path)
        else:
            ctx = ssl.create_default_context() if url.scheme == "rediss" else None
            _, proto = await loop.create_connection(factory, url.hostname or "127.0.0.1", url.port or 6379, ssl=ctx)
        return proto

    async def _run_pubsub(self) -> None:
        backoff = 0.1
        while not self._stopping:
            try:
                proto = await asyncio.wait_for(self._connect(), 3.0)
            except (OSError, asyncio.TimeoutError) as exc:
                log.debug("stream hub: connect failed: %s", exc)
                self.set_available(False)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 2.0)
                continue
            self._protocol = proto
            try:
                while not proto.closed.done():
                    done, _ = await asyncio.wait({proto.closed}, timeout=PING_SECONDS)
                    if done:
                        break
                    if time.monotonic() - proto.last_data > DEAD_AFTER_SECONDS:
                        log.warning("stream hub: Redis pub/sub silent for %.0f s; reconnecting", DEAD_AFTER_SECONDS)
                        if proto.transport is not None:
                            proto.transport.abort()
                        break
                    proto.ping()
            finally:
                self._protocol = None
            if self.available:
                backoff = 0.1
            self.set_available(False)
            if not self._stopping:
                log.warning("stream hub: Redis pub/sub connection lost; reconnecting")
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 2.0)

    def set_available(self, available: bool) -> None:
        if available == self.available:
            if available:
                self._ready.set()
            return
        self.available = available
        log.info("stream hub: available=%s, %d connections", available, len(self.connections))
        payload = STATUS_OK if available else STATUS_UNAVAILABLE
        for conn in list(self.connections):
            conn.send_status(payload)
        if available:
            self._ready.set()
            log.info("stream hub: Redis pub/sub subscribed")
            watched = self.watched_symbols()
            if watched:  # Redis may have restarted empty: tell ingest again
                self._new_demand.update(watched)
                self._schedule_demand()

    # -- routing -----------------------------------------------------------------------
    def dispatch(self, channel: bytes, payload: bytes) -> None:
        self.messages_in += 1
        conns = self.subs.get(channel)
        if not conns:
            return
        message = Message(channel[len(CHANNEL_PREFIX):].decode(), payload)
        for conn in conns:
            conn.deliver(message)

    def flush(self) -> None:
        dirty = self.dirty
        if dirty:
            self.dirty = []
            for conn in dirty:
                conn.flush()

    def add(self, conn: Subscriber, symbols: Iterable[str]) -> None:
        started = []
        for symbol in symbols:
            key = CHANNEL_PREFIX + symbol.encode()
            conns = self.subs.get(key)
            if conns is None:
                conns = self.subs[key] = set()
                started.append(symbol)
            conns.add(conn)
        if started:
            self._new_demand.update(started)
            self._schedule_demand()

    def remove(self, conn: Subscriber, symbols: Iterable[str]) -> None:
        for symbol in symbols:
            key = CHANNEL_PREFIX + symbol.encode()
            conns = self.subs.get(key)
            if conns is not None:
                conns.discard(conn)
                if not conns:
                    del self.subs[key]

    def watched_symbols(self) -> list[str]:
        return [key[len(CHANNEL_PREFIX):].decode() for key in self.subs]

    # -- connections per user ----------------------------------------------------------
    def _connection_id(self, conn: Subscriber) -> str:
        return f"{os.getpid()}:{id(conn)}"

    async def open_connection(self, conn: Subscriber, limit: int) -> bool:
        """Admit the connection if its user has fewer than `limit` open on all workers."""
        count = self.user_connections.get(conn.user_id, 0)
        if count >= limit:
            return False
        now = time.time()
        try:
            admitted = await asyncio.wait_for(self.redis.eval(
                _CLAIM_CONNECTION, 1, USER_CONNECTIONS_KEY.format(conn.user_id), now, limit,
                now + CONNECTION_LEASE_SECONDS, self._connection_id(conn), int(CONNECTION_LEASE_SECONDS)), 2.0)
        except Exception as exc:  # noqa: BLE001 - Redis down: this worker's own count still applies
            log.warning("stream: cannot count connections in Redis: %s", exc)
            admitted = 1
        if not admitted:
            return False
        self.user_connections[conn.user_id] = count + 1
        self.connections.add(conn)
        return True

    def close_connection(self, conn: Subscriber, symbols: Iterable[str]) -> None:
        self.remove(conn, symbols)
        if conn in self.connections:
            self.connections.discard(conn)
            left = self.user_connections.get(conn.user_id, 1) - 1
            if left > 0:
                self.user_connections[conn.user_id] = left
            else:
                self.user_connections.pop(conn.user_id, None)
            asyncio.get_running_loop().create_task(self._release_connection(conn))

    async def _release_connection(self, conn: Subscriber) -> None:
        try:
            await asyncio.wait_for(
                self.redis.zrem(USER_CONNECTIONS_KEY.format(conn.user_id), self._connection_id(conn)), 2.0)
        except Exception:  # noqa: BLE001 - the lease lapses by itself
            pass

    async def _renew_connection_leases(self) -> None:
        expires = time.time() + CONNECTION_LEASE_SECONDS
        async with self.redis.pipeline(transaction=False) as pipe:
            for conn in self.connections:
                pipe.zadd(USER_CONNECTIONS_KEY.format(conn.user_id), {self._connection_id(conn): expires})
            await asyncio.wait_for(pipe.execute(), 2.0)

    # -- snapshots ---------------------------------------------------------------------
    async def snapshots(self, symbols: list[str]) -> list[bytes]:
        """`{"type":"snapshot","symbol","tick","bar"}` JSON per symbol (tick/bar null when unknown)."""
        if not symbols:
            return []
        ticks: list = [None] * len(symbols)
        bars: list = [{}] * len(symbols)
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for symbol in symbols:
                    pipe.get(f"tick:last:{symbol}")
                    pipe.hgetall(f"bar:1m:{symbol}")
                replies = await asyncio.wait_for(pipe.execute(), 2.0)
            ticks, bars = replies[0::2], replies[1::2]
        except Exception as exc:  # noqa: BLE001 - a snapshot is best effort; ticks follow anyway
            log.warning("stream snapshot read failed: %s", exc)
        out = []
        for symbol, tick, bar in zip(symbols, ticks, bars):
            tick_json = b"null"
            if tick:
                try:
                    orjson.loads(tick)
                    tick_json = bytes(tick)
                except orjson.JSONDecodeError:
                    pass
            bar_json = orjson.dumps(_bar(bar)) if bar else b"null"
            out.append(b'{"type":"snapshot","symbol":' + orjson.dumps(symbol) + b',"tick":' + tick_json
                       + b',"bar":' + bar_json + b"}")
        return out

    async def last_ticks(self, symbols: list[str]) -> list[bytes | None]:
        async with self.redis.pipeline(transaction=False) as pipe:
            for symbol in symbols:
                pipe.get(f"tick:last:{symbol}")
            return await asyncio.wait_for(pipe.execute(), 2.0)

    # -- known symbols -----------------------------------------------------------------
    async def refresh_known(self) -> None:
        async with self._known_lock:
            rows = await self.db.fetch("SELECT symbol FROM companies")
            self.known = frozenset(r["symbol"] for r in rows)
            self._known_loaded_at = time.monotonic()

    async def is_known(self, symbols: list[str]) -> set[str]:
        """The subset of `symbols` that are listed companies."""
        missing = [s for s in symbols if s not in self.known]
        if missing and time.monotonic() - self._known_loaded_at > KNOWN_MISS_REFRESH_SECONDS:
            try:
                await self.refresh_known()
            except Exception as exc:  # noqa: BLE001
                log.warning("stream: cannot refresh known symbols: %s", exc)
        return {s for s in symbols if s in self.known}

    async def _refresh_known_forever(self) -> None:
        while True:
            try:
                await self.refresh_known()
                await asyncio.sleep(KNOWN_REFRESH_SECONDS)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001
                log.warning("stream: cannot load known symbols: %s", exc)
                await asyncio.sleep(10)

    # -- demand to ingest --------------------------------------------------------------
    def _schedule_demand(self) -> None:
        if self._demand_task is None or self._demand_task.done():
            self._demand_task = asyncio.create_task(self._send_demand())

    async def _send_demand(self) -> None:
        await asyncio.sleep(0.05)  # gather the symbols of a burst of subscriptions
        while self._new_demand:
            symbols = sorted(s for s in self._new_demand if CHANNEL_PREFIX + s.encode() in self.subs)
            self._new_demand.clear()
            if not symbols:
                return
            log.debug("stream: demand for %s", symbols)
            now = int(time.time())
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    pipe.zadd(DEMAND_KEY, {s: now for s in symbols})
                    pipe.publish(CONTROL_CHANNEL, orjson.dumps({"action": "demand", "symbols": symbols}))
                    await asyncio.wait_for(pipe.execute(), 2.0)
            except Exception as exc:  # noqa: BLE001 - announced again when Redis is back (set_available)
                log.warning("stream: cannot announce demand: %s", exc)
                return

    async def _refresh_demand_forever(self) -> None:
        while True:
            await asyncio.sleep(DEMAND_REFRESH_SECONDS)
            watched = self.watched_symbols()
            try:
                if self.connections:
                    await self._renew_connection_leases()
                if not watched:
                    continue
                await asyncio.wait_for(self.redis.zadd(DEMAND_KEY, {s: int(time.time()) for s in watched}), 2.0)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001
                log.warning("stream: cannot refresh demand: %s", exc)


_BAR_TEXT_FIELDS = {"source"}


def _bar(raw: dict) -> dict:
    bar: dict[str, object] = {}
    for key, value in raw.items():
        name = key.decode() if isinstance(key, bytes) else str(key)
        text = value.decode() if isinstance(value, bytes) else str(value)
        if name in _BAR_TEXT_FIELDS:
            bar[name] = text
            continue
        try:
            number = float(text)
            bar[name] = int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number
        except ValueError:
            bar[name] = text
    return bar
