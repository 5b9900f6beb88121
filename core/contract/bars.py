"""The open (unfinished) bar under `bar:{interval}:{symbol}`: one JSON object, written by ingest
from tickcore's `Engine.open_bars`, read as it is by the api (ohlcv `openBar`, stream snapshots).

    {"time":1736555400,"open":75000,"high":75200,"low":74900,"close":75100,"volume":12345,
     "amount":926543210,"tradeCount":87,"source":"kissim"}

`time` is the bar's start in epoch seconds, like every bar of the REST `ohlcv` response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

FIELDS = ("time", "open", "high", "low", "close", "volume", "amount", "tradeCount", "source")


def encode_open_bar(bar: Mapping[str, Any], source: str) -> bytes:
    """From a tickcore `BarDict` (bucket_us, open, high, low, close, volume, amount, trade_count)."""
    return orjson.dumps(
        {
            "time": bar["bucket_us"] // 1_000_000,
            "open": bar["open"],
            "high": bar["high"],
            "low": bar["low"],
            "close": bar["close"],
            "volume": bar["volume"],
            "amount": bar["amount"],
            "tradeCount": bar["trade_count"],
            "source": source,
        }
    )


def decode_open_bar(raw: bytes | None) -> dict[str, Any] | None:
    """The stored open bar, or None when absent or not a well-formed bar."""
    if not raw:
        return None
    try:
        bar = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(bar, dict) or not all(
        isinstance(bar.get(k), int) for k in ("time", "open", "high", "low", "close")
    ):
        return None
    return bar
