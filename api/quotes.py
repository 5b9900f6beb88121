"""Last price, change and market cap per company, from the newest 1d bars.

The newest bar wins whatever its source (`krx` snapshot, or `kis`/`kissim` from live ingest);
`asOf` and `source` always travel with the figures. Market cap = shares outstanding × close;
change = close − the previous bar's close.

`all_quotes(app)` is the whole market (≈2,650 rows, ~50 ms in SQL), cached for the rankings
TTL in Redis and parsed once per worker; `quotes_for(db, ids)` is the same for a few companies.
"""

from __future__ import annotations

import time
from typing import Any

import asyncpg
import orjson
from sanic import Sanic

from api.http import cache
from api.http.dates import iso_date
from core.contract import keys

# One index scan of the two newest bars per company (primary key (symbol, bucket), backwards).
QUOTE_COLUMNS = """
    c.id, c.symbol, c.name, c.name_en, c.market, c.industry_id, i.name AS industry_name, c.logo_url,
    c.shares_outstanding, c.delisted_at, l.closes[1] AS close, l.closes[2] AS prev_close, l.bucket, l.source
"""
QUOTE_JOINS = """
    FROM companies c
    LEFT JOIN industries i ON i.id = c.industry_id
    LEFT JOIN LATERAL (
        SELECT array_agg(x.close ORDER BY x.bucket DESC) AS closes, max(x.bucket) AS bucket,
               (array_agg(x.source ORDER BY x.bucket DESC))[1] AS source
        FROM (SELECT s.close, s.bucket, s.source FROM stock_prices_1d s
              WHERE s.symbol = c.symbol ORDER BY s.bucket DESC LIMIT 2) x
    ) l ON true
"""
ALL_QUOTES_SQL = f"SELECT {QUOTE_COLUMNS} {QUOTE_JOINS} WHERE c.delisted_at IS NULL"
SOME_QUOTES_SQL = f"SELECT {QUOTE_COLUMNS} {QUOTE_JOINS} WHERE c.id = ANY($1::int[])"

_parsed: tuple[float, bytes, list[dict[str, Any]]] | None = None


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


async def quotes_for(db: asyncpg.Pool, company_ids: list[int]) -> dict[int, dict[str, Any]]:
    if not company_ids:
        return {}
    rows = await db.fetch(SOME_QUOTES_SQL, company_ids)
    return {row["id"]: quote_from_row(row) for row in rows}


async def _compute_all(app: Sanic) -> bytes:
    rows = await app.ctx.db.fetch(ALL_QUOTES_SQL)
    quotes = [quote_from_row(row) for row in rows]
    quotes.sort(key=lambda q: (q["marketCap"] is None, -(q["marketCap"] or 0), q["symbol"]))
    for rank, quote in enumerate(quotes, 1):
        quote["rank"] = rank
    return orjson.dumps(quotes)


async def all_quotes(app: Sanic) -> list[dict[str, Any]]:
    """Every listed company, ranked by market cap (rank 1 = largest). Do not mutate the result."""
    global _parsed
    now = time.monotonic()
    if not app.ctx.settings.api.cache_enabled:
        return orjson.loads(await _compute_all(app))
    if _parsed is not None and _parsed[0] > now:
        return _parsed[2]
    body = await cache.cached_bytes(app, keys.cache_all_quotes(), cache.RANKINGS_TTL_S, lambda: _compute_all(app))
    if _parsed is not None and _parsed[1] == body:
        quotes = _parsed[2]
    else:
        quotes = orjson.loads(body)
    _parsed = (now + cache.LOCAL_TTL_S, body, quotes)
    return quotes


def as_of_of(quotes: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    """The newest as-of date among quotes and the source of that newest bar."""
    newest = None
    source = None
    for quote in quotes:
        if quote["asOf"] and (newest is None or quote["asOf"] > newest):
            newest, source = quote["asOf"], quote["source"]
    return newest, source


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


async def industry_table(app: Sanic) -> list[dict[str, Any]]:
    """Every industry with companyCount, marketCap and cap-weighted changePercent, largest first."""
    rows = await app.ctx.db.fetch("SELECT id, ksic_code, name FROM industries")
    totals: dict[int, list[float]] = {}
    for q in await all_quotes(app):
        industry = q["industryId"]
        if industry is None:
            continue
        t = totals.setdefault(industry, [0, 0, 0, 0])  # count, market cap, cap now, cap at prev close
        t[0] += 1
        cap = q["marketCap"]
        if cap:
            t[1] += cap
            if q["prevClose"] and q["price"]:
                t[2] += cap
                t[3] += cap * q["prevClose"] / q["price"]
    table = []
    for r in rows:
        count, cap, now, before = totals.get(r["id"], [0, 0, 0, 0])
        table.append(
            {
                "industryId": r["id"],
                "ksicCode": r["ksic_code"],
                "name": r["name"],
                "companyCount": count,
                "marketCap": int(cap),
                "changePercent": round((now / before - 1) * 100, 2) if before else None,
            }
        )
    table.sort(key=lambda t: (-t["marketCap"], t["industryId"]))
    for rank, item in enumerate(table, 1):
        item["rank"] = rank
    return table
