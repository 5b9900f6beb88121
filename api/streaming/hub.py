"""The per-worker fan-out hub: messages from the worker's one pub/sub connection (pubsub.py)
routed in-process to the connections watching each symbol.

Connections subscribe per channel: `ticks` (`stock:realtime:*`) or `orderbook`
(`stock:orderbook:*`). A connection that keeps up gets one `transport.write` per Redis read
holding the frames of all its messages (`dispatch` then `flush`). The hub also keeps the set of
listed symbols (refreshed periodically), the per-user connection leases (leases.py), reads
snapshots (the last tick and the open 1-minute bar; the last order book), and tells ingest which
symbols browsers watch (`ingest:demand`, `ingest:demand:orderbook`, `ingest:control`). When the
pub/sub connection drops the hub marks the stream unavailable, tells every open connection, and
reconnects by itself.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from typing import Any, Protocol

import asyncpg
import orjson

from api.http.auth import Claims, is_revoked, revocation_keys
from api.streaming.frames import Message
from api.streaming.leases import RENEW_SECONDS, Leases
from api.streaming.pubsub import run_pubsub
from core.contract import keys
from core.contract.bars import decode_open_bar

log = logging.getLogger("api.streaming")

TICKS, BOOKS = "ticks", "orderbook"  # the stream channels a connection subscribes to
PREFIXES = {TICKS: keys.TICK_CHANNEL_PREFIX.encode(), BOOKS: keys.BOOK_CHANNEL_PREFIX.encode()}
EVENTS = {PREFIXES[TICKS]: "tick", PREFIXES[BOOKS]: "orderbook"}
DEMAND_KEYS = {TICKS: keys.INGEST_DEMAND, BOOKS: keys.INGEST_BOOK_DEMAND}
KNOWN_REFRESH_SECONDS = 300.0
KNOWN_MISS_REFRESH_SECONDS = 30.0
REDIS_TIMEOUT_S = 2.0
DEMAND_COALESCE_S = 0.05  # gather the symbols of a burst of subscriptions
REVOCATION_CHECK_SECONDS = 5.0  # how long a stream outlives the revocation of its token at most
STATUS_UNAVAILABLE = b'{"type":"status","stream":"unavailable"}'
STATUS_OK = b'{"type":"status","stream":"ok"}'


class Subscriber(Protocol):
    user_id: int
    claims: Claims  # of the token the stream was opened with

    def deliver(self, message: Message) -> None: ...

    def flush(self) -> None: ...

    def send_status(self, payload: bytes) -> None: ...

    def revoke(self) -> None:
        """Its token was voided: tell the client (auth error) and close."""


class Hub:
    """Fan-out state of one worker process."""

    def __init__(self, redis_url: str, redis: Any, db: asyncpg.Pool) -> None:
        self.redis_url = redis_url
        self.redis = redis  # the app's redis-py client: snapshots, demand, leases
        self.db = db
        self.leases = Leases(redis)
        self.subs: dict[bytes, set[Subscriber]] = {}
        self.dirty: list[Subscriber] = []
        self.connections: set[Subscriber] = set()
        self.user_connections: dict[int, int] = {}
        self.available = False
        self.known: frozenset[str] = frozenset()
        self.messages_in = 0
        self._known_loaded_at = 0.0
        self._known_lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self._new_demand: dict[str, set[str]] = {TICKS: set(), BOOKS: set()}
        self._demand_task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    # -- lifecycle ---------------------------------------------------------------------
    async def start(self, wait: float = 3.0) -> None:
        self._tasks = [
            asyncio.create_task(run_pubsub(self.redis_url, self, self._stopping), name="stream-pubsub"),
            asyncio.create_task(self._refresh_demand_forever(), name="stream-demand"),
            asyncio.create_task(self._refresh_known_forever(), name="stream-known"),
            asyncio.create_task(self.leases.beat_forever(), name="stream-worker-beat"),
            asyncio.create_task(self._close_revoked_forever(), name="stream-revocations"),
        ]
        try:
            await asyncio.wait_for(self._ready.wait(), wait)
        except TimeoutError:
            log.warning("stream hub: Redis pub/sub not ready after %.0f s; retrying in the background", wait)

    async def stop(self) -> None:
        self._stopping.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.leases.retire()

    async def _close_revoked_forever(self) -> None:
        while not self._stopping.is_set():
            await asyncio.sleep(REVOCATION_CHECK_SECONDS)
            try:
                await self.close_revoked()
            except Exception as exc:  # noqa: BLE001 - Redis away: the next round checks again
                log.debug("stream revocation check failed: %r", exc)

    async def close_revoked(self) -> int:
        """Close the streams whose token was voided after they opened (logout, password change,
        account deletion): a token is checked when a stream opens, and then every few seconds here,
        with one MGET for all of this worker's streams."""
        conns = list(self.connections)
        if not conns:
            return 0
        names = [name for conn in conns for name in revocation_keys(conn.claims)]
        values = await asyncio.wait_for(self.redis.mget(names), REDIS_TIMEOUT_S)
        revoked = [conn for i, conn in enumerate(conns) if is_revoked(conn.claims, values[2 * i], values[2 * i + 1])]
        for conn in revoked:
            conn.revoke()
        if revoked:
            log.info("closed %d stream(s) whose token was revoked", len(revoked))
        return len(revoked)

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
            for channel in (TICKS, BOOKS):  # Redis may have restarted empty: tell ingest again
                self._new_demand[channel].update(self.watched_symbols(channel))
            self._schedule_demand()

    # -- routing -----------------------------------------------------------------------
    def dispatch(self, channel: bytes, payload: bytes) -> None:
        self.messages_in += 1
        conns = self.subs.get(channel)
        if not conns:
            return
        prefix_end = channel.rindex(b":") + 1
        message = Message(channel[prefix_end:].decode(), payload, EVENTS.get(channel[:prefix_end], "tick"))
        for conn in conns:
            conn.deliver(message)

    def flush(self) -> None:
        dirty = self.dirty
        if dirty:
            self.dirty = []
            for conn in dirty:
                conn.flush()

    def add(self, conn: Subscriber, symbols: Iterable[str], channel: str = TICKS) -> None:
        started = []
        for symbol in symbols:
            key = PREFIXES[channel] + symbol.encode()
            conns = self.subs.get(key)
            if conns is None:
                conns = self.subs[key] = set()
                started.append(symbol)
            conns.add(conn)
        if started:
            self._new_demand[channel].update(started)
            self._schedule_demand()

    def remove(self, conn: Subscriber, symbols: Iterable[str], channel: str = TICKS) -> None:
        for symbol in symbols:
            key = PREFIXES[channel] + symbol.encode()
            conns = self.subs.get(key)
            if conns is not None:
                conns.discard(conn)
                if not conns:
                    del self.subs[key]

    def watched_symbols(self, channel: str = TICKS) -> list[str]:
        prefix = PREFIXES[channel]
        return [key[len(prefix) :].decode() for key in self.subs if key.startswith(prefix)]

    # -- connections per user ----------------------------------------------------------
    async def open_connection(self, conn: Subscriber, limit: int) -> bool:
        """Admit the connection if its user has fewer than `limit` open on all workers."""
        count = self.user_connections.get(conn.user_id, 0)
        if count >= limit or not await self.leases.claim(conn.user_id, conn, limit):
            return False
        self.user_connections[conn.user_id] = count + 1
        self.connections.add(conn)
        return True

    def close_connection(self, conn: Subscriber, symbols: Iterable[str], books: Iterable[str] = ()) -> None:
        self.remove(conn, symbols)
        self.remove(conn, books, BOOKS)
        if conn in self.connections:
            self.connections.discard(conn)
            left = self.user_connections.get(conn.user_id, 1) - 1
            if left > 0:
                self.user_connections[conn.user_id] = left
            else:
                self.user_connections.pop(conn.user_id, None)
            asyncio.get_running_loop().create_task(self.leases.release(conn.user_id, conn))

    # -- snapshots ---------------------------------------------------------------------
    async def snapshots(self, symbols: list[str]) -> list[bytes]:
        """`{"type":"snapshot","symbol","tick","bar"}` JSON per symbol (tick/bar null when unknown)."""
        if not symbols:
            return []
        replies: list[Any] = [None] * (2 * len(symbols))
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for symbol in symbols:
                    pipe.get(keys.last_tick(symbol))
                    pipe.get(keys.open_bar("1m", symbol))
                replies = await asyncio.wait_for(pipe.execute(), REDIS_TIMEOUT_S)
        except Exception as exc:  # noqa: BLE001 - a snapshot is best effort; ticks follow anyway
            log.warning("stream snapshot read failed: %s", exc)
        out = []
        for symbol, tick, bar in zip(symbols, replies[0::2], replies[1::2], strict=True):
            tick_json = b"null"
            if tick:
                try:
                    orjson.loads(tick)
                    tick_json = bytes(tick)
                except orjson.JSONDecodeError:
                    pass
            bar_json = bytes(bar) if decode_open_bar(bar) is not None else b"null"
            out.append(
                b'{"type":"snapshot","symbol":'
                + orjson.dumps(symbol)
                + b',"tick":'
                + tick_json
                + b',"bar":'
                + bar_json
                + b"}"
            )
        return out

    async def book_snapshots(self, symbols: list[str]) -> list[bytes]:
        """`{"type":"bookSnapshot","symbol","book"}` per symbol (`book` null when none is known)."""
        if not symbols:
            return []
        books: list[Any] = [None] * len(symbols)
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for symbol in symbols:
                    pipe.get(keys.last_book(symbol))
                books = await asyncio.wait_for(pipe.execute(), REDIS_TIMEOUT_S)
        except Exception as exc:  # noqa: BLE001 - a snapshot is best effort; updates follow anyway
            log.warning("stream order-book snapshot read failed: %s", exc)
        out = []
        for symbol, book in zip(symbols, books, strict=True):
            book_json = b"null"
            if book:
                try:
                    orjson.loads(book)
                    book_json = bytes(book)
                except orjson.JSONDecodeError:
                    pass
            out.append(b'{"type":"bookSnapshot","symbol":' + orjson.dumps(symbol) + b',"book":' + book_json + b"}")
        return out

    async def last_ticks(self, symbols: list[str]) -> list[bytes | None]:
        async with self.redis.pipeline(transaction=False) as pipe:
            for symbol in symbols:
                pipe.get(keys.last_tick(symbol))
            replies: list[bytes | None] = await asyncio.wait_for(pipe.execute(), REDIS_TIMEOUT_S)
            return replies

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
            except Exception as exc:  # noqa: BLE001 - answered from the last known set
                log.warning("stream: cannot refresh known symbols: %s", exc)
        return {s for s in symbols if s in self.known}

    async def _refresh_known_forever(self) -> None:
        while True:
            try:
                await self.refresh_known()
                await asyncio.sleep(KNOWN_REFRESH_SECONDS)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the database may be away; try again soon
                log.warning("stream: cannot load known symbols: %s", exc)
                await asyncio.sleep(10)

    # -- demand to ingest --------------------------------------------------------------
    def _schedule_demand(self) -> None:
        if self._demand_task is None or self._demand_task.done():
            self._demand_task = asyncio.create_task(self._send_demand())

    async def _send_demand(self) -> None:
        await asyncio.sleep(DEMAND_COALESCE_S)
        while any(self._new_demand.values()):
            demand = {
                channel: sorted(s for s in new if PREFIXES[channel] + s.encode() in self.subs)
                for channel, new in self._new_demand.items()
            }
            for new in self._new_demand.values():
                new.clear()
            if not any(demand.values()):
                return
            now = int(time.time())
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    for channel, symbols in demand.items():
                        if symbols:
                            pipe.zadd(DEMAND_KEYS[channel], dict.fromkeys(symbols, now))
                    announcement: dict[str, object] = {"action": "demand", "symbols": demand[TICKS]}
                    if demand[BOOKS]:
                        announcement["orderbook"] = demand[BOOKS]
                    pipe.publish(keys.INGEST_CONTROL, orjson.dumps(announcement))
                    await asyncio.wait_for(pipe.execute(), REDIS_TIMEOUT_S)
            except Exception as exc:  # noqa: BLE001 - announced again when Redis is back (set_available)
                log.warning("stream: cannot announce demand: %s", exc)
                return

    async def _refresh_demand_forever(self) -> None:
        while True:
            await asyncio.sleep(RENEW_SECONDS)
            try:
                if self.connections:
                    await self.leases.renew((conn.user_id, conn) for conn in self.connections)
                for channel in (TICKS, BOOKS):
                    watched = self.watched_symbols(channel)
                    if watched:
                        await asyncio.wait_for(
                            self.redis.zadd(DEMAND_KEYS[channel], dict.fromkeys(watched, int(time.time()))),
                            REDIS_TIMEOUT_S,
                        )
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - tried again at the next renewal
                log.warning("stream: cannot refresh demand: %s", exc)
