"""The tick engine behind ingest: `tickcore` (Rust) when built, else a pure-Python equivalent.

Both produce the same `Batch` (see below) from a list of H0STCNT0 data frames: the publishable
tick JSON per trade, a binary COPY stream for `stock_ticks`, binary COPY streams of the bars
that closed, and counters. Replayed trades (same symbol and business day, accumulated volume not
greater than the last accepted) are dropped. The Python engine is also the benchmark baseline.
Control messages (JSON) are handled by the KIS client, not here.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

INTERVALS = ("1m", "15m", "1h", "1d")
INTERVAL_US = {"1m": 60_000_000, "15m": 900_000_000, "1h": 3_600_000_000, "1d": 86_400_000_000}
BAR_TABLES = {"1m": "stock_prices_1m", "15m": "stock_prices_15m", "1h": "stock_prices_1h", "1d": "stock_prices_1d"}
KST_OFFSET_US = 9 * 3_600_000_000
PG_EPOCH_US = 946_684_800_000_000  # 2000-01-01 in Unix microseconds
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
COPY_TRAILER = b"\xff\xff"
TRADE_FIELDS = 46


@dataclass
class Batch:
    messages: list[tuple[str, bytes]] = field(default_factory=list)
    ticks_copy: bytes = b""
    tick_rows: int = 0
    bar_copies: dict[str, bytes] = field(default_factory=dict)  # interval → COPY bytes
    bar_rows: dict[str, int] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)  # symbols whose open bars changed
    errors: list[str] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)


def merge_copy(chunks: list[bytes]) -> bytes:
    """Several complete binary COPY streams → one (header + all rows + trailer)."""
    if len(chunks) == 1:
        return chunks[0]
    hl = len(COPY_HEADER)
    return COPY_HEADER + b"".join(c[hl:-2] for c in chunks if len(c) > hl + 2) + COPY_TRAILER


def iso_ms(us: int) -> str:
    dt = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=us)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


# ---------------------------------------------------------------------------------------------
# pure-Python engine

_pack_q = struct.Struct(">iq").pack   # length 8 + int64
_pack_d = struct.Struct(">id").pack
_pack_h = struct.Struct(">ih").pack
_pack_i = struct.Struct(">ii").pack
_TICK_ROW_START = struct.pack(">h", 10)
_BAR_ROW_START = struct.pack(">h", 12)


def _text(value: str) -> bytes:
    raw = value.encode()
    return struct.pack(">i", len(raw)) + raw


class _Bar:
    __slots__ = ("bucket", "open", "high", "low", "close", "volume", "amount", "count", "first", "last")

    def __init__(self, bucket: int, price: int, volume: int, t: int) -> None:
        self.bucket, self.open, self.high, self.low, self.close = bucket, price, price, price, price
        self.volume, self.amount, self.count, self.first, self.last = volume, price * volume, 1, t, t

    def add(self, price: int, volume: int, t: int) -> None:
        if price > self.high:
            self.high = price
        if price < self.low:
            self.low = price
        self.volume += volume
        self.amount += price * volume
        self.count += 1
        if t < self.first:
            self.first, self.open = t, price
        if t >= self.last:
            self.last, self.close = t, price

    def as_dict(self, source: str) -> dict[str, Any]:
        return {"time": self.bucket // 1_000_000, "open": self.open, "high": self.high, "low": self.low,
                "close": self.close, "volume": self.volume, "amount": self.amount, "tradeCount": self.count,
                "source": source}


def _bucket(interval_us: int, t: int) -> int:
    return (t + KST_OFFSET_US) // interval_us * interval_us - KST_OFFSET_US


class _SymbolState:
    __slots__ = ("last", "bars", "closed")

    def __init__(self) -> None:
        self.last: tuple[str, int] | None = None
        self.bars: dict[str, _Bar] = {}
        self.closed: dict[str, int] = {}  # interval → last closed bucket


class PyEngine:
    """Same job as tickcore.Engine, in Python (fallback and benchmark baseline)."""

    name = "python"

    def __init__(self, source: str = "kissim") -> None:
        self.source = source
        self._source_text = _text(source)
        self.states: dict[str, _SymbolState] = {}
        self.totals: dict[str, int] = {}
        self._time_cache: dict[tuple[str, str], int] = {}

    def _time_us(self, date: str, hhmmss: str) -> int:
        key = (date, hhmmss)
        cached = self._time_cache.get(key)
        if cached is None:
            if len(self._time_cache) > 100_000:
                self._time_cache.clear()
            dt = datetime(int(date[:4]), int(date[4:6]), int(date[6:8]), int(hhmmss[:2]), int(hhmmss[2:4]),
                          int(hhmmss[4:6]), tzinfo=timezone(timedelta(hours=9)))
            cached = int(dt.timestamp()) * 1_000_000
            self._time_cache[key] = cached
        return cached

    def feed(self, frames: list, received_at_us: int) -> Batch:
        out = Batch()
        c = {"frames": 0, "trades": 0, "published": 0, "duplicates": 0, "late": 0, "extra_field_records": 0,
             "errors": 0, "closed_bars": 0}
        tick_rows: list[bytes] = []
        closed: dict[str, list[bytes]] = {iv: [] for iv in INTERVALS}
        received_iso = iso_ms(received_at_us)
        received_pg = received_at_us - PG_EPOCH_US
        source, source_text = self.source, self._source_text
        for frame in frames:
            c["frames"] += 1
            if isinstance(frame, bytes):
                frame = frame.decode("utf-8", "replace")
            parts = frame.split("|", 3)
            try:
                if len(parts) != 4 or parts[0] != "0":
                    raise ValueError("not a plain data frame")
                if parts[1] != "H0STCNT0":
                    continue
                count = int(parts[2])
                pieces = parts[3].split("^")
                if count <= 0 or len(pieces) % count or len(pieces) // count < TRADE_FIELDS:
                    raise ValueError("field count does not match COUNT")
                width = len(pieces) // count
                records = []
                for i in range(count):
                    f = pieces[i * width:(i + 1) * width]
                    sym, hhmmss, date = f[0], f[1], f[33]
                    if len(sym) != 6 or len(hhmmss) != 6 or len(date) != 8:
                        raise ValueError("bad symbol/time/date")
                    records.append((sym, self._time_us(date, hhmmss), int(f[2]), int(f[4]), f[5], float(f[5]),
                                    int(f[7]), int(f[8]), int(f[9]), int(f[12]), int(f[13]),
                                    int(f[15]) + int(f[16]), int(f[21]), date))
            except (ValueError, IndexError) as exc:
                c["errors"] += 1
                out.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            c["trades"] += count
            if width > TRADE_FIELDS:
                c["extra_field_records"] += count
            for (sym, t, price, change, rate_text, rate, o, h, lo, vol, acc, seq, side, date) in records:
                state = self.states.get(sym)
                if state is None:
                    state = self.states[sym] = _SymbolState()
                if state.last is not None and (date, acc) <= state.last:
                    c["duplicates"] += 1
                    continue
                state.last = (date, acc)
                # bars
                late = False
                for iv in INTERVALS:
                    b = _bucket(INTERVAL_US[iv], t)
                    bar = state.bars.get(iv)
                    if (bar is not None and b < bar.bucket) or (state.closed.get(iv, -1 << 62) >= b):
                        late = True
                        break
                if late:
                    c["late"] += 1
                else:
                    for iv in INTERVALS:
                        b = _bucket(INTERVAL_US[iv], t)
                        bar = state.bars.get(iv)
                        if bar is not None and bar.bucket != b:
                            closed[iv].append(self._bar_row(sym, bar))
                            state.closed[iv] = bar.bucket
                            c["closed_bars"] += 1
                            bar = None
                        if bar is None:
                            state.bars[iv] = _Bar(b, price, vol, t)
                        else:
                            bar.add(price, vol, t)
                    out.touched.add(sym)
                out.messages.append((sym, (
                    f'{{"type":"tick","symbol":"{sym}","price":{price},"volume":{vol},"change":{change},'
                    f'"changePercent":{rate_text},"accVolume":{acc},"open":{o},"high":{h},"low":{lo},'
                    f'"side":{side},"timestamp":"{iso_ms(t)}","receivedAt":"{received_iso}",'
                    f'"source":"{source}","seq":{seq}}}').encode()))
                tick_rows.append(b"".join((
                    _TICK_ROW_START, _pack_q(8, t - PG_EPOCH_US), _text(sym), _pack_q(8, price), _pack_q(8, vol),
                    _pack_q(8, acc), _pack_q(8, change), _pack_d(8, rate), _pack_h(2, side),
                    _pack_q(8, received_pg), source_text)))
                c["published"] += 1
        if tick_rows:
            out.ticks_copy = COPY_HEADER + b"".join(tick_rows) + COPY_TRAILER
            out.tick_rows = len(tick_rows)
        self._finish_bars(out, closed)
        out.counters = c
        self._accumulate(c)
        return out

    def _bar_row(self, sym: str, bar: _Bar) -> bytes:
        return b"".join((
            _BAR_ROW_START, _text(sym), _pack_q(8, bar.bucket - PG_EPOCH_US), _pack_q(8, bar.open),
            _pack_q(8, bar.high), _pack_q(8, bar.low), _pack_q(8, bar.close), _pack_q(8, bar.volume),
            _pack_q(8, bar.amount), _pack_i(4, min(bar.count, 2**31 - 1)), _pack_q(8, bar.first - PG_EPOCH_US),
            _pack_q(8, bar.last - PG_EPOCH_US), self._source_text))

    def _finish_bars(self, out: Batch, closed: dict[str, list[bytes]]) -> None:
        for iv, rows in closed.items():
            if rows:
                out.bar_copies[iv] = COPY_HEADER + b"".join(rows) + COPY_TRAILER
                out.bar_rows[iv] = len(rows)

    def _accumulate(self, c: dict[str, int]) -> None:
        for k, v in c.items():
            self.totals[k] = self.totals.get(k, 0) + v

    def flush(self, now_us: int) -> Batch:
        out = Batch()
        ended: dict[str, list[tuple[int, str, _Bar]]] = {iv: [] for iv in INTERVALS}
        n = 0
        for sym, state in self.states.items():
            for iv in INTERVALS:
                bar = state.bars.get(iv)
                if bar is not None and bar.bucket + INTERVAL_US[iv] <= now_us:
                    ended[iv].append((bar.bucket, sym, bar))
                    state.closed[iv] = bar.bucket
                    del state.bars[iv]
                    n += 1
        # like tickcore: per interval ordered by bucket, then symbol
        closed = {iv: [self._bar_row(sym, bar) for _, sym, bar in sorted(rows, key=lambda r: (r[0], r[1]))]
                  for iv, rows in ended.items()}
        self._finish_bars(out, closed)
        out.counters = {"closed_bars": n}
        self._accumulate(out.counters)
        return out

    def open_bars(self, symbol: str) -> dict[str, dict[str, Any]]:
        state = self.states.get(symbol)
        if state is None:
            return {}
        return {iv: bar.as_dict(self.source) for iv, bar in state.bars.items()}


# ---------------------------------------------------------------------------------------------
# tickcore adapter

class TickcoreEngine:
    """tickcore.Engine behind the same interface (the Rust engine releases the GIL while it works)."""

    name = "tickcore"

    def __init__(self, source: str = "kissim") -> None:
        import tickcore

        self.source = source
        self._engine = tickcore.Engine(source=source)

    def _convert(self, raw: Any) -> Batch:
        out = Batch()
        out.messages = raw.messages
        out.ticks_copy = raw.ticks_copy or b""
        out.tick_rows = raw.tick_count
        counts = raw.bar_counts
        for iv, data in raw.bar_copies.items():
            if data:
                out.bar_copies[iv] = data
                out.bar_rows[iv] = int(counts.get(iv, 1))
        if out.messages:
            out.touched = {sym for sym, _ in out.messages}
        errors = raw.errors
        if errors:
            out.errors = [f"{e.get('kind')}: {e.get('reason')}" for e in errors]
        out.counters = raw.counters
        return out

    def feed(self, frames: list, received_at_us: int) -> Batch:
        return self._convert(self._engine.feed(frames, received_at_us))

    def flush(self, now_us: int) -> Batch:
        return self._convert(self._engine.flush(now_us))

    def open_bars(self, symbol: str) -> dict[str, dict[str, Any]]:
        out = {}
        for iv, bar in self._engine.open_bars(symbol).items():
            out[iv] = {"time": bar["bucket_us"] // 1_000_000, "open": bar["open"], "high": bar["high"],
                       "low": bar["low"], "close": bar["close"], "volume": bar["volume"], "amount": bar["amount"],
                       "tradeCount": bar["trade_count"], "source": self.source}
        return out

    @property
    def totals(self) -> dict[str, int]:
        return dict(self._engine.totals)


def tickcore_available() -> bool:
    try:
        import tickcore

        return hasattr(tickcore, "Engine") or hasattr(getattr(tickcore, "_tickcore", None), "Engine")
    except ImportError:
        return False


def make_engine(source: str, prefer: str = "auto"):
    """`prefer`: auto (tickcore when built) | tickcore | python."""
    if prefer == "python" or (prefer == "auto" and not tickcore_available()):
        return PyEngine(source)
    return TickcoreEngine(source)
