"""A replayed kissim day stored the way ingest stores it: the offline replay (devtools/kissim/replay.py)
→ tickcore.Engine → the real PgWriter (binary COPY) into a real database, keeping every bar
tickcore closed, per interval, for comparison with what the database holds or derives.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

import tickcore
from core import series
from core.time import INTERVALS
from devtools.kissim.replay import history, replay_day
from ingest.metrics import Metrics
from ingest.pipeline import FAR_FUTURE_US, FLUSH_GRACE_US
from ingest.writer import PgWriter
from tests.support.harness import REPO_ROOT

KISSIM_CACHE = REPO_ROOT / "test-output" / "kissim-cache"


@dataclass
class ReplayedDay:
    day: dt.date
    symbols: list[str]
    source: str
    ticks: int = 0
    closed: dict[str, list[tickcore.BarDict]] = field(default_factory=lambda: {iv: [] for iv in INTERVALS})
    metrics: Metrics = field(default_factory=Metrics)

    def closed_rows(self, interval: str) -> list[tuple]:
        """tickcore's closed bars of `interval` as (symbol, bucket, open, high, low, close, volume, amount,
        trade_count, first_trade_at, last_trade_at) rows, in (symbol, bucket) order."""
        return sorted(
            (
                b["symbol"],
                _instant(b["bucket_us"]),
                b["open"],
                b["high"],
                b["low"],
                b["close"],
                b["volume"],
                b["amount"],
                b["trade_count"],
                _instant(b["first_trade_us"]),
                _instant(b["last_trade_us"]),
            )
            for b in self.closed[interval]
        )


def _instant(us: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=us)


def store_replayed_day(
    database_url: str,
    symbols: list[str],
    day: dt.date,
    spool_dir: Path,
    *,
    source: str = "kissim",
    trades_per_second: float = 1.0,
) -> ReplayedDay:
    """Replay `day` for `symbols`, write ticks and closed bars like ingest does, return what tickcore closed."""
    result = ReplayedDay(day, symbols, source)
    engine = tickcore.Engine(source=source)  # type: ignore[arg-type]  # one of the stub's literals

    def keep(batch: tickcore.Batch) -> None:
        for interval in INTERVALS:
            result.closed[interval].extend(batch.closed_bars(interval))
        result.ticks += batch.tick_count

    async def run() -> None:
        writer = PgWriter(
            database_url,
            spool_dir,
            result.metrics,
            batch_max_rows=20_000,
            batch_max_ms=100,
            buffer_max_rows=10_000_000,
            simulated=series.is_simulated(source),
        )
        writer.start()
        for received_us, frames in replay_day(symbols, day, history(KISSIM_CACHE), trades_per_second=trades_per_second):
            for batch in (engine.feed(frames, received_us), engine.flush(received_us - FLUSH_GRACE_US)):
                keep(batch)
                writer.add_batch(batch)
        last = engine.flush(FAR_FUTURE_US)
        keep(last)
        writer.add_batch(last)
        deadline = time.monotonic() + 120
        while writer.pending_rows and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await writer.stop(30)
        assert writer.pending_rows == 0, f"{writer.pending_rows} rows not written"

    asyncio.run(run())
    return result
