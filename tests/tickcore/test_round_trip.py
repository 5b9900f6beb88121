"""Frame → parse → encode keeps every value: parsed fields, the tick JSON and the stock_ticks
COPY rows all carry exactly the values written into generated frames."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

import tickcore
from tests.support.kis_records import BAR_TYPES, TICK_TYPES, TradeSpec, decode_copy, iso_millis, trade_frame

rates = st.integers(-3000, 3000).map(lambda h: f"{'-' if h < 0 else ''}{abs(h) // 100}.{abs(h) % 100:02d}")
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))
specs = st.builds(
    TradeSpec,
    symbol=st.sampled_from(["005930", "000660", "Q500001", "A1"]),
    date=dates.map(lambda d: d.year * 10_000 + d.month * 100 + d.day),
    hhmmss=st.tuples(st.integers(0, 23), st.integers(0, 59), st.integers(0, 59)).map(
        lambda t: t[0] * 10_000 + t[1] * 100 + t[2]
    ),
    price=st.integers(1, 10_000_000),
    change=st.integers(-1_000_000, 1_000_000),
    change_rate=rates,
    open=st.integers(1, 10_000_000),
    high=st.integers(1, 10_000_000),
    low=st.integers(1, 10_000_000),
    volume=st.integers(0, 10**12),
    acc_volume=st.integers(0, 10**15),
    sells=st.integers(0, 10**9),
    buys=st.integers(0, 10**9),
    side=st.sampled_from([1, 3, 5]),
)


@settings(max_examples=300, deadline=None)
@given(
    records=st.lists(specs, min_size=1, max_size=4),
    received=st.integers(0, 4_102_444_800_000_000),
    source=st.sampled_from(["kis", "kissim", "poll"]),
)
def test_frame_values_survive_parse_json_and_copy(records, received, source):
    records = [replace(spec, acc_volume=spec.acc_volume + i) for i, spec in enumerate(records)]
    frame = trade_frame(*records)

    parsed = tickcore.parse_frame(frame)["records"]
    for spec, trade in zip(records, parsed, strict=True):
        assert (trade["symbol"], trade["business_date"], trade["trade_time"]) == (spec.symbol, spec.date, spec.hhmmss)
        assert (trade["price"], trade["change"], trade["change_rate"]) == (
            spec.price,
            spec.change,
            float(spec.change_rate),
        )
        assert (trade["open"], trade["high"], trade["low"]) == (spec.open, spec.high, spec.low)
        assert (trade["volume"], trade["acc_volume"], trade["side"]) == (spec.volume, spec.acc_volume, spec.side)
        assert (trade["sell_trade_count"], trade["buy_trade_count"]) == (spec.sells, spec.buys)
        assert trade["time_us"] == spec.time_us

    # Replay detection off: generated records need not have increasing accumulated volumes;
    # late trades are still published and stored (late_trades="publish").
    engine = tickcore.Engine(source, drop_replayed_trades=False)
    batch = engine.feed([frame], received)
    assert batch.counters["errors"] == 0
    messages = [json.loads(payload) for _, payload in batch.messages]
    expected_rows = []
    for spec, message in zip(records, messages, strict=True):
        assert message == {
            "type": "tick",
            "symbol": spec.symbol,
            "price": spec.price,
            "volume": spec.volume,
            "change": spec.change,
            "changePercent": float(spec.change_rate),
            "accVolume": spec.acc_volume,
            "open": spec.open,
            "high": spec.high,
            "low": spec.low,
            "side": spec.side,
            "timestamp": iso_millis(spec.time_us),
            "receivedAt": iso_millis(received),
            "source": source,
            "seq": spec.sells + spec.buys,
            # fixture line 7's values: TradeSpec leaves these fields as they are there
            "strength": 115.87,
            "sign": 2,
            "halted": False,
            "session": "0",
            "marketCode": "20",
            "viPrice": 70200,
        }
        expected_rows.append(
            (
                spec.time_us,
                spec.symbol,
                spec.price,
                spec.volume,
                spec.acc_volume,
                spec.change,
                float(spec.change_rate),
                spec.side,
                received,
                source,
            )
        )
    assert decode_copy(batch.ticks_copy, TICK_TYPES) == expected_rows

    flushed = engine.flush(1 << 62)
    for interval in tickcore.INTERVALS:
        bars = flushed.closed_bars(interval)
        rows = decode_copy(flushed.bar_copy(interval), BAR_TYPES) if bars else []
        assert rows == [
            (
                b["symbol"],
                b["bucket_us"],
                b["open"],
                b["high"],
                b["low"],
                b["close"],
                b["volume"],
                b["amount"],
                b["trade_count"],
                b["first_trade_us"],
                b["last_trade_us"],
                source,
            )
            for b in bars
        ]
