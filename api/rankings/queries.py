"""The daily rankings (거래량, 거래대금, 상승률, 하락률, 52주 신고가/신저가) from `stock_prices_1d`.

Every daily ranking answers for the *market day* of every list (api/quotes.py): the newest
market-wide daily data set (the bundled snapshot, or the price backfill's KIS/yfinance set), one
day and one source. A day on which only the few dozen stocks ingest follows live have a bar (or a
trading day before the evening backfill) is not a market-wide data set, so it never becomes the
ranking day; stocks without a bar of that day and source are left out and counted (`excluded`).
Simulated bars are never read (they live in schema `sim`).

For each stock with a bar on the market day, one SQL pass (`DAY_SQL`) reads the previous real
bar's close and the highest high / lowest low of the 52 weeks (364 days) before the day, through
the covering index of sql/0010_rankings.sql (~90 ms for ~1,250 stocks). The result, the whole
market's *day table*, is cached like the market-cap quote table (api/http/cache.py) and every
ranking is a sort of it.

Definitions (also in api/README.md):
    volume   거래량: shares traded, most first
    amount   거래대금: traded value, most first; the bar's `amount` when the source has it, else
             close × volume, flagged `amountEstimated`
    gainers  상승률: change vs the previous bar's close, highest first
    losers   하락률: the same, lowest first
    high52w  52주 신고가: the day's intraday high is above every high of the 52 weeks before it
             (a stock needs at least one earlier bar in that window), highest change first
    low52w   52주 신저가: the day's low is below every low of those 52 weeks, lowest change first
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
import orjson
from sanic import Sanic

from api import quotes
from api.http import cache
from api.http.dates import iso_date
from core.contract import keys

DAY_SQL = """
WITH RECURSIVE days AS (
    SELECT max(bucket) AS bucket FROM stock_prices_1d
    UNION ALL
    SELECT (SELECT max(s.bucket) FROM stock_prices_1d s WHERE s.bucket < days.bucket)
    FROM days WHERE days.bucket IS NOT NULL
)
SELECT d.bucket FROM days d
CROSS JOIN LATERAL (SELECT count(*) AS bars FROM stock_prices_1d s WHERE s.bucket = d.bucket) n
WHERE d.bucket IS NOT NULL
  AND n.bars >= (SELECT count(*) FROM companies WHERE delisted_at IS NULL) * $1::float8
LIMIT 1
"""

DAY_SQL = """
SELECT c.id, c.symbol, c.name, c.market, c.industry_id, i.name AS industry_name, c.logo_url,
       c.shares_outstanding, d.open, d.high, d.low, d.close, d.volume, d.amount, d.source,
       p.close AS prev_close, w.high AS prior_high, w.low AS prior_low
FROM public.stock_prices_1d d
JOIN companies c ON c.symbol = d.symbol AND c.delisted_at IS NULL
LEFT JOIN industries i ON i.id = c.industry_id
LEFT JOIN LATERAL (
    SELECT s.close FROM public.stock_prices_1d s
    WHERE s.symbol = d.symbol AND s.bucket < d.bucket ORDER BY s.bucket DESC LIMIT 1
) p ON true
LEFT JOIN LATERAL (
    SELECT max(s.high) AS high, min(s.low) AS low FROM public.stock_prices_1d s
    WHERE s.symbol = d.symbol AND s.bucket >= d.bucket - interval '364 days' AND s.bucket < d.bucket
) w ON true
WHERE d.bucket = $1 AND d.source = $2
"""
# Listed companies without a bar of the market day's source, per market.
_EXCLUDED_SQL = """
SELECT c.market, count(*) AS n FROM companies c
WHERE c.delisted_at IS NULL AND NOT EXISTS (
    SELECT 1 FROM public.stock_prices_1d d WHERE d.symbol = c.symbol AND d.bucket = $1 AND d.source = $2)
GROUP BY c.market
"""


def _day_row(r: asyncpg.Record, as_of: str | None) -> dict[str, Any]:
    close, volume, shares = r["close"], r["volume"], r["shares_outstanding"]
    change, pct = quotes.change_fields(close, r["prev_close"])
    estimated = r["amount"] is None
    return {
        "companyId": r["id"],
        "symbol": r["symbol"],
        "name": r["name"],
        "market": r["market"],
        "industryId": r["industry_id"],
        "industryName": r["industry_name"],
        "logo": r["logo_url"],
        "price": close,
        "change": change,
        "changePercent": pct,
        "open": r["open"],
        "high": r["high"],
        "low": r["low"],
        "volume": volume,
        "amount": close * volume if estimated else r["amount"],
        "amountEstimated": estimated,
        "marketCap": shares * close if shares else None,
        "priorWeek52High": r["prior_high"],
        "priorWeek52Low": r["prior_low"],
        "asOf": as_of,
        "source": r["source"],
    }


async def _compute_day_table(db: asyncpg.Pool) -> bytes:
    async with db.acquire() as conn:
        day = await quotes.market_day(conn)
        if day.bucket is None:
            excluded = {r["market"]: r["n"] for r in await conn.fetch(_EXCLUDED_SQL, None, None)}
            return orjson.dumps({"asOf": None, "source": None, "rows": [], "excluded": excluded})
        as_of = iso_date(day.bucket)
        rows = [_day_row(r, as_of) for r in await conn.fetch(DAY_SQL, day.bucket, day.source)]
        excluded = {r["market"]: r["n"] for r in await conn.fetch(_EXCLUDED_SQL, day.bucket, day.source)}
    return orjson.dumps({"asOf": as_of, "source": day.source, "rows": rows, "excluded": excluded})


def excluded_in(table: dict[str, Any], market: str | None) -> int:
    """Listed companies (of `market`, or all) without a bar on the market day."""
    counts: dict[str, int] = table["excluded"]
    return sum(counts.values()) if market is None else counts.get(market, 0)


async def day_table(app: Sanic) -> dict[str, Any]:
    """`{"asOf", "source", "rows": [...], "excluded": {market: n}}`: every listed stock's figures on
    the market day, and how many listed stocks per market have no bar that day."""
    body = await cache.cached_bytes(
        app, keys.cache_rankings("daily", "table"), cache.RANKINGS_TTL_S, lambda: _compute_day_table(app.ctx.db)
    )
    table: dict[str, Any] = orjson.loads(body)
    return table


def _is_52w_high(r: dict[str, Any]) -> bool:
    return r["priorWeek52High"] is not None and r["high"] > r["priorWeek52High"]


def _is_52w_low(r: dict[str, Any]) -> bool:
    return r["priorWeek52Low"] is not None and r["low"] < r["priorWeek52Low"]


def _has_change(r: dict[str, Any]) -> bool:
    return r["changePercent"] is not None


# kind → (which stocks, sort key); ties by symbol so pages are stable
_KINDS: dict[str, tuple[Callable[[dict[str, Any]], bool] | None, Callable[[dict[str, Any]], Any]]] = {
    "volume": (None, lambda r: (-r["volume"], r["symbol"])),
    "amount": (None, lambda r: (-r["amount"], r["symbol"])),
    "gainers": (_has_change, lambda r: (-r["changePercent"], r["symbol"])),
    "losers": (_has_change, lambda r: (r["changePercent"], r["symbol"])),
    "high52w": (_is_52w_high, lambda r: (-(r["changePercent"] or 0), r["symbol"])),
    "low52w": (_is_52w_low, lambda r: (r["changePercent"] or 0, r["symbol"])),
}


def ranked(rows: list[dict[str, Any]], kind: str, market: str | None) -> list[dict[str, Any]]:
    """The stocks of one ranking, in rank order (without the rank field)."""
    keep, key = _KINDS[kind]
    chosen = [r for r in rows if (market is None or r["market"] == market) and (keep is None or keep(r))]
    chosen.sort(key=key)
    return chosen


def page_of(items: list[dict[str, Any]], page: int, size: int) -> list[dict[str, Any]]:
    start = (page - 1) * size
    return [{"rank": start + n, **r} for n, r in enumerate(items[start : start + size], 1)]
