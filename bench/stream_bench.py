"""Streaming fan-out benchmark: publish → WebSocket client latency, drops, memory per idle client.

    .venv/bin/python bench/stream_bench.py            # ≈ 4 min; prints a table
    .venv/bin/python bench/stream_bench.py --write    # … and appends `## streaming` to bench/RESULTS.md
    .venv/bin/python bench/stream_bench.py --clients 500,2000 --duration 5 --idle 2000   # shorter

Starts its own PostgreSQL and Redis (tests/support/harness.py), loads the bundled KRX snapshot (the api only
accepts listed symbols), and starts the api (`python -m api`, API_WORKERS=2, LOG_LEVEL=WARNING,
per-user connection limit raised). Then, for each N in --clients:

  * N WebSocket clients (spread over 1 client process for N < 1,000, else 2) each subscribe to
    10 of 200 listed symbols (every symbol has N·10/200 watchers);
  * a generator process publishes ticks shaped like ingest's (≈ 280 bytes) to
    `stock:realtime:{symbol}` at --rate ticks/s (default 2,000) spread over the 200 symbols, each
    carrying its send time (`t0`, µs since the epoch) and a per-symbol sequence number;
  * after a warm-up, every client records publish → receive latency of every tick for
    --duration seconds, counts `dropped` notices, sequence gaps and closes (4408).

Baseline, same run, N = 500: a plain server that opens one Redis subscription per client and
forwards each message with `await ws.send(...)` (two single-process Sanic servers, clients split
between them, like the api's two workers).

Memory: --idle clients (default 10,000, two client processes) connect and subscribe with no ticks
flowing; the api's RSS (main process + workers) is read before and after.

The clients are raw asyncio protocols (handshake, frame parsing and pong by hand) so that they cost
as little CPU as possible: generator, Redis, api workers and clients all share this machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.contract import keys  # noqa: E402 - after the repository is on the path

NBINS = 16_000  # latency histogram: 0.1 ms bins up to 1 s, then 10 ms bins up to 61 s
BIN_US = 100


def bin_of(lat_us: int) -> int:
    if lat_us < 1_000_000:
        return max(lat_us, 0) // BIN_US
    return min(10_000 + (lat_us - 1_000_000) // 10_000, NBINS - 1)


def bin_ms(b: int) -> float:
    if b < 10_000:
        return (b + 0.5) * BIN_US / 1000
    return 1000 + (b - 10_000 + 0.5) * 10


TICK_PREFIX = b'{"type":"tick","t0":'


# --------------------------------------------------------------------------------------------
# client process
# --------------------------------------------------------------------------------------------
class Stats:
    def __init__(self) -> None:
        self.recording = False
        self.hist = [0] * NBINS
        self.max_us = 0
        self.ticks = 0
        self.dropped = 0
        self.gaps = 0
        self.closed_slow = 0
        self.closed_other = 0
        self.ready = 0
        self.failed = 0


def _mask(payload: bytes, opcode: int = 0x1) -> bytes:
    key = os.urandom(4)
    n = len(payload)
    header = bytes((0x80 | opcode,))
    if n < 126:
        header += bytes((0x80 | n,))
    else:
        header += bytes((0x80 | 126,)) + n.to_bytes(2, "big")
    masked = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return header + key + masked


class WsClient(asyncio.Protocol):
    def __init__(self, stats: Stats, host: str, port: int, path: str, symbols: list[str]) -> None:
        self.stats = stats
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
        self.subscribe = _mask(json.dumps({"action": "subscribe", "symbols": symbols}).encode())
        self.buf = bytearray()
        self.open = False
        self.acked = False
        self.last_seq: dict[bytes, int] = {}
        self.transport: asyncio.Transport | None = None
        self.done = asyncio.get_running_loop().create_future()

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc) -> None:
        if not self.acked:
            self.stats.failed += 1
        if not self.done.done():
            self.done.set_result(None)

    def data_received(self, data: bytes) -> None:
        now_us = int(time.time() * 1_000_000)
        buf = self.buf
        buf += data
        if not self.open:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            if b" 101 " not in buf[:end]:
                self.transport.close()
                return
            del buf[: end + 4]
            self.open = True
            self.transport.write(self.subscribe)
        stats = self.stats
        pos, n = 0, len(buf)
        while n - pos >= 2:
            b1 = buf[pos + 1] & 0x7F
            head = 2
            if b1 == 126:
                if n - pos < 4:
                    break
                b1 = int.from_bytes(buf[pos + 2 : pos + 4], "big")
                head = 4
            elif b1 == 127:
                if n - pos < 10:
                    break
                b1 = int.from_bytes(buf[pos + 2 : pos + 10], "big")
                head = 10
            if n - pos < head + b1:
                break
            opcode = buf[pos] & 0x0F
            start = pos + head
            pos = start + b1
            if opcode == 1:
                if buf.startswith(TICK_PREFIX, start):
                    stats.ticks += 1
                    t0 = int(buf[start + 20 : start + 36])
                    seq = int(buf[start + 43 : start + 53])
                    symbol = bytes(buf[start + 64 : start + 70])
                    last = self.last_seq.get(symbol)
                    self.last_seq[symbol] = seq
                    if stats.recording:
                        lat = now_us - t0
                        stats.hist[bin_of(lat)] += 1
                        if lat > stats.max_us:
                            stats.max_us = lat
                        if last is not None and seq > last + 1:
                            stats.gaps += seq - last - 1
                else:
                    msg = json.loads(bytes(buf[start:pos]))
                    kind = msg.get("type")
                    if kind == "subscribed":
                        stats.ready += 1
                        self.acked = True
                    elif kind == "dropped" and stats.recording:
                        stats.dropped += msg["count"]
            elif opcode == 9:
                self.transport.write(_mask(bytes(buf[start:pos]), 0xA))
            elif opcode == 8:
                code = int.from_bytes(buf[start : start + 2], "big") if b1 >= 2 else 1005
                if code == 4408:
                    stats.closed_slow += 1
                else:
                    stats.closed_other += 1
                self.transport.close()
        del buf[:pos]


async def client_main(args) -> None:
    import uvloop  # noqa: F401  (installed with sanic)

    stats = Stats()
    symbols = args.symbols.split(",")
    targets = [(t.rsplit(":", 1)[0], int(t.rsplit(":", 1)[1])) for t in args.targets.split(",")]
    loop = asyncio.get_running_loop()
    sem = asyncio.Semaphore(50)  # the api listens with Sanic's default backlog of 100
    clients: list[WsClient] = []

    async def open_one(i: int) -> None:
        index = args.first + i
        host, port = targets[index % len(targets)]
        mine = [symbols[(index * 10 + k) % len(symbols)] for k in range(10)]
        path = f"/ws/stocks/?token={args.token}"
        async with sem:
            for attempt in range(5):
                try:
                    _, proto = await loop.create_connection(lambda: WsClient(stats, host, port, path, mine), host, port)
                    clients.append(proto)
                    return
                except OSError:
                    await asyncio.sleep(0.2 * (attempt + 1))
            stats.failed += 1

    await asyncio.gather(*(open_one(i) for i in range(args.count)))
    deadline = time.monotonic() + 120
    while stats.ready + stats.failed < args.count and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    print(json.dumps({"ready": stats.ready, "failed": stats.failed}), flush=True)

    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = (await reader.readline()).decode().strip()
        if line == "start":
            stats.recording = True
            stats.closed_slow = stats.closed_other = 0
        elif line in ("stop", ""):
            stats.recording = False
            break
    print(
        json.dumps(
            {
                "hist": {i: c for i, c in enumerate(stats.hist) if c},
                "max_us": stats.max_us,
                "dropped": stats.dropped,
                "gaps": stats.gaps,
                "closed_slow": stats.closed_slow,
                "closed_other": stats.closed_other,
                "ticks": stats.ticks,
            }
        ),
        flush=True,
    )
    for c in clients:
        if c.transport is not None:
            c.transport.abort()


# --------------------------------------------------------------------------------------------
# generator process
# --------------------------------------------------------------------------------------------
def generator_main(args) -> None:
    from urllib.parse import urlparse

    url = urlparse(args.redis)
    sock = socket.create_connection((url.hostname, url.port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    symbols = args.symbols.split(",")
    seq = {s: 0 for s in symbols}
    batch = max(1, round(args.rate * args.burst_ms / 1000))  # ticks published together (one pipeline)
    interval = batch / args.rate
    channels = {s: keys.tick_channel(s).encode() for s in symbols}
    rest = (
        b',"price":75000,"volume":12,"change":500,"changePercent":0.67,"accVolume":8123456,'
        b'"open":74500,"high":75300,"low":74100,"timestamp":"2026-01-11T09:30:00.123Z",'
        b'"receivedAt":"2026-01-11T09:30:00.131Z","source":"kissim"}'
    )
    sock.setblocking(False)
    i = 0
    next_at = time.perf_counter()
    end = time.monotonic() + args.duration
    while time.monotonic() < end:
        parts = []
        t0 = int(time.time() * 1_000_000)
        for _ in range(batch):
            symbol = symbols[i % len(symbols)]
            i += 1
            seq[symbol] += 1
            payload = b'{"type":"tick","t0":%016d,"seq":%010d,"symbol":"%s"' % (t0, seq[symbol], symbol.encode()) + rest
            ch = channels[symbol]
            parts.append(b"*3\r\n$7\r\nPUBLISH\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(ch), ch, len(payload), payload))
        data = b"".join(parts)
        while data:
            try:
                sent = sock.send(data)
                data = data[sent:]
            except BlockingIOError:
                time.sleep(0.0005)
        try:
            while sock.recv(65536):
                pass
        except BlockingIOError:
            pass
        next_at += interval
        delay = next_at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
    print(json.dumps({"published": i}), flush=True)


# --------------------------------------------------------------------------------------------
# baseline server: one Redis subscription per client
# --------------------------------------------------------------------------------------------
def baseline_main(args) -> None:
    import orjson
    import redis.asyncio as aioredis
    from sanic import Sanic

    app = Sanic(f"baseline{args.port}")
    app.config.WEBSOCKET_PING_INTERVAL = 20
    app.config.WEBSOCKET_PING_TIMEOUT = 20

    @app.websocket("/ws/stocks/")
    async def stocks(request, ws):
        msg = orjson.loads(await ws.recv())
        client = aioredis.from_url(args.redis)
        pubsub = client.pubsub()
        await pubsub.subscribe(*[keys.tick_channel(s) for s in msg["symbols"]])
        await ws.send('{"type":"subscribed","accepted":[],"rejected":[]}')

        async def forward():
            async for m in pubsub.listen():
                if m["type"] == "message":
                    await ws.send(m["data"].decode())

        task = asyncio.create_task(forward())
        try:
            while await ws.recv() is not None:
                pass
        finally:
            task.cancel()
            await pubsub.aclose()
            await client.aclose()

    app.run(host="127.0.0.1", port=args.port, single_process=True, access_log=False, motd=False)


# --------------------------------------------------------------------------------------------
# orchestration
# --------------------------------------------------------------------------------------------
def raise_nofile() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def spawn(role: str, *extra: str, log: Path | None = None) -> subprocess.Popen:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--role", role, *extra]
    return subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=open(log, "ab") if log else subprocess.DEVNULL,
        cwd=ROOT,
        start_new_session=True,
        preexec_fn=raise_nofile,
    )


def read_json(proc: subprocess.Popen, timeout: float) -> dict:
    import select

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 1.0)
        if ready:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError(f"process exited ({proc.poll()})")
            try:
                return json.loads(line)
            except ValueError:
                continue
    raise TimeoutError("no answer from a bench process")


def api_rss(pid: int) -> int:
    import psutil

    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)])


def api_cpu(pid: int) -> float:
    import psutil

    proc = psutil.Process(pid)
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def percentile(hist: dict[int, int], q: float) -> float:
    total = sum(hist.values())
    if not total:
        return float("nan")
    target = q * total
    seen = 0
    for b in sorted(hist):
        seen += hist[b]
        if seen >= target:
            return bin_ms(b)
    return float("nan")


def run_clients(
    n: int, targets: str, token: str, symbols: list[str], procs: int, logdir: Path
) -> list[subprocess.Popen]:
    out = []
    per = -(-n // procs)
    for p in range(procs):
        count = min(per, n - p * per)
        if count <= 0:
            break
        out.append(
            spawn(
                "clients",
                "--targets",
                targets,
                "--token",
                token,
                "--symbols",
                ",".join(symbols),
                "--count",
                str(count),
                "--first",
                str(p * per),
                log=logdir / "stream_clients.log",
            )
        )
    started = time.monotonic()
    ready = failed = 0
    for proc in out:
        answer = read_json(proc, 180)
        ready += answer["ready"]
        failed += answer["failed"]
    print(
        f"  {ready} clients connected and subscribed ({failed} failed) in {time.monotonic() - started:.1f} s",
        flush=True,
    )
    return out


def scenario(
    name: str, n: int, targets: str, token: str, symbols: list[str], args, logdir: Path, server_pids: list[int]
) -> dict:
    print(f"{name}: N={n}", flush=True)
    clients = run_clients(n, targets, token, symbols, 1 if n < 1000 else 2, logdir)
    gen = spawn(
        "generator",
        "--redis",
        args.redis_url,
        "--symbols",
        ",".join(symbols),
        "--rate",
        str(args.rate),
        "--burst-ms",
        str(args.burst_ms),
        "--duration",
        str(args.warmup + args.duration + 1),
        log=logdir / "stream_generator.log",
    )
    time.sleep(args.warmup)
    cpu0 = sum(api_cpu(p) for p in server_pids)
    client_cpu0 = sum(api_cpu(c.pid) for c in clients)
    load0 = os.getloadavg()[0]
    for c in clients:
        c.stdin.write(b"start\n")
        c.stdin.flush()
    time.sleep(args.duration)
    for c in clients:
        c.stdin.write(b"stop\n")
        c.stdin.flush()
    cpu1 = sum(api_cpu(p) for p in server_pids)
    client_cpu1 = sum(api_cpu(c.pid) for c in clients)
    hist: dict[int, int] = {}
    result = {
        "name": name,
        "clients": n,
        "max_ms": 0.0,
        "dropped": 0,
        "gaps": 0,
        "closed_slow": 0,
        "closed_other": 0,
        "ticks": 0,
    }
    for c in clients:
        r = read_json(c, 60)
        for b, count in r["hist"].items():
            hist[int(b)] = hist.get(int(b), 0) + count
        result["max_ms"] = max(result["max_ms"], r["max_us"] / 1000)
        for key in ("dropped", "gaps", "closed_slow", "closed_other"):
            result[key] += r[key]
        c.wait(30)
    gen.wait(30)
    result["received"] = sum(hist.values())
    result["p50_ms"] = percentile(hist, 0.50)
    result["p99_ms"] = percentile(hist, 0.99)
    result["msgs_per_s"] = result["received"] / args.duration
    result["api_cpu_pct"] = (cpu1 - cpu0) / args.duration * 100
    result["client_cpu_pct"] = (client_cpu1 - client_cpu0) / args.duration * 100
    result["offered_per_s"] = n * 10 / len(symbols) * args.rate
    result["loadavg"] = load0
    print(
        f"  p50 {result['p50_ms']:.2f} ms  p99 {result['p99_ms']:.2f} ms  max {result['max_ms']:.1f} ms  "
        f"{result['msgs_per_s']:,.0f} msgs/s  dropped {result['dropped']}  gaps {result['gaps']}  "
        f"4408 {result['closed_slow']}  client CPU {result['client_cpu_pct']:.0f} %  load {load0:.1f}"
        + f"  server CPU {result['api_cpu_pct']:.0f} %",
        flush=True,
    )
    time.sleep(2)
    return result


def idle_memory(n: int, targets: str, token: str, symbols: list[str], api_pid: int, logdir: Path) -> dict:
    print(f"idle: N={n}", flush=True)
    time.sleep(2)
    before = api_rss(api_pid)
    clients = run_clients(n, targets, token, symbols, 2, logdir)
    time.sleep(3)
    after = api_rss(api_pid)
    for c in clients:
        c.stdin.write(b"stop\n")
        c.stdin.flush()
    for c in clients:
        read_json(c, 60)
        c.wait(30)
    result = {
        "clients": n,
        "rss_before_mib": before / 2**20,
        "rss_after_mib": after / 2**20,
        "per_conn_kib": (after - before) / n / 1024,
    }
    print(
        f"  api RSS {result['rss_before_mib']:.0f} MiB → {result['rss_after_mib']:.0f} MiB "
        f"({result['per_conn_kib']:.1f} KiB per idle connection)",
        flush=True,
    )
    return result


def orchestrate(args) -> None:
    from api.http import auth
    from core import settings as settings_mod
    from tests.support import harness

    raise_nofile()
    logdir = ROOT / "bench" / "output"
    logdir.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="krx-stream-bench-"))
    root.chmod(0o755)
    services = harness.start_services(root)
    api = None
    baseline: list[subprocess.Popen] = []
    try:
        print("building the snapshot database…", flush=True)
        harness.build_template(services, "bench_tpl", with_snapshot=True)
        db_url = harness.clone_database(services, "bench_tpl", "bench_stream")
        args.redis_url = services.redis_url
        import asyncpg

        async def first_symbols() -> list[str]:
            conn = await asyncpg.connect(db_url)
            try:
                rows = await conn.fetch("SELECT symbol FROM companies ORDER BY symbol LIMIT 200")
                return [r["symbol"] for r in rows]
            finally:
                await conn.close()

        symbols = asyncio.run(first_symbols())
        env = harness.platform_env(
            db_url, services.redis_url, LOG_LEVEL="WARNING", STREAM_MAX_CONNECTIONS_PER_USER="1000000"
        )
        api = harness.ApiServer(env, logdir / "stream_api.log", workers=2)
        config = settings_mod.load(env)
        token = str(auth.issue_tokens(config, 1)["accessToken"])
        host = f"127.0.0.1:{api.port}"
        results = []
        for n in args.clients:
            results.append(scenario("fan-out hub", n, host, token, symbols, args, logdir, [api.process.pid]))
        idle = idle_memory(args.idle, host, token, symbols, api.process.pid, logdir) if args.idle else None

        base_result = None
        if args.baseline:
            ports = [harness.free_port(), harness.free_port()]
            baseline = [
                spawn("baseline", "--port", str(p), "--redis", services.redis_url, log=logdir / "stream_baseline.log")
                for p in ports
            ]
            for p in ports:
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    try:
                        socket.create_connection(("127.0.0.1", p), timeout=0.5).close()
                        break
                    except OSError:
                        time.sleep(0.1)
            targets = ",".join(f"127.0.0.1:{p}" for p in ports)
            base_result = scenario(
                "baseline (1 Redis subscription per client)",
                args.baseline,
                targets,
                token,
                symbols,
                args,
                logdir,
                [p.pid for p in baseline],
            )
        report(args, results, idle, base_result)
    finally:
        for proc in baseline:
            proc.terminate()
        if api is not None:
            api.stop()
        services.redis.stop()
        services.pg.stop()
        shutil.rmtree(root, ignore_errors=True)


def report(args, results: list[dict], idle: dict | None, base: dict | None) -> None:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        model = cpu
    lines = [
        "",
        "## streaming",
        "",
        f"`{' '.join(['.venv/bin/python', 'bench/stream_bench.py', *sys.argv[1:]])}` — "
        f"{time.strftime('%Y-%m-%d', time.gmtime())}, {os.cpu_count()} cores ({model}), Python "
        f"{platform.python_version()}. api: 2 workers; generator, Redis, api and the client processes share "
        "the same cores, so latency includes CPU contention between them.",
        "",
        f"Load: {args.rate:,} ticks/s over 200 symbols (≈ 280-byte tick JSON), each client subscribed to 10 "
        f"symbols, published in bursts of {args.burst_ms:g} ms; {args.warmup:g} s warm-up, "
        f"{args.duration:g} s measured. Latency = generator PUBLISH → "
        "client socket read (wall clock, same host).",
        "",
        "| server | clients | msgs/s offered | msgs/s delivered | p50 ms | p99 ms | max ms | dropped | seq gaps "
        "| 4408 closes | server CPU | client CPU | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows = list(results) + ([base] if base else [])
    for r in rows:
        cpu_text = f"{r['api_cpu_pct']:.0f} %"
        lines.append(
            f"| {r['name']} | {r['clients']:,} | {r['offered_per_s']:,.0f} | {r['msgs_per_s']:,.0f} | "
            f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['max_ms']:.1f} | {r['dropped']:,} | {r['gaps']:,} | "
            f"{r['closed_slow']:,} | {cpu_text} | {r['client_cpu_pct']:.0f} % | {r['loadavg']:.1f} |"
        )
    if base:
        same = next((r for r in results if r["clients"] == base["clients"]), None)
        if same:
            hub_us = same["api_cpu_pct"] / 100 / max(same["msgs_per_s"], 1) * 1e6
            base_us = base["api_cpu_pct"] / 100 / max(base["msgs_per_s"], 1) * 1e6
            lines += [
                "",
                f"At N = {base['clients']}: baseline p99 / hub p99 = "
                f"{base['p99_ms'] / same['p99_ms']:.0f}×, baseline p50 / hub p50 = "
                f"{base['p50_ms'] / same['p50_ms']:.0f}×; server CPU per delivered message: hub "
                f"{hub_us:.1f} µs, baseline {base_us:.1f} µs ({base_us / hub_us:.1f}×). "
                f"The baseline delivers {base['msgs_per_s'] / base['offered_per_s'] * 100:.0f} % of the offered "
                "messages in the window and falls further behind (its latency grows with the run).",
            ]
    if idle:
        lines += [
            "",
            f"Idle: {idle['clients']:,} authenticated WebSocket clients, each subscribed to 10 symbols, "
            f"no ticks: api RSS (main + 2 workers) {idle['rss_before_mib']:.0f} MiB → "
            f"{idle['rss_after_mib']:.0f} MiB, **{idle['per_conn_kib']:.1f} KiB per idle connection** "
            f"(target: {idle['clients']:,} under 1 GiB).",
        ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        with open(ROOT / "bench" / "RESULTS.md", "a") as fh:
            fh.write(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--role", default="main", choices=["main", "clients", "generator", "baseline"])
    parser.add_argument("--clients", default="500,2000,5000", help="client counts, comma-separated")
    parser.add_argument("--rate", type=int, default=2000, help="ticks per second")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per client count")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument(
        "--burst-ms",
        type=float,
        default=2.0,
        help="the generator publishes the ticks of this many ms together (ingest publishes per frame)",
    )
    parser.add_argument("--idle", type=int, default=10_000, help="idle clients for the memory figure (0: skip)")
    parser.add_argument("--baseline", type=int, default=500, help="clients for the baseline (0: skip)")
    parser.add_argument("--write", action="store_true", help="append the results to bench/RESULTS.md")
    # sub-process arguments
    parser.add_argument("--targets")
    parser.add_argument("--token")
    parser.add_argument("--symbols")
    parser.add_argument("--count", type=int)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--redis")
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    if args.role == "clients":
        import uvloop

        uvloop.run(client_main(args))
    elif args.role == "generator":
        generator_main(args)
    elif args.role == "baseline":
        baseline_main(args)
    else:
        args.clients = [int(n) for n in args.clients.split(",") if n]
        orchestrate(args)


if __name__ == "__main__":
    main()
