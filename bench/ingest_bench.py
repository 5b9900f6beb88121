"""Ingest benchmark: a KIS-protocol frame generator at increasing trade rates → `python -m ingest`
(a real process) → Redis PUBLISH + PostgreSQL COPY, on this machine.

    .venv/bin/python bench/ingest_bench.py [--rates 1000,10000,50000] [--seconds 10] [--engines tickcore,python]
                                           [--storage timescaledb,postgres]

For each engine and rate a fresh ingest process streams from the generator (40 symbols, one app
key, frames of several records, KIS H0STCNT0 layout). Reported per run:
  sustained   trades/s published by ingest over the measuring window
  lag         trades the generator sent that ingest had not yet published at the window's end
  db rows/s   ticks written to stock_ticks per second over the window; `buffer` = rows still queued
  p50 / p99   frame arrival (WebSocket read) → PUBLISH acknowledged by Redis, ms
The `python` engine — ingest with the plain-Python reference engine of tests/support/reference_engine.py
(same output bytes) in place of tickcore — is the baseline.
Embedded PostgreSQL and Redis are started in a temporary folder and removed afterwards; `--storage`
runs everything on PostgreSQL with TimescaleDB (the default: stock_ticks a hypertable, 15m/1h
continuous aggregates) and/or on plain PostgreSQL, one fresh server each. The generator stands for
the broker (INGEST_SOURCE=kis), so rows go where real trades go (`public`, not the simulated schema).
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
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.contract import keys  # noqa: E402 - after the repository is on the path

KST = timezone(timedelta(hours=9))
SYMBOLS = [f"{100000 + i * 37:06d}" for i in range(40)]


# ---------------------------------------------------------------------------------------------
# generator server (runs as its own process: `ingest_bench.py --serve PORT`)


def serve(port: int) -> None:
    from aiohttp import WSMsgType, web

    state = {"rate": 0.0, "sent": 0, "frames": 0}
    sessions: dict[int, tuple[web.WebSocketResponse, set[str]]] = {}
    approvals: set[str] = set()
    books = {
        s: {"price": 50_000 + i * 1_000, "acc": 0, "amount": 0, "sell": 0, "buy": 0} for i, s in enumerate(SYMBOLS)
    }

    def record(sym: str, hhmmss: str, date: str) -> str:
        b = books[sym]
        b["price"] += 50 if (b["acc"] // 7) % 3 == 0 else -50 if (b["acc"] // 5) % 3 == 0 else 0
        b["price"] = max(10_000, b["price"])
        price, vol = b["price"], 10 + b["acc"] % 37
        b["acc"] += vol
        b["amount"] += price * vol
        buy = (b["acc"] & 1) == 0
        b["buy" if buy else "sell"] += 1
        return (
            f"{sym}^{hhmmss}^{price}^2^100^0.20^{price}.00^50000^{price + 500}^{price - 500}^{price}^{price - 50}^"
            f"{vol}^{b['acc']}^{b['amount']}^{b['sell']}^{b['buy']}^{b['buy'] - b['sell']}^100.00^1^1^"
            f"{'1' if buy else '5'}^0.50^10.00^090000^2^100^090000^5^-500^090000^2^500^{date}^20^N^10^10^100^100^"
            f"0.01^1000^100.00^0^^50000"
        )

    async def approval(request: web.Request) -> web.Response:
        key = str(uuid.uuid4())
        approvals.add(key)
        return web.json_response({"approval_key": key})

    async def control(request: web.Request) -> web.Response:
        body = await request.json()
        state["rate"] = float(body.get("rate", state["rate"]))
        return web.json_response(state)

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(state)

    async def websocket(request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=1 << 22)
        await ws.prepare(request)
        subs: set[str] = set()
        sessions[id(ws)] = (ws, subs)
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                data = json.loads(msg.data)
                if data["header"].get("tr_id") == "PINGPONG":
                    continue
                inp = data["body"]["input"]
                if data["header"]["tr_type"] == "1":
                    subs.add(inp["tr_key"])
                    code, text = "OPSP0000", "SUBSCRIBE SUCCESS"
                else:
                    subs.discard(inp["tr_key"])
                    code, text = "OPSP0001", "UNSUBSCRIBE SUCCESS"
                await ws.send_str(
                    json.dumps(
                        {
                            "header": {"tr_id": inp["tr_id"], "tr_key": inp["tr_key"], "encrypt": "N"},
                            "body": {"rt_cd": "0", "msg_cd": code, "msg1": text},
                        }
                    )
                )
        finally:
            sessions.pop(id(ws), None)
        return ws

    async def pump(app):
        async def loop():
            tick = 0.005
            carry = 0.0
            last = time.perf_counter()
            turn = 0
            while True:
                await asyncio.sleep(tick)
                now = time.perf_counter()
                carry += state["rate"] * (now - last)
                last = now
                n = int(carry)
                if n <= 0 or not sessions:
                    if not sessions:
                        carry = 0.0
                    continue
                carry -= n
                kst = datetime.now(KST)
                hhmmss, date = kst.strftime("%H%M%S"), kst.strftime("%Y%m%d")
                for ws, subs in list(sessions.values()):
                    active = [s for s in SYMBOLS if s in subs]
                    if not active:
                        continue
                    per_symbol: dict[str, list[str]] = {}
                    for _ in range(n):
                        sym = active[turn % len(active)]
                        turn += 1
                        per_symbol.setdefault(sym, []).append(record(sym, hhmmss, date))
                    try:
                        for recs in per_symbol.values():
                            for i in range(0, len(recs), 10):
                                chunk = recs[i : i + 10]
                                await ws.send_str(f"0|H0STCNT0|{len(chunk):03d}|" + "^".join(chunk))
                                state["frames"] += 1
                        state["sent"] += n
                    except Exception:  # noqa: BLE001
                        pass

        task = asyncio.create_task(loop())
        yield
        task.cancel()

    app = web.Application()
    app.router.add_post("/oauth2/Approval", approval)
    app.router.add_post("/_bench/rate", control)
    app.router.add_get("/_bench/stats", stats)
    app.router.add_get("/{tail:.*}", websocket)
    app.cleanup_ctx.append(pump)
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


# ---------------------------------------------------------------------------------------------
# driver


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
        except Exception:  # noqa: BLE001
            pass
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")


def ingest_status(r) -> dict:
    raw = {k.decode(): v.decode() for k, v in r.hgetall(keys.INGEST_STATUS).items()}
    raw["detail"] = json.loads(raw.get("detail", "{}"))
    return raw


def run_one(
    engine: str, rate: int, seconds: float, gen_url: str, gen_port: int, database_url: str, redis_url: str, work: Path
) -> dict:
    import redis

    r = redis.Redis.from_url(redis_url)
    r.delete(keys.INGEST_STATUS)
    data_dir = work / f"data-{engine}-{rate}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIS_")}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        JWT_SECRET="bench-" + "x" * 40,
        LOG_LEVEL="WARNING",
        LOG_FORMAT="text",
        INGEST_SOURCE="kis",
        KIS_REST_URL=gen_url,
        KIS_WS_URL=f"ws://127.0.0.1:{gen_port}",
        KIS_APP_KEYS="benchkey:benchsecret",
        SUBSCRIBE_SYMBOLS=",".join(SYMBOLS),
        DATA_DIR=str(data_dir),
        INGEST_STATUS_INTERVAL_SECONDS="0.5",
        KIS_SUBSCRIBE_PAUSE_MS="0",
        INGEST_WATCHDOG_SECONDS="30",
    )
    log = open(work / f"ingest-{engine}-{rate}.log", "wb")
    module = "ingest" if engine == "tickcore" else "tests.support.reference_ingest"
    proc = subprocess.Popen([sys.executable, "-m", module], env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait(
            lambda: (
                ingest_status(r).get("connected") == "1"
                and ingest_status(r)["detail"]["keys"][0]["registered"] == len(SYMBOLS)
            ),
            30,
            "ingest to subscribe",
        )
        sent_base = http_json(gen_url + "/_bench/stats")["sent"]  # what earlier runs were sent
        http_json(gen_url + "/_bench/rate", {"rate": rate})
        time.sleep(2.0)  # warm-up
        proc_before = ingest_status(r)["detail"]
        sent0 = http_json(gen_url + "/_bench/stats")["sent"]
        pub0 = proc_before["metrics"]["counters"].get("published", 0)
        rows0 = proc_before["metrics"]["counters"].get("rows_written_ticks", 0)
        t0 = time.monotonic()
        samples = []
        while time.monotonic() - t0 < seconds:
            time.sleep(0.5)
            st = ingest_status(r)["detail"]
            samples.append(
                (
                    st["bufferRows"],
                    http_json(gen_url + "/_bench/stats")["sent"]
                    - sent_base
                    - st["metrics"]["counters"].get("published", 0),
                )
            )
        st = ingest_status(r)["detail"]
        t1 = time.monotonic()
        sent1 = http_json(gen_url + "/_bench/stats")["sent"]
        http_json(gen_url + "/_bench/rate", {"rate": 0})
        pub1 = st["metrics"]["counters"].get("published", 0)
        rows1 = st["metrics"]["counters"].get("rows_written_ticks", 0)
        elapsed = t1 - t0
        # after the generator stops: does ingest catch up (no lost or stuck trades)?
        time.sleep(3.0)
        final = ingest_status(r)["detail"]
        lat = final["metrics"]["latency"].get("publish_latency_ms", {})
        lags = [lag for _, lag in samples]
        half = len(lags) // 2
        return {
            "engine": engine,
            "rate": rate,
            "offered": round((sent1 - sent0) / elapsed),
            "sustained": round((pub1 - pub0) / elapsed),
            "db_rows_s": round((rows1 - rows0) / elapsed),
            "lag_first_half": max(lags[:half] or [0]),
            "lag_second_half": max(lags[half:] or [0]),
            "buffer_end": st["bufferRows"],
            "caught_up": final["metrics"]["counters"].get("published", 0) >= sent1 - sent_base - 1
            and final["bufferRows"] < 10_000,
            "p50_ms": lat.get("p50"),
            "p99_ms": lat.get("p99"),
            "engine_p99_ms": final["metrics"]["latency"].get("engine_ms", {}).get("p99"),
        }
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        r.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--rates", default="1000,10000,50000")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--engines", default="tickcore,python")
    parser.add_argument("--storage", default="timescaledb", help="timescaledb and/or postgres, comma-separated")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return

    from db import migrate
    from devtools.embedded import EmbeddedPostgres, EmbeddedRedis, free_port

    work = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    work.chmod(0o755)
    rs = EmbeddedRedis(work / "redis")
    gen = None
    results = []
    try:
        redis_url = rs.start()
        port = free_port()
        gen_log = open(work / "generator.log", "wb")
        gen = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(port)], cwd=REPO, stdout=gen_log, stderr=subprocess.STDOUT
        )
        gen_url = f"http://127.0.0.1:{port}"
        wait(lambda: http_json(gen_url + "/_bench/stats") is not None, 20, "the generator")
        for storage in args.storage.split(","):
            pg = EmbeddedPostgres(work / f"pg-{storage}", database="bench", timescale=storage == "timescaledb")
            try:
                database_url = pg.start()
                asyncio.run(migrate.apply_url(database_url))
                for engine in args.engines.split(","):
                    for rate in (int(x) for x in args.rates.split(",")):
                        res = run_one(engine, rate, args.seconds, gen_url, port, database_url, redis_url, work)
                        res["storage"] = storage
                        results.append(res)
                        print(json.dumps(res), flush=True)
            finally:
                pg.stop()
    finally:
        if gen is not None:
            gen.terminate()
            gen.wait(10)
        rs.stop()
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        "| storage | engine | offered trades/s | sustained trades/s | DB rows/s | lag (1st half → 2nd half) | "
        "caught up | publish p50 ms | publish p99 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for res in results:
        print(
            f"| {res['storage']} | {res['engine']} | {res['offered']:,} | {res['sustained']:,} | "
            f"{res['db_rows_s']:,} | "
            f"{res['lag_first_half']:,} → {res['lag_second_half']:,} | {'yes' if res['caught_up'] else 'NO'} | "
            f"{res['p50_ms']} | {res['p99_ms']} |"
        )


if __name__ == "__main__":
    main()
