"""Saved comparisons: every query is scoped by the owner's user id."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg

from api import quotes

_LIST_SQL = """
    SELECT cm.id, cm.name, cm.created_at,
           coalesce(json_agg(json_build_object('companyId', c.id, 'companyName', c.name, 'symbol', c.symbol)
                             ORDER BY cc.position) FILTER (WHERE c.id IS NOT NULL), '[]') AS companies
    FROM comparisons cm
    LEFT JOIN comparison_companies cc ON cc.comparison_id = cm.id
    LEFT JOIN companies c ON c.id = cc.company_id
    WHERE cm.user_id = $1 {extra}
    GROUP BY cm.id ORDER BY cm.created_at DESC, cm.id DESC"""
_LATEST_FY_SQL = """
    SELECT * FROM (
        SELECT company_id, fiscal_year, revenue, operating_profit,
               coalesce(net_income_owners, net_income) AS net_income,
               lag(revenue) OVER w AS prev_revenue, lag(fiscal_year) OVER w AS prev_year,
               row_number() OVER (PARTITION BY company_id ORDER BY fiscal_year DESC) AS rn
        FROM financials WHERE company_id = ANY($1::int[]) AND period = 'FY'
        WINDOW w AS (PARTITION BY company_id ORDER BY fiscal_year)) x
    WHERE rn = 1"""
# Performance reads the market day's source only ($3), up to that day.
_BASE_DATE_SQL = """
    SELECT min(s.bucket) FROM companies c
    CROSS JOIN LATERAL (SELECT bucket FROM public.stock_prices_1d WHERE symbol = c.symbol AND bucket >= $2
                        AND source = $3 ORDER BY bucket LIMIT 1) s
    WHERE c.id = ANY($1::int[])"""
_SERIES_SQL = """
    SELECT c.id, s.bucket, s.close FROM companies c
    JOIN public.stock_prices_1d s ON s.symbol = c.symbol AND s.bucket >= $2 AND s.bucket <= $3 AND s.source = $4
    WHERE c.id = ANY($1::int[]) ORDER BY c.id, s.bucket"""


async def list_owned(db: asyncpg.Pool, user_id: int) -> list[asyncpg.Record]:
    return await db.fetch(_LIST_SQL.format(extra=""), user_id)


async def owned(db: asyncpg.Pool, user_id: int, comparison_id: int) -> asyncpg.Record | None:
    return await db.fetchrow(_LIST_SQL.format(extra="AND cm.id = $2"), user_id, comparison_id)


async def companies_by_id(db: asyncpg.Pool, ids: list[int]) -> dict[int, asyncpg.Record]:
    rows = await db.fetch("SELECT id, name, symbol FROM companies WHERE id = ANY($1::int[])", ids)
    return {r["id"]: r for r in rows}


async def create(db: asyncpg.Pool, user_id: int, name: str, ids: list[int]) -> asyncpg.Record:
    async with db.acquire() as conn, conn.transaction():
        row = await conn.fetchrow(
            "INSERT INTO comparisons (user_id, name) VALUES ($1, $2) RETURNING id, created_at", user_id, name
        )
        assert row is not None  # INSERT … RETURNING always returns the row
        await conn.execute(
            """INSERT INTO comparison_companies (comparison_id, position, company_id)
               SELECT $1, p.ord, p.id FROM unnest($2::int[]) WITH ORDINALITY AS p(id, ord)""",
            row["id"],
            ids,
        )
    return row


async def delete(db: asyncpg.Pool, user_id: int, comparison_id: int) -> int | None:
    deleted: int | None = await db.fetchval(
        "DELETE FROM comparisons WHERE id = $1 AND user_id = $2 RETURNING id", comparison_id, user_id
    )
    return deleted


async def figures(
    db: asyncpg.Pool, ids: list[int], period_days: int, start: dt.datetime | None
) -> tuple[
    quotes.MarketDay,
    dict[int, dict[str, Any]],
    dict[int, asyncpg.Record],
    dt.datetime | None,
    list[asyncpg.Record],
]:
    """(the market day, quotes on it, latest FY per company, base date, closes from the base date to the
    market day). Everything is of the market day's one source (api/quotes.py)."""
    async with db.acquire() as conn:
        day = await quotes.market_day(conn)
        found = await quotes.fetch_quotes(conn, day, ids)
        fiscal = {r["company_id"]: r for r in await conn.fetch(_LATEST_FY_SQL, ids)}
        base = None
        series: list[asyncpg.Record] = []
        if day.bucket is not None:
            period_start = start or day.bucket - dt.timedelta(days=period_days)
            base = await conn.fetchval(_BASE_DATE_SQL, ids, period_start, day.source)
            if base is not None:
                series = await conn.fetch(_SERIES_SQL, ids, base, day.bucket, day.source)
    return day, found, fiscal, base, series
