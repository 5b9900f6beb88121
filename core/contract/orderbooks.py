"""The order book message: Redis payload on `stock:orderbook:{symbol}`, WebSocket and SSE data
of the `orderbook` channel, and `orderbook:last:{symbol}` for snapshots.

    {"type":"orderbook","symbol":"005930","time":"2026-01-11T00:30:00Z","session":"0",
     "asks":[[70500,15234],…10],"bids":[[70400,48120],…10],"totalAsk":612345,"totalBid":834567,
     "expected":null | {"price":70300,"quantity":1200,"change":-200,"changePercent":-0.28},
     "accVolume":2345678,"receivedAt":"2026-01-11T00:30:00.131Z","source":"kis"}

Levels go from the touch outward (asks ascending, bids descending); a level KIS sends as price 0
(beyond the daily limit) is left out. `time` is KIS's business time on today's KST date (H0STASP0
carries no date); `session` is its HOUR_CLS_CODE (0 장중, A/B 장후/장전 예상, C VI, D 시간외);
`expected` is the auction's expected trade (예상체결), present only while an auction is on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import orjson

from core.time import KST


def _levels(prices: list[int], sizes: list[int]) -> list[list[int]]:
    return [[price, size] for price, size in zip(prices, sizes, strict=True) if price > 0]


def encode_order_book(book: Mapping[str, Any], source: str, received_iso: str, day: dt.date) -> bytes:
    """From a tickcore `OrderBookDict`."""
    hhmmss = int(book["business_time"])
    moment = dt.datetime(day.year, day.month, day.day, hhmmss // 10_000, hhmmss // 100 % 100, hhmmss % 100, tzinfo=KST)
    expected = None
    if book["expected_price"] > 0:
        expected = {
            "price": book["expected_price"],
            "quantity": book["expected_quantity"],
            "change": book["expected_change"],
            "changePercent": book["expected_change_rate"],
        }
    return orjson.dumps(
        {
            "type": "orderbook",
            "symbol": book["symbol"],
            "time": moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "session": book["hour_class_code"],
            "asks": _levels(book["ask_prices"], book["ask_sizes"]),
            "bids": _levels(book["bid_prices"], book["bid_sizes"]),
            "totalAsk": book["total_ask_size"],
            "totalBid": book["total_bid_size"],
            "expected": expected,
            "accVolume": book["acc_volume"],
            "receivedAt": received_iso,
            "source": source,
        }
    )
