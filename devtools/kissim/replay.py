"""A kissim trading day replayed offline: the H0STCNT0 frames kissim's market model sends over one
KRX regular session (09:00–15:30 KST), on a simulated clock, in a few seconds instead of 6.5 hours.

The same `SymbolMarket` as the server in market-hours mode (the path position follows the session
clock), fed second by second; each second's trades of a symbol form one frame, as kissim sends
them. For tests and benchmarks that need a whole day of realistic trades: the bar cross-check
against TimescaleDB's continuous aggregates, the compression test, the storage benchmark.

    for received_us, frames in replay_day(["005930", "000660"], dt.date(2026, 11, 27)):
        batch = engine.feed(frames, received_us)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from devtools.kissim.market import KST, SESSION_OPEN_S, SESSION_SECONDS, History, SymbolMarket
from devtools.kissim.records import trade_frame

REPO_ROOT = Path(__file__).resolve().parents[2]


def history(cache_dir: Path, snapshot_dir: Path = REPO_ROOT / "data") -> History:
    """The bundled daily history kissim replays (indexed once into `cache_dir`)."""
    return History(snapshot_dir / "prices_daily.csv.gz", cache_dir)


def replay_day(
    symbols: list[str],
    day: dt.date,
    source: History,
    *,
    trades_per_second: float = 2.0,
    seed: int = 7,
) -> Iterator[tuple[int, list[str]]]:
    """(receive time in Unix µs, the frames of that second) for every second of `day`'s session."""
    markets = [SymbolMarket(s, source.get(s), seed, trades_per_second, 1.0) for s in symbols]
    session_open = dt.datetime(day.year, day.month, day.day, tzinfo=KST) + dt.timedelta(seconds=SESSION_OPEN_S)
    for second in range(SESSION_SECONDS):
        moment = session_open + dt.timedelta(seconds=second)
        now = moment.timestamp()
        frames = []
        for market in markets:
            trades = market.advance(now, 1.0, moment, fraction=second / SESSION_SECONDS)
            if trades:
                frames.append(trade_frame([t.record for t in trades]))
        if frames:
            # received half a second into the second: trades carry whole-second times
            yield int(now * 1_000_000) + 500_000, frames
