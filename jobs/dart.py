"""DART collectors: corp-code map, key accounts → financials, periodic reports → filings.

Idempotent (upserts by natural key) and resumable: the financials run remembers in Redis which
(company, year, report) it has fetched, so a run stopped by the daily limit (`020`) continues
where it stopped the next night.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from zoneinfo import ZoneInfo

import aiohttp

from core.services import AuthError, RateLimited, ServiceError
from jobs.clients.dart import REPORT_CODES, VIEWER_URL, DartClient, key_accounts

log = logging.getLogger(__name__)
SEOUL = ZoneInfo("Asia/Seoul")
DONE_KEY = "dart:financials:done:{year}:{reprt}"
_REPORT_TYPES = (("사업보고서", "사업보고서"), ("반기보고서", "반기보고서"), ("분기보고서", "분기보고서"))


def _client(ctx, session) -> DartClient:
    o = ctx.options
    return DartClient(
        session,
        ctx.settings.collectors.dart_api_url,
        ctx.settings.collectors.dart_api_key,
        retry_delay=float(o.get("retry_delay", 2.0)),
        interval=float(o.get("interval", 0.1)),
    )


async def sync_corp_codes(ctx) -> dict:
    async with aiohttp.ClientSession() as session:
        codes = await _client(ctx, session).corp_codes()
    rows = [
        (
            c.corp_code,
            c.corp_name,
            c.stock_code or None,
            dt.datetime.strptime(c.modify_date, "%Y%m%d").date() if re.fullmatch(r"\d{8}", c.modify_date) else None,
        )
        for c in codes
        if re.fullmatch(r"\d{8}", c.corp_code)
    ]
    async with ctx.db.acquire() as conn:
        await conn.executemany(
            """
            INSERT INTO dart_corp_codes (corp_code, corp_name, stock_code, modify_date) VALUES ($1, $2, $3, $4)
            ON CONFLICT (corp_code) DO UPDATE SET corp_name = EXCLUDED.corp_name, stock_code = EXCLUDED.stock_code,
                modify_date = EXCLUDED.modify_date, updated_at = now()""",
            rows,
        )
        matched = await conn.fetchval("""SELECT count(*) FROM companies c
            JOIN dart_corp_codes d ON d.stock_code = c.symbol""")
    return {"corp_codes": len(rows), "matched_companies": matched}


async def _targets(ctx) -> list:
    async with ctx.db.acquire() as conn:
        if not await conn.fetchval("SELECT count(*) FROM dart_corp_codes"):
            await sync_corp_codes(ctx)
        return await conn.fetch("""
            SELECT DISTINCT ON (c.id) c.id, c.symbol, d.corp_code FROM companies c
            JOIN dart_corp_codes d ON d.stock_code = c.symbol
            WHERE c.delisted_at IS NULL ORDER BY c.id, d.modify_date DESC NULLS LAST""")


def _reports_to_fetch(today: dt.date) -> list[tuple[int, str]]:
    """Last year's annual report and this year's quarterly reports that should be out by now."""
    y = today.year
    wanted = [(y - 1, "11011")]
    if today >= dt.date(y, 5, 20):
        wanted.append((y, "11013"))
    if today >= dt.date(y, 8, 20):
        wanted.append((y, "11012"))
    if today >= dt.date(y, 11, 20):
        wanted.append((y, "11014"))
    return wanted


_UPSERT_FIN = """
INSERT INTO financials (company_id, fiscal_year, period, period_end, fs_basis, currency, revenue, operating_profit,
                        net_income, source, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'dart', now())
ON CONFLICT (company_id, fiscal_year, period) DO UPDATE SET
    period_end = EXCLUDED.period_end, fs_basis = EXCLUDED.fs_basis, currency = EXCLUDED.currency,
    revenue = EXCLUDED.revenue, operating_profit = EXCLUDED.operating_profit, net_income = EXCLUDED.net_income,
    source = 'dart', updated_at = now()
"""
_PERIOD_END = {"FY": (12, 31), "Q1": (3, 31), "Q2": (6, 30), "Q3": (9, 30), "9M": (9, 30)}


def financial_rows(company_id: int, year: int, reprt_code: str, accounts: dict) -> list[tuple]:
    period = REPORT_CODES[reprt_code]
    rows = []
    figures = [(period, accounts["current"])]
    if reprt_code == "11014" and any(v is not None for v in accounts["cumulative"].values()):
        figures.append(("9M", accounts["cumulative"]))
    for p, f in figures:
        month, day = _PERIOD_END[p]
        rows.append(
            (
                company_id,
                year,
                p,
                dt.date(year, month, day),
                accounts["fs_basis"],
                accounts["currency"],
                f.get("revenue"),
                f.get("operating_profit"),
                f.get("net_income"),
            )
        )
    return rows


async def sync_financials(ctx) -> dict:
    today = ctx.options.get("today") or dt.datetime.now(SEOUL).date()
    targets = await _targets(ctx)
    if ctx.options.get("limit"):
        targets = targets[: int(ctx.options["limit"])]
    reports = _reports_to_fetch(today)
    written = empty = fetched = 0
    async with aiohttp.ClientSession() as session:
        client = _client(ctx, session)
        work = [(t, y, r) for t in targets for (y, r) in reports]
        for target, year, reprt in ctx.progress(work, desc="dart financials"):
            done_key = DONE_KEY.format(year=year, reprt=reprt)
            if not ctx.options.get("force") and await ctx.redis.sismember(done_key, target["corp_code"]):
                continue
            try:
                rows = await client.single_accounts(target["corp_code"], year, reprt)
            except (RateLimited, AuthError):
                raise  # the day's limit or the key: stop; the next run resumes
            except ServiceError as exc:
                log.warning("dart %s %s %s: %s", target["symbol"], year, reprt, exc)
                continue
            fetched += 1
            accounts = key_accounts(rows)
            if accounts is None:
                empty += 1
            else:
                async with ctx.db.acquire() as conn:
                    await conn.executemany(_UPSERT_FIN, financial_rows(target["id"], year, reprt, accounts))
                written += 1
            await ctx.redis.sadd(done_key, target["corp_code"])
            await ctx.redis.expire(done_key, 40 * 86400)
    await _record_source(ctx, "dart.financials")
    return {"companies": len(targets), "reports": fetched, "written": written, "empty": empty}


def report_type(name: str) -> str | None:
    for marker, kind in _REPORT_TYPES:
        if marker in name:
            return kind
    return None


async def sync_filings(ctx) -> dict:
    today = ctx.options.get("today") or dt.datetime.now(SEOUL).date()
    days = int(ctx.options.get("days") or 30)
    async with ctx.db.acquire() as conn:
        symbols = {r["symbol"]: r["id"] for r in await conn.fetch("SELECT id, symbol FROM companies")}
    async with aiohttp.ClientSession() as session:
        rows = await _client(ctx, session).filings(
            bgn_de=(today - dt.timedelta(days=days)).strftime("%Y%m%d"), end_de=today.strftime("%Y%m%d"), pblntf_ty="A"
        )
    records = []
    for r in rows:
        name = (r.get("report_nm") or "").strip()
        kind = report_type(name)
        company_id = symbols.get((r.get("stock_code") or "").strip())
        if kind is None or company_id is None or not re.fullmatch(r"\d{14}", r.get("rcept_no", "")):
            continue
        records.append(
            (
                company_id,
                r["rcept_no"],
                name,
                kind,
                (r.get("flr_nm") or "").strip() or None,
                dt.datetime.strptime(r["rcept_dt"], "%Y%m%d").date(),
                VIEWER_URL.format(r["rcept_no"]),
            )
        )
    async with ctx.db.acquire() as conn:
        await conn.executemany(
            """
            INSERT INTO filings (company_id, rcept_no, report_name, report_type, filer_name, filed_at, url)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (rcept_no) DO UPDATE SET report_name = EXCLUDED.report_name,
                report_type = EXCLUDED.report_type, filer_name = EXCLUDED.filer_name""",
            records,
        )
    await _record_source(ctx, "dart.filings")
    return {"listed": len(rows), "written": len(records)}


async def _record_source(ctx, name: str) -> None:
    table, column = ("financials", "period_end") if name == "dart.financials" else ("filings", "filed_at")
    where = "WHERE source = 'dart'" if table == "financials" else ""
    async with ctx.db.acquire() as conn:
        await conn.execute(
            f"""
            INSERT INTO data_sources (name, as_of, row_count, loaded_at)
            SELECT $1, max({column}), count(*), now() FROM {table} {where}
            ON CONFLICT (name) DO UPDATE SET as_of = EXCLUDED.as_of, row_count = EXCLUDED.row_count,
                loaded_at = now()""",
            name,
        )
