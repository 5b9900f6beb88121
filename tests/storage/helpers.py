"""Helpers of the storage tests: SQL against a test database, the replayed day they use."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import asyncpg

from core.time import KST

SYMBOLS = ["005930", "000660", "035420"]


def sql(url: str, statement: str, *args) -> list[asyncpg.Record]:
    async def run():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(statement, *args)
        finally:
            await conn.close()

    return asyncio.run(run())


def replay_date() -> dt.date:
    """Yesterday in Seoul: recent enough for every retention policy, and its chunks (whole UTC days)
    are not old enough for a compression policy to touch them while a test runs."""
    return dt.datetime.now(KST).date() - dt.timedelta(days=1)


BAR_COLUMNS = "symbol, bucket, open, high, low, close, volume, amount, trade_count, first_trade_at, last_trade_at"


def bar_rows(url: str, relation: str) -> list[tuple]:
    return [tuple(r) for r in sql(url, f"SELECT {BAR_COLUMNS} FROM {relation} ORDER BY symbol, bucket")]


def refresh(url: str, relation: str, timeout: float = 60.0) -> None:
    """Materialize a continuous aggregate over all time; a policy job refreshing it at the same
    moment makes TimescaleDB refuse a second refresh, so wait for it."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            sql(url, f"CALL refresh_continuous_aggregate('{relation}', NULL, NULL)")
            return
        except asyncpg.LockNotAvailableError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def pause_refresh_policies(url: str) -> None:
    """The replayed day lies in the past, inside the refresh policies' window: a policy run while it
    is being written would materialize half-written buckets, and such buckets stay as they are until
    the next refresh (TimescaleDB aggregates at query time only above what is materialized). Live
    data never meets this — the window ends 15 minutes / 1 hour before now — so pause them here."""
    jobs = sql(
        url,
        """SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = 'policy_refresh_continuous_aggregate'""",
    )
    for job in jobs:
        sql(url, "SELECT alter_job($1, scheduled => false)", job["job_id"])
    deadline = time.monotonic() + 30
    while sql(url, "SELECT 1 FROM timescaledb_information.job_stats WHERE job_status = 'Running'"):
        assert time.monotonic() < deadline, "policy jobs still running after 30 s"
        time.sleep(0.1)
