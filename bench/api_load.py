"""REST api load test: 1,000 concurrent keep-alive clients over a realistic request mix.

    .venv/bin/python bench/api_load.py                 # ≈ 3 min: builds the snapshot DB, runs every phase
    .venv/bin/python bench/api_load.py --duration 10   # shorter phases

Starts its own PostgreSQL and Redis (tests/support/harness.py), loads the bundled KRX snapshot, starts the api
(`python -m api`, API_WORKERS=2, LOG_LEVEL=WARNING, rate limits raised so one client IP is not
throttled) and drives it with an asyncio HTTP/1.1 client (one keep-alive connection per client,
requests written and parsed by hand so the generator costs little CPU on the same machine).

Mix: 20 % search (/api/companies?keyword=…), 30 % company profile, 20 % one year of 1d OHLCV,
15 % rankings (pages, markets, industries), 15 % indices (KOSPI/KOSDAQ, 1d/1w/1mo).

Phases, each on a fresh api process (and a flushed Redis):
  saturate   1,000 clients, no think time: the most the api serves (latency = queueing)
  paced      1,000 clients with exponential think time for an offered --rate (default 3,000 and
             3,500 req/s): the latency a user sees at that load
  baseline   saturate with the response cache off (API_CACHE_ENABLED=false), --baseline-duration s
Prints a table and, with --write, appends a `## api load` section to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil

from tests.support import harness

SEARCH_WORDS = [
    "삼성",
    "SK",
    "현대",
    "LG",
    "카카오",
    "네이버",
    "셀트리온",
    "005930",
    "000660",
    "ㅅㅅㅈㅈ",
    "samsung",
    "hynix",
    "전자",
    "바이오",
    "금융",
    "에너지",
    "화학",
    "반도체",
    "KB",
    "포스코",
]


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    by_kind: dict[str, list[float]] = field(default_factory=dict)


class Mix:
    def __init__(self, company_ids: list[int], industry_ids: list[int], seed: int) -> None:
        self.rng = random.Random(seed)
        self.companies = company_ids
        self.industries = industry_ids

    def next(self) -> tuple[str, str]:
        r = self.rng.random()
        rng = self.rng
        hot = self.companies[: max(1, int(len(self.companies) * 0.2))]
        company = rng.choice(hot) if rng.random() < 0.8 else rng.choice(self.companies)
        if r < 0.20:
            word = rng.choice(SEARCH_WORDS)
            page = 1 if rng.random() < 0.8 else 2
            return "search", f"/api/companies?keyword={urllib.parse.quote(word)}&page={page}&size=20"
        if r < 0.50:
            return "profile", f"/api/companies/{company}"
        if r < 0.70:
            return "ohlcv", f"/api/companies/{company}/ohlcv?interval=1d"
        if r < 0.85:
            k = rng.random()
            if k < 0.5:
                return "rankings", f"/api/rankings/companies?page={rng.randint(1, 5)}&size=20"
            if k < 0.7:
                return "rankings", f"/api/rankings/companies?market={rng.choice(['KOSPI', 'KOSDAQ'])}&page=1&size=20"
            if k < 0.85:
                return "rankings", "/api/rankings/industries"
            return "rankings", f"/api/rankings/industries/{rng.choice(self.industries)}/companies?size=20"
        index = rng.choice(["kospi", "kosdaq"])
        interval = rng.choice(["1d", "1d", "1w", "1mo"])
        return "indices", f"/api/indices/{index}?interval={interval}"


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
            break
    if length:
        await reader.readexactly(length)
    return status


async def client_loop(
    host: str, port: int, mix: Mix, stats: Stats, stop_at: float, record_from: float, think_mean: float
) -> None:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 10)
    rng = mix.rng
    try:
        while True:
            now = time.perf_counter()
            if now >= stop_at:
                return
            kind, path = mix.next()
            request = (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: keep-alive\r\n"
                f"Accept: application/json\r\n\r\n"
            ).encode()
            started = time.perf_counter()
            try:
                writer.write(request)
                status = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
                stats.errors += 1
                writer.close()
                reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 10)
                continue
            elapsed = time.perf_counter() - started
            if started >= record_from:
                stats.latencies.append(elapsed)
                stats.by_kind.setdefault(kind, []).append(elapsed)
                stats.statuses[status] = stats.statuses.get(status, 0) + 1
                if status >= 400:
                    stats.errors += 1
            if think_mean > 0:
                await asyncio.sleep(rng.expovariate(1.0 / think_mean))
    finally:
        writer.close()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def run_phase(
    url: str,
    clients: int,
    duration: float,
    warmup: float,
    think_mean: float,
    company_ids: list[int],
    industry_ids: list[int],
) -> dict:
    parsed = urllib.parse.urlparse(url)
    stats = Stats()
    start = time.perf_counter()
    record_from = start + warmup
    stop_at = record_from + duration
    tasks = []
    for i in range(clients):
        mix = Mix(company_ids, industry_ids, seed=i)
        tasks.append(
            asyncio.create_task(client_loop(parsed.hostname, parsed.port, mix, stats, stop_at, record_from, think_mean))
        )
        if i % 50 == 49:
            # ramp up: Sanic listens with a backlog of 100, a burst of 1,000 SYNs would overflow it
            await asyncio.sleep(0.05)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    failed_clients = sum(1 for r in results if isinstance(r, BaseException))
    n = len(stats.latencies)
    return {
        "requests": n,
        "throughput": n / duration,
        "errors": stats.errors + failed_clients,
        "error_rate": (stats.errors + failed_clients) / max(1, n),
        "p50": percentile(stats.latencies, 50) * 1000,
        "p95": percentile(stats.latencies, 95) * 1000,
        "p99": percentile(stats.latencies, 99) * 1000,
        "mean": (statistics.fmean(stats.latencies) * 1000) if n else float("nan"),
        "statuses": dict(sorted(stats.statuses.items())),
        "kinds": {
            k: (len(v), percentile(v, 50) * 1000, percentile(v, 95) * 1000) for k, v in sorted(stats.by_kind.items())
        },
    }


def fetch_ids(url: str) -> tuple[list[int], list[int]]:
    body = harness.http("GET", url + "/api/rankings/companies?size=100&page=1").json()
    companies = [d["companyId"] for d in body["data"]]
    for page in range(2, 11):
        companies += [
            d["companyId"]
            for d in harness.http("GET", url + f"/api/rankings/companies?size=100&page={page}").json()["data"]
        ]
    industries = [d["industryId"] for d in harness.http("GET", url + "/api/rankings/industries").json()["data"]][:40]
    return companies, industries


def start_api(services: harness.Services, database: str, log: Path, workers: int, **env: str) -> harness.ApiServer:
    base = harness.platform_env(
        services.url_for(database),
        services.redis_url,
        RATE_LIMIT_PER_MINUTE="10000000",
        AUTH_RATE_LIMIT_PER_MINUTE="1000000",
        LOG_LEVEL="WARNING",
        **env,
    )
    return harness.ApiServer(base, log, workers=workers)


def _cpu(processes) -> float:
    total = 0.0
    for proc in processes:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def fmt(name: str, r: dict) -> str:
    return (
        f"| {name} | {r['throughput']:,.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | "
        f"{r['errors']} ({r['error_rate'] * 100:.2f} %) | {r['requests']:,} | {r.get('api_cpu_us', 0):.0f} | "
        f"{r.get('machine_busy', 0) * 100:.0f} % |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=30.0, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument(
        "--rate", type=float, action="append", help="offered req/s of a paced phase (repeatable; default 3000 and 3500)"
    )
    parser.add_argument("--baseline-duration", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--no-saturate", action="store_true")
    parser.add_argument("--write", action="store_true", help="append the figures to bench/RESULTS.md")
    args = parser.parse_args()
    args.rate = args.rate or [3000.0, 3500.0]

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 8192)), hard))

    root = Path(tempfile.mkdtemp(prefix="krx-bench-"))
    root.chmod(0o755)
    out = harness.REPO_ROOT / "test-output" / "api_load"  # api process logs (git-ignored)
    out.mkdir(parents=True, exist_ok=True)
    print("starting PostgreSQL and Redis, loading the snapshot …", flush=True)
    services = harness.start_services(root)
    rows: list[tuple[str, dict]] = []
    try:
        harness.build_template(services, "bench", with_snapshot=True)
        phases = [] if args.no_saturate else [("cache on", {}, "saturate", 0.0, args.duration)]
        for rate in args.rate:
            phases.append(("cache on", {}, f"paced {rate:,.0f}/s offered", args.clients / rate, args.duration))
        if not args.skip_baseline:
            phases.append(
                ("cache off (baseline)", {"API_CACHE_ENABLED": "false"}, "saturate", 0.0, args.baseline_duration)
            )
        generator_cpu = 0.0
        for label, env, phase, think_mean, duration in phases:
            if True:
                import redis

                redis.Redis.from_url(services.redis_url).flushall()
                api = start_api(services, "bench", out / f"api_{len(rows)}.log", args.workers, **env)
                try:
                    companies, industries = fetch_ids(api.url)
                    print(f"{label} / {phase}: {args.clients} clients, {duration:.0f} s …", flush=True)
                    tree = [psutil.Process(api.process.pid)] + psutil.Process(api.process.pid).children(recursive=True)
                    cpu_before = _cpu(tree)
                    machine_before = psutil.cpu_times()
                    result = asyncio.run(
                        run_phase(api.url, args.clients, duration, args.warmup, think_mean, companies, industries)
                    )
                    machine_after = psutil.cpu_times()
                    me = resource.getrusage(resource.RUSAGE_SELF)
                    total_requests = result["requests"] / duration * (duration + args.warmup)
                    result["api_cpu_us"] = (_cpu(tree) - cpu_before) / max(1.0, total_requests) * 1e6
                    busy = sum(machine_after) - sum(machine_before)
                    idle = (machine_after.idle + machine_after.iowait) - (machine_before.idle + machine_before.iowait)
                    result["machine_busy"] = 1 - idle / busy if busy else float("nan")
                    result["generator_cpu_s"] = me.ru_utime + me.ru_stime - generator_cpu
                    generator_cpu = me.ru_utime + me.ru_stime
                finally:
                    api.stop()
                name = f"{label}, {phase}"
                rows.append((name, result))
                print(fmt(name, result), flush=True)
                print(
                    f"   generator CPU {result['generator_cpu_s']:.1f} s;",
                    "per kind (n, p50 ms, p95 ms):",
                    {k: (n, round(a, 1), round(b, 1)) for k, (n, a, b) in result["kinds"].items()},
                    "statuses:",
                    result["statuses"],
                    flush=True,
                )
    finally:
        services.redis.stop()
        services.pg.stop()
        shutil.rmtree(root, ignore_errors=True)

    header = [
        "| run | req/s | p50 ms | p95 ms | p99 ms | errors | requests | api CPU µs/req | machine busy |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    table = "\n".join(header + [fmt(n, r) for n, r in rows])
    print("\n" + table)
    if args.write:
        machine = (
            f"{os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}; the load "
            f"generator runs on the same cores as the api"
        )
        command = "`.venv/bin/python bench/api_load.py " + " ".join(sys.argv[1:]) + "`"
        text = (
            f"\n## api load\n\n{time.strftime('%Y-%m-%d')} — {command}; {args.clients} keep-alive clients, "
            f"{args.duration:.0f} s measured after {args.warmup:.0f} s warm-up per phase, "
            f"API_WORKERS={args.workers}. Machine: {machine}.\n\n{table}\n"
        )
        with open(Path(__file__).resolve().parent / "RESULTS.md", "a") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
