"""The companies' data: profile rows, the newest bars, financials, filings, bars of a range."""

from __future__ import annotations

import datetime as dt

import asyncpg

from core import series

MAX_BARS = 5000

_COMPANY_SQL = """
    SELECT c.*, i.name AS industry_name, i.ksic_code FROM companies c
    LEFT JOIN industries i ON i.id = c.industry_id WHERE c.id = $1"""
_LAST_BARS_SQL = """
    SELECT bucket, open, high, low, close, volume, amount, source FROM stock_prices_1d
    WHERE symbol = $1 ORDER BY bucket DESC LIMIT 2"""
_RANGE_52W_SQL = """
    SELECT max(high) AS high, min(low) AS low FROM stock_prices_1d
    WHERE symbol = $1 AND bucket > $2::timestamptz - interval '365 days' AND bucket <= $2"""
_LAST_FY_INCOME_SQL = """
    SELECT fiscal_year, coalesce(net_income_owners, net_income) AS net_income FROM financials
    WHERE company_id = $1 AND period = 'FY' AND coalesce(net_income_owners, net_income) IS NOT NULL
    ORDER BY fiscal_year DESC LIMIT 1"""
_FINANCIALS_SQL = """
    SELECT fiscal_year, period, period_end, fs_basis, currency, revenue, operating_profit, net_income,
           net_income_owners, source
    FROM financials WHERE company_id = $1 ORDER BY fiscal_year, period"""
_SEGMENTS_SQL = """
    SELECT fiscal_year, segment, revenue, share_pct FROM financial_segments
    WHERE company_id = $1 ORDER BY fiscal_year DESC, revenue DESC NULLS LAST"""
_REPORTS_SQL = """
    SELECT id, rcept_no, report_name, report_type, filed_at, url, count(*) OVER () AS total
    FROM filings WHERE company_id = $1 ORDER BY filed_at DESC, id DESC LIMIT $2 OFFSET $3"""


async def symbol_of(db: asyncpg.Pool, company_id: int) -> str | None:
    symbol: str | None = await db.fetchval("SELECT symbol FROM companies WHERE id = $1", company_id)
    return symbol


async def profile_rows(
    db: asyncpg.Pool, company_id: int
) -> tuple[asyncpg.Record | None, list[asyncpg.Record], asyncpg.Record | None, asyncpg.Record | None]:
    """(company, its two newest daily bars, its 52-week range, its last FY net income)."""
    async with db.acquire() as conn:
        company = await conn.fetchrow(_COMPANY_SQL, company_id)
        if company is None:
            return None, [], None, None
        bars = await conn.fetch(_LAST_BARS_SQL, company["symbol"])
        week52 = await conn.fetchrow(_RANGE_52W_SQL, company["symbol"], bars[0]["bucket"]) if bars else None
        income = await conn.fetchrow(_LAST_FY_INCOME_SQL, company_id)
    return company, bars, week52, income


async def financial_rows(
    db: asyncpg.Pool, company_id: int
) -> tuple[asyncpg.Record | None, list[asyncpg.Record], list[asyncpg.Record]]:
    """(company id and description, financial rows, segments)."""
    async with db.acquire() as conn:
        company = await conn.fetchrow("SELECT id, description FROM companies WHERE id = $1", company_id)
        if company is None:
            return None, [], []
        return company, await conn.fetch(_FINANCIALS_SQL, company_id), await conn.fetch(_SEGMENTS_SQL, company_id)


async def reports(db: asyncpg.Pool, company_id: int, size: int, offset: int) -> list[asyncpg.Record]:
    return await db.fetch(_REPORTS_SQL, company_id, size, offset)


async def newest_bars(
    db: asyncpg.Pool, company_id: int, interval: str
) -> tuple[str, dt.datetime | None, dt.datetime | None] | None:
    """(symbol, start of its newest real bar of `interval`, of its newest simulated one), or None
    when there is no such company. Intervals without simulated bars (1w, 1mo) give None there."""
    simulated = (
        f"(SELECT max(s.bucket) FROM {series.bar_table(interval, simulated=True)} s WHERE s.symbol = c.symbol)"
        if interval in series.SIMULATED_INTERVALS
        else "NULL::timestamptz"
    )
    real = f"(SELECT max(s.bucket) FROM {series.bar_table(interval)} s WHERE s.symbol = c.symbol)"
    row = await db.fetchrow(
        f"SELECT c.symbol, {real} AS real, {simulated} AS simulated FROM companies c WHERE c.id = $1",
        company_id,
    )
    return (row["symbol"], row["real"], row["simulated"]) if row else None


async def bars(
    db: asyncpg.Pool,
    symbol: str,
    interval: str,
    start: dt.datetime,
    end: dt.datetime | None,
    *,
    simulated: bool,
) -> list[asyncpg.Record]:
    """The newest MAX_BARS bars of the range, ascending, of the real or the simulated series."""
    return await db.fetch(
        f"""SELECT * FROM (
                SELECT bucket, open, high, low, close, volume, amount, source
                FROM {series.bar_table(interval, simulated=simulated)}
                WHERE symbol = $1 AND bucket >= $2 AND ($3::timestamptz IS NULL OR bucket <= $3)
                ORDER BY bucket DESC LIMIT {MAX_BARS}) x ORDER BY bucket""",
        symbol,
        start,
        end,
    )


async def feed_gaps(
    db: asyncpg.Pool, symbol: str, start: dt.datetime, end: dt.datetime | None, *, simulated: bool | None
) -> list[asyncpg.Record]:
    """Gaps in the real-time feed and backfills (ingest_gaps) overlapping the range, with this
    symbol's minutes written from REST: the simulator's for a simulated series, a real feed's for a
    real one, any feed's while the symbol has no bars of the interval yet (`simulated` None)."""
    return await db.fetch(
        """SELECT started_at, ended_at, cause, status, repair_source, COALESCE(repaired -> $1, '[]'::jsonb) AS repaired
           FROM ingest_gaps
           WHERE $1 = ANY (symbols) AND ended_at >= $2 AND ($3::timestamptz IS NULL OR started_at <= $3)
             AND ($5::bool IS NULL OR (source = ANY ($4::text[])) = $5)
           ORDER BY started_at LIMIT 100""",
        symbol,
        start,
        end,
        sorted(series.SIMULATED_SOURCES),
        simulated,
    )
