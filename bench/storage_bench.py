"""Storage benchmark: TimescaleDB against plain PostgreSQL, side by side in one run, on this machine.

    .venv/bin/python bench/storage_bench.py [--days 5] [--symbols 40] [--rate 0.2] [--copy-rows 400000] [--repeat 200]

Starts two embedded servers — PostgreSQL 18 with TimescaleDB preloaded, and the same PostgreSQL
without it (the baseline) — migrates both (sql/, and sql/timescale/ where TimescaleDB is), loads the
bundled KRX snapshot into both, and stores the same replayed kissim days (devtools/kissim/replay.py,
`--days` weekdays of `--symbols` symbols — ingest's default subscription count — source `kis`,
through tickcore and ingest's PgWriter; the continuous aggregates are then refreshed over those
days, as their policies do while a day is recent). Then:

  copy      binary COPY rows/s of tickcore's tick rows, in ingest's batch size, into a hypertable and
            into a plain table of the same columns and unique index, in the TimescaleDB database
            (alternating, best of 3; goal: hypertable ≥ 0.8 × plain)
  queries   the api's own bar queries (api/companies/queries.py), p50/p95 over `--repeat` runs:
            1 year of 1d, one day of 1m, a week of 15m and of 1h, 5 years of 1w (goal: each < 20 ms);
            on TimescaleDB also a week of 15m before any refresh (everything aggregated at query time)
  bytes     bytes per tick and per 1m bar of the replayed days, uncompressed and after compressing
            every chunk (segment by symbol, order by time; goal: ≥ 5× smaller)
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.time import KST, kst_midnight  # noqa: E402 - after the repository is on the path

BATCH_ROWS = 5_000  # INGEST_BATCH_MAX_ROWS


def weekdays_before(today: dt.date, n: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = today
    while len(days) < n:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return sorted(days)


def largest_symbols(n: int) -> list[str]:
    """The `n` largest companies by the bundled listing's market-cap rank."""
    import csv
    import gzip

    with gzip.open(REPO / "data" / "companies.csv.gz", "rt", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["market_cap_rank"]]
    return [r["code"] for r in sorted(rows, key=lambda r: int(r["market_cap_rank"]))[:n]]


# ------------------------------------------------------------------------------------------- copy


def tick_copy_batches(days: list[dt.date], symbols: list[str], rate: float, rows: int) -> list[tuple[bytes, int]]:
    """tickcore's binary COPY of tick rows, cut into ingest-sized batches, `rows` in all."""
    import tickcore
    from devtools.kissim.replay import history, replay_day
    from ingest.writer import merge_copy
    from tests.support.replayed_day import KISSIM_CACHE

    engine = tickcore.Engine(source="kis")
    source = history(KISSIM_CACHE)
    batches: list[tuple[bytes, int]] = []
    pending: list[bytes] = []
    pending_rows = total = 0
    for day in days:
        for received_us, frames in replay_day(symbols, day, source, trades_per_second=rate):
            batch = engine.feed(frames, received_us)
            if batch.ticks_copy:
                pending.append(batch.ticks_copy)
                pending_rows += batch.tick_count
            if pending_rows >= BATCH_ROWS:
                batches.append((merge_copy(pending), pending_rows))
                total += pending_rows
                pending, pending_rows = [], 0
                if total >= rows:
                    return batches
    if pending:
        batches.append((merge_copy(pending), pending_rows))
    return batches


async def copy_rate(url: str, table: str, batches: list[tuple[bytes, int]]) -> float:
    import asyncpg

    from ingest.writer import TICK_COLUMNS

    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f"TRUNCATE {table}")
        rows = 0
        started = time.perf_counter()
        for data, n in batches:
            async with conn.transaction():
                await conn.copy_to_table(
                    table, source=io.BytesIO(data), format="binary", columns=TICK_COLUMNS.split(", ")
                )
            rows += n
        return rows / (time.perf_counter() - started)
    finally:
        await conn.close()


async def prepare_copy_tables(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        for table in ("bench_ticks_plain", "bench_ticks_hypertable"):
            await conn.execute(f"DROP TABLE IF EXISTS {table}")
            await conn.execute(f"CREATE TABLE {table} (LIKE public.stock_ticks INCLUDING DEFAULTS)")
            await conn.execute(f"CREATE UNIQUE INDEX ON {table} (symbol, time, acc_volume)")
        await conn.execute(
            "SELECT create_hypertable('bench_ticks_hypertable', 'time', chunk_time_interval => interval '1 day')"
        )
    finally:
        await conn.close()


# ---------------------------------------------------------------------------------------- queries


async def query_times(
    url: str, last_day: dt.date, repeat: int, only: tuple[str, ...] | None = None
) -> dict[str, tuple[float, float, int]]:
    """{case: (p50 ms, p95 ms, rows)} of the api's bar queries."""
    import asyncpg

    from api.companies import queries

    snapshot_end = kst_midnight(dt.date(2026, 8, 21))
    day_start = kst_midnight(last_day)
    cases = {
        "1d, 1 year": ("005930", "1d", snapshot_end - dt.timedelta(days=365), None),
        "1m, one day": ("005930", "1m", day_start, day_start + dt.timedelta(days=1)),
        "15m, one week": ("005930", "15m", day_start - dt.timedelta(days=6), None),
        "1h, one week": ("005930", "1h", day_start - dt.timedelta(days=6), None),
        "1w, 5 years": ("005930", "1w", snapshot_end - dt.timedelta(days=5 * 365), None),
    }
    conn = await asyncpg.connect(url)
    out = {}
    try:
        for name, (symbol, interval, start, end) in cases.items():
            if only is not None and name not in only:
                continue
            samples = []
            rows = 0
            for _ in range(repeat):
                started = time.perf_counter()
                bars = queries.bars(conn, symbol, interval, start, end, simulated=False)  # type: ignore[arg-type]  # chart's
                rows = len(await bars)
                samples.append((time.perf_counter() - started) * 1000)
            samples.sort()
            out[name] = (statistics.median(samples), samples[int(len(samples) * 0.95) - 1], rows)
    finally:
        await conn.close()
    return out


# ------------------------------------------------------------------------------------------ bytes


async def refresh_aggregates(url: str) -> None:
    """What the refresh policies do while the replayed days are recent."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        for view in ("stock_prices_15m", "stock_prices_1h"):
            await conn.execute(f"CALL refresh_continuous_aggregate('{view}', NULL, NULL)")
    finally:
        await conn.close()


async def bytes_per_row(url: str) -> dict[str, tuple[int, float, float]]:
    """{table: (rows, bytes/row uncompressed, bytes/row compressed)} over every chunk of the table."""
    import asyncpg

    conn = await asyncpg.connect(url)
    out = {}
    try:
        for table in ("stock_ticks", "stock_prices_1m"):
            rows = await conn.fetchval(f"SELECT count(*) FROM {table}")
            for chunk in await conn.fetch(f"SELECT show_chunks('{table}') AS c"):
                await conn.execute(f"SELECT compress_chunk('{chunk['c']}', if_not_compressed => true)")
            stats = await conn.fetchrow(
                f"""SELECT sum(before_compression_total_bytes) AS before, sum(after_compression_total_bytes) AS after
                    FROM chunk_compression_stats('{table}')"""
            )
            out[table] = (rows, stats["before"] / rows, stats["after"] / rows)
    finally:
        await conn.close()
    return out


async def plain_bytes_per_row(url: str) -> dict[str, float]:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute("VACUUM ANALYZE stock_ticks, stock_prices_1m")
        return {
            table: await conn.fetchval(f"SELECT pg_total_relation_size('{table}')::float8 / count(*) FROM {table}")
            for table in ("stock_ticks", "stock_prices_1m")
        }
    finally:
        await conn.close()


# ------------------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=5, help="replayed weekdays (the last ones before today)")
    parser.add_argument("--symbols", type=int, default=40, help="replayed symbols (the largest companies)")
    parser.add_argument("--rate", type=float, default=0.2, help="mean trades per second per symbol")
    parser.add_argument("--copy-rows", type=int, default=400_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    from db import migrate, snapshot
    from devtools.embedded import EmbeddedPostgres
    from tests.support.replayed_day import store_replayed_day

    symbols = largest_symbols(args.symbols)
    days = weekdays_before(dt.datetime.now(KST).date(), args.days)
    work = Path(tempfile.mkdtemp(prefix="storage-bench-"))
    work.chmod(0o755)
    servers = {
        "timescaledb": EmbeddedPostgres(work / "timescaledb", database="bench", timescale=True),
        "postgres": EmbeddedPostgres(work / "postgres", database="bench", timescale=False),
    }
    results: dict[str, dict] = {}
    try:
        for name, server in servers.items():
            url = server.start()
            started = time.perf_counter()
            asyncio.run(migrate.apply_url(url))
            asyncio.run(snapshot.load(url, progress=False))
            load_s = time.perf_counter() - started
            started = time.perf_counter()
            ticks = 0
            for day in days:
                ticks += store_replayed_day(
                    url, symbols, day, work / f"spool-{name}", source="kis", trades_per_second=args.rate
                ).ticks
            print(
                f"{name}: migrate + snapshot {load_s:.1f} s; {ticks:,} ticks of {len(days)} days stored in "
                f"{time.perf_counter() - started:.1f} s",
                flush=True,
            )
            results[name] = {"url": url}
            if name == "timescaledb":
                before = asyncio.run(query_times(url, days[-1], args.repeat, only=("15m, one week",)))
                results[name]["not materialized"] = before["15m, one week"]
                asyncio.run(refresh_aggregates(url))
            results[name]["queries"] = asyncio.run(query_times(url, days[-1], args.repeat))

        ts_url = results["timescaledb"]["url"]
        batches = tick_copy_batches(days, symbols, args.rate, args.copy_rows)
        copy_rows = sum(n for _, n in batches)
        asyncio.run(prepare_copy_tables(ts_url))
        rates: dict[str, list[float]] = {"bench_ticks_plain": [], "bench_ticks_hypertable": []}
        for _ in range(3):
            for table in rates:
                rates[table].append(asyncio.run(copy_rate(ts_url, table, batches)))
        compressed = asyncio.run(bytes_per_row(ts_url))
        plain_bytes = asyncio.run(plain_bytes_per_row(results["postgres"]["url"]))
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(work, ignore_errors=True)

    hyper, plain = max(rates["bench_ticks_hypertable"]), max(rates["bench_ticks_plain"])
    print()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{len(symbols)} symbols × {len(days)} days ({days[0]} … {days[-1]}), {args.rate} trades/s per symbol"
    )
    print()
    print(
        f"COPY ({copy_rows:,} tick rows in batches of {BATCH_ROWS:,}, best of 3): hypertable / plain table = "
        f"**{hyper / plain:.2f}×** ({hyper:,.0f} vs {plain:,.0f} rows/s; all runs: "
        f"{', '.join(f'{r:,.0f}' for r in rates['bench_ticks_hypertable'])} vs "
        f"{', '.join(f'{r:,.0f}' for r in rates['bench_ticks_plain'])})"
    )
    print()
    print(
        "| query (api/companies/queries.py) | rows | TimescaleDB p50 / p95 ms | plain PostgreSQL p50 / p95 ms |"
        " TimescaleDB / plain (p50) |"
    )
    print("|---|---:|---:|---:|---:|")
    for case, (p50, p95, rows) in results["timescaledb"]["queries"].items():
        b50, b95, brows = results["postgres"]["queries"][case]
        print(
            f"| {case} | {rows:,}{'' if rows == brows else f' (plain: {brows:,})'} | {p50:.2f} / {p95:.2f} | "
            f"{b50:.2f} / {b95:.2f} | {p50 / b50:.2f} |"
        )
    p50, p95, rows = results["timescaledb"]["not materialized"]
    print(f"| 15m, one week, before any refresh (all at query time) | {rows:,} | {p50:.2f} / {p95:.2f} | | |")
    print()
    print("| table | rows | bytes/row uncompressed | bytes/row compressed | smaller by | plain PostgreSQL bytes/row |")
    print("|---|---:|---:|---:|---:|---:|")
    for table, (rows, before, after) in compressed.items():
        print(
            f"| {table} | {rows:,} | {before:.1f} | {after:.1f} | **{before / after:.1f}×** | "
            f"{plain_bytes[table]:.1f} |"
        )


if __name__ == "__main__":
    main()
