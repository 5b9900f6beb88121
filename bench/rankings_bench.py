"""The daily rankings' day-table query (api/rankings/queries.py) with and without the covering index
of sql/0010_rankings.sql, on the bundled history in two heap layouts.

Run: .venv/bin/python bench/rankings_bench.py [--runs 7] [--write]

    snapshot order  the loader writes each stock's bars together: the primary key's lookups of the
                    52 weeks before the ranking day touch few heap pages even without the index
    write order     what ingest and the daily backfill produce over time (one day of every stock at
                    a time): the same ~250 bars of a stock lie on ~250 different pages

For each layout the query runs `--runs` times warm with the index, then as many times with the index
dropped inside a transaction that is rolled back (the baseline in the same run). Reported: median
milliseconds and shared buffers touched (EXPLAIN ANALYZE, BUFFERS) of one execution.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.http.dates import iso_date
from api.rankings import queries
from tests.support import harness

INDEX = "stock_prices_1d_symbol_range_idx"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


async def _measure(conn: asyncpg.Connection, bucket: dt.datetime, runs: int) -> tuple[float, int]:
    await conn.fetch(queries.DAY_SQL, bucket)  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await conn.fetch(queries.DAY_SQL, bucket)
        times.append((time.perf_counter() - started) * 1000)
    plan = await conn.fetchval(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {queries.DAY_SQL}", bucket)
    top = json.loads(plan)[0]["Plan"]
    return statistics.median(times), top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)


async def _both(conn: asyncpg.Connection, bucket: dt.datetime, runs: int) -> dict[str, tuple[float, int]]:
    with_index = await _measure(conn, bucket, runs)
    tx = conn.transaction()
    await tx.start()
    try:
        await conn.execute(f"DROP INDEX {INDEX}")
        without = await _measure(conn, bucket, runs)
    finally:
        await tx.rollback()
    return {"with": with_index, "without": without}


async def run(url: str, runs: int) -> dict[str, dict[str, tuple[float, int]]]:
    conn = await asyncpg.connect(url)
    try:
        bucket = await queries.ranking_day(conn)
        rows = len(await conn.fetch(queries.DAY_SQL, bucket))
        print(f"ranking day {iso_date(bucket)}: {rows} stocks", flush=True)
        await conn.execute("VACUUM ANALYZE stock_prices_1d")
        results = {"snapshot order": await _both(conn, bucket, runs)}
        print("rewriting stock_prices_1d in write order (by day, then symbol)…", flush=True)
        await conn.execute("CREATE TEMP TABLE by_day AS SELECT * FROM stock_prices_1d ORDER BY bucket, symbol")
        await conn.execute("TRUNCATE stock_prices_1d")
        await conn.execute("INSERT INTO stock_prices_1d SELECT * FROM by_day")
        await conn.execute("VACUUM ANALYZE stock_prices_1d")
        results["write order"] = await _both(conn, bucket, runs)
        return results
    finally:
        await conn.close()


def table(results: dict[str, dict[str, tuple[float, int]]]) -> str:
    lines = [
        "| heap layout | without / with index: time; buffers | with index: ms; buffers | without: ms; buffers |",
        "|---|---:|---:|---:|",
    ]
    for layout, r in results.items():
        (ms, buf), (ms0, buf0) = r["with"], r["without"]
        lines.append(
            f"| {layout} | **{ms0 / ms:.1f}×**; {buf0 / max(buf, 1):.1f}× | {ms:.1f}; {buf:,} | {ms0:.1f}; {buf0:,} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed executions per case (median reported)")
    parser.add_argument("--write", action="store_true", help="append the result to bench/RESULTS.md")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="krx-bench-rankings-"))
    root.chmod(0o755)
    services = harness.start_services(root)
    try:
        print("loading the bundled snapshot into a fresh database…", flush=True)
        harness.build_template(services, "bench_rankings", with_snapshot=True)
        results = asyncio.run(run(services.url_for("bench_rankings"), args.runs))
    finally:
        services.redis.stop()
        services.pg.stop()
        shutil.rmtree(root, ignore_errors=True)
    text = table(results)
    print(text)
    if args.write:
        machine = f"{platform.machine()}, Python {platform.python_version()}"
        with RESULTS.open("a", encoding="utf-8") as out:
            command = f"`.venv/bin/python bench/rankings_bench.py --runs {args.runs}`"
            out.write(
                f"\n## rankings (day table, sql/0010 covering index)\n\nCommand: {command}. "
                f"Run on {dt.date.today()} ({machine}).\n\n{text}\n"
            )


if __name__ == "__main__":
    main()
