"""Throughput of tickcore against a plain-Python reference doing the same work.

Run: .venv/bin/python bench/tickcore_bench.py [--trades N] [--batch-frames N] [--repeat N]

Both sides get the same realistic H0STCNT0 frames (~200 symbols, 1-8 trades per frame, a
trading day's worth of advancing times so bars close) in batches, and both do: parse every
field, drop replays, update 1m/15m/1h/1d bars, encode the tick JSON per trade and the binary
COPY buffers for stock_ticks and the closed bars. The figures are frames/s and trades/s on one
core (the engine is single-threaded; the GIL is released during feed but nothing else runs).
"""

from __future__ import annotations

import argparse
import platform
import random
import struct
import sys
import time
from dataclasses import dataclass, field

import tickcore

import json

try:
    import orjson
except ImportError:  # pragma: no cover - orjson is a project dependency
    orjson = None


def stdlib_dumps(obj: dict) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


KST_OFFSET_US = 9 * 3600 * 1_000_000
PG_EPOCH_US = 946_684_800 * 1_000_000
INTERVAL_US = {"1m": 60_000_000, "15m": 900_000_000, "1h": 3_600_000_000, "1d": 86_400_000_000}
BUSINESS_DATE = "20250312"


# --------------------------------------------------------------------------- frames


def generate_frames(total_trades: int, symbols: int, seed: int) -> list[str]:
    """KIS-shaped H0STCNT0 frames, several records of one symbol per frame, times advancing
    from 09:00:00 to 15:20:00 KST so every interval closes bars."""
    rng = random.Random(seed)
    codes = [f"{rng.randrange(1, 999_999):06d}" for _ in range(symbols)]
    state = {code: {"price": rng.randrange(1_000, 500_000), "acc": 0, "sells": 0, "buys": 0} for code in codes}
    session_seconds = 6 * 3600 + 20 * 60
    frames: list[str] = []
    made = 0
    while made < total_trades:
        code = rng.choice(codes)
        count = min(rng.randint(1, 8), total_trades - made)
        second = 9 * 3600 + made * session_seconds // total_trades
        hhmmss = f"{second // 3600:02d}{second // 60 % 60:02d}{second % 60:02d}"
        records = [trade_record(code, hhmmss, state[code], rng) for _ in range(count)]
        frames.append(f"0|H0STCNT0|{count:03d}|" + "^".join(records))
        made += count
    return frames


def trade_record(code: str, hhmmss: str, s: dict, rng: random.Random) -> str:
    s["price"] = max(100, s["price"] + rng.choice((-100, -50, 0, 0, 50, 100)))
    volume = rng.randint(1, 2_000)
    s["acc"] += volume
    side = rng.choice((1, 5))
    s["buys" if side == 1 else "sells"] += 1
    price = s["price"]
    change = rng.randint(-5_000, 5_000)
    rate = f"{change / 1000:.2f}"
    sign = 2 if change > 0 else (5 if change < 0 else 3)
    fields = [
        code, hhmmss, str(price), str(sign), str(change), rate, f"{price}.37", str(price - 300), str(price + 500),
        str(price - 700), str(price + 50), str(price), str(volume), str(s["acc"]), str(s["acc"] * price),
        str(s["sells"]), str(s["buys"]), str(s["buys"] - s["sells"]), "115.87", "1034567", "1198765", str(side),
        "0.52", "18.42", "090001", "2", "300", "092714", "5", "-200", "090153", "2", "400", BUSINESS_DATE, "20",
        "N", "15234", "48120", "612345", "834567", "0.04", "2011234", "116.63", "0", "", str(price - 300),
    ]
    return "^".join(fields)


# --------------------------------------------------------------------------- reference


@dataclass
class Bar:
    bucket: int
    open: int
    high: int
    low: int
    close: int
    volume: int
    amount: int
    count: int
    first: int
    last: int


@dataclass
class SymbolState:
    last: tuple[int, int] | None = None
    bars: dict[str, Bar] = field(default_factory=dict)
    closed: dict[str, int] = field(default_factory=dict)


def to_unix_us(date: int, hhmmss: int) -> int:
    import datetime as dt

    day = dt.date(date // 10_000, date // 100 % 100, date % 100).toordinal() - 719_163
    seconds = day * 86_400 + hhmmss // 10_000 * 3600 + hhmmss // 100 % 100 * 60 + hhmmss % 100
    return seconds * 1_000_000 - KST_OFFSET_US


def hundredths(text: str) -> int:
    negative = text.startswith("-")
    whole, _, fraction = text.lstrip("-").partition(".")
    value = int(whole) * 100 + int((fraction + "00")[:2])
    return -value if negative else value


INT_FIELDS = (2, 4, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 26, 29, 32, 36, 37, 38, 39, 41, 45)
DECIMAL_FIELDS = (5, 6, 18, 22, 23, 40, 42)


class PythonReference:
    """The same pipeline in plain Python: str.split/int for parsing, dicts for state, the
    stdlib json module (or orjson, for a second figure) for messages, struct for COPY."""

    def __init__(self, source: str, dumps=stdlib_dumps) -> None:
        self.source = source
        self.dumps = dumps
        self.states: dict[str, SymbolState] = {}
        self.date_cache: dict[tuple[int, int], int] = {}
        self.iso_cache: dict[int, str] = {}

    def feed(self, frames: list[str], received_at_us: int) -> tuple[list[tuple[str, bytes]], bytes, dict[str, bytes], int]:
        messages: list[tuple[str, bytes]] = []
        tick_rows: list[bytes] = []
        closed: dict[str, list[tuple[str, Bar]]] = {label: [] for label in INTERVAL_US}
        received_iso = self.iso(received_at_us)
        for frame in frames:
            _, tr_id, count_text, payload = frame.split("|", 3)
            if tr_id != "H0STCNT0":
                continue
            pieces = payload.split("^")
            count = int(count_text)
            per_record = len(pieces) // count
            for index in range(count):
                record = pieces[index * per_record:(index + 1) * per_record]
                trade = self.parse(record)
                self.process(trade, received_at_us, received_iso, messages, tick_rows, closed)
        bar_copies = {k: copy_buffer([self.bar_row(s, b) for s, b in v]) for k, v in closed.items()}
        return messages, copy_buffer(tick_rows), bar_copies, sum(len(v) for v in closed.values())

    def parse(self, record: list[str]) -> dict:
        ints = {i: int(record[i]) for i in INT_FIELDS}
        decimals = {i: hundredths(record[i]) for i in DECIMAL_FIELDS}
        times = {i: int(record[i]) for i in (1, 24, 27, 30)}
        date = int(record[33])
        return {
            "symbol": record[0], "hhmmss": times[1], "date": date, "price": ints[2], "change": ints[4],
            "rate": decimals[5], "open": ints[7], "high": ints[8], "low": ints[9], "volume": ints[12],
            "acc": ints[13], "sells": ints[15], "buys": ints[16], "side": int(record[21]), "signs": (
                int(record[3]), int(record[25]), int(record[28]), int(record[31])),
            "codes": (record[34], record[35] == "Y", record[43], record[44]), "rest": (ints, decimals, times),
        }

    def iso(self, us: int) -> str:
        import datetime as dt

        second = us // 1_000_000
        text = self.iso_cache.get(second)
        if text is None:
            text = dt.datetime.fromtimestamp(second, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
            self.iso_cache[second] = text
        return f"{text}.{us % 1_000_000 // 1000:03d}Z"

    def process(self, t: dict, received_us: int, received_iso: str, messages: list, tick_rows: list, closed: dict) -> None:
        state = self.states.get(t["symbol"])
        if state is None:
            state = self.states[t["symbol"]] = SymbolState()
        key = (t["date"], t["acc"])
        if state.last is not None and key <= state.last:
            return
        state.last = key
        cache_key = (t["date"], t["hhmmss"])
        time_us = self.date_cache.get(cache_key)
        if time_us is None:
            time_us = self.date_cache[cache_key] = to_unix_us(t["date"], t["hhmmss"])
        self.update_bars(t["symbol"], state, t["price"], t["volume"], time_us, closed)
        rate = t["rate"]
        messages.append((t["symbol"], self.dumps({
            "type": "tick", "symbol": t["symbol"], "price": t["price"], "volume": t["volume"], "change": t["change"],
            "changePercent": rate / 100, "accVolume": t["acc"], "open": t["open"], "high": t["high"], "low": t["low"],
            "side": t["side"], "timestamp": self.iso(time_us), "receivedAt": received_iso, "source": self.source,
            "seq": t["sells"] + t["buys"],
        })))
        symbol = t["symbol"].encode()
        source = self.source.encode()
        tick_rows.append(struct.pack(
            f">hiqi{len(symbol)}siqiqiqiqidihiqi{len(source)}s",
            10, 8, time_us - PG_EPOCH_US, len(symbol), symbol, 8, t["price"], 8, t["volume"], 8, t["acc"],
            8, t["change"], 8, rate / 100, 2, t["side"], 8, received_us - PG_EPOCH_US, len(source), source,
        ))

    def update_bars(self, symbol: str, state: SymbolState, price: int, volume: int, time_us: int, closed: dict) -> None:
        buckets = {label: (time_us + KST_OFFSET_US) // length * length - KST_OFFSET_US for label, length in INTERVAL_US.items()}
        for label, bucket in buckets.items():
            bar = state.bars.get(label)
            if bar is not None and bucket < bar.bucket or bar is None and bucket <= state.closed.get(label, -1 << 62):
                return  # late: kept out of every bar
        for label, bucket in buckets.items():
            bar = state.bars.get(label)
            if bar is not None and bar.bucket == bucket:
                bar.high = max(bar.high, price)
                bar.low = min(bar.low, price)
                bar.volume += volume
                bar.amount += price * volume
                bar.count += 1
                if time_us < bar.first:
                    bar.open, bar.first = price, time_us
                if time_us >= bar.last:
                    bar.close, bar.last = price, time_us
                continue
            if bar is not None:
                closed[label].append((symbol, bar))
                state.closed[label] = bar.bucket
            state.bars[label] = Bar(bucket, price, price, price, price, volume, price * volume, 1, time_us, time_us)

    def bar_row(self, symbol: str, bar: Bar) -> bytes:
        sym = symbol.encode()
        source = self.source.encode()
        return struct.pack(
            f">hi{len(sym)}siqiqiqiqiqiqiqiiiqiqi{len(source)}s",
            12, len(sym), sym, 8, bar.bucket - PG_EPOCH_US, 8, bar.open, 8, bar.high, 8, bar.low, 8, bar.close,
            8, bar.volume, 8, bar.amount, 4, bar.count, 8, bar.first - PG_EPOCH_US, 8, bar.last - PG_EPOCH_US,
            len(source), source,
        )


def copy_buffer(rows: list[bytes]) -> bytes:
    if not rows:
        return b""
    return b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8 + b"".join(rows) + b"\xff\xff"


# --------------------------------------------------------------------------- runs


def batches(frames: list[str], size: int) -> list[list[str]]:
    return [frames[i:i + size] for i in range(0, len(frames), size)]


def run_tickcore(chunks: list[list[str]]) -> tuple[float, int, int]:
    """CPU seconds, messages and bars closed by trades (the final flush is timed, not counted)."""
    engine = tickcore.Engine("kissim")
    received = 1_741_737_600_000_000
    messages = 0
    start = time.process_time()
    for chunk in chunks:
        batch = engine.feed(chunk, received)
        messages += len(batch.messages)
        batch.ticks_copy
        for interval in tickcore.INTERVALS:
            batch.bar_copy(interval)
        received += 10_000
    closed_by_trades = engine.totals["closed_bars"]
    engine.flush(1 << 62)
    elapsed = time.process_time() - start
    assert not engine.totals["errors"], engine.totals
    return elapsed, messages, closed_by_trades


def run_reference(chunks: list[list[str]], dumps=stdlib_dumps) -> tuple[float, int, int]:
    """CPU seconds, messages and bars closed by trades."""
    reference = PythonReference("kissim", dumps)
    received = 1_741_737_600_000_000
    messages = closed = 0
    start = time.process_time()
    for chunk in chunks:
        published, _ticks, _bar_copies, closed_bars = reference.feed(chunk, received)
        messages += len(published)
        closed += closed_bars
        received += 10_000
    return time.process_time() - start, messages, closed


def machine() -> str:
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or "unknown CPU"
    import os

    return f"{model}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trades", type=int, default=400_000, help="trades in the generated stream")
    parser.add_argument("--symbols", type=int, default=200)
    parser.add_argument("--batch-frames", type=int, default=500, help="frames per feed() call")
    parser.add_argument("--repeat", type=int, default=5, help="tickcore runs (best is reported)")
    parser.add_argument("--reference-trades", type=int, default=100_000, help="trades for the slower Python runs")
    parser.add_argument("--reference-repeat", type=int, default=3, help="runs per Python reference (best is reported)")
    args = parser.parse_args()

    frames = generate_frames(args.trades, args.symbols, seed=7)
    trades = sum(int(frame.split("|", 3)[2]) for frame in frames)
    chunks = batches(frames, args.batch_frames)
    reference_frames = generate_frames(args.reference_trades, args.symbols, seed=7)
    reference_trades = sum(int(frame.split("|", 3)[2]) for frame in reference_frames)

    rust_times = []
    for _ in range(args.repeat):
        elapsed, messages, _ = run_tickcore(chunks)
        assert messages == trades, (messages, trades)
        rust_times.append(elapsed)
    rust = min(rust_times)

    reference_chunks = batches(reference_frames, args.batch_frames)
    references = [("plain Python (json)", stdlib_dumps)]
    if orjson is not None:
        references.append(("Python + orjson", orjson.dumps))
    reference_tps = {}
    # Both sides must do the same work: same messages and same bars on the same stream.
    _, check_messages, check_closed = run_tickcore(reference_chunks)
    for name, dumps in references:
        runs = [run_reference(reference_chunks, dumps) for _ in range(args.reference_repeat)]
        assert all((published, closed) == (check_messages, check_closed) for _, published, closed in runs), \
            (name, runs[0], check_messages, check_closed)
        elapsed = min(elapsed for elapsed, _, _ in runs)
        reference_tps[name] = (len(reference_frames) / elapsed, reference_trades / elapsed, elapsed)
    rust_tps = trades / rust

    print(f"machine: {machine()}")
    print(f"stream: {len(frames)} frames, {trades} trades, {args.symbols} symbols, "
          f"{trades / len(frames):.2f} trades/frame, {args.batch_frames} frames per feed(); times are process CPU time")
    print(f"tickcore:              {len(frames) / rust:>12,.0f} frames/s {rust_tps:>12,.0f} trades/s  "
          f"(best of {args.repeat}: {rust * 1000:.1f} ms; all: {', '.join(f'{t * 1000:.0f}' for t in rust_times)} ms)")
    for name, (fps, tps, elapsed) in reference_tps.items():
        print(f"{name + ':':<22} {fps:>12,.0f} frames/s {tps:>12,.0f} trades/s  "
              f"(best of {args.reference_repeat}: {reference_trades} trades in {elapsed:.2f} s)")
    for name, (_, tps, _) in reference_tps.items():
        print(f"ratio vs {name}: {rust_tps / tps:.1f}x")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
