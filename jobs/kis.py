"""KIS collectors: stock master files → companies; daily price and index backfill.

`sync_master` upserts every listed common/preferred share (KOSPI and KOSDAQ master files) by
symbol and marks companies missing from both files as delisted (`delisted_at`), never deleting
them; a file much smaller than what we hold is refused rather than delisting half the market.
Industries stay the KSIC classification of the bundled KRX data (the master files carry KRX
index-sector codes, not KSIC), so new listings start without an industry.

`backfill_prices` fills gaps in `stock_prices_1d` and `index_data`: trading days of the last
`days` (the KOSPI index calendar, weekdays when it has none) that a listed company has no bar
for, up to today. Source: KIS period quotes, with yfinance as the fallback (per symbol when KIS
fails, or for everything when KIS keys are missing and YFINANCE_ENABLED is on). Existing bars
(from ingest or the snapshot) are never overwritten.
"""
from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import aiohttp

from jobs.clients.common import AuthError, ServiceError
from jobs.clients.kis import KisRestClient, download_master, is_stock
from jobs.clients.yfinance_source import INDEX_SYMBOLS, YFinanceSource, yahoo_symbol

log = logging.getLogger(__name__)
SEOUL = ZoneInfo("Asia/Seoul")
INDEX_CODES = {"KOSPI": "0001", "KOSDAQ": "1001"}
MIN_SHARE_OF_CURRENT = 0.5


async def sync_master(ctx) -> dict:
    from jobs.snapshot import hangul_initials

    today = ctx.options.get("today") or dt.datetime.now(SEOUL).date()
    rows = []
    async with aiohttp.ClientSession() as session:
        for market in ("KOSPI", "KOSDAQ"):
            rows += [r for r in await download_master(session, ctx.settings.kis_master_url, market) if is_stock(r)]
    async with ctx.db.acquire() as conn:
        active = await conn.fetchval("SELECT count(*) FROM companies WHERE delisted_at IS NULL")
        if active and len(rows) < MIN_SHARE_OF_CURRENT * active:
            raise ServiceError("kis-master", "too-small",
                               f"master files list {len(rows)} stocks but {active} are listed here; not applied")
        async with conn.transaction():
            before = {r["symbol"] for r in await conn.fetch("SELECT symbol FROM companies")}
            await conn.executemany("""
                INSERT INTO companies (symbol, name, name_initials, market, isin, listing_date, fiscal_year_end_month,
                                       shares_outstanding, is_spac, listing_as_of)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                ON CONFLICT (symbol) DO UPDATE SET name = EXCLUDED.name, name_initials = EXCLUDED.name_initials,
                    market = EXCLUDED.market, isin = coalesce(EXCLUDED.isin, companies.isin),
                    listing_date = coalesce(EXCLUDED.listing_date, companies.listing_date),
                    fiscal_year_end_month = coalesce(EXCLUDED.fiscal_year_end_month, companies.fiscal_year_end_month),
                    shares_outstanding = coalesce(EXCLUDED.shares_outstanding, companies.shares_outstanding),
                    is_spac = EXCLUDED.is_spac, listing_as_of = EXCLUDED.listing_as_of, delisted_at = NULL,
                    updated_at = now()""",
                [(r.symbol, r.name, hangul_initials(r.name), r.market, r.isin or None, r.listing_date, r.fiscal_month,
                  r.shares, r.is_spac, today) for r in rows])
            delisted = await conn.fetch("""
                UPDATE companies SET delisted_at = $2, updated_at = now()
                WHERE delisted_at IS NULL AND NOT (symbol = ANY($1::text[])) RETURNING symbol""",
                [r.symbol for r in rows], today)
            await conn.execute("""
                INSERT INTO data_sources (name, as_of, row_count, loaded_at) VALUES ('kis.master', $1, $2, now())
                ON CONFLICT (name) DO UPDATE SET as_of = EXCLUDED.as_of, row_count = EXCLUDED.row_count,
                    loaded_at = now()""", today, len(rows))
    new = len({r.symbol for r in rows} - before)
    return {"listed": len(rows), "new": new, "delisted": len(delisted)}


def _bucket(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), SEOUL)


async def _calendar(conn, start: dt.date, end: dt.date) -> list[dt.date]:
    days = [(r["t"]).astimezone(SEOUL).date() for r in await conn.fetch(
        "SELECT time AS t FROM index_data WHERE index_type = 'KOSPI' AND time >= $1 AND time <= $2",
        _bucket(start), _bucket(end))]
    weekdays = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)
                if (start + dt.timedelta(days=i)).weekday() < 5]
    last_known = max(days, default=start - dt.timedelta(days=1))
    return sorted(set(days) | {d for d in weekdays if d > last_known})


async def backfill_prices(ctx) -> dict:
    s = ctx.settings
    today = ctx.options.get("today") or dt.datetime.now(SEOUL).date()
    window = int(ctx.options.get("days") or 30)
    start = today - dt.timedelta(days=window)
    use_kis = bool(s.kis_app_keys) and s.ingest_source == "kis"
    yf = ctx.options.get("yfinance") or (YFinanceSource() if s.yfinance_enabled else None)
    async with ctx.db.acquire() as conn:
        calendar = await _calendar(conn, start, today)
        companies = await conn.fetch("""
            SELECT c.symbol, c.market, c.listing_date,
                   coalesce(array_agg((p.bucket AT TIME ZONE 'Asia/Seoul')::date) FILTER (WHERE p.bucket IS NOT NULL),
                            '{}') AS days
            FROM companies c LEFT JOIN stock_prices_1d p ON p.symbol = c.symbol AND p.bucket >= $1
            WHERE c.delisted_at IS NULL GROUP BY c.symbol, c.market, c.listing_date ORDER BY c.symbol""",
            _bucket(start))
    if ctx.options.get("symbols"):
        companies = [c for c in companies if c["symbol"] in ctx.options["symbols"]]
    if ctx.options.get("limit"):
        companies = companies[: int(ctx.options["limit"])]
    counts = {"symbols": 0, "bars": 0, "kis": 0, "yfinance": 0, "failed": 0, "index_rows": 0}
    async with aiohttp.ClientSession() as session:
        kis = None
        if use_kis:
            from ingest.kis import KisAuth

            key = s.kis_app_keys[0]
            auth = KisAuth(key.app_key, key.app_secret, s.kis_rest_url, s.data_dir, session, 60.0)
            kis = KisRestClient(session, auth, retry_delay=float(ctx.options.get("retry_delay", 0.5)))

        async def fetch(kind: str, code: str, yahoo: str, first: dt.date):
            if kis is not None:
                try:
                    candles = await (kis.daily_candles(code, first, today) if kind == "stock"
                                     else kis.index_candles(code, first, today))
                    return candles, "kis"
                except AuthError:
                    raise
                except ServiceError as exc:
                    if yf is None:
                        raise
                    log.info("kis %s failed (%s); trying yfinance", code, exc)
            return await yf.daily(yahoo, first, today), "yfinance"

        for c in ctx.progress(companies, desc="prices"):
            have = set(c["days"])
            listed = c["listing_date"] or start
            missing = [d for d in calendar if d >= listed and d not in have]
            if not missing:
                continue
            counts["symbols"] += 1
            try:
                candles, source = await fetch("stock", c["symbol"], yahoo_symbol(c["symbol"], c["market"]), missing[0])
            except AuthError:
                raise
            except ServiceError as exc:
                counts["failed"] += 1
                log.warning("price backfill %s failed: %s", c["symbol"], exc)
                continue
            rows = [(c["symbol"], _bucket(k.day), round(k.open), round(k.high), round(k.low), round(k.close),
                     k.volume or 0, k.amount, source) for k in candles if k.day not in have]
            if rows:
                async with ctx.db.acquire() as conn:
                    await conn.executemany("""
                        INSERT INTO stock_prices_1d (symbol, bucket, open, high, low, close, volume, amount, source)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (symbol, bucket) DO NOTHING""", rows)
            counts["bars"] += len(rows)
            counts[source] += 1
        for index_type, code in INDEX_CODES.items():
            async with ctx.db.acquire() as conn:
                have = {r["t"].astimezone(SEOUL).date() for r in await conn.fetch(
                    "SELECT time AS t FROM index_data WHERE index_type = $1 AND time >= $2", index_type, _bucket(start))}
            missing = [d for d in calendar if d not in have]
            if not missing or (kis is None and yf is None):
                continue
            try:
                candles, source = await fetch("index", code, INDEX_SYMBOLS[index_type], missing[0])
            except ServiceError as exc:
                log.warning("index backfill %s failed: %s", index_type, exc)
                continue
            rows = [(index_type, _bucket(k.day), k.open, k.high, k.low, k.close, k.volume, k.amount, source)
                    for k in candles if k.day not in have]
            async with ctx.db.acquire() as conn:
                await conn.executemany("""
                    INSERT INTO index_data (index_type, time, open, high, low, close, volume, amount, source)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (index_type, time) DO NOTHING""", rows)
            counts["index_rows"] += len(rows)
    return counts
