"""Soak: the whole platform under load and faults at once, latency measured from the wire.

    .venv/bin/python bench/soak.py                  # the full run: 20,000 trades/s, 2,000 WS + 200 SSE
                                                    # clients, 1,000 REST users at 2,000 req/s, 10 min
    .venv/bin/python bench/soak.py --quick          # 60 s, small and light (what `make test` runs)
    .venv/bin/python bench/soak.py --rate 2000 --ws-clients 200 --sse-clients 20 --duration 30

Everything real, each in its own process, started the way `make run` starts it: embedded
PostgreSQL and Redis (tests/support/harness.py → devtools/embedded.py) supervised by make run's
supervisor loop (devtools/runall.py: a dead server or child is started again), kissim at
`--rate` trades/s over `--symbols` symbols (order books for `--book-symbols` of them) → ingest
(one app key per 36 symbols) → Redis → the api with 2 workers → WebSocket and SSE clients of 10
symbols each, in client processes; REST users in the api_load.py mix; a pub/sub tap that counts
what ingest published. Figures:

  latency   kissim writes each trade frame's send time to its send log (devtools/kissim/sendlog.py);
            a delivered tick's latency = client read time − that send time (every tick counted)
  counts    sent (send log) / stored (stock_ticks, exactly once?) / published (tap) / delivered
            (clients, with missing ticks split into: dropped by the server, missed across a
            reconnect, missing otherwise)
  cost      RSS and CPU per component every 10 s, Redis memory, database size per million ticks
  faults    kill -9 of ingest, a Redis restart, PostgreSQL paused 20 s (SIGSTOP/SIGCONT), the KIS
            connection dropped by kissim, one api worker killed with -9; for each: seconds until
            ticks reach the clients at the rate before it, REST errors meanwhile, trades lost

Results: `<--out>/soak.json`, `<--out>/soak.png` (latency and RSS over time, needs the `bench`
extra: matplotlib) and a summary printed. Exit status 1 when a trade was duplicated in storage,
lost from storage after ingest published it (it is journaled before), or lost outside the kill -9
of ingest (which loses only what was still in a socket buffer), or when nothing was delivered.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import math
import os
import platform
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from devtools.kissim.sendlog import RECORD, code_symbol  # noqa: E402 - after the repository is on the path

WINDOW_S = 10
FAULTS = ("ingest", "redis", "postgres", "kis", "api-worker")
SYMBOLS_PER_KEY = 36  # of KIS's 41 registrations per session: the rest are for order books
POSTGRES_PAUSE_S = 20.0
RESENT_WINDOW_S = 2.0  # ticks not newer than the first one this soon after a connect: the snapshot's race
GAPS_CAP = 200_000  # gaps a client process lists one by one
RECOVERED_SHARE = 0.8  # ticks flow again: a second delivering this share of the rate before the fault


# --------------------------------------------------------------------------------------------
# latency histogram: 2 % wide buckets from 10 µs, every sample counted
# --------------------------------------------------------------------------------------------
_LOG_STEP = math.log(1.02)


def bucket(latency_us: float) -> int:
    return 0 if latency_us < 10 else int(math.log(latency_us / 10) / _LOG_STEP) + 1


def bucket_ms(b: int) -> float:
    return 0.01 if b == 0 else 10 * 1.02 ** (b - 0.5) / 1000


def percentiles(hist: dict[int, int], qs: tuple[float, ...]) -> list[float | None]:
    total = sum(hist.values())
    if not total:
        return [None for _ in qs]
    ordered = sorted(hist.items())
    out: list[float | None] = []
    for q in qs:
        rank, seen = q / 100 * total, 0
        for b, count in ordered:
            seen += count
            if seen >= rank:
                out.append(round(bucket_ms(b), 3))
                break
    return out


def merge_hist(into: dict[int, int], other: dict) -> None:
    for b, count in other.items():
        into[int(b)] = into.get(int(b), 0) + count


# --------------------------------------------------------------------------------------------
# seq runs: which trades of a symbol were seen, as [first, last] runs
# --------------------------------------------------------------------------------------------
def add_to_runs(runs: list[list[int]], seq: int) -> None:
    if runs and runs[-1][1] + 1 == seq:
        runs[-1][1] = seq
    elif not runs or seq > runs[-1][1]:
        runs.append([seq, seq])


def overlap(runs_a: list[list[int]], runs_b: list[list[int]]) -> int:
    """Trades in both (runs sorted, non-overlapping)."""
    i = j = total = 0
    while i < len(runs_a) and j < len(runs_b):
        lo, hi = max(runs_a[i][0], runs_b[j][0]), min(runs_a[i][1], runs_b[j][1])
        if lo <= hi:
            total += hi - lo + 1
        if runs_a[i][1] < runs_b[j][1]:
            i += 1
        else:
            j += 1
    return total


def tick_fields(payload: bytes) -> tuple[bytes, int] | None:
    """(symbol, seq) of a tick message as tickcore writes it; None for polled ticks (seq null)."""
    at = payload.find(b'"symbol":"')
    end = payload.rfind(b'"seq":')
    if at < 0 or end < 0 or payload[end + 6 : end + 7] == b"n":
        return None
    comma = payload.find(b",", end)
    stop = payload.index(b"}", end) if comma < 0 else comma
    return payload[at + 10 : at + 16], int(payload[end + 6 : stop])


# --------------------------------------------------------------------------------------------
# client processes: the send log joined as it is written, ticks checked and timed
# --------------------------------------------------------------------------------------------
class SendTimes:
    """kissim's send log, tailed: (symbol, seq) → send time (ns) of the last two minutes."""

    KEEP_S = 120.0

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.times: dict[tuple[bytes, int], int] = {}
        self.batches: deque[tuple[float, list[tuple[bytes, int]]]] = deque()
        self.names: dict[int, bytes] = {}

    def read(self) -> None:
        try:
            with open(self.path, "rb") as fh:
                fh.seek(self.offset)
                data = fh.read()
        except FileNotFoundError:
            return
        usable = len(data) - len(data) % RECORD.size
        self.offset += usable
        added: list[tuple[bytes, int]] = []
        times = self.times
        for code, first, last, _, _, sent_ns in RECORD.iter_unpack(data[:usable]):
            name = self.names.get(code)
            if name is None:
                name = self.names[code] = code_symbol(code).encode()
            for seq in range(first, last + 1):
                key = (name, seq)
                times[key] = sent_ns
                added.append(key)
        now = time.monotonic()
        self.batches.append((now, added))
        while self.batches and now - self.batches[0][0] > self.KEEP_S:
            for key in self.batches.popleft()[1]:
                times.pop(key, None)


@dataclass
class Recorder:
    """What one client process measured, per transport."""

    epoch: float  # the run's second 0 (epoch seconds)
    send_times: SendTimes
    hist: dict[str, dict[int, dict[int, int]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(dict)))
    max_ms: dict[str, dict[int, float]] = field(default_factory=lambda: defaultdict(dict))
    per_second: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    pending: list[tuple[str, bytes, int, int]] = field(default_factory=list)
    delivered: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unmatched: int = 0
    books: int = 0
    dropped: int = 0
    out_of_order: int = 0
    resent_on_connect: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    repeated: int = 0
    reconnects: int = 0
    closes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # symbol, first, last, across a reconnect, second of the run (capped: a saturated run has many)
    gaps: list[tuple[str, int, int, bool, int]] = field(default_factory=list)
    gaps_over_cap: int = 0
    out_of_order_at: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def tick(self, kind: str, symbol: bytes, seq: int, read_ns: int) -> None:
        self.delivered[kind] += 1
        self.per_second[kind][int(read_ns / 1e9 - self.epoch)] += 1
        self.pending.append((kind, symbol, seq, read_ns))

    def resolve(self, final: bool = False) -> None:
        self.send_times.read()
        times = self.send_times.times
        keep = []
        now_ns = time.time_ns()
        for item in self.pending:
            kind, symbol, seq, read_ns = item
            sent = times.get((symbol, seq))
            if sent is None:
                if final or now_ns - read_ns > 10e9:
                    self.unmatched += 1
                else:
                    keep.append(item)
                continue
            self.add(kind, max(0.0, (read_ns - sent) / 1000), read_ns)
        self.pending = keep

    def add(self, kind: str, latency_us: float, read_ns: int) -> None:
        window = int((read_ns / 1e9 - self.epoch) // WINDOW_S)
        hist = self.hist[kind][window]
        b = bucket(latency_us)
        hist[b] = hist.get(b, 0) + 1
        if latency_us / 1000 > self.max_ms[kind].get(window, 0.0):
            self.max_ms[kind][window] = latency_us / 1000

    def summary(self) -> dict:
        return {
            "hist": {k: {w: h for w, h in v.items()} for k, v in self.hist.items()},
            "max_ms": {k: dict(v) for k, v in self.max_ms.items()},
            "per_second": {k: dict(v) for k, v in self.per_second.items()},
            "delivered": dict(self.delivered),
            "unmatched": self.unmatched,
            "books": self.books,
            "dropped": self.dropped,
            "out_of_order": self.out_of_order,
            "resent_on_connect": dict(self.resent_on_connect),
            "repeated": self.repeated,
            "reconnects": self.reconnects,
            "closes": dict(self.closes),
            "gaps": self.gaps,
            "gaps_over_cap": self.gaps_over_cap,
            "out_of_order_at": dict(self.out_of_order_at),
        }


class SymbolOrder:
    """One client's check of one symbol's ticks: in order, none missing (or the gap recorded)."""

    __slots__ = ("last", "fresh", "first_at")

    def __init__(self) -> None:
        self.last = 0
        self.fresh = True  # the first tick after a (re)connect
        self.first_at = 0.0

    def see(self, rec: Recorder, kind: str, symbol: bytes, seq: int) -> bool:
        """False for a tick that is not new: resent on connect, repeated, or out of order."""
        if seq <= self.last:
            if self.fresh or time.monotonic() - self.first_at < RESENT_WINDOW_S:
                # SSE sends the latest tick first: live ticks up to it may still follow
                rec.resent_on_connect[kind] += 1
            elif seq == self.last:
                rec.repeated += 1
            else:
                rec.out_of_order += 1
                rec.out_of_order_at[int(time.time() - rec.epoch)] += 1
            return False
        if self.fresh:
            self.first_at = time.monotonic()
        if self.last and seq > self.last + 1:
            if len(rec.gaps) < GAPS_CAP:
                rec.gaps.append((symbol.decode(), self.last + 1, seq - 1, self.fresh, int(time.time() - rec.epoch)))
            else:
                rec.gaps_over_cap += seq - self.last - 1
        self.last = seq
        self.fresh = False
        return True


def _mask(payload: bytes, opcode: int = 0x1) -> bytes:
    key = os.urandom(4)
    n = len(payload)
    header = bytes((0x80 | opcode,)) + (bytes((0x80 | n,)) if n < 126 else bytes((0x80 | 126,)) + n.to_bytes(2, "big"))
    return header + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


class StreamClient(asyncio.Protocol):
    """One user's stream: a WebSocket or an SSE connection, reconnected when it ends."""

    kind = "ws"

    def __init__(self, rec: Recorder, host: str, port: int, token: str, symbols: list[str], books: list[str]) -> None:
        self.rec = rec
        self.host, self.port, self.token = host, port, token
        self.symbols, self.books = symbols, books
        self.order = {s.encode(): SymbolOrder() for s in symbols}
        self.buf = bytearray()
        self.open = False
        self.ready = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None
        self.stopping = False

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        delay = 0.2
        while not self.stopping:
            try:
                await loop.create_connection(lambda: self, self.host, self.port)
                return
            except OSError:
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.buf.clear()
        self.open = False
        for order in self.order.values():
            order.fresh = True
        transport.write(self.request())

    def connection_lost(self, exc) -> None:
        self.transport = None
        if not self.stopping:
            self.rec.reconnects += 1
            asyncio.get_running_loop().call_later(0.2 + random.random() * 0.3, self._reconnect)

    def _reconnect(self) -> None:
        asyncio.ensure_future(self.connect())

    def request(self) -> bytes:
        key = base64.b64encode(os.urandom(16)).decode()
        return (
            f"GET /ws/stocks/?token={self.token} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()

    def on_tick(self, payload: bytes, read_ns: int) -> None:
        found = tick_fields(payload)
        if found is None:
            return
        symbol, seq = found
        order = self.order.get(symbol)
        if order is not None and order.see(self.rec, self.kind, symbol, seq):
            self.rec.tick(self.kind, symbol, seq, read_ns)

    def on_control(self, payload: bytes) -> None:
        msg = json.loads(payload)
        kind = msg.get("type")
        if kind == "subscribed" and not self.ready.done():
            self.ready.set_result(True)
        elif kind == "dropped":
            self.rec.dropped += int(msg.get("count", 0))

    def data_received(self, data: bytes) -> None:
        read_ns = time.time_ns()
        buf = self.buf
        buf += data
        if not self.open:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            if b" 101 " not in buf[:end]:
                self.rec.closes[f"http {bytes(buf[9:12]).decode(errors='replace')}"] += 1
                self.transport.close()
                return
            del buf[: end + 4]
            self.open = True
            self.transport.write(_mask(json.dumps({"action": "subscribe", "symbols": self.symbols}).encode()))
            if self.books:
                subscribe = {"action": "subscribe", "symbols": self.books, "channel": "orderbook"}
                self.transport.write(_mask(json.dumps(subscribe).encode()))
        pos, n = 0, len(buf)
        while n - pos >= 2:
            length = buf[pos + 1] & 0x7F
            head = 2
            if length == 126:
                if n - pos < 4:
                    break
                length, head = int.from_bytes(buf[pos + 2 : pos + 4], "big"), 4
            elif length == 127:
                if n - pos < 10:
                    break
                length, head = int.from_bytes(buf[pos + 2 : pos + 10], "big"), 10
            if n - pos < head + length:
                break
            opcode = buf[pos] & 0x0F
            start = pos + head
            pos = start + length
            if opcode == 1:
                payload = bytes(buf[start:pos])
                if payload.startswith(b'{"type":"tick"'):
                    self.on_tick(payload, read_ns)
                elif payload.startswith(b'{"type":"orderbook"'):
                    self.rec.books += 1
                else:
                    self.on_control(payload)
            elif opcode == 9:
                self.transport.write(_mask(bytes(buf[start:pos]), 0xA))
            elif opcode == 8:
                code = int.from_bytes(buf[start : start + 2], "big") if length >= 2 else 1005
                self.rec.closes[str(code)] += 1
                self.transport.close()
        del buf[:pos]


class SseClient(StreamClient):
    kind = "sse"

    def request(self) -> bytes:
        self.chunked = False
        self.body = bytearray()
        return (
            f"GET /api/stream/stocks?symbols={','.join(self.symbols)}&token={self.token} HTTP/1.1\r\n"
            f"Host: {self.host}:{self.port}\r\nAccept: text/event-stream\r\n\r\n"
        ).encode()

    def data_received(self, data: bytes) -> None:
        read_ns = time.time_ns()
        buf = self.buf
        buf += data
        if not self.open:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buf[:end]).lower()
            if b" 200 " not in head.split(b"\r\n", 1)[0]:
                self.rec.closes[f"http {bytes(buf[9:12]).decode(errors='replace')}"] += 1
                self.transport.close()
                return
            self.chunked = b"transfer-encoding: chunked" in head
            del buf[: end + 4]
            self.open = True
        body = self.body
        if self.chunked:
            while True:
                line_end = buf.find(b"\r\n")
                if line_end < 0:
                    break
                size = int(bytes(buf[:line_end]).split(b";")[0] or b"0", 16)
                if len(buf) < line_end + 2 + size + 2:
                    break
                body += buf[line_end + 2 : line_end + 2 + size]
                del buf[: line_end + 2 + size + 2]
        else:
            body += buf
            buf.clear()
        while True:
            end = body.find(b"\n\n")
            if end < 0:
                break
            event = bytes(body[:end])
            del body[: end + 2]
            name, data_line = b"", b""
            for line in event.split(b"\n"):
                if line.startswith(b"event: "):
                    name = line[7:]
                elif line.startswith(b"data: "):
                    data_line = line[6:]
            if name == b"tick":
                self.on_tick(data_line, read_ns)
            elif name in (b"subscribed", b"dropped"):
                self.on_control(data_line)


async def clients_main(args) -> None:
    rec = Recorder(args.epoch, SendTimes(Path(args.send_log)))
    symbols = args.symbols_list.split(",")
    books = args.books.split(",") if args.books else []
    host, port = args.target.rsplit(":", 1)
    cls = SseClient if args.role == "sse" else StreamClient
    clients = []
    for i in range(args.count):
        index = args.first + i
        mine = [symbols[(index * 10 + k) % len(symbols)] for k in range(args.per_client)]
        mine_books = books if index < args.book_clients else []
        clients.append(cls(rec, host, int(port), args.token, mine, mine_books))
    sem = asyncio.Semaphore(50)  # Sanic listens with a backlog of 100

    async def open_one(client: StreamClient) -> None:
        async with sem:
            await client.connect()
            try:
                await asyncio.wait_for(asyncio.shield(client.ready), 30)
            except TimeoutError:
                pass

    async def resolve_forever() -> None:
        # from the first tick on: connecting 500 clients takes minutes at the default load, and the
        # ticks they receive meanwhile must not pile up unmatched (the default run held 12 GiB)
        while True:
            await asyncio.sleep(0.5)
            rec.resolve()

    resolver = asyncio.create_task(resolve_forever())
    await asyncio.gather(*(open_one(c) for c in clients))
    ready = sum(1 for c in clients if c.ready.done())
    print(json.dumps({"ready": ready, "count": len(clients)}), flush=True)

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    await reader.readline()
    resolver.cancel()
    for c in clients:
        c.stopping = True
        if c.transport is not None:
            c.transport.abort()
    await asyncio.sleep(1.2)  # the send log's last flush
    rec.resolve(final=True)
    print(json.dumps(rec.summary()), flush=True)


# --------------------------------------------------------------------------------------------
# REST users (the api_load.py mix) and the pub/sub tap
# --------------------------------------------------------------------------------------------
async def rest_main(args) -> None:
    import api_load

    companies = [int(x) for x in args.companies.split(",")]
    industries = [int(x) for x in args.industries.split(",")] or [1]
    host, port = args.target.rsplit(":", 1)
    hist: dict[int, dict[int, int]] = defaultdict(dict)
    per_second: dict[int, int] = defaultdict(int)
    errors: dict[int, int] = defaultdict(int)
    statuses: dict[str, int] = defaultdict(int)
    think_mean = args.users / args.rest_rate
    stopping = asyncio.Event()

    async def user(seed: int) -> None:
        mix = api_load.Mix(companies, industries, seed)
        rng = mix.rng
        await asyncio.sleep(rng.random() * think_mean)
        reader = writer = None
        while not stopping.is_set():
            _, path = mix.next()
            started = time.time()
            second = int(started - args.epoch)
            try:
                if writer is None:
                    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), 5)
                writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n\r\n".encode())
                status = await asyncio.wait_for(api_load._read_response(reader), 30)
            except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
                status = 0
                if writer is not None:
                    writer.close()
                reader = writer = None
            latency_ms = (time.time() - started) * 1000
            statuses[str(status)] += 1
            per_second[second] += 1
            if status == 0 or status >= 500:
                errors[second] += 1
            else:
                window = hist[second // WINDOW_S]
                b = bucket(latency_ms * 1000)
                window[b] = window.get(b, 0) + 1
            await asyncio.sleep(rng.expovariate(1.0 / think_mean))
        if writer is not None:
            writer.close()

    tasks = [asyncio.create_task(user(args.first + i)) for i in range(args.users)]
    print(json.dumps({"ready": args.users, "count": args.users}), flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    await reader.readline()
    stopping.set()
    await asyncio.wait(tasks, timeout=5)
    print(
        json.dumps({"hist": hist, "per_second": per_second, "errors": errors, "statuses": statuses}),
        flush=True,
    )


class Tap:
    """What ingest published: every tick on `stock:realtime:*`, by symbol and seq, timed."""

    def __init__(self, epoch: float, send_times: SendTimes) -> None:
        self.rec = Recorder(epoch, send_times)
        self.runs: dict[str, list[list[int]]] = defaultdict(list)
        self.repeated = 0
        self.books = 0
        self.outages = 0
        self._days: dict[bytes, float] = {}
        self.read_ns: int | None = None

    def dispatch(self, channel: bytes, payload: bytes) -> None:
        if not payload.startswith(b'{"type":"tick"'):
            self.books += 1
            return
        found = tick_fields(payload)
        if found is None:
            return
        symbol, seq = found
        runs = self.runs[symbol.decode()]
        if runs and seq <= runs[-1][1]:
            self.repeated += 1
            return
        add_to_runs(runs, seq)
        if self.read_ns is None:
            self.read_ns = time.time_ns()
        read_ns = self.read_ns
        self.rec.tick("published", symbol, seq, read_ns)
        received_ns = self.received_ns(payload)
        if received_ns is not None:  # the hops: kissim → ingest's recv(), then ingest → this read
            self.rec.pending.append(("to_ingest", symbol, seq, received_ns))
            self.rec.add("ingest_to_tap", max(0.0, (read_ns - received_ns) / 1000), read_ns)

    def received_ns(self, payload: bytes) -> int | None:
        """The tick's `receivedAt` (when ingest's recv() returned the frame; ms resolution), epoch ns."""
        at = payload.find(b'"receivedAt":"')
        if at < 0:
            return None
        stamp = payload[at + 14 : at + 38]  # 2026-11-30T16:48:11.123Z
        day = self._days.get(stamp[:10])
        if day is None:
            day = self._days[stamp[:10]] = datetime.fromisoformat(stamp[:10].decode() + "T00:00:00+00:00").timestamp()
        seconds = int(stamp[11:13]) * 3600 + int(stamp[14:16]) * 60 + int(stamp[17:19]) + int(stamp[20:23]) / 1000
        return int((day + seconds) * 1e9)

    def flush(self) -> None:
        """The end of one socket read: its messages were all read at the time of its first."""
        self.read_ns = None

    def set_available(self, available: bool) -> None:
        if not available:
            self.outages += 1


async def tap_main(args) -> None:
    from api.streaming.pubsub import run_pubsub

    tap = Tap(args.epoch, SendTimes(Path(args.send_log)))
    stopping = asyncio.Event()
    task = asyncio.create_task(run_pubsub(args.redis_url, tap, stopping))
    print(json.dumps({"ready": 1, "count": 1}), flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    stop = asyncio.ensure_future(reader.readline())
    while not stop.done():
        await asyncio.wait([stop], timeout=0.5)
        tap.rec.resolve()
    stopping.set()
    task.cancel()
    await asyncio.sleep(1.2)
    tap.rec.resolve(final=True)
    out = tap.rec.summary()
    out.update(runs=tap.runs, repeated=tap.repeated, books_published=tap.books, outages=tap.outages)
    print(json.dumps(out), flush=True)


# --------------------------------------------------------------------------------------------
# the driver
# --------------------------------------------------------------------------------------------
def _make_child_class():
    from devtools.runall import Child

    class LoggedChild(Child):
        """make run's supervised child, its output in a log file of the run."""

        log_path: Path | None = None

        def start(self, env: dict[str, str]) -> None:
            with open(self.log_path, "ab") as log:  # type: ignore[arg-type]  # set before start()
                self.process = subprocess.Popen(
                    self.argv, env=env, cwd=REPO, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True,
                )  # fmt: skip
            self.started_at = time.monotonic()

    return LoggedChild


def get_json(url: str, body: dict | None = None, timeout: float = 5.0) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as resp:
        return json.loads(resp.read())


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(0.2)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")


class Role:
    """A client, REST or tap process of this script, spoken to over stdin/stdout."""

    def __init__(self, name: str, argv: list[str], log: Path) -> None:
        self.name = name
        self._log = open(log, "wb")
        self.process = subprocess.Popen(
            [sys.executable, __file__, *argv],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )

    def ready(self, timeout: float) -> dict:
        return self._line(timeout)

    def _line(self, timeout: float) -> dict:
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not result or not result[0]:
            raise RuntimeError(f"{self.name} gave no answer (see its log)")
        return json.loads(result[0])

    def finish(self, timeout: float = 120.0) -> dict:
        try:
            self.process.stdin.write("stop\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            pass
        try:
            return self._line(timeout)
        finally:
            self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._log.close()


def process_tree(pid: int | None) -> list:
    import psutil

    if pid is None:
        return []
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


class Sampler:
    """RSS and CPU per component, Redis memory and database size, every WINDOW_S seconds."""

    def __init__(self, epoch: float, components, redis_url_fn, database_url: str) -> None:
        self.epoch = epoch
        self.components = components  # name → () → list of pids
        self.redis_url_fn = redis_url_fn
        self.database_url = database_url
        self.samples: list[dict] = []
        self._cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.thread.join(30)

    def _run(self) -> None:
        import asyncpg
        import psutil
        import redis

        async def db_size() -> int | None:
            try:
                conn = await asyncpg.connect(self.database_url, timeout=3)
            except Exception:  # noqa: BLE001 - PostgreSQL paused or restarting
                return None
            try:
                return await asyncio.wait_for(conn.fetchval("SELECT pg_database_size(current_database())"), 3)
            except Exception:  # noqa: BLE001 - PostgreSQL paused or restarting
                return None
            finally:
                conn.terminate()

        last = time.monotonic()
        while not self._stop.wait(max(0.0, WINDOW_S - (time.monotonic() - last))):
            now, elapsed, last = time.time(), time.monotonic() - last, time.monotonic()
            sample: dict = {"t": round(now - self.epoch, 1), "rss_mib": {}, "cpu": {}, "pids": {}}
            for name, pids in self.components.items():
                rss = cpu = 0.0
                procs = pids()
                sample["pids"][name] = sorted(proc.pid for proc in procs)
                for proc in procs:
                    try:
                        mem = proc.memory_info().rss
                        times = proc.cpu_times()
                    except psutil.Error:
                        continue
                    rss += mem
                    total = times.user + times.system
                    cpu += total - self._cpu.get(proc.pid, total)
                    self._cpu[proc.pid] = total
                sample["rss_mib"][name] = round(rss / 2**20, 1)
                sample["cpu"][name] = round(cpu / elapsed, 3)
            try:
                client = redis.Redis.from_url(self.redis_url_fn(), socket_timeout=2)
                sample["redis_used_mib"] = round(client.info("memory")["used_memory"] / 2**20, 1)
                client.close()
            except Exception:  # noqa: BLE001 - Redis restarting
                sample["redis_used_mib"] = None
            sample["db_bytes"] = asyncio.run(db_size())
            sample["load1"] = os.getloadavg()[0]
            self.samples.append(sample)


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import psutil

    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "load_before": os.getloadavg(),
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def ingest_status(redis_url: str) -> dict:
    import redis

    from core.contract import keys

    client = redis.Redis.from_url(redis_url, socket_timeout=2)
    try:
        raw = {k.decode(): v.decode() for k, v in client.hgetall(keys.INGEST_STATUS).items()}
    finally:
        client.close()
    raw["detail"] = json.loads(raw.get("detail", "{}"))
    return raw


def prepare_database(services, light: bool) -> str:
    """The run's database: migrated, with the bundled KRX snapshot (light: companies and indices only)."""
    from db import migrate, snapshot
    from tests.support import harness

    harness.build_template(services, "soak_template", with_snapshot=not light)
    url = harness.clone_database(services, "soak_template", "soak")
    if not light:
        return url

    async def load() -> None:
        import asyncpg
        from tqdm import tqdm

        conn = await asyncpg.connect(url)
        try:
            async with conn.transaction():
                await snapshot.load_industries_and_companies(conn, snapshot.SNAPSHOT_DIR)
                with tqdm(disable=True) as bar:
                    await snapshot.load_indices(conn, snapshot.SNAPSHOT_DIR, bar)
        finally:
            await conn.close()

    asyncio.run(load())
    del migrate
    return url


def pick_ids(database_url: str, symbols: int) -> tuple[list[str], list[int], list[int]]:
    import asyncpg

    async def fetch():
        conn = await asyncpg.connect(database_url)
        try:
            chosen = await conn.fetch("SELECT symbol FROM companies ORDER BY id LIMIT $1", symbols)
            companies = await conn.fetch("SELECT id FROM companies ORDER BY id LIMIT 1000")
            industries = await conn.fetch("SELECT id FROM industries ORDER BY id LIMIT 40")
            return [r[0] for r in chosen], [r[0] for r in companies], [r[0] for r in industries]
        finally:
            await conn.close()

    return asyncio.run(fetch())


@dataclass
class Fault:
    kind: str
    at: float  # seconds since the run's epoch
    ended: float = 0.0
    note: str = ""


class Platform:
    """The supervised processes and servers of one run."""

    def __init__(self, args, root: Path, out: Path) -> None:
        from tests.support import harness

        self.args, self.root, self.out = args, root, out
        self.services = harness.start_services(root)
        print("preparing the database…", flush=True)
        try:
            self.database_url = prepare_database(self.services, args.light)
        except BaseException:
            self.close()
            raise
        self.symbols, self.companies, self.industries = pick_ids(self.database_url, args.symbols)
        self.books = self.symbols[: args.book_symbols]
        self.kissim_port = harness.free_port()
        self.api_port = harness.free_port()
        self.send_log = root / "kissim-send.log"
        keys_needed = max(1, math.ceil(len(self.symbols) / SYMBOLS_PER_KEY))
        app_keys = ",".join(f"soak{i:02d}:{'s' * 32}{i:02d}" for i in range(keys_needed))
        self.env = harness.platform_env(
            self.database_url,
            self.services.redis_url,
            DATA_DIR=str(root / "data"),
            API_PORT=str(self.api_port),
            API_WORKERS="2",
            RATE_LIMIT_ENABLED="false",
            AUTH_RATE_LIMIT_PER_MINUTE="1000000",
            STREAM_MAX_CONNECTIONS_PER_USER="1000000",
            INGEST_SOURCE="kissim",
            KISSIM_MODE="demo",
            KIS_REST_URL=f"http://127.0.0.1:{self.kissim_port}",
            KIS_WS_URL=f"ws://127.0.0.1:{self.kissim_port}",
            KIS_APP_KEYS=app_keys,
            KIS_SUBSCRIBE_PAUSE_MS="0",
            SUBSCRIBE_SYMBOLS=",".join(self.symbols),
            INGEST_STATUS_INTERVAL_SECONDS="1",
            # every client keeps the one token it was given for the whole run (a browser would refresh
            # it): long enough for the connecting, the warm-up and the measured time
            JWT_ACCESS_TTL_SECONDS=str(min(24 * 3600, int(args.warmup + args.duration) + 3600)),
        )
        python = sys.executable
        child = _make_child_class()
        kissim_argv = [
            python, "-m", "devtools.kissim", "--port", str(self.kissim_port), "--mode", "demo",
            "--trade-rate", str(args.rate / len(self.symbols)), "--flat-rate", "--no-warm-up", "--state-file", "",
            "--send-log", str(self.send_log),
        ]  # fmt: skip
        self.children = [
            child("kissim", kissim_argv),
            child("ingest", [python, "-m", "ingest"]),
            child("api", [python, "-m", "api"]),
        ]
        for c in self.children:
            c.log_path = out / f"{c.name}.log"
        from devtools.runall import ServerWatch

        self.watches = [ServerWatch(self.services.pg), ServerWatch(self.services.redis)]
        self._stop = [False]
        self._supervisor: threading.Thread | None = None

    def child(self, name: str):
        return next(c for c in self.children if c.name == name)

    def start(self) -> None:
        from devtools.runall import supervise

        self.child("kissim").start(self.env)  # first: ingest would back off while it loads its history
        wait_for(lambda: get_json(f"http://127.0.0.1:{self.kissim_port}/_kissim/stats"), 60, "kissim")
        for c in self.children[1:]:
            c.start(self.env)
        self._supervisor = threading.Thread(
            target=supervise, args=(self.children, self.env, self._stop, self.watches), daemon=True
        )
        self._supervisor.start()
        wait_for(self._api_up, 90, "the api")
        wait_for(self._ingest_streaming, 90, "ingest to stream every symbol")

    def _api_up(self) -> bool:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.api_port}/api/health", timeout=3) as resp:
            return resp.status == 200

    def _ingest_streaming(self) -> bool:
        detail = ingest_status(self.services.redis_url)["detail"]
        return sum(k.get("registered", 0) for k in detail.get("keys", [])) >= len(self.symbols)

    def token(self) -> str:
        from api.http import auth
        from core import settings

        return str(auth.issue_tokens(settings.load(self.env), 1)["accessToken"])

    def components(self) -> dict:
        def of(name: str):
            return lambda: process_tree(self.child(name).process.pid if self.child(name).process else None)

        return {
            "kissim": of("kissim"),
            "ingest": of("ingest"),
            "api": of("api"),
            "postgres": lambda: process_tree(self.services.pg.process.pid if self.services.pg.process else None),
            "redis": lambda: process_tree(self.services.redis.process.pid if self.services.redis.process else None),
        }

    # -- faults ------------------------------------------------------------------------------
    def inject(self, fault: Fault, epoch: float) -> None:
        kind = fault.kind
        if kind == "ingest":
            os.kill(self.child("ingest").process.pid, signal.SIGKILL)
        elif kind == "redis":
            self.services.redis.process.send_signal(signal.SIGTERM)  # the supervisor starts it again
        elif kind == "postgres":
            procs = process_tree(self.services.pg.process.pid)
            for proc in procs:
                proc.send_signal(signal.SIGSTOP)

            def resume() -> None:
                for proc in reversed(procs):
                    try:
                        proc.send_signal(signal.SIGCONT)
                    except Exception:  # noqa: BLE001 - ended meanwhile
                        pass
                fault.ended = time.time() - epoch

            threading.Timer(POSTGRES_PAUSE_S, resume).start()
            fault.note = f"{len(procs)} processes stopped for {POSTGRES_PAUSE_S:.0f} s"
            return
        elif kind == "kis":
            get_json(f"http://127.0.0.1:{self.kissim_port}/_kissim/fault", {"kind": "drop"}, timeout=30)
        elif kind == "api-worker":
            workers = self.api_workers()
            os.kill(workers[0].pid, signal.SIGKILL)
            fault.note = f"pid {workers[0].pid} of {len(workers)}"
        fault.ended = time.time() - epoch

    def api_workers(self) -> list:
        """Sanic's worker processes: the children serving the api port (not its state manager)."""
        import psutil

        workers = []
        for proc in process_tree(self.child("api").process.pid)[1:]:
            try:
                if any(c.laddr and c.laddr.port == self.api_port for c in proc.net_connections("tcp")):
                    workers.append(proc)
            except psutil.Error:
                continue
        return workers

    # -- the end -----------------------------------------------------------------------------
    def quiesce(self) -> None:
        """kissim stops sending; wait until ingest has written everything it holds."""
        get_json(f"http://127.0.0.1:{self.kissim_port}/_kissim/fault", {"kind": "silent", "seconds": 3600})

    def drain(self, timeout: float = 120.0) -> None:
        def drained() -> bool:
            detail = ingest_status(self.services.redis_url)["detail"]
            return detail.get("bufferRows", 1) == 0

        try:
            wait_for(drained, timeout, "ingest's buffer to drain")
        except RuntimeError as exc:
            print(f"warning: {exc}", flush=True)

    def kissim_stats(self) -> dict:
        return get_json(f"http://127.0.0.1:{self.kissim_port}/_kissim/stats", timeout=30)

    def stop(self) -> None:
        from devtools.runall import stop_children

        self._stop[0] = True
        if self._supervisor is not None:
            self._supervisor.join(5)
        stop_children(self.children)

    def close(self) -> None:
        self.services.redis.stop()
        self.services.pg.stop()


async def stored_ticks(database_url: str):
    """(symbol, acc_volume) of every stored kissim tick, sorted."""
    import io

    import asyncpg
    import pandas as pd

    from core import series

    table = series.tick_table(simulated=True)  # kissim's trades are kept apart from real ones
    conn = await asyncpg.connect(database_url)
    try:
        buf = io.BytesIO()
        await conn.copy_from_query(
            f"SELECT symbol, acc_volume FROM {table} WHERE source = 'kissim' ORDER BY symbol, acc_volume",
            output=buf,
            format="csv",
        )
    finally:
        await conn.close()
    buf.seek(0)
    frame = pd.read_csv(buf, header=None, names=["symbol", "acc"], dtype={"symbol": str, "acc": "int64"})
    return {symbol: group["acc"].to_numpy() for symbol, group in frame.groupby("symbol", sort=False)}


def account(send_log: Path, stored: dict, epoch: float) -> dict:
    """Sent vs stored, exactly once: per frame of the send log, the stored rows in its volume range."""
    import numpy as np

    dtype = np.dtype([("sym", "<i8"), ("sf", "<i8"), ("sl", "<i8"), ("af", "<i8"), ("al", "<i8"), ("t", "<i8")])
    frames = np.fromfile(send_log, dtype=dtype) if send_log.exists() else np.zeros(0, dtype)
    sent_runs: dict[str, list[list[int]]] = {}
    lost_at: list[tuple[float, int]] = []
    lost_frames: list[tuple[float, str, int, int, int]] = []  # (t, symbol, first seq, last seq, trades lost)
    sent = stored_in_frames = duplicates = 0
    per_second_sent: dict[int, int] = defaultdict(int)
    for code in np.unique(frames["sym"]):
        symbol = code_symbol(int(code))
        mine = np.sort(frames[frames["sym"] == code], order="af")
        acc = stored.get(symbol, np.zeros(0, np.int64))
        duplicates += int(np.count_nonzero(np.diff(acc) == 0))
        acc_unique = np.unique(acc)
        expected = mine["sl"] - mine["sf"] + 1
        found = np.searchsorted(acc_unique, mine["al"], "right") - np.searchsorted(acc_unique, mine["af"], "left")
        sent += int(expected.sum())
        stored_in_frames += int(found.sum())
        missing = expected - found
        for frame, n in zip(mine[missing > 0], missing[missing > 0], strict=True):
            lost_at.append((frame["t"] / 1e9 - epoch, int(n)))
            lost_frames.append((frame["t"] / 1e9 - epoch, symbol, int(frame["sf"]), int(frame["sl"]), int(n)))
        for t, n in zip(mine["t"], expected, strict=True):
            per_second_sent[int(t / 1e9 - epoch)] += int(n)
        runs: list[list[int]] = []
        for first, last in zip(mine["sf"], mine["sl"], strict=True):
            if runs and runs[-1][1] + 1 == first:
                runs[-1][1] = int(last)
            else:
                runs.append([int(first), int(last)])
        sent_runs[symbol] = runs
    stored_total = sum(len(a) for a in stored.values())
    return {
        "sent": sent,
        "frames": int(len(frames)),
        "stored": stored_total,
        "stored_of_sent": stored_in_frames,
        "lost": sent - stored_in_frames,
        "duplicates": duplicates,
        "stored_not_sent": stored_total - duplicates - stored_in_frames,
        "lost_at": lost_at,
        "lost_frames": lost_frames,
        "sent_runs": sent_runs,
        "per_second_sent": per_second_sent,
    }


def spawn_roles(args, plat: Platform, epoch: float, token: str) -> list[Role]:
    target = f"127.0.0.1:{plat.api_port}"
    common = ["--epoch", str(epoch), "--send-log", str(plat.send_log)]
    symbols = ",".join(plat.symbols)
    roles = [Role("tap", ["--role", "tap", "--redis-url", plat.services.redis_url, *common], plat.out / "tap.log")]
    for kind, total, per_process in (("ws", args.ws_clients, args.ws_per_process), ("sse", args.sse_clients, 100)):
        for first in range(0, total, per_process):
            argv = [
                "--role", kind, "--target", target, "--token", token, "--symbols-list", symbols,
                "--first", str(first), "--count", str(min(per_process, total - first)),
                "--per-client", str(args.per_client), *common,
            ]  # fmt: skip
            if kind == "ws" and plat.books:
                argv += ["--books", ",".join(plat.books), "--book-clients", str(args.book_clients)]
            roles.append(Role(f"{kind}-{first}", argv, plat.out / f"{kind}-{first}.log"))
    per_rest = 500
    for first in range(0, args.rest_users, per_rest):
        users = min(per_rest, args.rest_users - first)
        argv = [
            "--role", "rest", "--target", target, "--first", str(first), "--users", str(users),
            "--rest-rate", str(args.rest_rate * users / args.rest_users),
            "--companies", ",".join(map(str, plat.companies)), "--industries", ",".join(map(str, plat.industries)),
            *common,
        ]  # fmt: skip
        roles.append(Role(f"rest-{first}", argv, plat.out / f"rest-{first}.log"))
    return roles


def run(args) -> dict:
    import psutil

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="krx-soak-"))
    root.chmod(0o755)
    info = {
        "machine": machine(),
        "command": " ".join(sys.argv[1:]),
        "args": {k: v for k, v in vars(args).items() if k != "role"},
    }
    print(f"machine: {info['machine']}", flush=True)
    plat: Platform | None = None
    roles: list[Role] = []
    try:
        plat = Platform(args, root, out)
        info["storage"] = plat.services.storage  # the harness's: TimescaleDB, or KRX_TEST_STORAGE=postgres
        plat.start()
        epoch = time.time()
        roles = spawn_roles(args, plat, epoch, plat.token())
        for role in roles:
            answer = role.ready(600)  # 2,000 clients connecting while ticks flow: minutes on 2 cores
            print(f"{role.name}: {answer['ready']}/{answer['count']} connected", flush=True)
        components = plat.components()
        client_pids = [r.process.pid for r in roles]
        components["clients"] = lambda: [p for pid in client_pids for p in process_tree(pid)]
        sampler = Sampler(epoch, components, lambda: plat.services.redis_url, plat.database_url)
        sampler.start()
        measured_from = time.time() - epoch + args.warmup
        end = measured_from + args.duration
        kinds = [k for k in args.faults.split(",") if k and k != "none"]
        faults = [Fault(k, measured_from + args.duration * (i + 1) / (len(kinds) + 1)) for i, k in enumerate(kinds)]
        print(
            f"warm-up {args.warmup:.0f} s, then {args.duration:.0f} s measured; faults: {kinds or 'none'}", flush=True
        )
        for fault in faults:
            time.sleep(max(0.0, fault.at - (time.time() - epoch)))
            fault.at = time.time() - epoch
            try:
                plat.inject(fault, epoch)
            except Exception as exc:  # noqa: BLE001 - a fault that could not be injected is reported, not fatal
                fault.note = f"not injected: {type(exc).__name__}: {exc}"
            print(f"  {fault.at:6.1f} s  fault: {fault.kind} {fault.note}", flush=True)
        while time.time() - epoch < end:
            time.sleep(min(10.0, end - (time.time() - epoch)))
            print(f"  {time.time() - epoch:6.1f} s", flush=True)
        plat.quiesce()
        time.sleep(3.0)
        results = {role.name: role.finish() for role in roles}
        sampler.stop()
        plat.drain()
        kissim = plat.kissim_stats()
        plat.stop()
        stored = asyncio.run(stored_ticks(plat.database_url))
        accounting = account(plat.send_log, stored, epoch)
        cpu_kissim = kissim.get("cpuSeconds") or 0.0
        send_log = kissim.get("sendLog") or {}
        info["kissim"] = {
            "stats": kissim["stats"],
            "send_log": send_log,
            "send_log_share_of_kissim_cpu": (send_log.get("costNs", 0) / 1e9 / cpu_kissim) if cpu_kissim else None,
        }
        del psutil
        return report(info, args, results, sampler.samples, accounting, faults, measured_from, end, out)
    finally:
        for role in roles:
            role.stop()
        if plat is not None:
            plat.stop()
            plat.close()
        shutil.rmtree(root, ignore_errors=True)


def rss_growth(samples: list[dict], name: str) -> dict | None:
    """RSS growth of a component over its longest stretch of samples with the same processes (a fault
    restarts some: a new process is not growth), means of up to 3 samples at each end."""
    best: list[dict] = []
    run: list[dict] = []
    for sample in samples:
        if run and sample["pids"][name] != run[-1]["pids"][name]:
            run = []
        run.append(sample)
        if len(run) > len(best):
            best = list(run)
    if len(best) < 2:
        return None
    k = max(1, min(3, len(best) // 3))
    a = sum(x["rss_mib"][name] for x in best[:k]) / k
    b = sum(x["rss_mib"][name] for x in best[-k:]) / k
    # caches that fill for minutes are not a leak: a leak grows in the second half as in the first
    half = best[len(best) // 2 :]
    h = sum(x["rss_mib"][name] for x in half[:k]) / k
    return {
        "first_mib": round(a, 1),
        "last_mib": round(b, 1),
        "growth_pct": round((b - a) / a * 100, 1) if a else None,
        "second_half_growth_pct": round((b - h) / h * 100, 1) if h else None,
        "over_s": round(best[-1]["t"] - best[0]["t"], 1),
        "processes_changed": len({tuple(x["pids"][name]) for x in samples}) > 1,
    }


def flowing_again(delivered_s: dict[int, int], at: float, until: float) -> tuple[float | None, list[int]]:
    """Seconds from a fault until ticks reach the clients at RECOVERED_SHARE of the rate of the 10 s
    before it (0 when they never fell below; None when not before `until`: the next fault or the end
    of the run, whose dips are not this fault's), and the seconds below that share — how long ticks
    were actually slowed: a slow second at a resume counts, a 20 s fault while ticks flow does not."""
    start = int(at)
    before = [delivered_s.get(s, 0) for s in range(start - 10, start)]
    floor = RECOVERED_SHARE * sum(before) / max(1, len(before))
    slow = [s for s in range(start, int(until)) if delivered_s.get(s, 0) < floor]
    if not slow:
        return 0.0, []
    after = [s for s in range(slow[0], int(until)) if delivered_s.get(s, 0) >= floor]
    return (round(after[0] - at, 1) if after else None), slow


def _sum_series(parts: list[dict]) -> dict[int, int]:
    total: dict[int, int] = defaultdict(int)
    for part in parts:
        for second, count in part.items():
            total[int(second)] += count
    return total


def report(info, args, results, samples, acc, faults, measured_from, end, out: Path) -> dict:
    clients = {k: v for k, v in results.items() if k.startswith(("ws", "sse"))}
    rests = [v for k, v in results.items() if k.startswith("rest")]
    tap = results["tap"]
    first_window, last_window = int(measured_from // WINDOW_S), int(end // WINDOW_S) - 1

    def latency(kind: str, sources: list[dict]) -> dict:
        windows: dict[int, dict[int, int]] = defaultdict(dict)
        maxima: dict[int, float] = defaultdict(float)
        for src in sources:
            for w, hist in src["hist"].get(kind, {}).items():
                merge_hist(windows[int(w)], hist)
            for w, value in src["max_ms"].get(kind, {}).items():
                maxima[int(w)] = max(maxima[int(w)], value)
        overall: dict[int, int] = {}
        rows = []
        for w in range(first_window, last_window + 1):
            hist = windows.get(w, {})
            merge_hist(overall, hist)
            p50, p99, p999 = percentiles(hist, (50, 99, 99.9))
            rows.append(
                {
                    "t": w * WINDOW_S,
                    "n": sum(hist.values()),
                    "p50": p50,
                    "p99": p99,
                    "p99.9": p999,
                    "max": round(maxima.get(w, 0.0), 1),
                }
            )
        p50, p99, p999 = percentiles(overall, (50, 99, 99.9))
        top = max((maxima.get(w, 0.0) for w in range(first_window, last_window + 1)), default=0.0)
        return {
            "overall": {"n": sum(overall.values()), "p50": p50, "p99": p99, "p99.9": p999, "max": round(top, 1)},
            "windows": rows,
        }

    ws = latency("ws", list(clients.values()))
    sse = latency("sse", list(clients.values()))
    published_latency = latency("published", [tap])
    to_ingest = latency("to_ingest", [tap])
    ingest_to_tap = latency("ingest_to_tap", [tap])

    rest_windows: dict[int, dict[int, int]] = defaultdict(dict)
    for r in rests:
        for w, hist in r["hist"].items():
            merge_hist(rest_windows[int(w)], hist)
    rest_errors = _sum_series([r["errors"] for r in rests])
    rest_requests = _sum_series([r["per_second"] for r in rests])
    rest_rows, rest_all = [], {}
    for w in range(first_window, last_window + 1):
        hist = rest_windows.get(w, {})
        merge_hist(rest_all, hist)
        p50, p95, p99 = percentiles(hist, (50, 95, 99))
        seconds = range(w * WINDOW_S, (w + 1) * WINDOW_S)
        rest_rows.append(
            {
                "t": w * WINDOW_S,
                "req_s": sum(rest_requests.get(s, 0) for s in seconds) / WINDOW_S,
                "p50": p50,
                "p95": p95,
                "p99": p99,
                "errors": sum(rest_errors.get(s, 0) for s in seconds),
            }
        )
    measured = range(int(measured_from), int(end))
    p50, p95, p99 = percentiles(rest_all, (50, 95, 99))
    statuses: dict[str, int] = defaultdict(int)
    for r in rests:
        for status, n in r["statuses"].items():
            statuses[status] += n
    rest = {
        "overall": {
            "req_s": sum(rest_requests.get(s, 0) for s in measured) / max(1, len(measured)),
            "p50": p50,
            "p95": p95,
            "p99": p99,
            "errors": sum(rest_errors.get(s, 0) for s in measured),
            "requests": sum(rest_requests.get(s, 0) for s in measured),
            "statuses": dict(statuses),
        },
        "windows": rest_rows,
    }

    # counts: sent / stored / published / delivered
    sent_runs = acc.pop("sent_runs")
    # a lost trade the tap saw published had been accepted by ingest (read, journaled, published): the
    # others were still on their way (kissim's or ingest's socket buffer) when ingest was killed
    lost_published_at = [
        (t, min(n, overlap([[first, last]], tap["runs"].get(symbol, []))))
        for t, symbol, first, last, n in acc.pop("lost_frames")
    ]
    published_of_sent = sum(overlap(sent_runs.get(s, []), runs) for s, runs in tap["runs"].items())
    # what kissim sent from the tap's first to its last tick of each symbol: all of it should be published
    sent_while_tapped = sum(
        overlap(sent_runs.get(s, []), [[runs[0][0], runs[-1][1]]]) for s, runs in tap["runs"].items() if runs
    )
    missing = {"dropped_by_server": 0, "across_reconnect": 0, "within_connection": 0, "not_listed": 0}
    within_at: dict[int, int] = defaultdict(int)
    for src in clients.values():
        missing["dropped_by_server"] += src["dropped"]
        missing["not_listed"] += src["gaps_over_cap"]
        for symbol, first, last, across, second in src["gaps"]:
            lost = overlap([[first, last]], tap["runs"].get(symbol, []))
            missing["across_reconnect" if across else "within_connection"] += lost
            if not across:
                within_at[second] += lost
    out_of_order_at = _sum_series([src["out_of_order_at"] for src in clients.values()])
    delivered = {k: sum(src["delivered"].get(k, 0) for src in clients.values()) for k in ("ws", "sse")}
    counts = {
        "sent": acc["sent"],
        "stored": acc["stored"],
        "stored_of_sent": acc["stored_of_sent"],
        "lost_from_storage": acc["lost"],
        "lost_from_storage_after_publish": sum(n for _, n in lost_published_at),
        "duplicates_stored": acc["duplicates"],
        "stored_not_in_send_log": acc["stored_not_sent"],
        "published": tap["delivered"].get("published", 0),
        "published_of_sent": published_of_sent,
        "sent_while_tapped": sent_while_tapped,
        "not_published": sent_while_tapped - published_of_sent,
        "published_repeats": tap["repeated"],
        "books_published": tap["books_published"],
        "delivered_ws": delivered["ws"],
        "delivered_sse": delivered["sse"],
        "books_delivered": sum(src["books"] for src in clients.values()),
        "client_missing": missing,
        "client_out_of_order": sum(src["out_of_order"] for src in clients.values()),
        "client_resent_on_connect": {
            k: sum(src["resent_on_connect"].get(k, 0) for src in clients.values()) for k in ("ws", "sse")
        },
        "client_repeated": sum(src["repeated"] for src in clients.values()),
        "client_reconnects": sum(src["reconnects"] for src in clients.values()),
        "unmatched_latency": sum(src["unmatched"] for src in clients.values()),
    }
    closes: dict[str, int] = defaultdict(int)
    for src in clients.values():
        for code, n in src["closes"].items():
            closes[code] += n
    counts["client_closes"] = dict(closes)

    # faults: time until ticks reach the clients at the rate before, REST errors, stored trades lost
    delivered_s = _sum_series([src["per_second"].get(k, {}) for src in clients.values() for k in ("ws", "sse")])
    fault_rows = []
    for i, fault in enumerate(faults):
        start = int(fault.at)
        until = faults[i + 1].at if i + 1 < len(faults) else end + 60
        recovered, slow = flowing_again(delivered_s, fault.at, min(until, end))
        window_end = fault.at + max(recovered or 30.0, fault.ended - fault.at) + 5
        fault_rows.append(
            {
                "kind": fault.kind,
                "at": round(fault.at, 1),
                "note": fault.note,
                "ticks_flowing_again_s": None if recovered is None else round(recovered, 1),
                "lasted_s": round(max(0.0, fault.ended - fault.at), 1),
                "slow_seconds": len(slow),
                "slow_from_to_s": [slow[0] - start, slow[-1] - start] if slow else None,
                "rest_errors": sum(rest_errors.get(s, 0) for s in range(start, int(window_end) + 1)),
                "rest_requests": sum(rest_requests.get(s, 0) for s in range(start, int(window_end) + 1)),
                "stored_lost": sum(n for t, n in acc["lost_at"] if fault.at - 1 <= t < until),
                "stored_lost_after_publish": sum(n for t, n in lost_published_at if fault.at - 1 <= t < until),
                # sent by kissim after the fault began: into a connection whose reader was gone
                "stored_lost_sent_after": sum(n for t, n in acc["lost_at"] if fault.at <= t < until),
                "client_missing_within_connection": sum(n for t, n in within_at.items() if fault.at - 1 <= t < until),
                "client_out_of_order": sum(n for t, n in out_of_order_at.items() if fault.at - 1 <= t < until),
            }
        )
    first_fault = faults[0].at - 1 if faults else end + 60
    lost_outside = sum(n for t, n in acc["lost_at"] if not (first_fault <= t))
    lost_outside += sum(r["stored_lost"] for r in fault_rows if r["kind"] != "ingest")
    per_second_sent = acc.pop("per_second_sent")

    # leaks and cost
    warm = [s for s in samples if s["t"] >= measured_from]
    growth = {name: rss_growth(warm, name) for name in (warm[0]["rss_mib"] if warm else {})}
    cpu = {}
    for name in samples[0]["cpu"] if samples else []:
        values = [s["cpu"][name] for s in warm]
        cpu[name] = round(sum(values) / len(values), 3) if values else None
    sizes = [s for s in warm if s.get("db_bytes")]
    db = None
    if len(sizes) >= 2:
        grown = sizes[-1]["db_bytes"] - sizes[0]["db_bytes"]
        ticks = sum(n for second, n in per_second_sent.items() if sizes[0]["t"] <= second < sizes[-1]["t"])
        db = {
            "grew_mib": round(grown / 2**20, 1),
            "from_t": sizes[0]["t"],
            "to_t": sizes[-1]["t"],
            "ticks_sent_meanwhile": ticks,
            "mib_per_million_ticks": round(grown / 2**20 / (ticks / 1e6), 1) if ticks else None,
        }
    redis_mem = [s["redis_used_mib"] for s in warm if s.get("redis_used_mib") is not None]

    result = {
        **info,
        "measured": {"from_s": round(measured_from, 1), "to_s": round(end, 1)},
        "latency_ms": {
            "ws": ws,
            "sse": sse,
            "kissim_to_publish": published_latency,
            "kissim_to_ingest_recv": to_ingest,
            "ingest_recv_to_publish": ingest_to_tap,
        },
        "rest_ms": rest,
        "counts": counts,
        "faults": fault_rows,
        "delivered_per_second": {str(k): v for k, v in sorted(delivered_s.items())},
        "stored_lost_outside_ingest_kill": lost_outside,
        "rss": growth,
        "cpu_cores": cpu,
        "redis_used_mib": {"min": min(redis_mem, default=None), "max": max(redis_mem, default=None)},
        "database": db,
        "samples": samples,
    }
    (out / "soak.json").write_text(json.dumps(result, indent=1))
    plot(result, out / "soak.png")
    print_summary(result)
    return result


def plot(result: dict, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("no plot: matplotlib is not installed (pip install -e '.[bench]')", flush=True)
        return
    fig, (ax1, ax2, ax3) = plt.subplots(3, 1, figsize=(11, 10), sharex=True)
    for kind, style in (("ws", "-"), ("sse", "--")):
        rows = result["latency_ms"][kind]["windows"]
        t = [r["t"] for r in rows]
        for key, colour in (("p50", "tab:green"), ("p99", "tab:orange"), ("max", "tab:red")):
            ax1.plot(t, [r[key] for r in rows], style, color=colour, label=f"{kind.upper()} {key}")
    ax1.set_yscale("log")
    ax1.set_ylabel("tick latency, ms (kissim send → client read)")
    ax1.legend(ncol=3, fontsize=8)
    rows = result["rest_ms"]["windows"]
    t = [r["t"] for r in rows]
    ax2.plot(t, [r["p95"] for r in rows], color="tab:blue", label="REST p95")
    ax2.plot(t, [r["p99"] for r in rows], color="tab:purple", label="REST p99")
    ax2.set_yscale("log")
    ax2.set_ylabel("REST latency, ms")
    ax2b = ax2.twinx()
    ax2b.bar(t, [r["errors"] for r in rows], width=8, alpha=0.3, color="tab:red", label="REST errors / 10 s")
    ax2b.set_ylabel("errors per 10 s")
    ax2.legend(loc="upper left", fontsize=8)
    samples = result["samples"]
    for name in samples[0]["rss_mib"] if samples else []:
        ax3.plot([s["t"] for s in samples], [s["rss_mib"][name] for s in samples], label=name)
    ax3.set_ylabel("RSS, MiB")
    ax3.set_xlabel("seconds since the clients connected")
    ax3.legend(ncol=3, fontsize=8)
    for ax in (ax1, ax2, ax3):
        ax.axvline(result["measured"]["from_s"], color="grey", linestyle=":")
        for fault in result["faults"]:
            ax.axvline(fault["at"], color="black", alpha=0.4)
            if ax is ax1:
                ax.annotate(fault["kind"], (fault["at"], ax.get_ylim()[1]), fontsize=8, rotation=90, va="top")
    a = result["args"]
    fig.suptitle(
        f"soak: {a['rate']:,} trades/s, {a['ws_clients']:,} WS + {a['sse_clients']:,} SSE clients, "
        f"{a['rest_users']:,} REST users at {a['rest_rate']:,} req/s"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    print(f"plot: {path}", flush=True)


def print_summary(r: dict) -> None:
    def lat(x: dict) -> str:
        o = x["overall"]
        return f"n {o['n']:,}, p50 {o['p50']} ms, p99 {o['p99']} ms, p99.9 {o['p99.9']} ms, max {o['max']} ms"

    c = r["counts"]
    print("\n== soak summary ==")
    print(f"machine: {r['machine']}")
    print(f"ticks WS : {lat(r['latency_ms']['ws'])}")
    print(f"ticks SSE: {lat(r['latency_ms']['sse'])}")
    print(f"kissim → published (tap): {lat(r['latency_ms']['kissim_to_publish'])}")
    print(f"  of which kissim → ingest recv(): {lat(r['latency_ms']['kissim_to_ingest_recv'])}")
    print(f"  and ingest recv() → tap read: {lat(r['latency_ms']['ingest_recv_to_publish'])}")
    o = r["rest_ms"]["overall"]
    print(
        f"REST: {o['req_s']:,.0f} req/s, p50 {o['p50']} ms, p95 {o['p95']} ms, p99 {o['p99']} ms, errors {o['errors']}"
    )
    print(
        f"sent {c['sent']:,} / stored {c['stored_of_sent']:,} (lost {c['lost_from_storage']:,}, duplicates "
        f"{c['duplicates_stored']:,}) / published {c['published_of_sent']:,} (not published "
        f"{c['not_published']:,}) / delivered WS {c['delivered_ws']:,} "
        f"SSE {c['delivered_sse']:,}; client missing {c['client_missing']}, out of order {c['client_out_of_order']}"
    )
    for f in r["faults"]:
        print(
            f"fault {f['kind']:<10} at {f['at']:6.1f} s: ticks flowing again after {f['ticks_flowing_again_s']} s, "
            f"REST errors {f['rest_errors']} of {f['rest_requests']}, stored trades lost {f['stored_lost']} "
            f"(after publishing {f.get('stored_lost_after_publish')}), "
            f"client ticks missing {f['client_missing_within_connection']}, out of order {f['client_out_of_order']}"
        )
    print(f"RSS: {r['rss']}")
    print(f"CPU (cores): {r['cpu_cores']}")
    print(f"Redis used MiB: {r['redis_used_mib']}; database: {r['database']}")
    print(f"kissim send log: {r['kissim']['send_log']} ({r['kissim']['send_log_share_of_kissim_cpu']})")


def markdown(r: dict) -> str:
    """The run as RESULTS.md tables: goals first, then faults, then every 10 s."""
    a, m, c = r["args"], r["machine"], r["counts"]
    ws, sse = r["latency_ms"]["ws"]["overall"], r["latency_ms"]["sse"]["overall"]
    rest = r["rest_ms"]["overall"]
    grown = {k: v for k, v in r["rss"].items() if v and k != "clients"}  # the platform's, not the load's
    worst = max(grown.items(), key=lambda kv: kv[1]["growth_pct"] or 0.0, default=(None, None))
    slow = [f for f in r["faults"] if f["ticks_flowing_again_s"] is None or f["ticks_flowing_again_s"] > 10]
    lost = r["stored_lost_outside_ingest_kill"]

    def met(ok: bool) -> str:
        return "**met**" if ok else "**not met**"

    lines = [
        f"Command: `.venv/bin/python bench/soak.py {r.get('command', '')}`",
        f"Machine: {m['nproc']} × {m['cpu']}, {m['ram_gib']} GiB, Python {m['python']}, Linux {m['kernel']}; "
        f"load average before {m['load_before'][0]:.2f} / {m['load_before'][1]:.2f} / {m['load_before'][2]:.2f}; "
        f"storage {r.get('storage', 'postgres')}.",
        "",
        "| goal | measured | |",
        "|---|---|---|",
        f"| tick p99 < 50 ms (WS) | {ws['p99']} ms (p50 {ws['p50']}, p99.9 {ws['p99.9']}, max {ws['max']}) | "
        f"{met((ws['p99'] or 1e9) < 50)} |",
        f"| tick p99 < 50 ms (SSE) | {sse['p99']} ms (p50 {sse['p50']}, p99.9 {sse['p99.9']}, max {sse['max']}) | "
        f"{met((sse['p99'] or 1e9) < 50)} |",
        f"| REST p95 < 25 ms at {a['rest_rate']:,.0f} req/s | {rest['p95']} ms at {rest['req_s']:,.0f} req/s "
        f"(p50 {rest['p50']}, p99 {rest['p99']}; errors {rest['errors']:,} of {rest['requests']:,}) | "
        f"{met((rest['p95'] or 1e9) < 25 and rest['req_s'] >= 0.95 * a['rest_rate'])} |",
        f"| 0 trades lost or duplicated in storage | lost {c['lost_from_storage']:,} of {c['sent']:,} sent "
        f"({lost:,} outside the kill -9 of ingest; {c.get('lost_from_storage_after_publish', '?')} after ingest "
        f"published them), duplicates {c['duplicates_stored']:,} | "
        f"{met(c['lost_from_storage'] == 0 and c['duplicates_stored'] == 0)} |",
        f"| RSS growth < 5 % after warm-up | worst: {worst[0]} {worst[1]['growth_pct'] if worst[1] else None} % "
        f"(in the second half of its stretch {worst[1].get('second_half_growth_pct') if worst[1] else None} %) | "
        f"{met(all((v['growth_pct'] or 0) < 5 for v in grown.values()))} |",
        f"| ticks flowing again within 10 s of each fault | slower: {[f['kind'] for f in slow] or 'none'} | "
        f"{met(not slow)} |",
        "",
        f"Counts: sent {c['sent']:,} · stored {c['stored_of_sent']:,} · published {c['published_of_sent']:,} "
        f"(of {c['sent_while_tapped']:,} sent while the tap listened) · delivered WS {c['delivered_ws']:,}, "
        f"SSE {c['delivered_sse']:,} · clients missed: {c['client_missing']} · out of order "
        f"{c['client_out_of_order']}, repeated {c.get('client_repeated')} · reconnects {c['client_reconnects']:,} · "
        f"closes {c['client_closes']}.",
        "",
        "| fault | at s | lasted s | ticks flowing again after s | seconds below 80 % of the rate (first–last) | "
        "REST errors / requests meanwhile | stored trades lost (of them: published; sent after the fault began) | "
        "client ticks missed (in a connection) | note |",
        "|---|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    for f in r["faults"]:
        lines.append(
            f"| {f['kind']} | {f['at']} | {f.get('lasted_s', '')} | {f['ticks_flowing_again_s']} | "
            f"{f.get('slow_seconds', '')} ({f.get('slow_from_to_s')}) | {f['rest_errors']:,} / "
            f"{f['rest_requests']:,} | {f['stored_lost']:,} ({f.get('stored_lost_after_publish', '?')}; "
            f"{f.get('stored_lost_sent_after', '?')}) | "
            f"{f.get('client_missing_within_connection', '')} | "
            f"{f['note']} |"
        )
    lines += [
        "",
        "| t s | WS p50 / p99 / p99.9 / max ms | SSE p50 / p99 / max ms | kissim → published p50 / p99 ms | "
        "REST req/s, p50 / p95 / p99 ms, errors |",
        "|---:|---|---|---|---|",
    ]
    windows = r["latency_ms"]
    for w, s2, pub, rr in zip(
        windows["ws"]["windows"],
        windows["sse"]["windows"],
        windows["kissim_to_publish"]["windows"],
        r["rest_ms"]["windows"],
        strict=False,
    ):
        lines.append(
            f"| {w['t']} | {w['p50']} / {w['p99']} / {w['p99.9']} / {w['max']} | {s2['p50']} / {s2['p99']} / "
            f"{s2['max']} | {pub['p50']} / {pub['p99']} | {rr['req_s']:,.0f}, {rr['p50']} / {rr['p95']} / "
            f"{rr['p99']}, {rr['errors']} |"
        )
    lines += ["", "| component | CPU (cores, mean) | RSS first → last MiB (growth; in the second half; over s, "
              "processes changed) |",
              "|---|---:|---|"]  # fmt: skip
    for name, cpu in r["cpu_cores"].items():
        g = r["rss"].get(name)
        rss = (
            f"{g['first_mib']} → {g['last_mib']} ({g['growth_pct']} %; second half "
            f"{g.get('second_half_growth_pct')} %; {g['over_s']} s, {g['processes_changed']})"
            if g
            else ""
        )
        lines.append(f"| {name} | {cpu} | {rss} |")
    lines.append("")
    lines.append(f"Redis used memory {r['redis_used_mib']} MiB; database {r['database']}; kissim send log "
                 f"{r['kissim']['send_log'].get('nsPerFrame')} ns per frame, "
                 f"{(r['kissim']['send_log_share_of_kissim_cpu'] or 0) * 100:.2f} % of kissim's CPU.")  # fmt: skip
    return "\n".join(lines)


QUICK = {
    "rate": 1000, "symbols": 40, "book_symbols": 4, "ws_clients": 40, "sse_clients": 10, "rest_users": 20,
    "rest_rate": 40.0, "warmup": 10.0, "duration": 30.0, "faults": "kis", "light": True,
}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="60 s, small and light: " + json.dumps(QUICK))
    parser.add_argument("--rate", type=int, default=20_000, help="trades/s kissim makes over all symbols")
    parser.add_argument("--symbols", type=int, default=400)
    parser.add_argument("--book-symbols", type=int, default=20, help="symbols whose order books clients watch")
    parser.add_argument("--book-clients", type=int, default=20, help="WebSocket clients that watch those books")
    parser.add_argument("--ws-clients", type=int, default=2000)
    parser.add_argument("--sse-clients", type=int, default=200)
    parser.add_argument("--per-client", type=int, default=10, help="symbols per client")
    parser.add_argument("--ws-per-process", type=int, default=500)
    parser.add_argument("--rest-users", type=int, default=1000)
    parser.add_argument("--rest-rate", type=float, default=2000.0, help="REST requests/s over all users")
    parser.add_argument("--warmup", type=float, default=60.0)
    parser.add_argument("--duration", type=float, default=600.0, help="measured seconds after the warm-up")
    parser.add_argument("--faults", default=",".join(FAULTS), help=f"comma-separated of {FAULTS}, or none")
    parser.add_argument("--light", action="store_true", help="only companies and indices of the snapshot")
    parser.add_argument("--out", default=str(BENCH / "output" / "soak"))
    parser.add_argument("--markdown", metavar="SOAK_JSON", help="print a run's soak.json as RESULTS.md tables")
    # the client, REST and tap processes of a run
    parser.add_argument("--role", choices=("ws", "sse", "rest", "tap"), help=argparse.SUPPRESS)
    for name in ("--target", "--token", "--symbols-list", "--send-log", "--redis-url", "--books", "--companies",
                 "--industries"):  # fmt: skip
        parser.add_argument(name, help=argparse.SUPPRESS)
    parser.add_argument("--epoch", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--first", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--users", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role:
        run_role(args)
        return
    if args.markdown:
        print(markdown(json.loads(Path(args.markdown).read_text())))
        return
    if args.quick:
        for key, value in QUICK.items():
            setattr(args, key, value)
    limit = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit[1], limit[1]))
    result = run(args)
    c = result["counts"]
    ok = result["stored_lost_outside_ingest_kill"] == 0 and c["lost_from_storage_after_publish"] == 0
    ok = ok and c["duplicates_stored"] == 0
    ok = ok and c["delivered_ws"] + c["delivered_sse"] > 0
    sys.exit(0 if ok else 1)


def run_role(args) -> None:
    import uvloop

    limit = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit[1], limit[1]))
    sys.path.insert(0, str(BENCH))
    main_of = {"ws": clients_main, "sse": clients_main, "rest": rest_main, "tap": tap_main}[args.role]
    uvloop.run(main_of(args))


if __name__ == "__main__":
    main()
