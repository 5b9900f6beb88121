"""Daily price and index backfill into `stock_prices_1d` and `index_data`.

`backfill_prices` fills gaps: trading days of the last `days` (the KOSPI index calendar,
weekdays when it has none) that a listed company has no bar for, up to today. Source: KIS
period quotes, with yfinance as the fallback (per symbol when KIS fails, or for everything when
KIS keys are missing and YFINANCE_ENABLED is on). Existing bars (from ingest or the snapshot)
are never overwritten.

A run over every listed company records its market-wide data set in `data_sources`
(`kis.prices_daily` or `yfinance.prices_daily`, as of the newest finished trading day it covered):
the api prices every list from the newest such set, one source and one day (api/quotes.py). A run
over some symbols only (`symbols`, `limit`) records nothing: it is not a market-wide set.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import aiohttp

from core.services import AuthError, ServiceError
from core.time import KST, kst_midnight, kst_today
from jobs.clients.yfinance_source import INDEX_SYMBOLS, YFinanceSource, yahoo_symbol
from jobs.context import JobContext
from kis.auth import KisAuth
from kis.rest import KisRestClient

log = logging.getLogger(__name__)
MARKET_CLOSE = dt.time(15, 30)
INDEX_CODES = {"KOSPI": "0001", "KOSDAQ": "1001"}


async def _calendar(conn, start: dt.date, end: dt.date) -> list[dt.date]:
    days = [
        (r["t"]).astimezone(KST).date()
        for r in await conn.fetch(
            "SELECT time AS t FROM index_data WHERE index_type = 'KOSPI' AND time >= $1 AND time <= $2",
            kst_midnight(start),
            kst_midnight(end),
        )
    ]
    weekdays = [
        start + dt.timedelta(days=i)
        for i in range((end - start).days + 1)
        if (start + dt.timedelta(days=i)).weekday() < 5
    ]
    last_known = max(days, default=start - dt.timedelta(days=1))
    return sorted(set(days) | {d for d in weekdays if d > last_known})


async def backfill_prices(ctx: JobContext) -> dict[str, Any]:
    s = ctx.settings
    today: dt.date = ctx.options.get("today") or kst_today()
    window = int(ctx.options.get("days") or 30)
    start = today - dt.timedelta(days=window)
    use_kis = bool(s.kis.app_keys) and s.ingest.source == "kis"
    yf = ctx.options.get("yfinance") or (YFinanceSource() if s.collectors.yfinance_enabled else None)
    async with ctx.db.acquire() as conn:
        calendar = await _calendar(conn, start, today)
        companies = await conn.fetch(
            """
            SELECT c.symbol, c.market, c.listing_date,
                   coalesce(array_agg((p.bucket AT TIME ZONE 'Asia/Seoul')::date) FILTER (WHERE p.bucket IS NOT NULL),
                            '{}') AS days
            FROM companies c LEFT JOIN stock_prices_1d p ON p.symbol = c.symbol AND p.bucket >= $1
            WHERE c.delisted_at IS NULL GROUP BY c.symbol, c.market, c.listing_date ORDER BY c.symbol""",
            kst_midnight(start),
        )
    if ctx.options.get("symbols"):
        companies = [c for c in companies if c["symbol"] in ctx.options["symbols"]]
    if ctx.options.get("limit"):
        companies = companies[: int(ctx.options["limit"])]
    counts = {"symbols": 0, "bars": 0, "kis": 0, "yfinance": 0, "failed": 0, "index_rows": 0}
    async with aiohttp.ClientSession() as session:
        kis = None
        if use_kis:
            key = s.kis.app_keys[0]
            auth = KisAuth.from_settings(key, s, session)
            kis = KisRestClient(session, auth, retry_delay=float(ctx.options.get("retry_delay", 0.5)))

        async def fetch(kind: str, code: str, yahoo: str, first: dt.date):
            if kis is not None:
                try:
                    candles = await (
                        kis.daily_candles(code, first, today)
                        if kind == "stock"
                        else kis.index_candles(code, first, today)
                    )
                    return candles, "kis"
                except AuthError:
                    raise
                except ServiceError as exc:
                    if yf is None:
                        raise
                    log.info("kis %s failed (%s); trying yfinance", code, exc)
            if yf is None:
                raise ServiceError("prices", "no-source", "neither KIS keys nor YFINANCE_ENABLED")
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
            rows = [
                (
                    c["symbol"],
                    kst_midnight(k.day),
                    round(k.open),
                    round(k.high),
                    round(k.low),
                    round(k.close),
                    k.volume or 0,
                    k.amount,
                    source,
                )
                for k in candles
                if k.day not in have
            ]
            if rows:
                async with ctx.db.acquire() as conn:
                    await conn.executemany(
                        """
                        INSERT INTO stock_prices_1d (symbol, bucket, open, high, low, close, volume, amount, source)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (symbol, bucket) DO NOTHING""",
                        rows,
                    )
            counts["bars"] += len(rows)
            counts[source] += 1
        for index_type, code in INDEX_CODES.items():
            async with ctx.db.acquire() as conn:
                have = {
                    r["t"].astimezone(KST).date()
                    for r in await conn.fetch(
                        "SELECT time AS t FROM index_data WHERE index_type = $1 AND time >= $2",
                        index_type,
                        kst_midnight(start),
                    )
                }
            missing = [d for d in calendar if d not in have]
            if not missing or (kis is None and yf is None):
                continue
            try:
                candles, source = await fetch("index", code, INDEX_SYMBOLS[index_type], missing[0])
            except ServiceError as exc:
                log.warning("index backfill %s failed: %s", index_type, exc)
                continue
            rows = [
                (index_type, kst_midnight(k.day), k.open, k.high, k.low, k.close, k.volume, k.amount, source)
                for k in candles
                if k.day not in have
            ]
            async with ctx.db.acquire() as conn:
                await conn.executemany(
                    """
                    INSERT INTO index_data (index_type, time, open, high, low, close, volume, amount, source)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (index_type, time) DO NOTHING""",
                    rows,
                )
            counts["index_rows"] += len(rows)
    if not ctx.options.get("symbols") and not ctx.options.get("limit"):
        await _record_data_set("kis" if use_kis else "yfinance", calendar, today, ctx)
    return counts


async def _record_data_set(source: str, calendar: list[dt.date], today: dt.date, ctx: JobContext) -> None:
    """`{source}.prices_daily` as of the newest trading day of the run that has finished."""
    finished = dt.datetime.now(KST).time() >= MARKET_CLOSE or today < kst_today()
    days = [d for d in calendar if d < today or (d == today and finished)]
    if not days:
        return
    async with ctx.db.acquire() as conn:
        await conn.execute(
            """INSERT INTO data_sources (name, as_of, row_count, detail)
               SELECT $1, $2::date, count(*), jsonb_build_object('description', $4::text)
               FROM stock_prices_1d WHERE bucket = $3 AND source = $5
               ON CONFLICT (name) DO UPDATE SET as_of = EXCLUDED.as_of, row_count = EXCLUDED.row_count,
                   loaded_at = now(), detail = EXCLUDED.detail""",
            f"{source}.prices_daily",
            max(days),
            kst_midnight(max(days)),
            f"daily bars of every listed company from {source} (price backfill)",
            source,
        )
