"""Frames → tickcore → publisher (Redis) and writer (PostgreSQL).

The KIS session hands every data frame to `on_frame`; the pipeline feeds all frames waiting at
that moment to `tickcore.Engine.feed` in one call (the engine parses them, drops replays, builds
the 1m/15m/1h/1d bars and encodes the tick JSON and the COPY rows), publishes the ticks and the
order books (core/contract/orderbooks.py) and queues the rows. Once a second `flush_loop` closes
bars whose bucket ended. At start, `mark_stored_trades` hands the engine today's stored
accumulated volume per symbol, so trades the broker sends again after a restart are dropped
instead of entering bars twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime
from typing import Literal, cast

import asyncpg

import tickcore
from core.contract.bars import encode_open_bar
from core.contract.orderbooks import encode_order_book
from core.time import KST, iso_ms, kst_midnight, kst_today, now_us
from ingest.metrics import Metrics
from ingest.publisher import Publisher
from ingest.writer import PgWriter

log = logging.getLogger("ingest")

FAR_FUTURE_US = 10**17
# A bucket is closed this long after it ended: trades carry whole-second times and the last ones of a
# second may still be on their way (a frame interval, a network hop), and a trade of a closed bucket
# would be stored as a tick but enter no bar ("late").
FLUSH_GRACE_US = 2_000_000
COUNTED = ("frames", "trades", "published", "duplicates", "late", "extra_field_records", "errors")


class Pipeline:
    def __init__(self, source: str, metrics: Metrics, publisher: Publisher, writer: PgWriter) -> None:
        self.source = source
        self.engine = tickcore.Engine(source=cast(Literal["kis", "kissim", "poll"], source))
        self.metrics = metrics
        self.publisher = publisher
        self.writer = writer
        self.frames: list[tuple[str, int]] = []
        self.first_trade_at: float | None = None  # epoch seconds: when this run received its first trade
        self._ready = asyncio.Event()

    # -- in ----------------------------------------------------------------------------------
    def on_frame(self, text: str, received_us: int) -> None:
        self.frames.append((text, received_us))
        self._ready.set()

    def set_cipher(self, tr_id: str, key: str, iv: str) -> None:
        """A subscribe ack carried the AES key of a TR whose frames come encrypted."""
        self.engine.set_cipher(tr_id, key, iv)

    def open_bars(self, symbol: str) -> dict[str, bytes]:
        return {iv: encode_open_bar(bar, self.source) for iv, bar in self.engine.open_bars(symbol).items()}

    # -- the loop ------------------------------------------------------------------------------
    async def run(self) -> None:
        while True:
            await self._ready.wait()
            self._ready.clear()
            await self.process_frames()

    async def process_frames(self) -> None:
        if not self.frames:
            return
        taken, self.frames = self.frames, []
        first_received = taken[0][1]
        started = time.perf_counter()
        batch = self.engine.feed([text for text, _ in taken], first_received)
        self.metrics.observe("engine_ms", (time.perf_counter() - started) * 1000)
        counters = batch.counters
        if self.first_trade_at is None and counters.get("trades"):
            self.first_trade_at = first_received / 1_000_000
        for name in COUNTED:
            if counters.get(name):
                self.metrics.inc(name, counters[name])  # type: ignore[literal-required]  # COUNTED: keys of Counters
        if batch.errors:
            first = batch.errors[0]
            log.warning("%d malformed frame(s) skipped, e.g. %s: %s", len(batch.errors), first["kind"], first["reason"])
        self.writer.add_batch(batch)
        messages = batch.messages
        books = self._order_books(batch, first_received) if counters.get("order_books") else []
        if messages or books:
            await self.publisher.publish(messages, {symbol for symbol, _ in messages}, books)
            self.metrics.observe("publish_latency_ms", (now_us() - first_received) / 1000)
        self.metrics.set("buffer_rows", self.writer.pending_rows)

    def _order_books(self, batch: tickcore.Batch, received_us: int) -> list[tuple[str, bytes]]:
        received, today = iso_ms(received_us), kst_today()
        books = [(b["symbol"], encode_order_book(b, self.source, received, today)) for b in batch.order_books]
        self.metrics.inc("order_books_published", len(books))
        return books

    async def flush_loop(self) -> None:
        """Close the bars whose bucket ended (no trade may come to close them)."""
        while True:
            await asyncio.sleep(1.0)
            self.writer.add_batch(self.engine.flush(now_us() - FLUSH_GRACE_US))

    async def drain(self) -> None:
        """At shutdown: the frames still queued, then every open bar (merged again on restart)."""
        await self.process_frames()
        self.writer.add_batch(self.engine.flush(FAR_FUTURE_US))

    # -- trades stored by an earlier run -----------------------------------------------------
    async def mark_stored_trades(self, database_url: str) -> dict[str, datetime]:
        """Today's greatest stored accumulated volume per symbol, handed to the engine; returns
        each symbol's newest stored trade time (where a gap in the feed would begin)."""
        today = kst_today()
        conn = await asyncpg.connect(database_url, timeout=5)
        try:
            rows = await conn.fetch(
                f"SELECT symbol, max(acc_volume) AS acc, max(time) AS newest FROM {self.writer.tick_table} "
                "WHERE time >= $1 AND source = $2 GROUP BY symbol",
                kst_midnight(today),
                self.source,
            )
        finally:
            await conn.close()
        date = int(datetime.now(KST).strftime("%Y%m%d"))
        self.engine.mark_stored({r["symbol"]: (date, r["acc"]) for r in rows})
        return {r["symbol"]: r["newest"] for r in rows}
