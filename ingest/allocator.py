"""Slot allocator: which symbols get the real-time registrations of each app key.

Priority: symbols open in someone's browser (most recently watched first), then favorites (most
favorited first), then SUBSCRIBE_SYMBOLS (in order). Each key has `budget` registrations
(KIS_MAX_REGISTRATIONS), counted per (TR, symbol): trades and order books share it. Trades come
first; order books (H0STASP0) only for symbols whose book a browser shows, in the slots trades
leave, preferably on the key that streams the symbol's trades. A registration keeps its key while
it still deserves a slot, so a change in demand moves as few as possible. Symbols whose trades
get no slot are polled via REST; an order book without a slot is not shown (the api says so).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

import asyncpg

from core.contract import keys
from core.settings import Settings
from ingest.metrics import Metrics
from ingest.session import BOOK_TR, KeySession

log = logging.getLogger("ingest")

FAVORITES_REFRESH_S = 60.0
BURST_COALESCE_S = 0.05


@dataclass
class Allocation:
    streams: dict[str, list[str]]  # key id → symbols
    polled: list[str]
    wanted: list[str]


def ordered_wanted(demand: list[str], favorites: list[str], configured: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for group in (demand, favorites, configured):
        for symbol in group:
            if symbol not in seen:
                seen.add(symbol)
                out.append(symbol)
    return out


def allocate_books(
    key_ids: list[str],
    budget: int,
    streams: dict[str, list[str]],
    wanted: list[str],
    current: dict[str, list[str]],
    refused: dict[str, set[str]] | None = None,
) -> dict[str, list[str]]:
    """Order-book symbols per key, in the registrations `streams` (the trades) leave free."""
    refused = refused or {}
    free = {k: budget - len(streams.get(k, [])) for k in key_ids}
    books: dict[str, list[str]] = {k: [] for k in key_ids}
    placed: set[str] = set()

    def place(symbol: str, key: str) -> bool:
        if free[key] > 0 and symbol not in refused.get(key, set()):
            books[key].append(symbol)
            free[key] -= 1
            placed.add(symbol)
            return True
        return False

    for key in key_ids:  # keep books where they are
        for symbol in current.get(key, []):
            if symbol in wanted and symbol not in placed:
                place(symbol, key)
    for symbol in wanted:
        if symbol in placed:
            continue
        trade_keys = [k for k in key_ids if symbol in streams.get(k, [])]
        for key in trade_keys + [k for k in key_ids if k not in trade_keys]:
            if place(symbol, key):
                break
    return books


def allocate(
    key_ids: list[str],
    budget: int,
    wanted: list[str],
    current: dict[str, list[str]],
    refused: dict[str, set[str]] | None = None,
) -> Allocation:
    """`key_ids`: key ids able to stream now, in configuration order; `current`: what each streams."""
    refused = refused or {}
    capacity = dict.fromkeys(key_ids, budget)
    chosen = set(wanted[: budget * len(key_ids)]) if key_ids else set()
    streams: dict[str, list[str]] = {k: [] for k in key_ids}
    placed: set[str] = set()
    # keep symbols where they are
    for k in key_ids:
        for symbol in current.get(k, []):
            if (
                symbol in chosen
                and symbol not in placed
                and symbol not in refused.get(k, set())
                and len(streams[k]) < capacity[k]
            ):
                streams[k].append(symbol)
                placed.add(symbol)
    # place the rest in priority order, filling keys in configuration order
    for symbol in wanted:
        if symbol not in chosen or symbol in placed:
            continue
        for k in key_ids:
            if len(streams[k]) < capacity[k] and symbol not in refused.get(k, set()):
                streams[k].append(symbol)
                placed.add(symbol)
                break
    polled = [s for s in wanted if s not in placed]
    return Allocation(streams, polled, wanted)


class Allocator:
    """Keeps the sessions' desired symbols and the polled list in line with what people watch.

    Inputs: browser demand (`ingest:demand`, refreshed by the api), favorites (PostgreSQL, once a
    minute), SUBSCRIBE_SYMBOLS or else the most traded symbols. Runs every
    INGEST_REALLOCATE_SECONDS and at once when the api publishes on `ingest:control`.
    """

    def __init__(self, settings: Settings, redis: Any, sessions: list[KeySession], metrics: Metrics) -> None:
        self.settings = settings
        self.redis = redis
        self.sessions = sessions
        self.metrics = metrics
        self.configured: list[str] = list(settings.ingest.subscribe_symbols)
        self.polled: list[str] = []
        self.symbol_modes: dict[str, str] = {}
        self._favorites: list[str] = []
        self._favorites_at = 0.0
        self._last_demand: list[str] = []
        self._last_book_demand: list[str] = []
        self.books: dict[str, list[str]] = {}  # key id → symbols whose order books it streams
        self._wake = asyncio.Event()

    def request(self) -> None:
        """Reallocate now (a browser asked for a symbol, a session changed state, Redis came back)."""
        self._wake.set()

    def forget_published_modes(self) -> None:
        """Write `ingest:symbols` again on the next allocation (Redis may have lost it)."""
        self.symbol_modes = {}

    async def _fetch(self, sql: str, *args: object) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(self.settings.database_url, timeout=5)
        try:
            return await conn.fetch(sql, *args)
        finally:
            await conn.close()

    async def _default_symbols(self) -> list[str]:
        n = self.settings.ingest.default_symbol_count
        if n <= 0:
            return []
        rows = await self._fetch(
            "SELECT symbol FROM stock_prices_1d WHERE bucket = (SELECT max(bucket) FROM stock_prices_1d "
            "WHERE source = 'krx') AND source = 'krx' ORDER BY close * volume DESC LIMIT $1",
            n,
        )
        return [r["symbol"] for r in rows]

    async def _favorites_now(self) -> list[str]:
        if time.monotonic() - self._favorites_at < FAVORITES_REFRESH_S:
            return self._favorites
        self._favorites_at = time.monotonic()
        try:
            rows = await self._fetch(
                "SELECT c.symbol FROM favorites f JOIN companies c ON c.id = f.company_id "
                "GROUP BY c.symbol ORDER BY count(*) DESC, c.symbol LIMIT 1000"
            )
            self._favorites = [r["symbol"] for r in rows]
        except Exception as exc:  # noqa: BLE001 - keep the last known favorites
            log.debug("favorites unavailable: %s", exc)
        return self._favorites

    @property
    def demand(self) -> list[str]:
        """Symbols watched in browsers (as of the last allocation), most recent first."""
        return self._last_demand

    async def _demand(self) -> tuple[list[str], list[str]]:
        """(symbols watched in browsers, symbols whose order book is shown), most recent first."""
        try:
            cutoff = time.time() - self.settings.ingest.demand_ttl_seconds
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.zrevrangebyscore(keys.INGEST_DEMAND, "+inf", cutoff)
                pipe.zrevrangebyscore(keys.INGEST_BOOK_DEMAND, "+inf", cutoff)
                trades, books = await pipe.execute()
            self._last_demand = [s.decode() for s in trades if len(s) == 6]
            self._last_book_demand = [s.decode() for s in books if len(s) == 6]
        except Exception:  # noqa: BLE001 - unknown: keep the last known demand
            pass
        return self._last_demand, self._last_book_demand

    async def allocate_once(self) -> None:
        if not self.configured and not self.settings.ingest.subscribe_symbols:
            try:
                self.configured = await self._default_symbols()
            except Exception as exc:  # noqa: BLE001 - without a database: only demand and favorites
                log.debug("default symbols unavailable: %s", exc)
        demand, book_demand = await self._demand()
        wanted = ordered_wanted(demand, await self._favorites_now(), self.configured)
        able = [s for s in self.sessions if s.holds_lock]
        budget = self.settings.kis.max_registrations
        allocation = allocate(
            [s.id for s in able],
            budget,
            wanted,
            {s.id: s.desired for s in able},
            {s.id: s.refused_symbols() for s in able},
        )
        self.books = allocate_books(
            [s.id for s in able],
            budget,
            allocation.streams,
            book_demand,
            {s.id: s.desired_books for s in able},
            {s.id: {sym for tr, sym in s.refused if tr == BOOK_TR} for s in able},
        )
        for session in self.sessions:
            session.set_desired(allocation.streams.get(session.id, []), self.books.get(session.id, []))
        self.polled = allocation.polled if able else []
        modes = {s: "stream" for syms in allocation.streams.values() for s in syms}
        modes.update({s: "poll" for s in self.polled})
        if able and modes != self.symbol_modes:  # a standby process leaves the holder's view alone
            self.symbol_modes = modes
            await self._write_symbols()
        self.metrics.set("slots_used", sum(len(v) for v in allocation.streams.values()))
        self.metrics.set("book_slots_used", sum(len(v) for v in self.books.values()))
        self.metrics.set("polled_symbols", len(self.polled))

    async def _write_symbols(self) -> None:
        try:
            pipe = self.redis.pipeline(transaction=True)
            pipe.delete(keys.INGEST_SYMBOLS)
            if self.symbol_modes:
                pipe.hset(keys.INGEST_SYMBOLS, mapping=self.symbol_modes)
            await pipe.execute()
        except Exception:  # noqa: BLE001 - written again next time
            self.symbol_modes = {}

    async def run(self) -> None:
        while True:
            try:
                await self.allocate_once()
            except Exception:
                log.exception("slot allocation failed")
            try:
                await asyncio.wait_for(self._wake.wait(), self.settings.ingest.reallocate_seconds)
            except TimeoutError:
                pass
            self._wake.clear()
            await asyncio.sleep(BURST_COALESCE_S)

    async def listen_for_requests(self) -> None:
        """`ingest:control` messages from the api: reallocate at once."""
        while True:
            pubsub = None
            try:
                pubsub = self.redis.pubsub()
                await pubsub.subscribe(keys.INGEST_CONTROL)
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        self.metrics.inc("control_requests")
                        self.request()
            except Exception:  # noqa: BLE001 - Redis away: listen again later
                await asyncio.sleep(1.0)
            finally:
                if pubsub is not None:
                    try:
                        await pubsub.aclose()
                    except Exception:  # noqa: BLE001 - the connection is gone anyway
                        pass
