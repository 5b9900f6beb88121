"""PgWriter against a real PostgreSQL: a replayed batch conflicts and goes through staging +
ON CONFLICT DO NOTHING; a bar written twice stays the same; a bar written in two disjoint parts
(an ingest restart inside the bucket) is merged into the full bar."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from ingest.metrics import Metrics
from ingest.writer import PgWriter
from tests.ingest.helpers import query
from tests.support.kis_records import TradeSpec, trade_frame
from tests.support.reference_engine import ReferenceEngine

pytestmark = pytest.mark.storage

# H0STCNT0 frames of the protocol reference's fixture file (external-apis.md §1.11)
FRAMES = [
    "0|H0STCNT0|001|005930^093000^70500^2^500^0.71^70412.02^70200^70700^70100^70500^70400^37^2345678^165163915480^8123^9456^1333^115.87^1034567^1198765^1^0.52^18.42^090001^2^300^092714^5^-200^090153^2^400^20250312^20^N^15234^48120^612345^834567^0.04^2011234^116.63^0^^70200",
    "0|H0STCNT0|002|005930^093001^70500^2^500^0.71^70412.02^70200^70700^70100^70500^70400^12^2345690^165164761480^8123^9457^1334^115.87^1034567^1198777^1^0.52^18.42^090001^2^300^092714^5^-200^090153^2^400^20250312^20^N^15222^48120^612333^834567^0.04^2011305^116.63^0^^70200^005930^093001^70400^2^400^0.57^70412.02^70200^70700^70100^70500^70400^150^2345840^165175321480^8124^9457^1333^115.86^1034717^1198777^5^0.51^18.42^090001^2^200^092714^5^-300^090153^2^300^20250312^20^N^15222^47970^612333^834417^0.04^2011305^116.63^0^^70200",
    "0|H0STCNT0|001|000660^093000^178500^5^-1500^-0.83^178762.02^179500^180500^178000^178600^178500^25^812345^145216431250^4321^3210^-1111^79.68^452100^360245^5^0.41^27.19^090002^5^-1000^090047^5^-2000^092251^2^500^20250312^20^N^3120^870^98765^76543^0.11^702311^115.67^0^^179500",
]


def record(symbol: str, hhmmss: str, price: int, volume: int, acc: int, seq: int) -> str:
    """A one-record frame: the given trade, the day 2026-11-26 (seq counts the buys)."""
    spec = TradeSpec(
        symbol=symbol,
        date=20261126,
        hhmmss=int(hhmmss),
        price=price,
        change=100,
        change_rate="0.14",
        open=70000,
        high=price + 500,
        low=price - 500,
        volume=volume,
        acc_volume=acc,
        sells=0,
        buys=seq,
    )
    return trade_frame(spec)


def run_writer(database_url: str, tmp: Path, batches) -> Metrics:
    metrics = Metrics()

    async def go():
        writer = PgWriter(
            database_url, tmp / "spool", metrics, batch_max_rows=1000, batch_max_ms=20, buffer_max_rows=10_000
        )
        writer.start()
        for batch in batches:
            writer.add_batch(batch)
            deadline = time.monotonic() + 10
            while writer.pending_rows and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
        await writer.stop(5)

    asyncio.run(go())
    return metrics


def test_replayed_ticks_conflict_into_staging_and_bars_merge(database_url, tmp_path):
    engine = ReferenceEngine("kis")
    first = engine.feed(FRAMES, 1_741_739_400_000_000)
    flushed = engine.flush(10**17)
    metrics = run_writer(database_url, tmp_path, [first, flushed, first, flushed])
    assert metrics.counters["copy_conflict_batches"] >= 1
    rows = query(database_url, "SELECT count(*) AS n FROM stock_ticks WHERE source = 'kis'")[0]["n"]
    assert rows == 4
    bars = query(
        database_url, "SELECT symbol, volume, trade_count FROM stock_prices_1m WHERE source = 'kis' ORDER BY symbol"
    )
    assert [tuple(b) for b in bars] == [("000660", 25, 1), ("005930", 199, 3)]  # replay changed nothing

    # one bucket written in two parts, as across an ingest restart: merged, not replaced
    a, b = ReferenceEngine("kissim"), ReferenceEngine("kissim")
    part1 = a.feed([record("111110", "100001", 70000, 10, 10, 1), record("111110", "100010", 70500, 5, 15, 2)], 0)
    part1_bars = a.flush(10**17)
    # (the restart fell inside second 10:00:10: both parts have a trade in it)
    part2 = b.feed([record("111110", "100010", 69500, 7, 22, 3), record("111110", "100050", 70100, 3, 25, 4)], 0)
    part2_bars = b.flush(10**17)
    # …and each part replayed once more afterwards (e.g. spilled files written again): no change
    run_writer(database_url, tmp_path, [part1, part1_bars, part2, part2_bars, part2_bars, part1_bars])
    bar = query(
        database_url,
        "SELECT open, high, low, close, volume, amount, trade_count FROM stock_prices_1m WHERE symbol = '111110'",
    )[0]
    assert tuple(bar) == (70000, 70500, 69500, 70100, 25, 70000 * 10 + 70500 * 5 + 69500 * 7 + 70100 * 3, 4)
