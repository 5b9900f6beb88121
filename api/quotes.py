"""Last price, change and market cap per company — one source and one as-of day for every list.

A list (rankings, industry totals, search results, favorites, comparisons, the home tables) is
computed from one **market day**: the newest market-wide daily data set recorded in
`data_sources` (the bundled snapshot `krx_snapshot.prices_daily`, or the price backfill's
`kis.prices_daily` / `yfinance.prices_daily`), i.e. one `source` and one `asOf` date. A company's
price is its daily bar of exactly that day and source; companies without one are **excluded**:
left out of rankings and totals, shown without figures in search, favorites and comparisons, and
counted in the response's `excluded`. Only real history is read (`public`; kissim's simulated
bars live in `sim`, core/series.py), so no simulated price ever reaches a list.

Market cap = shares outstanding × close; change = close − the company's previous real daily close.

`all_quotes(app)` is the whole market (≈2,650 rows), cached for the rankings TTL in Redis and
parsed once per worker; `quotes_for(db, ids)` is the same for a few companies.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson
from asyncpg.pool import PoolConnectionProxy
from sanic import Sanic

from api.http import cache
from api.http.dates import iso_date
from core.contract import keys
from core.time import kst_midnight

# The market-wide daily price data sets and the `source` their bars carry in stock_prices_1d.
DAILY_PRICE_SETS = {"krx_snapshot.prices_daily": "krx", "kis.prices_daily": "kis", "yfinance.prices_daily": "yfinance"}

_MARKET_DAY_SQL = """
    SELECT name, as_of FROM data_sources WHERE name = ANY($1::text[]) AND as_of IS NOT NULL
    ORDER BY as_of DESC, loaded_at DESC LIMIT 1"""

# $1 the market day's bucket, $2 its source. The previous close is the company's newest real daily
# bar before that day (an index scan backwards on the primary key).
QUOTE_COLUMNS = """
    c.id, c.symbol, c.name, c.name_en, c.market, c.industry_id, i.name AS industry_name, c.logo_url,
    c.shares_outstanding, c.delisted_at, d.close, p.close AS prev_close, d.bucket, d.source
"""
QUOTE_JOINS = """
    FROM companies c
    LEFT JOIN industries i ON i.id = c.industry_id
    LEFT JOIN public.stock_prices_1d d ON d.symbol = c.symbol AND d.bucket = $1 AND d.source = $2
    LEFT JOIN LATERAL (
        SELECT s.close FROM public.stock_prices_1d s
        WHERE s.symbol = c.symbol AND s.bucket < $1 AND d.close IS NOT NULL ORDER BY s.bucket DESC LIMIT 1
    ) p ON true
"""
ALL_QUOTES_SQL = f"SELECT {QUOTE_COLUMNS} {QUOTE_JOINS} WHERE c.delisted_at IS NULL"
SOME_QUOTES_SQL = f"SELECT {QUOTE_COLUMNS} {QUOTE_JOINS} WHERE c.id = ANY($3::int[])"

_parsed: tuple[float, bytes, MarketQuotes] | None = None
Database = asyncpg.Pool | asyncpg.Connection | PoolConnectionProxy  # anything that runs a query


@dataclass(frozen=True)
class MarketDay:
    """The one as-of day and source of a list; None when no daily price data set is loaded."""

    day: dt.date | None
    source: str | None

    @property
    def bucket(self) -> dt.datetime | None:
        return kst_midnight(self.day) if self.day else None


async def market_day(db: Database) -> MarketDay:
    row = await db.fetchrow(_MARKET_DAY_SQL, list(DAILY_PRICE_SETS))
    return MarketDay(row["as_of"], DAILY_PRICE_SETS[row["name"]]) if row else MarketDay(None, None)


def change_fields(close: int | None, prev_close: int | None) -> tuple[int | None, float | None]:
    if close is None or prev_close is None:
        return None, None
    change = close - prev_close
    return change, (round(change * 100.0 / prev_close, 2) if prev_close else None)


def quote_from_row(row: asyncpg.Record) -> dict[str, Any]:
    close, prev = row["close"], row["prev_close"]
    change, pct = change_fields(close, prev)
    shares = row["shares_outstanding"]
    return {
        "companyId": row["id"],
        "symbol": row["symbol"],
        "name": row["name"],
        "nameEn": row["name_en"],
        "market": row["market"],
        "industryId": row["industry_id"],
        "industryName": row["industry_name"],
        "logo": row["logo_url"],
        "price": close,
        "prevClose": prev,
        "change": change,
        "changePercent": pct,
        "marketCap": shares * close if shares and close is not None else None,
        "asOf": iso_date(row["bucket"]),
        "source": row["source"],
    }


def list_meta(day: MarketDay, excluded: int) -> dict[str, Any]:
    """The `asOf`, `source` and `excluded` of a list response."""
    return {"asOf": day.day.isoformat() if day.day else None, "source": day.source, "excluded": excluded}


async def fetch_quotes(conn: Database, day: MarketDay, company_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The quotes of these companies on the market day (figures None where they have no bar that day)."""
    if not company_ids:
        return {}
    rows = await conn.fetch(SOME_QUOTES_SQL, day.bucket, day.source, company_ids)
    return {row["id"]: quote_from_row(row) for row in rows}


async def quotes_for(db: asyncpg.Pool, company_ids: list[int]) -> tuple[MarketDay, dict[int, dict[str, Any]]]:
    day = await market_day(db)
    return day, await fetch_quotes(db, day, company_ids)


def unpriced(quotes: list[dict[str, Any]]) -> int:
    return sum(1 for q in quotes if q["price"] is None)


# ---------------------------------------------------------------------------------------- the market


@dataclass(frozen=True)
class MarketQuotes:
    """Every listed company on the market day: `priced` ranked by market cap (rank 1 = largest),
    `unpriced` (no bar that day) in symbol order. Do not mutate."""

    day: MarketDay
    priced: list[dict[str, Any]]
    unpriced: list[dict[str, Any]]

    def meta(self, excluded: int | None = None) -> dict[str, Any]:
        return list_meta(self.day, len(self.unpriced) if excluded is None else excluded)


async def _compute_all(app: Sanic) -> bytes:
    async with app.ctx.db.acquire() as conn:
        day = await market_day(conn)
        rows = await conn.fetch(ALL_QUOTES_SQL, day.bucket, day.source)
    quotes = [quote_from_row(row) for row in rows]
    priced = sorted((q for q in quotes if q["price"] is not None), key=lambda q: (-(q["marketCap"] or 0), q["symbol"]))
    for rank, quote in enumerate(priced, 1):
        quote["rank"] = rank
    return orjson.dumps(
        {
            "day": day.day.isoformat() if day.day else None,
            "source": day.source,
            "priced": priced,
            "unpriced": sorted((q for q in quotes if q["price"] is None), key=lambda q: q["symbol"]),
        }
    )


def _parse(body: bytes) -> MarketQuotes:
    raw = orjson.loads(body)
    day = MarketDay(dt.date.fromisoformat(raw["day"]) if raw["day"] else None, raw["source"])
    return MarketQuotes(day, raw["priced"], raw["unpriced"])


async def all_quotes(app: Sanic) -> MarketQuotes:
    global _parsed
    now = time.monotonic()
    if not app.ctx.settings.api.cache_enabled:
        return _parse(await _compute_all(app))
    if _parsed is not None and _parsed[0] > now:
        return _parsed[2]
    body = await cache.cached_bytes(app, keys.cache_all_quotes(), cache.RANKINGS_TTL_S, lambda: _compute_all(app))
    market = _parsed[2] if _parsed is not None and _parsed[1] == body else _parse(body)
    _parsed = (now + cache.LOCAL_TTL_S, body, market)
    return market


# --------------------------------------------------------------- rankings and industry aggregates

_RANK_FIELDS = (
    "companyId",
    "symbol",
    "name",
    "nameEn",
    "market",
    "industryId",
    "industryName",
    "logo",
    "price",
    "change",
    "changePercent",
    "marketCap",
    "asOf",
    "source",
)


def ranked_page(items: list[dict[str, Any]], page: int, size: int) -> list[dict[str, Any]]:
    start = (page - 1) * size
    return [
        {"rank": start + n, **{k: q[k] for k in _RANK_FIELDS}} for n, q in enumerate(items[start : start + size], 1)
    ]


async def industry_table(app: Sanic) -> tuple[MarketQuotes, list[dict[str, Any]]]:
    """Every industry with companyCount (priced members), excludedCount (members without a price
    that day), marketCap and cap-weighted changePercent, largest first."""
    rows = await app.ctx.db.fetch("SELECT id, ksic_code, name FROM industries")
    market = await all_quotes(app)
    totals: dict[int, list[float]] = {}
    for q in market.priced:
        if q["industryId"] is None:
            continue
        t = totals.setdefault(q["industryId"], [0, 0, 0, 0])  # count, market cap, cap now, cap at prev close
        t[0] += 1
        cap = q["marketCap"]
        if cap:
            t[1] += cap
            if q["prevClose"] and q["price"]:
                t[2] += cap
                t[3] += cap * q["prevClose"] / q["price"]
    excluded: dict[int, int] = {}
    for q in market.unpriced:
        if q["industryId"] is not None:
            excluded[q["industryId"]] = excluded.get(q["industryId"], 0) + 1
    table = []
    for r in rows:
        count, cap, now, before = totals.get(r["id"], [0, 0, 0, 0])
        table.append(
            {
                "industryId": r["id"],
                "ksicCode": r["ksic_code"],
                "name": r["name"],
                "companyCount": count,
                "excludedCount": excluded.get(r["id"], 0),
                "marketCap": int(cap),
                "changePercent": round((now / before - 1) * 100, 2) if before else None,
            }
        )
    table.sort(key=lambda t: (-t["marketCap"], t["industryId"]))
    for rank, item in enumerate(table, 1):
        item["rank"] = rank
    return market, table
