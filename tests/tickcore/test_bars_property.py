"""Random trade streams: tickcore's bars equal the plain-Python reference engine's
(tests/support/reference_engine.py), for every interval, with replays, late trades, flushes and
KST day changes mixed in; closing order is monotonic and volume is conserved between 1m and 1d bars."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tickcore
from tests.support.kis_records import KST, UNIX_EPOCH, TradeSpec, trade_frame
from tests.support.reference_engine import INTERVAL_US, ReferenceEngine, bucket_of

SYMBOLS = ["005930", "000660", "Q500001"]
START = dt.datetime(2025, 3, 12, 8, 58, 0, tzinfo=KST)
# Edge instants the stream may jump to: just before the open, the open, the close, midnight.
EDGE_TIMES = [(0, 8, 59, 59), (0, 9, 0, 0), (0, 15, 30, 0), (0, 23, 59, 59), (1, 0, 0, 0), (1, 9, 0, 0)]


@dataclass
class StreamBuilder:
    """Turns drawn steps into KIS trades with consistent accumulated volumes."""

    clock: dt.datetime = START
    acc: Counter = field(default_factory=Counter)
    sent: list[TradeSpec] = field(default_factory=list)

    def trade(self, symbol: str, price: int, volume: int) -> TradeSpec:
        date = int(self.clock.strftime("%Y%m%d"))
        self.acc[(symbol, date)] += volume
        spec = TradeSpec(
            symbol=symbol,
            date=date,
            hhmmss=int(self.clock.strftime("%H%M%S")),
            price=price,
            volume=volume,
            acc_volume=self.acc[(symbol, date)],
            open=price,
            high=price,
            low=price,
        )
        self.sent.append(spec)
        return spec

    def now_us(self) -> int:
        return (self.clock - UNIX_EPOCH) // dt.timedelta(microseconds=1)


trade_step = st.tuples(
    st.just("trade"),
    st.sampled_from(SYMBOLS),
    st.one_of(st.integers(0, 90), st.sampled_from([600, 3600])),
    st.integers(100, 200_000),
    st.integers(1, 5_000),
)
step_strategy = st.one_of(
    trade_step,
    trade_step,
    trade_step,
    trade_step,
    st.tuples(st.just("back"), st.integers(1, 1800)),  # clock goes backwards: out-of-order trades
    st.tuples(st.just("jump"), st.sampled_from(EDGE_TIMES)),
    st.tuples(st.just("replay"), st.integers(0, 10_000)),
    st.tuples(st.just("flush"), st.integers(0, 90)),
    st.tuples(st.just("feed")),
)


def run_stream(steps, group_sizes, late_policy="publish"):
    engine = tickcore.Engine("kissim", late_trades=late_policy)
    reference = ReferenceEngine("kissim", late_trades=late_policy)
    builder = StreamBuilder()
    engine_closed = {interval: [] for interval in INTERVAL_US}
    reference_closed = {interval: [] for interval in INTERVAL_US}
    pending: list[TradeSpec] = []
    groups = iter(group_sizes)

    def collect(batch, into):
        for interval in INTERVAL_US:
            into[interval].extend(batch.closed_bars(interval))

    def feed_pending():
        frames = []
        while pending:
            size = min(next(groups, 1), len(pending))
            frames.append(trade_frame(*pending[:size]))
            del pending[:size]
        if frames:
            collect(engine.feed(frames, builder.now_us()), engine_closed)
            collect(reference.feed(frames, builder.now_us()), reference_closed)

    def flush(now):
        collect(engine.flush(now), engine_closed)
        collect(reference.flush(now), reference_closed)

    for step in steps:
        kind = step[0]
        if kind == "trade":
            _, symbol, advance, price, volume = step
            builder.clock += dt.timedelta(seconds=advance)
            pending.append(builder.trade(symbol, price, volume))
        elif kind == "back":
            builder.clock -= dt.timedelta(seconds=step[1])
        elif kind == "jump":
            days, hour, minute, second = step[1]
            target = (START + dt.timedelta(days=days)).replace(hour=hour, minute=minute, second=second)
            builder.clock = max(builder.clock, target)
        elif kind == "replay" and builder.sent:
            pending.append(builder.sent[step[1] % len(builder.sent)])
        elif kind == "flush":
            feed_pending()
            flush(builder.now_us() - step[1] * 1_000_000)
        elif kind == "feed":
            feed_pending()
    feed_pending()
    open_before_final = {symbol: engine.open_bars(symbol) for symbol in SYMBOLS}
    reference_open = {symbol: reference.open_bars(symbol) for symbol in SYMBOLS}
    flush(builder.now_us() + 10 * INTERVAL_US["1d"])
    return engine, reference, engine_closed, reference_closed, open_before_final, reference_open


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=st.lists(step_strategy, min_size=30, max_size=200),
    group_sizes=st.lists(st.integers(1, 3), max_size=60),
    late_policy=st.sampled_from(["publish", "drop"]),
)
def test_bars_match_the_reference_model(steps, group_sizes, late_policy):
    engine, reference, engine_closed, reference_closed, open_before, reference_open = run_stream(
        steps, group_sizes, late_policy
    )
    for interval in INTERVAL_US:
        assert engine_closed[interval] == reference_closed[interval], interval
    assert open_before == reference_open
    totals = engine.totals
    for name in ("trades", "duplicates", "late", "published"):
        assert totals[name] == reference.totals[name], name
    assert totals["errors"] == 0 == reference.totals["errors"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(step_strategy, min_size=30, max_size=200), group_sizes=st.lists(st.integers(1, 3), max_size=60))
def test_closing_order_is_monotonic_and_volume_is_conserved(steps, group_sizes):
    _, _, closed, _, _, _ = run_stream(steps, group_sizes)
    for interval, bars in closed.items():
        last_bucket: dict[str, int] = {}
        for bar in bars:
            assert bar["bucket_us"] > last_bucket.get(bar["symbol"], -(1 << 62)), (interval, bar)
            last_bucket[bar["symbol"]] = bar["bucket_us"]
            assert bar["low"] <= min(bar["open"], bar["close"]) <= max(bar["open"], bar["close"]) <= bar["high"]
            assert bar["first_trade_us"] <= bar["last_trade_us"] < bar["bucket_us"] + INTERVAL_US[interval]
    for interval in ("1m", "15m", "1h"):
        volume = defaultdict(int)
        count = defaultdict(int)
        amount = defaultdict(int)
        for bar in closed[interval]:
            key = (bar["symbol"], bucket_of("1d", bar["bucket_us"]))
            volume[key] += bar["volume"]
            count[key] += bar["trade_count"]
            amount[key] += bar["amount"]
        days = {(bar["symbol"], bar["bucket_us"]): bar for bar in closed["1d"]}
        assert volume.keys() == days.keys()
        for key, day in days.items():
            assert (volume[key], count[key], amount[key]) == (day["volume"], day["trade_count"], day["amount"])


def test_reference_model_detects_a_wrong_bar():
    """Guards against a tautology: a stream whose bars differ must make the comparison fail."""
    steps = [("trade", "005930", 0, 1000, 5), ("trade", "005930", 30, 1100, 7), ("trade", "005930", 60, 900, 1)]
    _, _, closed, reference_closed, _, _ = run_stream(steps, [1, 1, 1])
    assert closed["1m"] == reference_closed["1m"]
    tampered = [dict(bar) for bar in reference_closed["1m"]]
    tampered[0]["volume"] += 1
    assert closed["1m"] != tampered


def test_edge_times_of_the_trading_day():
    steps = [
        ("jump", (0, 8, 59, 59)),
        ("trade", "005930", 0, 1000, 1),
        ("jump", (0, 9, 0, 0)),
        ("trade", "005930", 0, 1001, 2),
        ("jump", (0, 15, 30, 0)),
        ("trade", "005930", 0, 1002, 3),
        ("jump", (0, 23, 59, 59)),
        ("trade", "005930", 0, 1003, 4),
        ("jump", (1, 0, 0, 0)),
        ("trade", "005930", 0, 1004, 5),
    ]
    _, _, closed, reference_closed, _, _ = run_stream(steps, [1] * 5)
    assert closed == reference_closed
    days = [(bar["bucket_us"], bar["volume"]) for bar in closed["1d"]]

    def kst_midnight(days: int) -> int:
        midnight = (START + dt.timedelta(days=days)).replace(hour=0, minute=0, second=0)
        return (midnight - UNIX_EPOCH) // dt.timedelta(microseconds=1)

    assert days == [(kst_midnight(0), 1 + 2 + 3 + 4), (kst_midnight(1), 5)]
    hours = [bar["bucket_us"] for bar in closed["1h"]]
    assert hours[:2] == [kst_midnight(0) + 8 * 3_600_000_000, kst_midnight(0) + 9 * 3_600_000_000]
    assert [bar["bucket_us"] for bar in closed["15m"]][2] == kst_midnight(0) + (15 * 60 + 30) * 60_000_000
