"""Random trade streams: tickcore's bars equal a plain-Python reference model's, for every
interval, with replays, late trades, flushes and KST day changes mixed in; closing order is
monotonic and volume is conserved between 1m and 1d bars."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import tickcore
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.tickcore.tickcore_support import KST, UNIX_EPOCH, TradeSpec, trade_frame

INTERVAL_US = {"1m": 60_000_000, "15m": 900_000_000, "1h": 3_600_000_000, "1d": 86_400_000_000}
KST_OFFSET_US = 9 * 3_600_000_000
SYMBOLS = ["005930", "000660", "Q500001"]
START = dt.datetime(2025, 3, 12, 8, 58, 0, tzinfo=KST)
# Edge instants the stream may jump to: just before the open, the open, the close, midnight.
EDGE_TIMES = [(0, 8, 59, 59), (0, 9, 0, 0), (0, 15, 30, 0), (0, 23, 59, 59), (1, 0, 0, 0), (1, 9, 0, 0)]


def bucket_of(interval: str, time_us: int) -> int:
    length = INTERVAL_US[interval]
    return (time_us + KST_OFFSET_US) // length * length - KST_OFFSET_US


@dataclass
class ReferenceModel:
    """The engine's documented policies, implemented the plain way."""

    late_policy: str = "publish"
    last: dict[str, tuple[int, int]] = field(default_factory=dict)
    open: dict[tuple[str, str], dict] = field(default_factory=dict)
    closed_bucket: dict[tuple[str, str], int] = field(default_factory=dict)
    closed: dict[str, list[dict]] = field(default_factory=lambda: {i: [] for i in INTERVAL_US})
    counters: Counter = field(default_factory=Counter)

    def trade(self, spec: TradeSpec) -> None:
        self.counters["trades"] += 1
        key = (spec.date, spec.acc_volume)
        if spec.symbol in self.last and key <= self.last[spec.symbol]:
            self.counters["duplicates"] += 1
            return
        self.last[spec.symbol] = key
        time_us = spec.time_us
        if self.is_late(spec.symbol, time_us):
            self.counters["late"] += 1
            if self.late_policy == "publish":
                self.counters["published"] += 1
            return
        self.counters["published"] += 1
        for interval in INTERVAL_US:
            self.add(spec.symbol, interval, spec.price, spec.volume, time_us)

    def is_late(self, symbol: str, time_us: int) -> bool:
        for interval in INTERVAL_US:
            bucket = bucket_of(interval, time_us)
            bar = self.open.get((symbol, interval))
            if bar is not None and bucket < bar["bucket_us"]:
                return True
            if bar is None and bucket <= self.closed_bucket.get((symbol, interval), -(1 << 62)):
                return True
        return False

    def add(self, symbol: str, interval: str, price: int, volume: int, time_us: int) -> None:
        bucket = bucket_of(interval, time_us)
        bar = self.open.get((symbol, interval))
        if bar is not None and bar["bucket_us"] == bucket:
            bar["high"] = max(bar["high"], price)
            bar["low"] = min(bar["low"], price)
            bar["volume"] += volume
            bar["amount"] += price * volume
            bar["trade_count"] += 1
            if time_us < bar["first_trade_us"]:
                bar["open"], bar["first_trade_us"] = price, time_us
            if time_us >= bar["last_trade_us"]:
                bar["close"], bar["last_trade_us"] = price, time_us
            return
        if bar is not None:
            self.close(symbol, interval)
        self.open[(symbol, interval)] = {
            "symbol": symbol, "interval": interval, "bucket_us": bucket, "open": price, "high": price, "low": price,
            "close": price, "volume": volume, "amount": price * volume, "trade_count": 1, "first_trade_us": time_us,
            "last_trade_us": time_us,
        }

    def close(self, symbol: str, interval: str) -> dict:
        bar = self.open.pop((symbol, interval))
        self.closed_bucket[(symbol, interval)] = bar["bucket_us"]
        self.closed[interval].append(bar)
        return bar

    def flush(self, now_us: int) -> None:
        for interval, length in INTERVAL_US.items():
            ended = sorted((bar["bucket_us"], symbol) for (symbol, i), bar in self.open.items()
                           if i == interval and bar["bucket_us"] + length <= now_us)
            for _, symbol in ended:
                self.close(symbol, interval)


@dataclass
class StreamBuilder:
    """Turns drawn steps into KIS trades with consistent accumulated volumes."""

    clock: dt.datetime = START
    acc: Counter = field(default_factory=Counter)
    sent: list[TradeSpec] = field(default_factory=list)

    def trade(self, symbol: str, price: int, volume: int) -> TradeSpec:
        date = int(self.clock.strftime("%Y%m%d"))
        self.acc[(symbol, date)] += volume
        spec = TradeSpec(symbol=symbol, date=date, hhmmss=int(self.clock.strftime("%H%M%S")), price=price,
                         volume=volume, acc_volume=self.acc[(symbol, date)], open=price, high=price, low=price)
        self.sent.append(spec)
        return spec

    def now_us(self) -> int:
        return (self.clock - UNIX_EPOCH) // dt.timedelta(microseconds=1)


trade_step = st.tuples(st.just("trade"), st.sampled_from(SYMBOLS),
                       st.one_of(st.integers(0, 90), st.sampled_from([600, 3600])),
                       st.integers(100, 200_000), st.integers(1, 5_000))
step_strategy = st.one_of(
    trade_step, trade_step, trade_step, trade_step,
    st.tuples(st.just("back"), st.integers(1, 1800)),  # clock goes backwards: out-of-order trades
    st.tuples(st.just("jump"), st.sampled_from(EDGE_TIMES)),
    st.tuples(st.just("replay"), st.integers(0, 10_000)),
    st.tuples(st.just("flush"), st.integers(0, 90)),
    st.tuples(st.just("feed")),
)


def run_stream(steps, group_sizes, late_policy="publish"):
    engine = tickcore.Engine("kissim", late_trades=late_policy)
    reference = ReferenceModel(late_policy=late_policy)
    builder = StreamBuilder()
    engine_closed = {interval: [] for interval in INTERVAL_US}
    pending: list[TradeSpec] = []
    groups = iter(group_sizes)

    def collect(batch):
        for interval in INTERVAL_US:
            engine_closed[interval].extend(batch.closed_bars(interval))

    def feed_pending():
        frames = []
        while pending:
            size = min(next(groups, 1), len(pending))
            frames.append(trade_frame(*pending[:size]))
            del pending[:size]
        if frames:
            collect(engine.feed(frames, builder.now_us()))

    for step in steps:
        kind = step[0]
        if kind == "trade":
            _, symbol, advance, price, volume = step
            builder.clock += dt.timedelta(seconds=advance)
            spec = builder.trade(symbol, price, volume)
            pending.append(spec)
            reference.trade(spec)
        elif kind == "back":
            builder.clock -= dt.timedelta(seconds=step[1])
        elif kind == "jump":
            days, hour, minute, second = step[1]
            target = (START + dt.timedelta(days=days)).replace(hour=hour, minute=minute, second=second)
            builder.clock = max(builder.clock, target)
        elif kind == "replay" and builder.sent:
            spec = builder.sent[step[1] % len(builder.sent)]
            pending.append(spec)
            reference.trade(spec)
        elif kind == "flush":
            feed_pending()
            now = builder.now_us() - step[1] * 1_000_000
            collect(engine.flush(now))
            reference.flush(now)
        elif kind == "feed":
            feed_pending()
    feed_pending()
    open_before_final = {symbol: engine.open_bars(symbol) for symbol in SYMBOLS}
    reference_open = {symbol: {i: dict(bar) for (s, i), bar in reference.open.items() if s == symbol}
                      for symbol in SYMBOLS}
    far_future = builder.now_us() + 10 * INTERVAL_US["1d"]
    collect(engine.flush(far_future))
    reference.flush(far_future)
    return engine, reference, engine_closed, open_before_final, reference_open


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(step_strategy, min_size=30, max_size=200),
       group_sizes=st.lists(st.integers(1, 3), max_size=60),
       late_policy=st.sampled_from(["publish", "drop"]))
def test_bars_match_the_reference_model(steps, group_sizes, late_policy):
    engine, reference, engine_closed, open_before, reference_open = run_stream(steps, group_sizes, late_policy)
    for interval in INTERVAL_US:
        assert engine_closed[interval] == reference.closed[interval], interval
    assert open_before == reference_open
    totals = engine.totals
    for name in ("trades", "duplicates", "late", "published"):
        assert totals[name] == reference.counters[name], name
    assert totals["errors"] == 0


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(step_strategy, min_size=30, max_size=200), group_sizes=st.lists(st.integers(1, 3), max_size=60))
def test_closing_order_is_monotonic_and_volume_is_conserved(steps, group_sizes):
    _, _, closed, _, _ = run_stream(steps, group_sizes)
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
    _, reference, closed, _, _ = run_stream(steps, [1, 1, 1])
    assert closed["1m"] == reference.closed["1m"]
    tampered = [dict(bar) for bar in reference.closed["1m"]]
    tampered[0]["volume"] += 1
    assert closed["1m"] != tampered


def test_edge_times_of_the_trading_day():
    steps = [("jump", (0, 8, 59, 59)), ("trade", "005930", 0, 1000, 1), ("jump", (0, 9, 0, 0)),
             ("trade", "005930", 0, 1001, 2), ("jump", (0, 15, 30, 0)), ("trade", "005930", 0, 1002, 3),
             ("jump", (0, 23, 59, 59)), ("trade", "005930", 0, 1003, 4), ("jump", (1, 0, 0, 0)),
             ("trade", "005930", 0, 1004, 5)]
    _, reference, closed, _, _ = run_stream(steps, [1] * 5)
    assert closed == reference.closed
    days = [(bar["bucket_us"], bar["volume"]) for bar in closed["1d"]]
    def kst_midnight(days: int) -> int:
        midnight = (START + dt.timedelta(days=days)).replace(hour=0, minute=0, second=0)
        return (midnight - UNIX_EPOCH) // dt.timedelta(microseconds=1)

    assert days == [(kst_midnight(0), 1 + 2 + 3 + 4), (kst_midnight(1), 5)]
    hours = [bar["bucket_us"] for bar in closed["1h"]]
    assert hours[:2] == [kst_midnight(0) + 8 * 3_600_000_000, kst_midnight(0) + 9 * 3_600_000_000]
    assert [bar["bucket_us"] for bar in closed["15m"]][2] == kst_midnight(0) + (15 * 60 + 30) * 60_000_000
