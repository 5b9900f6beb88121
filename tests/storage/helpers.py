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
