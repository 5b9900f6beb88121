"""Ingest benchmark: a real kissim at increasing trade rates → `python -m ingest` (a real process)
→ Redis PUBLISH + PostgreSQL COPY, on this machine.

    .venv/bin/python bench/ingest_bench.py [--rates 1000,10000,20000] [--seconds 10] [--engines tickcore,python]
                                           [--storage timescaledb,postgres]

For each engine and rate a fresh kissim (devtools/kissim: its market model, frame writer and KIS
protocol server; `--flat-rate`, so the rate is the same all run; 40 symbols, one app key) and a
fresh ingest process. Reported per run:
  offered     trades/s kissim wrote to ingest's socket over the measuring window (its send log)
  sustained   trades/s published by ingest over the window
  lag         trades kissim sent that ingest had not yet published (max over each half of the window)
  db rows/s   ticks written to stock_ticks per second over the window
  wire p50 / p99 / p99.9 / max   kissim's write of the frame (send log) → the tick read by a Redis
              subscriber (bench/soak.py's tap), every tick of the window counted
  old p50 / p99   the previous definition, side by side: ingest's own `publish_latency_ms`, from
              `ws.recv()` returning (after the websockets library's queue) to PUBLISH acknowledged,
              once per batch, in a 4,096-sample reservoir
The `python` engine — ingest with the plain-Python reference engine of
tests/support/reference_engine.py (same output bytes) in place of tickcore — is the baseline.
kissim makes each trade in Python (~25 µs): on 2 cores it cannot offer much more than 20,000
trades/s next to ingest, Redis and PostgreSQL, so the offered column says what it reached.
Embedded PostgreSQL and Redis are started in a temporary folder and removed afterwards; `--storage`
runs everything on PostgreSQL with TimescaleDB (the default) and/or on plain PostgreSQL, one fresh
server each. kissim is the source, so the rows go to the simulated schema (core/series.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from core.contract import keys  # noqa: E402 - after the repository is on the path

SYMBOLS = 40
WARM_UP_S = 5.0  # before the measuring window: sessions, first bars, the backfill's REST calls


def http_json(url: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        url, data=data, method="POST" if body is not None else "GET", headers={"Content-Type": "application/json"}
    )
    return json.loads(urllib.request.urlopen(req, timeout=10).read())


def wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception:  # noqa: BLE001 - not up yet: ask again
            pass
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")


def ingest_status(r) -> dict:
    raw = {k.decode(): v.decode() for k, v in r.hgetall(keys.INGEST_STATUS).items()}
    raw["detail"] = json.loads(raw.get("detail", "{}"))
    return raw


def symbols(database_url: str) -> list[str]:
    import asyncpg

    async def fetch() -> list[str]:
        conn = await asyncpg.connect(database_url)
        try:
            return [r[0] for r in await conn.fetch("SELECT symbol FROM companies ORDER BY id LIMIT $1", SYMBOLS)]
        finally:
            await conn.close()

    return asyncio.run(fetch())


def run_one(
    engine: str, rate: int, seconds: float, database_url: str, redis_url: str, work: Path, chosen: list[str]
) -> dict:
    import redis
    import soak

    from devtools.embedded import free_port

    r = redis.Redis.from_url(redis_url)
    r.delete(keys.INGEST_STATUS)
    logs = BENCH / "output" / "ingest_bench"
    logs.mkdir(parents=True, exist_ok=True)
    tag = f"{engine}-{rate}"
    port = free_port()
    send_log = work / f"send-{tag}.log"
    kissim_log = open(logs / f"kissim-{tag}.log", "wb")
    kissim = subprocess.Popen(
        [
            sys.executable, "-m", "devtools.kissim", "--port", str(port), "--trade-rate", str(rate / len(chosen)),
            "--flat-rate", "--no-warm-up", "--state-file", "", "--send-log", str(send_log),
        ],
        cwd=REPO, stdout=kissim_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    kissim_url = f"http://127.0.0.1:{port}"
    wait(lambda: http_json(kissim_url + "/_kissim/stats"), 60, "kissim")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIS_")}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        JWT_SECRET="bench-" + "x" * 40,
        LOG_LEVEL="WARNING",
        LOG_FORMAT="text",
        INGEST_SOURCE="kissim",
        KIS_REST_URL=kissim_url,
        KIS_WS_URL=f"ws://127.0.0.1:{port}",
        KIS_APP_KEYS="benchkey:benchsecret",
        SUBSCRIBE_SYMBOLS=",".join(chosen),
        DATA_DIR=str(work / f"data-{tag}"),
        INGEST_STATUS_INTERVAL_SECONDS="0.5",
        KIS_SUBSCRIBE_PAUSE_MS="0",
    )
    log = open(logs / f"ingest-{tag}.log", "wb")
    module = "ingest" if engine == "tickcore" else "tests.support.reference_ingest"
    proc = subprocess.Popen([sys.executable, "-m", module], env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    tap = None
    try:
        wait(
            lambda: ingest_status(r)["detail"]["keys"][0]["registered"] == len(chosen),
            60,
            "ingest to subscribe",
        )
        epoch = time.time() + WARM_UP_S
        tap = soak.Role(
            "tap",
            ["--role", "tap", "--redis-url", redis_url, "--epoch", str(epoch), "--send-log", str(send_log)],
            logs / f"tap-{tag}.log",
        )
        tap.ready(60)
        time.sleep(max(0.0, epoch - time.time()))

        def sent() -> int:
            return http_json(kissim_url + "/_kissim/stats")["stats"].get("trades_sent", 0)

        before = ingest_status(r)["detail"]
        sent0, t0 = sent(), time.monotonic()
        pub0 = before["metrics"]["counters"].get("published", 0)
        rows0 = before["metrics"]["counters"].get("rows_written_ticks", 0)
        lags = []
        while time.monotonic() - t0 < seconds:
            time.sleep(0.5)
            st = ingest_status(r)["detail"]
            lags.append(sent() - st["metrics"]["counters"].get("published", 0))
        st = ingest_status(r)["detail"]
        sent1, t1 = sent(), time.monotonic()
        http_json(kissim_url + "/_kissim/fault", {"kind": "silent", "seconds": 3600})  # kissim stops sending
        elapsed = t1 - t0
        time.sleep(3.0)  # after kissim stops: does ingest catch up (no lost or stuck trades)?
        final = ingest_status(r)["detail"]
        wire = tap.finish()

        def measured(kind: str) -> dict[int, int]:
            merged: dict[int, int] = {}
            for w, hist in wire["hist"].get(kind, {}).items():
                if 0 <= int(w) < max(1, int(seconds // soak.WINDOW_S)):
                    soak.merge_hist(merged, hist)
            return merged

        windows = measured("published")
        top = max((v for w, v in wire["max_ms"].get("published", {}).items() if int(w) >= 0), default=None)
        p50, p99, p999 = soak.percentiles(windows, (50, 99, 99.9))
        hop1 = soak.percentiles(measured("to_ingest"), (50, 99))
        hop2 = soak.percentiles(measured("ingest_to_tap"), (50, 99))
        old = final["metrics"]["latency"].get("publish_latency_ms", {})
        half = len(lags) // 2
        return {
            "engine": engine,
            "rate": rate,
            "offered": round((sent1 - sent0) / elapsed),
            "sustained": round((st["metrics"]["counters"].get("published", 0) - pub0) / elapsed),
            "db_rows_s": round((st["metrics"]["counters"].get("rows_written_ticks", 0) - rows0) / elapsed),
            "lag_first_half": max(lags[:half] or [0]),
            "lag_second_half": max(lags[half:] or [0]),
            "caught_up": final["metrics"]["counters"].get("published", 0) >= sent1 - 1 and final["bufferRows"] < 10_000,
            "wire_samples": sum(windows.values()),
            "wire_p50_ms": p50,
            "wire_p99_ms": p99,
            "wire_p999_ms": p999,
            "wire_max_ms": round(top, 2) if top is not None else None,
            "to_ingest_p50_p99_ms": hop1,
            "ingest_to_tap_p50_p99_ms": hop2,
            "old_p50_ms": old.get("p50"),
            "old_p99_ms": old.get("p99"),
            "kissim_cpu_s": http_json(kissim_url + "/_kissim/stats").get("cpuSeconds"),
        }
    finally:
        if tap is not None:
            tap.stop()
        for p, f in ((proc, log), (kissim, kissim_log)):
            p.terminate()
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
            f.close()
        r.close()


def run_storage(services, storage: str, args, work: Path) -> list[dict]:
    from tests.support import harness

    harness.build_template(services, "bench_template", with_snapshot=False)
    template_url = harness.clone_database(services, "bench_template", "bench")  # + companies, a template too

    async def companies() -> None:
        import asyncpg

        from db import snapshot

        conn = await asyncpg.connect(template_url)
        try:
            await snapshot.load_industries_and_companies(conn, snapshot.SNAPSHOT_DIR)
        finally:
            await conn.close()

    asyncio.run(companies())
    chosen = symbols(template_url)
    results = []
    for engine in args.engines.split(","):
        for rate in (int(x) for x in args.rates.split(",")):
            # a fresh database: a fresh kissim starts the day again, and ingest would drop its trades as
            # replays of the ones an earlier run stored
            database_url = harness.clone_database(services, "bench", f"bench_{engine}_{rate}")
            res = run_one(engine, rate, args.seconds, database_url, services.redis_url, work / storage, chosen)
            res["storage"] = storage
            results.append(res)
            print(json.dumps(res), flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", default="1000,10000,20000")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds (whole 10 s windows)")
    parser.add_argument("--engines", default="tickcore,python")
    parser.add_argument("--storage", default="timescaledb", help="timescaledb and/or postgres, comma-separated")
    args = parser.parse_args()

    from tests.support import harness

    work = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    work.chmod(0o755)
    results = []
    print(f"load average before: {os.getloadavg()}", flush=True)
    try:
        for storage in args.storage.split(","):
            services = harness.start_services(work / storage, storage=storage)
            try:
                results += run_storage(services, storage, args, work)
            finally:
                services.redis.stop()
                services.pg.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        "| storage | engine | offered trades/s | sustained trades/s | DB rows/s | lag (1st half → 2nd half) | "
        "caught up | wire p50 / p99 / p99.9 / max ms (samples) | old p50 / p99 ms |"
    )
    print("|---|---|---:|---:|---:|---|---|---|---|")
    for res in results:
        print(
            f"| {res['storage']} | {res['engine']} | {res['offered']:,} | {res['sustained']:,} | "
            f"{res['db_rows_s']:,} | "
            f"{res['lag_first_half']:,} → {res['lag_second_half']:,} | {'yes' if res['caught_up'] else 'NO'} | "
            f"{res['wire_p50_ms']} / {res['wire_p99_ms']} / {res['wire_p999_ms']} / {res['wire_max_ms']} "
            f"({res['wire_samples']:,}) | {res['old_p50_ms']} / {res['old_p99_ms']} |"
        )


if __name__ == "__main__":
    main()
