"""The daily rankings (거래량, 거래대금, 상승률, 하락률, 52주 신고가/신저가) from `stock_prices_1d`.

Every daily ranking answers for one trading day, the *ranking day*: the newest day on which at
least a quarter of the listed companies have a daily bar, whatever the bars' source (the bundled
`krx` history, the daily backfill's `kis`/`yfinance`, ingest's `kis`/`kissim`). The market-cap
ranking takes each company's newest bar (api/quotes.py); a volume or gainers ranking cannot mix
days, and a day on which only the few dozen stocks ingest follows live have a bar (the demo, or a
trading day before the evening backfill) would rank those few alone — the coverage rule skips it.

For each stock with a bar on the ranking day, one SQL pass (`DAY_SQL`) reads the previous bar's
close and the highest high / lowest low of the 52 weeks (364 days) before the day, through the
covering index of sql/0010_rankings.sql (~90 ms for ~1,250 stocks). The result, the whole
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

from collections import Counter
from collections.abc import Callable
from typing import Any

import asyncpg
import orjson
from sanic import Sanic

from api import quotes
from api.http import cache
from api.http.dates import iso_date
from core.contract import keys

MIN_COVERAGE = 0.25  # share of listed companies with a bar for a day to be a ranking day

# Newest day first (a skip scan over the bucket index), the first one with enough bars wins.
_RANKINGDAY_SQL = """
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
FROM stock_prices_1d d
JOIN companies c ON c.symbol = d.symbol AND c.delisted_at IS NULL
LEFT JOIN industries i ON i.id = c.industry_id
LEFT JOIN LATERAL (
    SELECT s.close FROM stock_prices_1d s
    WHERE s.symbol = d.symbol AND s.bucket < d.bucket ORDER BY s.bucket DESC LIMIT 1
) p ON true
LEFT JOIN LATERAL (
    SELECT max(s.high) AS high, min(s.low) AS low FROM stock_prices_1d s
    WHERE s.symbol = d.symbol AND s.bucket >= d.bucket - interval '364 days' AND s.bucket < d.bucket
) w ON true
WHERE d.bucket = $1
"""


async def ranking_day(db: asyncpg.Pool) -> Any:
    """The ranking day's bucket (00:00 KST), or None when no day has enough bars."""
    return await db.fetchval(_RANKINGDAY_SQL, MIN_COVERAGE)


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
    bucket = await ranking_day(db)
    if bucket is None:
        return orjson.dumps({"asOf": None, "rows": []})
    as_of = iso_date(bucket)
    rows = [_day_row(r, as_of) for r in await db.fetch(DAY_SQL, bucket)]
    return orjson.dumps({"asOf": as_of, "rows": rows})


async def day_table(app: Sanic) -> dict[str, Any]:
    """`{"asOf": "YYYY-MM-DD" | None, "rows": [...]}`: every listed stock's figures on the ranking day."""
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


def main_source(items: list[dict[str, Any]]) -> str | None:
    """The source most of the ranked bars came from (each row carries its own)."""
    counts = Counter(r["source"] for r in items)
    return counts.most_common(1)[0][0] if counts else None
