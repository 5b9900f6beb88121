"""Today's 1-minute bars for every stock someone opens: the chart is never empty on a trading day.

Ingest streams the symbols people watch, but only from the moment it starts following them; the
morning before that was never received. When a symbol is first wanted on a trading day, its
1-minute bars from the session's open to the last closed minute are fetched from KIS's
주식당일분봉조회 (kis.rest.minute_bars, FHKST03010200: 30 rows a call, paced with every other
REST call of the key) and written like a gap repair (ingest/gaps.py `write_minute_bars`: a
missing minute is inserted, a stored one with less volume replaced, a complete one left alone —
so bars ingest already wrote are never doubled).

Demand is both the symbols watched live (the allocator's) and the symbols whose intraday chart
anyone opened, signed in or not (`ingest:demand:history`, written by the api's ohlcv route).

A symbol ingest streams gets one more pass after its next minute has closed (the minute in which
streaming began was only partly seen); a symbol that is only polled is topped up every
`TOP_UP_S` while it is wanted, since polled quotes build no bars. Each symbol's backfill of the
day is one `ingest_gaps` row (cause `backfill`): the api reports its minutes, the chart says they
were filled from the broker's minute bars.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import orjson

from core.contract import keys
from core.services import ServiceError
from core.time import KST
from ingest.gaps import minute_of, write_minute_bars
from ingest.metrics import Metrics
from kis.rest import MINUTE_BARS_TR, KisRestClient

log = logging.getLogger("ingest.backfill")

CHECK_S = 2.0  # how often new demand is looked at
FOLLOW_UP_MARGIN_S = 5.0  # after the streamed symbol's first minute ends: the engine's grace + a COPY batch
TOP_UP_S = 300.0  # a polled symbol's bars are topped up this often while it is watched

# (start of the day's trading, end of it) in KST, None when nothing trades today
Window = Callable[[dt.datetime], tuple[dt.datetime, dt.datetime] | None]


@dataclass
class SymbolBackfill:
    """What was filled of one symbol today."""

    day: dt.date
    row_id: int | None = None
    covered_until: dt.datetime | None = None  # the last minute written (KST)
    next_at: float = 0.0  # monotonic time of the next pass, inf: done
    buckets: list[int] = field(default_factory=list)
    failures: int = 0


class IntradayBackfill:
    def __init__(
        self,
        source: str,
        database_url: str,
        metrics: Metrics,
        clients: Callable[[], list[KisRestClient]],
        redis: Any,
        watched: Callable[[], list[str]],
        streamed: Callable[[str], bool],
        window: Window,
    ) -> None:
        self.source = source
        self.metrics = metrics
        self.database_url = database_url
        self.clients = clients
        self.redis = redis
        self.watched = watched
        self.streamed = streamed
        self.window = window
        self.symbols: dict[str, SymbolBackfill] = {}

    async def run(self) -> None:
        while True:
            await asyncio.sleep(CHECK_S)
            now = dt.datetime.now(KST)
            if self.window(now) is None:
                continue
            due = self.due(await self.demanded(), now, time.monotonic())
            if due:
                await self.fill(due)

    async def demanded(self) -> list[str]:
        """Symbols watched live, then those whose intraday chart was opened recently."""
        opened: list[bytes] = []
        try:
            cutoff = time.time() - keys.HISTORY_DEMAND_TTL_S
            opened = await self.redis.zrevrangebyscore(keys.INGEST_HISTORY_DEMAND, "+inf", cutoff)
        except Exception as exc:  # noqa: BLE001 - Redis away: the live demand alone
            log.debug("history demand unavailable: %s", exc)
        return list(dict.fromkeys([*self.watched(), *(s.decode() for s in opened if len(s) == 6)]))

    def due(self, demanded: list[str], now: dt.datetime, mono: float) -> list[str]:
        """The wanted symbols whose (next) pass is due now."""
        out = []
        for symbol in demanded:
            state = self.symbols.get(symbol)
            if state is None or state.day != now.date():
                self.symbols[symbol] = SymbolBackfill(now.date())
                out.append(symbol)
            elif mono >= state.next_at:
                out.append(symbol)
        return out

    async def fill(self, symbols: list[str]) -> None:
        clients = self.clients()
        if not clients:
            return  # no key held (standby, or not connected yet): tried again at the next check
        conn = await asyncpg.connect(self.database_url, timeout=10)
        try:
            for symbol in symbols:
                await self._fill_symbol(conn, clients[0], symbol)
        finally:
            await conn.close()

    async def _fill_symbol(self, conn: asyncpg.Connection, client: KisRestClient, symbol: str) -> None:
        now = dt.datetime.now(KST)
        window = self.window(now)
        state = self.symbols[symbol]
        if window is None:
            return
        opened, closed = window
        last = min(minute_of(now) - dt.timedelta(minutes=1), minute_of(closed))
        first = opened if state.covered_until is None else state.covered_until + dt.timedelta(minutes=1)
        written: list[int] = []
        error = None
        if first <= last:
            try:
                written = await write_minute_bars(conn, client, symbol, self.source, first, last)
            except (ServiceError, asyncpg.PostgresError, OSError) as exc:
                error = f"{type(exc).__name__}: {exc}"
        if error is None:
            state.covered_until = max(last, state.covered_until or last)
            state.buckets.extend(written)
            self.metrics.inc("backfilled_bars", len(written))
            state.failures = 0
            state.next_at = self._next_pass(symbol, state, now)
        else:
            state.failures += 1
            self.metrics.inc("backfill_failures")
            state.next_at = time.monotonic() + min(TOP_UP_S, 10.0 * 2**state.failures)
            log.warning("backfill of %s failed (%s); trying again", symbol, error)
        await self._record(conn, symbol, state, opened, error)
        if written:
            log.info("backfill %s: %d 1m bars up to %s from REST", symbol, len(written), last.strftime("%H:%M"))

    def _next_pass(self, symbol: str, state: SymbolBackfill, now: dt.datetime) -> float:
        if not self.streamed(symbol):
            return time.monotonic() + TOP_UP_S
        if state.row_id is None:  # the first pass: once more when the minute streaming began has closed
            seconds_left = (minute_of(now) + dt.timedelta(minutes=1) - now).total_seconds()
            return time.monotonic() + seconds_left + FOLLOW_UP_MARGIN_S
        return float("inf")

    async def _record(
        self, conn: asyncpg.Connection, symbol: str, state: SymbolBackfill, opened: dt.datetime, error: str | None
    ) -> None:
        status = "failed" if error and not state.buckets else "partial" if error else "repaired"
        ended = (state.covered_until or opened) + dt.timedelta(minutes=1)
        repaired = orjson.dumps({symbol: sorted(set(state.buckets))}).decode()
        if state.row_id is None:
            state.row_id = await conn.fetchval(
                "INSERT INTO ingest_gaps (source, cause, started_at, ended_at, symbols, status, repaired, error, "
                "repair_source, repaired_at) VALUES ($1, 'backfill', $2, $3, $4, $5, $6::jsonb, $7, $8, now()) "
                "RETURNING id",
                self.source,
                opened,
                ended,
                [symbol],
                status,
                repaired,
                error,
                f"{self.source}:{MINUTE_BARS_TR}",
            )
        else:
            await conn.execute(
                "UPDATE ingest_gaps SET ended_at = $2, status = $3, repaired = $4::jsonb, error = $5, "
                "repaired_at = now() WHERE id = $1",
                state.row_id,
                ended,
                status,
                repaired,
                error,
            )
