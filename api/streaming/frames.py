"""The bytes the streams send: WebSocket text frames and SSE events, built once per message."""

from __future__ import annotations

import time

import orjson

from core.contract.ticks import tick_time_ms


def ws_text_frame(payload: bytes) -> bytes:
    """An unmasked, unfragmented WebSocket text frame (server → client, no extensions)."""
    n = len(payload)
    if n < 126:
        return bytes((0x81, n)) + payload
    if n < 65536:
        return b"\x81\x7e" + n.to_bytes(2, "big") + payload
    return b"\x81\x7f" + n.to_bytes(8, "big") + payload


def sse_event(event: str, payload: bytes, event_id: str | None = None) -> bytes:
    data = payload.replace(b"\r\n", b"\n").replace(b"\n", b"\ndata: ")
    head = b"id: " + event_id.encode() + b"\n" if event_id else b""
    return head + b"event: " + event.encode() + b"\ndata: " + data + b"\n\n"


def stream_key(event: str, symbol: str) -> str:
    """What a connection holds and counts drops by: the symbol for ticks, `orderbook:{symbol}`."""
    return symbol if event == "tick" else f"{event}:{symbol}"


def dropped_payload(key: str, count: int) -> bytes:
    """`{"type":"dropped","symbol","count"}`, with `"channel":"orderbook"` for order books."""
    channel, _, symbol = key.rpartition(":")
    extra = {"channel": channel} if channel else {}
    return orjson.dumps({"type": "dropped", **extra, "symbol": symbol, "count": count})


class Message:
    """One published tick or order book; the per-transport encodings are built once, on first use.

    Frames are built from the exact bytes ingest published (server frames are unmasked and
    uncompressed, so every client gets the same bytes); nothing is re-encoded per client."""

    __slots__ = ("symbol", "payload", "event", "key", "_ws", "_sse")

    def __init__(self, symbol: str, payload: bytes, event: str = "tick") -> None:
        self.symbol = symbol
        self.payload = payload
        self.event = event  # tick | orderbook: the SSE event name
        self.key = stream_key(event, symbol)
        self._ws: bytes | None = None
        self._sse: bytes | None = None

    @property
    def ws_frame(self) -> bytes:
        if self._ws is None:
            self._ws = ws_text_frame(self.payload)
        return self._ws

    @property
    def sse_event(self) -> bytes:
        if self._sse is None:
            ms = tick_time_ms(self.payload) or int(time.time() * 1000)
            self._sse = sse_event(self.event, self.payload, f"{self.symbol}:{ms}")
        return self._sse
