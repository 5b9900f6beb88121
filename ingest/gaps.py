"""Gaps in the feed: record the time ingest was not streaming, and repair its 1-minute bars.

KIS sends each trade once, live; what happens while no ingest process streams (between a crash or
a restart and the next process streaming) is never sent again. At start the pipeline learns the
previous run's last stored trade per symbol today (`prepare`); once this run's first trade
arrives the gap is known: from the newest stored trade to that first trade, for the symbols that
traded in the last `ACTIVE_WINDOW` before it. It is recorded in `ingest_gaps` at once (status
`pending`), then — after the minute of the first new trade has closed and its partial bar is
stored — the gap's minutes are fetched from the REST minute-bar API (kis.rest.minute_bars, paced
with every other REST call of the key) and written to stock_prices_1m: a minute with no stored bar
is inserted, a stored bar with less volume than the broker's (the partial bars at both ends) is
replaced, a complete one is left alone. The row then holds which minutes were repaired and its
status (`repaired`, `partial` when some symbols failed, `failed`); the api shows both on the chart.
Gaps left `pending` by an earlier run (killed before repairing) are repaired too.

Bars of 15 minutes and more that span a gap are not rebuilt (on TimescaleDB the 15m/1h continuous
aggregates take the repaired minutes in at their next refresh): the chart marks the gap on them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import asyncpg
import orjson

from core import series
from core.services import ServiceError
from core.time import KST, kst_midnight, kst_today
from kis.rest import MINUTE_BARS_TR, KisRestClient, MinuteBar

log = logging.getLogger("ingest.gaps")

ACTIVE_WINDOW = dt.timedelta(minutes=10)  # a symbol with a stored trade this long before the gap was streamed
MIN_GAP = dt.timedelta(seconds=1)
CLOSE_MARGIN_S = 5.0  # after the first new trade's minute ends: the engine's grace (2 s) + a COPY batch
WAIT_FOR_CLIENT_S = 60.0

# {table}: the 1m bars of the feed's kind (core/series.py: kissim's in schema `sim`)
REPAIR_UPSERT = """
INSERT INTO {table} AS t (symbol, bucket, open, high, low, close, volume, amount, source)
SELECT $1, x.bucket, x.open, x.high, x.low, x.close, x.volume, x.amount, $2
FROM unnest($3::timestamptz[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
     AS x(bucket, open, high, low, close, volume, amount)
ON CONFLICT (symbol, bucket) DO UPDATE SET
    open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
    volume = EXCLUDED.volume, amount = EXCLUDED.amount, trade_count = NULL,
    first_trade_at = NULL, last_trade_at = NULL, source = EXCLUDED.source
WHERE t.volume < EXCLUDED.volume
RETURNING bucket
"""


@dataclass
class Gap:
    started_at: dt.datetime
    symbols: list[str]
    ended_at: dt.datetime | None = None
    id: int | None = None
    status: str = "pending"
    repaired: dict[str, list[int]] = field(default_factory=dict)
    error: str | None = None

    def summary(self) -> dict[str, object]:
        return {
            "id": self.id,
            "startedAt": self.started_at.isoformat(),
            "endedAt": self.ended_at.isoformat() if self.ended_at else None,
            "seconds": round((self.ended_at - self.started_at).total_seconds(), 1) if self.ended_at else None,
            "symbols": len(self.symbols),
            "status": self.status,
            "repairedBars": sum(len(v) for v in self.repaired.values()),
            **({"error": self.error} if self.error else {}),
        }


def minute_of(at: dt.datetime) -> dt.datetime:
    return at.astimezone(KST).replace(second=0, microsecond=0)


def amounts(bars: list[MinuteBar], before: MinuteBar | None) -> list[int | None]:
    """Each minute's traded amount from the day's running amount of consecutive minutes."""
    out: list[int | None] = []
    previous = before
    for bar in bars:
        if bar.acc_amount is not None and previous is not None and previous.acc_amount is not None:
            out.append(bar.acc_amount - previous.acc_amount)
        else:
            out.append(None)
        previous = bar
    return out


class GapRepair:
    def __init__(
        self,
        source: str,
        database_url: str,
        clients: Callable[[], list[KisRestClient]],
        first_trade_at: Callable[[], float | None],
    ) -> None:
        self.source = source
        self.database_url = database_url
        self.clients = clients
        self.first_trade_at = first_trade_at
        self.gap: Gap | None = None  # this run's
        self.last: Gap | None = None  # the newest gap known, for the status heartbeat

    def prepare(self, last_stored: dict[str, dt.datetime]) -> None:
        """The previous run's newest stored trade per symbol (today), read at start."""
        if not last_stored:
            return
        began = max(last_stored.values())
        symbols = sorted(s for s, at in last_stored.items() if at >= began - ACTIVE_WINDOW)
        self.gap = self.last = Gap(began, symbols)

    def summary(self) -> dict[str, object] | None:
        return self.last.summary() if self.last else None

    async def run(self) -> None:
        """Record this run's gap once streaming resumed, then repair it and any left pending."""
        conn = await asyncpg.connect(self.database_url, timeout=10)
        try:
            older = [g for g in await self._pending(conn) if self.gap is None or g.id != self.gap.id]
            if self.gap is not None and self.gap.id is None:
                resumed = await self._wait_for_first_trade()
                self.gap.ended_at = resumed
                if resumed - self.gap.started_at < MIN_GAP:
                    self.gap = None
                else:
                    await self._record(conn, self.gap)
                    log.warning(
                        "gap in the feed: no trades stored from %s to %s (%d symbols); repairing 1m bars from REST",
                        self.gap.started_at.astimezone(KST).strftime("%H:%M:%S"),
                        resumed.astimezone(KST).strftime("%H:%M:%S"),
                        len(self.gap.symbols),
                    )
                    wait = minute_of(resumed).timestamp() + 60 + CLOSE_MARGIN_S - time.time()
                    await asyncio.sleep(max(0.0, wait))
            for gap in [*older, *([self.gap] if self.gap else [])]:
                await self.repair(conn, gap)
        finally:
            await conn.close()

    async def _wait_for_first_trade(self) -> dt.datetime:
        while True:
            first = self.first_trade_at()
            if first is not None:
                return dt.datetime.fromtimestamp(first, KST)
            await asyncio.sleep(0.1)

    async def _pending(self, conn: asyncpg.Connection) -> list[Gap]:
        rows = await conn.fetch(
            "SELECT id, started_at, ended_at, symbols FROM ingest_gaps "
            "WHERE status = 'pending' AND source = $1 AND started_at >= $2 ORDER BY id",
            self.source,
            kst_midnight(kst_today()),
        )
        return [Gap(r["started_at"], list(r["symbols"]), r["ended_at"], r["id"]) for r in rows]

    async def _record(self, conn: asyncpg.Connection, gap: Gap) -> None:
        gap.id = await conn.fetchval(
            "INSERT INTO ingest_gaps (source, cause, started_at, ended_at, symbols) "
            "VALUES ($1, 'restart', $2, $3, $4) RETURNING id",
            self.source,
            gap.started_at,
            gap.ended_at,
            gap.symbols,
        )

    async def _client(self) -> KisRestClient | None:
        deadline = time.monotonic() + WAIT_FOR_CLIENT_S
        while time.monotonic() < deadline:
            clients = self.clients()
            if clients:
                return clients[0]
            await asyncio.sleep(1.0)
        return None

    async def repair(self, conn: asyncpg.Connection, gap: Gap) -> None:
        """Fetch and write the gap's 1-minute bars; record what was repaired."""
        assert gap.ended_at is not None and gap.id is not None
        self.last = gap
        client = await self._client()
        failures: list[str] = []
        first, last = minute_of(gap.started_at), minute_of(gap.ended_at)
        if client is None:
            failures.append("no KIS key held by this process")
        elif first.date() == last.date() == dt.datetime.now(KST).date():  # the REST API serves today only
            for symbol in gap.symbols:
                try:
                    gap.repaired[symbol] = await self._repair_symbol(conn, client, symbol, first, last)
                except (ServiceError, asyncpg.PostgresError, OSError) as exc:
                    failures.append(f"{symbol}: {exc}")
        else:
            failures.append("the minute-bar API serves today only")
        gap.error = "; ".join(failures)[:2000] or None
        gap.status = "failed" if len(failures) >= max(1, len(gap.symbols)) else "partial" if failures else "repaired"
        await conn.execute(
            "UPDATE ingest_gaps SET status = $2, repaired = $3::jsonb, error = $4, repair_source = $5, "
            "repaired_at = now() WHERE id = $1",
            gap.id,
            gap.status,
            orjson.dumps(gap.repaired).decode(),
            gap.error,
            f"{self.source}:{MINUTE_BARS_TR}",
        )
        log.warning(
            "gap %d %s: %d 1m bars written from REST%s",
            gap.id,
            gap.status,
            sum(len(v) for v in gap.repaired.values()),
            f" ({gap.error})" if gap.error else "",
        )

    async def _repair_symbol(
        self, conn: asyncpg.Connection, client: KisRestClient, symbol: str, first: dt.datetime, last: dt.datetime
    ) -> list[int]:
        return await write_minute_bars(conn, client, symbol, self.source, first, last)


async def write_minute_bars(
    conn: asyncpg.Connection, client: KisRestClient, symbol: str, source: str, first: dt.datetime, last: dt.datetime
) -> list[int]:
    """Today's 1-minute bars of `symbol` from `first` to `last` (KST minutes) fetched from REST and
    written (REPAIR_UPSERT); the epoch seconds of the buckets written."""
    # one minute more at the start (not before midnight): its running amount gives the first minute's amount
    start = max(first - dt.timedelta(minutes=1), first.replace(hour=0, minute=0))
    fetched = await client.minute_bars(symbol, start.time(), last.time())
    before = next((b for b in fetched if b.start < first), None)
    bars = [b for b in fetched if first <= b.start <= last]
    if not bars:
        return []
    written = await conn.fetch(
        REPAIR_UPSERT.format(table=series.bar_table("1m", simulated=series.is_simulated(source))),
        symbol,
        source,
        [b.start for b in bars],
        [b.open for b in bars],
        [b.high for b in bars],
        [b.low for b in bars],
        [b.close for b in bars],
        [b.volume for b in bars],
        amounts(bars, before),
    )
    return sorted(int(r["bucket"].timestamp()) for r in written)
