"""KIS stock master files → companies.

`sync_master` upserts every listed common/preferred share (KOSPI and KOSDAQ master files) by
symbol and marks companies missing from both files as delisted (`delisted_at`), never deleting
them; a file much smaller than what we hold is refused rather than delisting half the market.
Industries stay the KSIC classification of the bundled KRX data (the master files carry KRX
index-sector codes, not KSIC), so new listings start without an industry.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import aiohttp

from core.services import ServiceError
from core.time import kst_today
from db.snapshot import hangul_initials
from jobs.context import JobContext
from kis.master import download_master, is_stock

log = logging.getLogger(__name__)
MIN_SHARE_OF_CURRENT = 0.5


async def sync_master(ctx: JobContext) -> dict[str, Any]:
    today: dt.date = ctx.options.get("today") or kst_today()
    rows = []
    async with aiohttp.ClientSession() as session:
        for market in ("KOSPI", "KOSDAQ"):
            rows += [r for r in await download_master(session, ctx.settings.kis.master_url, market) if is_stock(r)]
    async with ctx.db.acquire() as conn:
        active = await conn.fetchval("SELECT count(*) FROM companies WHERE delisted_at IS NULL")
        if active and len(rows) < MIN_SHARE_OF_CURRENT * active:
            raise ServiceError(
                "kis-master",
                "too-small",
                f"master files list {len(rows)} stocks but {active} are listed here; not applied",
            )
        async with conn.transaction():
            before = {r["symbol"] for r in await conn.fetch("SELECT symbol FROM companies")}
            await conn.executemany(
                """
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
                [
                    (
                        r.symbol,
                        r.name,
                        hangul_initials(r.name),
                        r.market,
                        r.isin or None,
                        r.listing_date,
                        r.fiscal_month,
                        r.shares,
                        r.is_spac,
                        today,
                    )
                    for r in rows
                ],
            )
            delisted = await conn.fetch(
                """
                UPDATE companies SET delisted_at = $2, updated_at = now()
                WHERE delisted_at IS NULL AND NOT (symbol = ANY($1::text[])) RETURNING symbol""",
                [r.symbol for r in rows],
                today,
            )
            await conn.execute(
                """
                INSERT INTO data_sources (name, as_of, row_count, loaded_at) VALUES ('kis.master', $1, $2, now())
                ON CONFLICT (name) DO UPDATE SET as_of = EXCLUDED.as_of, row_count = EXCLUDED.row_count,
                    loaded_at = now()""",
                today,
                len(rows),
            )
    new = len({r.symbol for r in rows} - before)
    return {"listed": len(rows), "new": new, "delisted": len(delisted)}
