"""The one plain-Python model of tickcore's engine, written from its documented policies and used
by the tests (tickcore must agree with it, bar for bar and byte for byte) and by the benchmarks
(the baseline "same work in plain Python").

`ReferenceEngine` has tickcore.Engine's surface — `feed(frames, received_at_us)`, `flush(now_us)`,
`open_bars(symbol)`, `mark_stored(marks)`, `totals` — and returns `ReferenceBatch`es shaped like
tickcore.Batch (tick JSON messages, binary COPY buffers of ticks and closed bars, closed bar
dicts, counters, errors). It parses every one of the 46 H0STCNT0 fields with str.split/int, keeps
state in dicts and encodes COPY rows with struct. Order books, control and encrypted frames are
counted and otherwise ignored (only trades make bars).

Policies (tickcore/src/bars.rs and engine.rs say the same):
* a trade whose (business date, accumulated volume) is not greater than the last accepted one of
  its symbol is a duplicate: dropped before everything;
* a trade whose bucket of any interval was already closed, or is older than that interval's open
  bar, is late: it enters no bar; it is still published and stored unless late_trades="drop";
* bars are stamped with the bucket start (KST-aligned); open/close are the prices of the
  earliest/latest trade by trade time (arrival order for equal times); empty buckets make no bar;
* `flush(now)` closes bars whose bucket ended at or before `now`, per interval ordered by bucket
  then symbol.
"""

from __future__ import annotations

import datetime as dt
import functools
import struct
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

INTERVALS = ("1m", "15m", "1h", "1d")
INTERVAL_US = {"1m": 60_000_000, "15m": 900_000_000, "1h": 3_600_000_000, "1d": 86_400_000_000}
KST = dt.timezone(dt.timedelta(hours=9))
KST_OFFSET_US = 9 * 3_600_000_000
PG_EPOCH_US = 946_684_800_000_000
TRADE_FIELDS = 46
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
COPY_TRAILER = b"\xff\xff"

# Field kinds of an H0STCNT0 record, by index (external-apis.md §1.11).
INTS = (2, 4, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 26, 29, 32, 36, 37, 38, 39, 41, 45)
DECIMALS = (5, 6, 18, 22, 23, 40, 42)
TIMES = (1, 24, 27, 30)
SIGNS = (3, 25, 28, 31)
SIDE, DATE, HALTED = 21, 33, 35

_pack_q = struct.Struct(">iq").pack  # length 8 + int64
_pack_d = struct.Struct(">id").pack
_pack_h = struct.Struct(">ih").pack
_pack_i = struct.Struct(">ii").pack
_TICK_ROW_START = struct.pack(">h", 10)
_BAR_ROW_START = struct.pack(">h", 12)


def bucket_of(interval: str, time_us: int) -> int:
    length = INTERVAL_US[interval]
    return (time_us + KST_OFFSET_US) // length * length - KST_OFFSET_US


def iso_ms(us: int) -> str:
    moment = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=us)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _text(value: str) -> bytes:
    raw = value.encode()
    return struct.pack(">i", len(raw)) + raw


def _int(text: str) -> int:
    if not text or not (text.isdigit() or (text[0] == "-" and text[1:].isdigit())):
        raise ValueError(f"not an integer: {text!r}")
    return int(text)


def _decimal(text: str) -> float:
    whole, _, fraction = text.partition(".")
    if not whole.lstrip("-").isdigit() or (fraction and not fraction.isdigit()) or len(fraction) > 2:
        raise ValueError(f"not a two-decimal number: {text!r}")
    return float(text)


def _dec2(text: str) -> str:
    """A two-decimal field as tickcore writes it: `0.7` → `0.70`, `-.5` → `-0.50`."""
    negative = text.startswith("-")
    whole, _, fraction = text.lstrip("-").partition(".")
    return f"{'-' if negative else ''}{int(whole or 0)}.{(fraction + '00')[:2]}"


def _json_text(code: str) -> str:
    return code.replace("\\", "\\\\").replace('"', '\\"')


def _time(text: str) -> None:
    if len(text) != 6 or not text.isdigit() or int(text[:2]) > 23 or int(text[2:4]) > 59 or int(text[4:]) > 59:
        raise ValueError(f"not a HHMMSS time: {text!r}")


@functools.lru_cache(maxsize=100_000)
def _kst_us(date: str, hhmmss: str) -> int:
    if len(date) != 8 or not date.isdigit():
        raise ValueError(f"not a YYYYMMDD date: {date!r}")
    moment = dt.datetime(
        int(date[:4]), int(date[4:6]), int(date[6:8]), int(hhmmss[:2]), int(hhmmss[2:4]), int(hhmmss[4:]), tzinfo=KST
    )
    return int(moment.timestamp()) * 1_000_000


def parse_record(f: list[str]) -> tuple[Any, ...]:
    """The fields the engine uses, after checking every field's form; ValueError on any bad field."""
    if not 1 <= len(f[0]) <= 15 or not (f[0].isascii() and f[0].isalnum()):
        raise ValueError(f"not a symbol: {f[0]!r}")
    for i in INTS:
        _int(f[i])
    for i in DECIMALS:
        _decimal(f[i])
    for i in TIMES:
        _time(f[i])
    for i in SIGNS:
        if f[i] not in ("1", "2", "3", "4", "5"):
            raise ValueError(f"not a sign code: {f[i]!r}")
    if f[SIDE] not in ("1", "5"):
        raise ValueError(f"not a side: {f[SIDE]!r}")
    if f[HALTED] not in ("Y", "N"):
        raise ValueError(f"not Y/N: {f[HALTED]!r}")
    date = f[DATE]
    time_us = _kst_us(date, f[1])
    return (
        f[0],
        time_us,
        int(f[2]),
        int(f[4]),
        _dec2(f[5]),
        float(f[5]),
        int(f[7]),
        int(f[8]),
        int(f[9]),
        int(f[12]),
        int(f[13]),
        int(f[15]) + int(f[16]),
        int(f[SIDE]),
        int(date),
        f',"strength":{_dec2(f[18])},"sign":{int(f[3])},"halted":{"true" if f[HALTED] == "Y" else "false"},'
        f'"session":"{_json_text(f[43])}","marketCode":"{_json_text(f[34])}","viPrice":{int(f[45])}',
    )


@dataclass
class Bar:
    symbol: str
    interval: str
    bucket_us: int
    open: int
    high: int
    low: int
    close: int
    volume: int
    amount: int
    trade_count: int
    first_trade_us: int
    last_trade_us: int

    def add(self, price: int, volume: int, time_us: int) -> None:
        self.high = max(self.high, price)
        self.low = min(self.low, price)
        self.volume += volume
        self.amount += price * volume
        self.trade_count += 1
        if time_us < self.first_trade_us:
            self.open, self.first_trade_us = price, time_us
        if time_us >= self.last_trade_us:
            self.close, self.last_trade_us = price, time_us

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass
class ReferenceBatch:
    messages: list[tuple[str, bytes]] = field(default_factory=list)
    ticks_copy: bytes | None = None
    tick_count: int = 0
    bar_copies: dict[str, bytes] = field(default_factory=dict)
    bar_counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(INTERVALS, 0))
    closed: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {iv: [] for iv in INTERVALS})
    errors: list[dict[str, Any]] = field(default_factory=list)
    order_books: list[dict[str, Any]] = field(default_factory=list)  # counted, not parsed (trades make bars)
    counters: dict[str, int] = field(default_factory=Counter)  # type: ignore[assignment]  # a Counter is a dict[str, int]

    def closed_bars(self, interval: str | None = None) -> list[dict[str, Any]]:
        if interval is not None:
            return self.closed[interval]
        return [bar for iv in INTERVALS for bar in self.closed[iv]]


class ReferenceEngine:
    def __init__(self, source: str = "kissim", *, late_trades: str = "publish") -> None:
        self.source = source
        self.late_trades = late_trades
        self._source_text = _text(source)
        self.last: dict[str, tuple[int, int]] = {}
        self.open: dict[tuple[str, str], Bar] = {}
        self.closed_bucket: dict[tuple[str, str], int] = {}
        self.totals: Counter[str] = Counter()

    # -- tickcore.Engine's surface ----------------------------------------------------------
    def mark_stored(self, marks: dict[str, tuple[int, int]]) -> None:
        for symbol, mark in marks.items():
            if symbol not in self.last or mark > self.last[symbol]:
                self.last[symbol] = mark

    def set_cipher(self, tr_id: str, key: str, iv: str) -> None:
        """Encrypted frames are never decrypted here (only counted)."""

    def open_bars(self, symbol: str) -> dict[str, dict[str, Any]]:
        return {iv: self.open[(symbol, iv)].as_dict() for iv in INTERVALS if (symbol, iv) in self.open}

    def feed(self, frames: list[str] | list[bytes], received_at_us: int) -> ReferenceBatch:
        out = ReferenceBatch()
        c = out.counters
        tick_rows: list[bytes] = []
        received_iso = iso_ms(received_at_us)
        received_pg = received_at_us - PG_EPOCH_US
        for index, frame in enumerate(frames):
            c["frames"] += 1
            text = frame.decode("utf-8", "replace") if isinstance(frame, bytes) else frame
            records = self._records(index, text, out)
            if records is None:
                continue
            for trade in records:
                self._trade(trade, received_iso, received_pg, out, tick_rows)
        if tick_rows:
            out.ticks_copy = COPY_HEADER + b"".join(tick_rows) + COPY_TRAILER
            out.tick_count = len(tick_rows)
        self._finish(out)
        return out

    def flush(self, now_us: int) -> ReferenceBatch:
        out = ReferenceBatch()
        for interval in INTERVALS:
            ended = sorted(
                (bar.bucket_us, bar.symbol)
                for (s, iv), bar in self.open.items()
                if iv == interval and bar.bucket_us + INTERVAL_US[interval] <= now_us
            )
            for _, symbol in ended:
                self._close(symbol, interval, out)
        self._finish(out)
        return out

    # -- parsing ------------------------------------------------------------------------------
    def _records(self, index: int, text: str, out: ReferenceBatch) -> list[tuple[Any, ...]] | None:
        c = out.counters
        if text[:1] == "{":
            c["controls"] += 1
            return None
        parts = text.split("|", 3)
        try:
            if len(parts) != 4 or parts[0] not in ("0", "1"):
                raise ValueError("not a data frame")
            if parts[0] == "1":
                c["encrypted_frames"] += 1
                return None
            if parts[1] == "H0STASP0":
                c["order_books"] += 1
                return None
            if parts[1] != "H0STCNT0":
                raise ValueError(f"unknown TR {parts[1]!r}")
            if not parts[2].isdigit() or int(parts[2]) <= 0:
                raise ValueError("invalid record count")
            count, pieces = int(parts[2]), parts[3].split("^")
            if len(pieces) % count or len(pieces) // count < TRADE_FIELDS:
                raise ValueError("field count does not match COUNT")
            width = len(pieces) // count
            records = [parse_record(pieces[i * width : (i + 1) * width]) for i in range(count)]
        except (ValueError, IndexError) as exc:
            c["errors"] += 1
            out.errors.append({"frame_index": index, "kind": type(exc).__name__, "reason": str(exc), "offset": 0})
            return None
        c["trades"] += count
        if width > TRADE_FIELDS:
            c["extra_field_records"] += count
        return records

    # -- the model ------------------------------------------------------------------------------
    def _trade(
        self, trade: tuple[Any, ...], received_iso: str, received_pg: int, out: ReferenceBatch, tick_rows: list[bytes]
    ) -> None:
        (sym, t, price, change, rate_text, rate, o, h, lo, vol, acc, seq, side, date, status) = trade
        c = out.counters
        key = (date, acc)
        if sym in self.last and key <= self.last[sym]:
            c["duplicates"] += 1
            return
        self.last[sym] = key
        if self._is_late(sym, t):
            c["late"] += 1
            if self.late_trades == "drop":
                return
        else:
            for interval in INTERVALS:
                self._add(sym, interval, price, vol, t, out)
        c["published"] += 1
        out.messages.append(
            (
                sym,
                (
                    f'{{"type":"tick","symbol":"{sym}","price":{price},"volume":{vol},"change":{change},'
                    f'"changePercent":{rate_text},"accVolume":{acc},"open":{o},"high":{h},"low":{lo},'
                    f'"side":{side},"timestamp":"{iso_ms(t)}","receivedAt":"{received_iso}",'
                    f'"source":"{self.source}","seq":{seq}{status}}}'
                ).encode(),
            )
        )
        tick_rows.append(
            b"".join(
                (
                    _TICK_ROW_START,
                    _pack_q(8, t - PG_EPOCH_US),
                    _text(sym),
                    _pack_q(8, price),
                    _pack_q(8, vol),
                    _pack_q(8, acc),
                    _pack_q(8, change),
                    _pack_d(8, rate),
                    _pack_h(2, side),
                    _pack_q(8, received_pg),
                    self._source_text,
                )
            )
        )

    def _is_late(self, symbol: str, time_us: int) -> bool:
        for interval in INTERVALS:
            bucket = bucket_of(interval, time_us)
            bar = self.open.get((symbol, interval))
            if bar is not None and bucket < bar.bucket_us:
                return True
            if bar is None and bucket <= self.closed_bucket.get((symbol, interval), -(1 << 62)):
                return True
        return False

    def _add(self, symbol: str, interval: str, price: int, volume: int, time_us: int, out: ReferenceBatch) -> None:
        bucket = bucket_of(interval, time_us)
        bar = self.open.get((symbol, interval))
        if bar is not None and bar.bucket_us == bucket:
            bar.add(price, volume, time_us)
            return
        if bar is not None:
            self._close(symbol, interval, out)
        self.open[(symbol, interval)] = Bar(
            symbol, interval, bucket, price, price, price, price, volume, price * volume, 1, time_us, time_us
        )

    def _close(self, symbol: str, interval: str, out: ReferenceBatch) -> None:
        bar = self.open.pop((symbol, interval))
        self.closed_bucket[(symbol, interval)] = bar.bucket_us
        out.closed[interval].append(bar.as_dict())
        out.counters["closed_bars"] += 1

    def _bar_row(self, bar: dict[str, Any]) -> bytes:
        return b"".join(
            (
                _BAR_ROW_START,
                _text(bar["symbol"]),
                _pack_q(8, bar["bucket_us"] - PG_EPOCH_US),
                _pack_q(8, bar["open"]),
                _pack_q(8, bar["high"]),
                _pack_q(8, bar["low"]),
                _pack_q(8, bar["close"]),
                _pack_q(8, bar["volume"]),
                _pack_q(8, bar["amount"]),
                _pack_i(4, min(bar["trade_count"], 2**31 - 1)),
                _pack_q(8, bar["first_trade_us"] - PG_EPOCH_US),
                _pack_q(8, bar["last_trade_us"] - PG_EPOCH_US),
                self._source_text,
            )
        )

    def _finish(self, out: ReferenceBatch) -> None:
        for interval, bars in out.closed.items():
            out.bar_counts[interval] = len(bars)
            if bars:
                out.bar_copies[interval] = COPY_HEADER + b"".join(self._bar_row(b) for b in bars) + COPY_TRAILER
        self.totals.update(out.counters)
