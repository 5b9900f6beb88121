"""The tick message: Redis payload on `stock:realtime:{symbol}`, WebSocket and SSE data.

    {"type":"tick","symbol":"005930","price":75000,"volume":1234,"change":500,"changePercent":0.67,
     "accVolume":8123456,"open":74500,"high":75200,"low":74400,"side":1,
     "timestamp":"2026-01-11T09:30:00.123Z","receivedAt":"2026-01-11T09:30:00.131Z",
     "source":"kis","seq":16779}

`timestamp` is the exchange's trade time, `receivedAt` when ingest read the frame; `source` is
kis | kissim | poll; `seq` is the day's trade count of the symbol (null for polled ticks).
Trades are encoded by tickcore (Rust, `Engine.feed`); polled quotes by `poll_tick` below — the
two are checked against the AsyncAPI document (api/streaming/asyncapi.json) by the tests.
"""

from __future__ import annotations

import orjson

from core.time import parse_iso_ms


def poll_tick(
    symbol: str,
    *,
    price: int,
    volume: int,
    change: int,
    change_percent: float,
    acc_volume: int,
    open_: int,
    high: int,
    low: int,
    stamp: str,
) -> bytes:
    """A REST-polled quote as a tick (`source: "poll"`, `seq: null`, `side: 0`)."""
    return orjson.dumps(
        {
            "type": "tick",
            "symbol": symbol,
            "price": price,
            "volume": volume,
            "change": change,
            "changePercent": change_percent,
            "accVolume": acc_volume,
            "open": open_,
            "high": high,
            "low": low,
            "side": 0,
            "timestamp": stamp,
            "receivedAt": stamp,
            "source": "poll",
            "seq": None,
        }
    )


def tick_time_ms(payload: bytes) -> int | None:
    """`receivedAt` (else `timestamp`) of a tick in epoch ms (SSE event ids, resume)."""
    try:
        tick = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(tick, dict):
        return None
    return parse_iso_ms(tick.get("receivedAt")) or parse_iso_ms(tick.get("timestamp"))
