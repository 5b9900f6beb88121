"""/api/companies: search, profile, financials, OHLCV, news, filings (DART), outlook analysis."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import asyncpg
import orjson
from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from api import quotes
from api.companies import queries
from api.companies.shapes import (
    Bar,
    CompanyProfile,
    FeedGap,
    Financials,
    OhlcvQuery,
    OpenBar,
    QuarterlyFinancials,
    Quote,
    Report,
    SearchQuery,
    YearlyFinancials,
)
from api.http import cache
from api.http.dates import iso_date
from api.http.errors import ApiError
from api.http.operations import AS_OF, MARKET_AS_OF, PAGE, Envelope, Paging, operation
from api.http.responses import ok
from api.news import queries as news_queries
from api.news.shapes import Analysis, NewsItem
from core import series
from core.contract import keys
from core.contract.bars import decode_open_bar
from core.time import INTERVALS, KST
from search.keywords import normalize

bp = Blueprint("companies", url_prefix="/api")

NOT_FOUND_MESSAGE = "기업을 찾을 수 없습니다."
DART_VIEWER = "https://dart.fss.or.kr/dsaf001/main.do?rcpNo="
_DEFAULT_SPAN = {
    "15m": dt.timedelta(days=10),
    "1h": dt.timedelta(days=60),
    "1d": dt.timedelta(days=365),
    "1w": dt.timedelta(days=3 * 365),
    "1mo": dt.timedelta(days=3653),
}
_BARS_TTL_S = {"1m": 5, "15m": 15, "1h": 60, "1d": 300, "1w": 300, "1mo": 300}  # the open bar is read per request
_DAILY_OR_LONGER = ("1d", "1w", "1mo")
_QUOTE_FIELDS = tuple(Quote.__annotations__)


async def company_symbol(db: asyncpg.Pool, company_id: int) -> str:
    symbol = await queries.symbol_of(db, company_id)
    if symbol is None:
        raise ApiError("NOT_FOUND", NOT_FOUND_MESSAGE)
    return symbol


# ---------------------------------------------------------------------------------------------- search


@operation(
    bp,
    "GET",
    "/companies",
    tag="companies",
    query=SearchQuery,
    response=Envelope(list[Quote], {**PAGE, **MARKET_AS_OF}),
    summary="기업 검색 (이름, 6자리 코드, 영문명, 초성; exact > prefix > contains, 동률은 시가총액순)",
    errors=("MISSING_FIELD", "INVALID_REQUEST"),
)
async def search(request: Request, query: SearchQuery) -> HTTPResponse:
    backend = request.app.ctx.search
    page, size = query.page, query.size

    async def produce() -> dict[str, Any]:
        total, ids = await backend.search_companies(query.keyword, page, size)
        day, found = await quotes.quotes_for(request.app.ctx.db, ids)
        data = [{k: found[i][k] for k in _QUOTE_FIELDS} for i in ids if i in found]
        return {
            "status": 200,
            "message": "기업 검색을 완료하였습니다.",
            "page": page,
            "size": size,
            "total": total,
            **quotes.list_meta(day, sum(1 for q in data if q["price"] is None)),
            "data": data,
        }

    key = keys.cache_search(backend.name, normalize(query.keyword), page, size)
    return await cache.cached_response(request.app, key, cache.SEARCH_TTL_S, produce)


# --------------------------------------------------------------------------------------------- profile


@operation(
    bp,
    "GET",
    "/companies/<company_id:int>",
    tag="companies",
    summary="기업 기본 정보",
    response=Envelope(CompanyProfile),
    errors=("NOT_FOUND",),
)
async def profile(request: Request, company_id: int) -> HTTPResponse:
    return await cache.cached_response(
        request.app,
        keys.cache_company_profile(company_id),
        cache.PROFILE_TTL_S,
        lambda: _profile_body(request.app.ctx.db, company_id),
    )


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


async def _profile_body(db: asyncpg.Pool, company_id: int) -> dict[str, Any]:
    company, bars, week52, income = await queries.profile_rows(db, company_id)
    if company is None:
        raise ApiError("NOT_FOUND", NOT_FOUND_MESSAGE)
    last = bars[0] if bars else None
    prev_close = bars[1]["close"] if len(bars) > 1 else None
    close = last["close"] if last else None
    change, pct = quotes.change_fields(close, prev_close)
    shares = company["shares_outstanding"]
    eps = income["net_income"] / shares if income and shares else None
    per = close / eps if eps and eps > 0 and close is not None else None
    data: CompanyProfile = {
        "companyId": company["id"],
        "symbol": company["symbol"],
        "name": company["name"],
        "nameEn": company["name_en"],
        "market": company["market"],
        "marketSegment": company["market_segment"],
        "industryId": company["industry_id"],
        "industryName": company["industry_name"],
        "ksicCode": company["ksic_code"],
        "themeSector": company["theme_sector"],
        "themeSubsector": company["theme_subsector"],
        "description": company["description"],
        "logo": company["logo_url"],
        "listingDate": iso_date(company["listing_date"]),
        "homepage": company["homepage"],
        "ceo": company["ceo"],
        "region": company["region"],
        "isSpac": company["is_spac"],
        "delistedAt": iso_date(company["delisted_at"]),
        "sharesOutstanding": shares,
        "price": close,
        "change": change,
        "changePercent": pct,
        "open": last["open"] if last else None,
        "high": last["high"] if last else None,
        "low": last["low"] if last else None,
        "volume": last["volume"] if last else None,
        "amount": last["amount"] if last else None,
        "prevClose": prev_close,
        "marketCap": shares * close if shares and close is not None else None,
        "week52High": week52["high"] if week52 else None,
        "week52Low": week52["low"] if week52 else None,
        "per": _round(per),
        "pbr": None,
        "eps": _round(eps, 0),
        "perFiscalYear": income["fiscal_year"] if income else None,
        "asOf": iso_date(last["bucket"]) if last else None,
        "source": last["source"] if last else None,
        "listingAsOf": iso_date(company["listing_as_of"]),
    }
    return {"status": 200, "message": "기업 정보 조회를 완료했습니다.", "data": data}


# ------------------------------------------------------------------------------------------ financials


@operation(
    bp,
    "GET",
    "/companies/<company_id:int>/financials",
    tag="companies",
    summary="기업 재무 지표",
    response=Envelope(Financials),
    errors=("NOT_FOUND",),
)
async def financials(request: Request, company_id: int) -> HTTPResponse:
    return await cache.cached_response(
        request.app,
        keys.cache_company_financials(company_id),
        cache.PROFILE_TTL_S,
        lambda: _financials_body(request.app.ctx.db, company_id),
    )


def _pct(part: int | None, whole: int | None) -> float | None:
    return round(part * 100.0 / whole, 2) if part is not None and whole else None


def _growth(current: int | None, previous: int | None) -> float | None:
    return round((current - previous) * 100.0 / abs(previous), 2) if current is not None and previous else None


async def _financials_body(db: asyncpg.Pool, company_id: int) -> dict[str, Any]:
    company, rows, segments = await queries.financial_rows(db, company_id)
    if company is None:
        raise ApiError("NOT_FOUND", NOT_FOUND_MESSAGE)
    yearly: list[YearlyFinancials] = []
    quarterly: list[QuarterlyFinancials] = []
    previous_fy: asyncpg.Record | None = None
    fy_years = {r["fiscal_year"] for r in rows if r["period"] == "FY"}
    basis = None
    for r in rows:
        if r["period"] == "FY" or (r["period"] == "9M" and r["fiscal_year"] not in fy_years):
            net = r["net_income_owners"] if r["net_income_owners"] is not None else r["net_income"]
            comparable = previous_fy if r["period"] == "FY" else None
            yearly.append(
                {
                    "fiscalYear": r["fiscal_year"],
                    "period": r["period"],
                    "periodEnd": iso_date(r["period_end"]),
                    "basis": r["fs_basis"],
                    "revenue": r["revenue"],
                    "operatingProfit": r["operating_profit"],
                    "netIncome": net,
                    "operatingMargin": _pct(r["operating_profit"], r["revenue"]),
                    "netMargin": _pct(net, r["revenue"]),
                    "revenueGrowth": _growth(r["revenue"], comparable["revenue"]) if comparable else None,
                    "operatingProfitGrowth": _growth(r["operating_profit"], comparable["operating_profit"])
                    if comparable
                    else None,
                }
            )
            if r["period"] == "FY":
                previous_fy = r
                basis = r["fs_basis"]
        elif r["period"] in ("Q1", "Q2", "Q3", "Q4"):
            quarterly.append(
                {
                    "fiscalQuarter": f"{r['fiscal_year']}{r['period']}",
                    "basis": r["fs_basis"],
                    "revenue": r["revenue"],
                    "operatingProfit": r["operating_profit"],
                    "operatingMargin": _pct(r["operating_profit"], r["revenue"]),
                }
            )
    data: Financials = {
        "currency": rows[0]["currency"] if rows else "KRW",
        "basis": basis,
        "yearly": yearly,
        "quarterly": quarterly,
        "segments": [
            {
                "segment": s["segment"],
                "revenue": s["revenue"],
                "sharePct": float(s["share_pct"]) if s["share_pct"] is not None else None,
                "fiscalYear": s["fiscal_year"],
            }
            for s in segments
        ],
        "mainProducts": company["description"],
    }
    return {"status": 200, "message": "재무 지표 조회를 완료했습니다.", "data": data}


# ----------------------------------------------------------------------------------------------- ohlcv


async def _open_bar(request: Request, interval: str, symbol: str) -> dict[str, Any] | None:
    try:
        raw = await request.app.ctx.redis.get(keys.open_bar(interval, symbol))
    except Exception:  # noqa: BLE001 - the open bar is optional; Redis trouble must not fail the request
        return None
    return decode_open_bar(raw)


_INTRADAY = ("1m", "15m", "1h")
_HISTORY_NOTE_S = 30.0
_history_noted: dict[str, float] = {}  # symbol → when this worker last told ingest (monotonic)


async def _want_todays_bars(request: Request, symbol: str) -> None:
    """Tell ingest an intraday chart of `symbol` was opened (`ingest:demand:history`): it fills today's
    1-minute bars from the broker's minute-bar API (ingest/backfill.py). At most every 30 s per worker."""
    now = time.monotonic()
    if now - _history_noted.get(symbol, -_HISTORY_NOTE_S) < _HISTORY_NOTE_S:
        return
    _history_noted[symbol] = now
    try:
        await request.app.ctx.redis.zadd(keys.INGEST_HISTORY_DEMAND, {symbol: int(time.time())})
    except Exception:  # noqa: BLE001 - best effort: the chart shows what is stored either way
        _history_noted.pop(symbol, None)


def _span_start(anchor: dt.datetime, interval: str) -> dt.datetime:
    """Where a range without `start` begins: the anchor's KST day for 1m, else a span before it."""
    if interval == "1m":
        day = anchor.astimezone(KST).date()
        return dt.datetime(day.year, day.month, day.day, tzinfo=KST)
    return anchor - _DEFAULT_SPAN[interval]


async def _bars(
    db: asyncpg.Pool, company_id: int, interval: str, start: dt.datetime | None, end: dt.datetime | None
) -> bytes:
    """`{symbol, asOf, source, simulated, truncated}` NUL `[bars]`, both JSON (the open bar is added
    per request). One series per response: the real bars when the company has any of this
    interval, else the simulated ones (kissim's demo; `simulated: true`), never a mix."""
    head = await queries.newest_bars(db, company_id, interval)
    if head is None:
        raise ApiError("NOT_FOUND", NOT_FOUND_MESSAGE)
    symbol, newest_real, newest_simulated = head
    simulated = newest_real is None and newest_simulated is not None
    kind = simulated if (newest_real or newest_simulated) else None  # None: no bars of either kind yet
    if start is None:
        anchor = end or (newest_simulated if simulated else newest_real)
        start = _span_start(anchor, interval) if anchor is not None else None
    rows = await queries.bars(db, symbol, interval, start, end, simulated=simulated) if start is not None else []
    # with no stored bar yet (e.g. minutes after a restart) gaps of the last day or span still show
    since = start if start is not None else _span_start(dt.datetime.now(KST), interval)
    data: list[Bar] = [
        {
            "time": int(r["bucket"].timestamp()),
            "open": r["open"],
            "high": r["high"],
            "low": r["low"],
            "close": r["close"],
            "volume": r["volume"],
            "amount": r["amount"],
        }
        for r in rows
    ]
    newest = rows[-1]["bucket"] if rows else None
    gaps: list[FeedGap] = [
        {
            "start": int(g["started_at"].timestamp()),
            "end": int(g["ended_at"].timestamp()),
            "cause": g["cause"],
            "status": g["status"],
            "repairSource": g["repair_source"],
            "repairedTimes": orjson.loads(g["repaired"]) if isinstance(g["repaired"], str) else list(g["repaired"]),
        }
        for g in await queries.feed_gaps(db, symbol, since, end, simulated=kind)
    ]
    meta = {
        "symbol": symbol,
        "gaps": gaps,
        "truncated": len(rows) >= queries.MAX_BARS,
        "asOf": (iso_date(newest) if interval in _DAILY_OR_LONGER else newest.isoformat()) if newest else None,
        "source": rows[-1]["source"] if rows else None,
        "simulated": kind,
    }
    return orjson.dumps(meta) + b"\x00" + orjson.dumps(data)


@operation(
    bp,
    "GET",
    "/companies/<company_id:int>/ohlcv",
    tag="companies",
    summary="주가 데이터 (OHLCV)",
    query=OhlcvQuery,
    errors=("INVALID_REQUEST", "NOT_FOUND"),
    response=Envelope(
        list[Bar],
        {
            "interval": str,
            "symbol": str,
            **AS_OF,
            "simulated": bool | None,
            "openBar": OpenBar | None,
            "truncated": bool,
            "gaps": list[FeedGap],
        },
    ),
)
async def ohlcv(request: Request, company_id: int, query: OhlcvQuery) -> HTTPResponse:
    interval, start, end = query.interval, query.start, query.end
    if start and end and start > end:
        raise ApiError("INVALID_REQUEST", "start가 end보다 늦습니다.", field="start")
    key = keys.cache_bars(
        company_id, interval, int(start.timestamp()) if start else None, int(end.timestamp()) if end else None
    )
    cached = await cache.cached_bytes(
        request.app, key, _BARS_TTL_S[interval], lambda: _bars(request.app.ctx.db, company_id, interval, start, end)
    )
    meta_raw, _, data_raw = cached.partition(b"\x00")
    meta = orjson.loads(meta_raw)
    meta.setdefault("gaps", [])  # a body cached before gaps were reported
    open_bar = await _open_bar(request, interval, meta["symbol"]) if interval in INTERVALS else None
    if interval in _INTRADAY and end is None:
        await _want_todays_bars(request, meta["symbol"])
    if open_bar and end is not None and open_bar["time"] > int(end.timestamp()):
        open_bar = None
    simulated = meta.get("simulated")
    if open_bar and simulated is not None and series.is_simulated(open_bar.get("source")) != simulated:
        open_bar = None  # a simulated open bar never extends real history, nor a real one simulated bars
    if open_bar:
        meta["asOf"] = dt.datetime.fromtimestamp(open_bar["time"], KST).isoformat()
        meta["source"] = open_bar.get("source") or meta["source"]
        meta["simulated"] = series.is_simulated(meta["source"])
    head = orjson.dumps(
        {
            "status": 200,
            "message": "과거 주가 데이터 조회를 성공하였습니다.",
            "interval": interval,
            **meta,
            "openBar": open_bar,
        }
    )
    return cache.json_bytes(head[:-1] + b',"data":' + data_raw + b"}")


# ------------------------------------------------------------------------------ news, reports, analysis


@operation(
    bp,
    "GET",
    "/companies/<company_id:int>/news",
    tag="companies",
    summary="기업 뉴스",
    query=Paging,
    response=Envelope(list[NewsItem], PAGE),
    errors=("INVALID_REQUEST", "NOT_FOUND"),
)
async def company_news(request: Request, company_id: int, query: Paging) -> HTTPResponse:
    db = request.app.ctx.db
    await company_symbol(db, company_id)
    total, items = await news_queries.news_page(db, "company", company_id, query.page, query.size)
    return ok(items, "기업 뉴스 조회를 완료했습니다.", page=query.page, size=query.size, total=total)


@operation(
    bp,
    "GET",
    "/companies/<company_id:int>/reports",
    tag="companies",
    summary="기업 보고서 (DART)",
    query=Paging,
    response=Envelope(list[Report], PAGE),
    errors=("INVALID_REQUEST", "NOT_FOUND"),
)
async def reports(request: Request, company_id: int, query: Paging) -> HTTPResponse:
    db = request.app.ctx.db
    await company_symbol(db, company_id)
    rows = await queries.reports(db, company_id, query.size, (query.page - 1) * query.size)
    data: list[Report] = [
        {
            "reportId": r["id"],
            "rceptNo": r["rcept_no"],
            "reportName": r["report_name"],
            "reportType": r["report_type"],
            "filedAt": iso_date(r["filed_at"]),
            "url": DART_VIEWER + r["rcept_no"],
        }
        for r in rows
    ]
    return ok(
        data,
        "기업 보고서 조회를 완료했습니다.",
        page=query.page,
        size=query.size,
        total=rows[0]["total"] if rows else 0,
    )


@operation(
    bp,
    "GET",
    "/companies/<company_id:int>/analysis",
    tag="companies",
    summary="기업 전망 분석 (없으면 404 '아직 전망 분석이 없습니다.')",
    response=Envelope(Analysis),
    errors=("NOT_FOUND",),
)
async def analysis(request: Request, company_id: int) -> HTTPResponse:
    db = request.app.ctx.db
    await company_symbol(db, company_id)
    return ok(await news_queries.latest_analysis(db, "company", company_id), "기업 전망 분석 조회를 완료했습니다.")
