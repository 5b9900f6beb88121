"""kissim's send-time log: when each trade frame went onto a session's socket (benchmarks only).

One fixed-size record per H0STCNT0 frame written to a session, appended to a binary file once a
second (`--send-log PATH`), so a benchmark can give every tick it later reads a latency from the
wire: read time − send time. A frame's trades are consecutive in the symbol's day (seq
`seq_first..seq_last`, accumulated volume `acc_first..acc_last`), so a tick is found by its
symbol and `seq` (the stream) or its accumulated volume (stock_ticks).

    RECORD  little-endian int64 × 6: symbol (its 6 ASCII bytes, zero-padded to 8), seq_first,
            seq_last, acc_first, acc_last, send time (epoch ns, taken just before the write)

The log measures its own cost (`cost_ns`: time spent recording and writing), reported in
`GET /_kissim/stats` as `sendLog`.
"""

from __future__ import annotations

import asyncio
import struct
import time
from pathlib import Path

RECORD = struct.Struct("<6q")
Stamp = tuple[str, int, int, int, int]  # symbol, seq_first, seq_last, acc_first, acc_last
FLUSH_SECONDS = 1.0


def symbol_code(symbol: str) -> int:
    return int.from_bytes(symbol.encode("ascii")[:8].ljust(8, b"\0"), "little")


def code_symbol(code: int) -> str:
    return code.to_bytes(8, "little").rstrip(b"\0").decode("ascii")


class SendLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(path, "ab", buffering=0)
        self._pending = bytearray()
        self._codes: dict[str, int] = {}
        self.frames = 0
        self.trades = 0
        self.cost_ns = 0

    def record(self, stamp: Stamp, sent_ns: int) -> None:
        started = time.perf_counter_ns()
        symbol, seq_first, seq_last, acc_first, acc_last = stamp
        code = self._codes.get(symbol)
        if code is None:
            code = self._codes[symbol] = symbol_code(symbol)
        self._pending += RECORD.pack(code, seq_first, seq_last, acc_first, acc_last, sent_ns)
        self.frames += 1
        self.trades += seq_last - seq_first + 1
        self.cost_ns += time.perf_counter_ns() - started

    def flush(self) -> None:
        if not self._pending:
            return
        started = time.perf_counter_ns()
        data, self._pending = bytes(self._pending), bytearray()
        self._file.write(data)
        self.cost_ns += time.perf_counter_ns() - started

    async def run(self) -> None:
        try:
            while True:
                await asyncio.sleep(FLUSH_SECONDS)
                self.flush()
        finally:
            self.flush()

    def close(self) -> None:
        self.flush()
        self._file.close()

    def as_dict(self) -> dict:
        return {
            "path": str(self.path),
            "frames": self.frames,
            "trades": self.trades,
            "costNs": self.cost_ns,
            "nsPerFrame": round(self.cost_ns / self.frames, 1) if self.frames else None,
        }
