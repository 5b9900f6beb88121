"""Companies: search, profile, financials, OHLCV, news, filings, outlook analysis.

    GET /api/companies?keyword=&page=&size=
    GET /api/companies/{id}                     (cached 1 h: cache:company:{id}:profile)
    GET /api/companies/{id}/financials          (cached 1 h)
    GET /api/companies/{id}/ohlcv?interval=&start=&end=
    GET /api/companies/{id}/news | /reports | /analysis
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import orjson
from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from api import cache, news, quotes
from api.errors import ApiError
from api.responses import ok
from api.search import normalize
from api.validation import KST, iso_date, paging, path_id, query_time

bp = Blueprint("companies", url_prefix="/api")

NOT_FOUND_MESSAGE = "기업을 찾을 수 없습니다."
DART_VIEWER = "https://dart.fss.or.kr/dsaf001/main.do?rcpNo="
MAX_BARS = 5000
INTERVALS = ("1m", "15m", "1h", "1d")
_BAR_TABLES = {"1m": "stock_prices_1m", "15m": "stock_prices_15m", "1h": "stock_prices_1h", "1d": "stock_prices_1d"}
_DEFAULT_SPAN = {"15m": dt.timedelta(days=10), "1h": dt.timedelta(days=60), "1d": dt.timedelta(days=365)}

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
_EXISTS_SQL = "SELECT symbol FROM companies WHERE id = $1"


async def company_symbol(db: asyncpg.Pool, company_id: int) -> str:
    symbol = await db.fetchval(_EXISTS_SQL, company_id)
    if symbol is None:
        raise ApiError("NOT_FOUND", NOT_FOUND_MESSAGE)
    return symbol


# ---------------------------------------------------------------------------------------------- search

@bp.get("/companies")
async def search(request: Request) -> HTTPResponse:
    keyword = request.args.get("keyword")
    if keyword is None or not keyword.strip():
        raise ApiError("MISSING_FIELD", "검색어(keyword)를 입력해 주세요.", field="keyword")
    if len(keyword) > 100:
        raise ApiError("INVALID_REQUEST", "검색어가 너무 깁니다. (최대 100자)", field="keyword")
    if "\x00" in keyword:
        raise ApiError("INVALID_REQUEST", "검색어에 허용되지 않는 문자가 있습니다.", field="keyword")
    page, size = paging(request)
    backend = request.app.ctx.search

    async def produce() -> dict[str, Any]:
        total, ids = await backend.search_companies(keyword, page, size)
        found = await quotes.quotes_for(request.app.ctx.db, ids)
        data = [_search_item(found[i]) for i in ids if i in found]
        return {"status": 200, "message": "기업 검색을 완료하였습니다.", "page": page, "size": size, "total": total,
                "data": data}

    key = f"search:{backend.name}:{normalize(keyword)}:{page}:{size}"
    return await cache.cached_response(request.app, key, cache.SEARCH_TTL_S, produce)


def _search_item(q: dict[str, Any]) -> dict[str, Any]:
    return {key: q[key] for key in ("companyId", "symbol", "name", "nameEn", "market", "industryId", "industryName",
                                    "logo", "price", "change", "changePercent", "marketCap", "asOf", "source")}


# --------------------------------------------------------------------------------------------- profile

@bp.get("/companies/<company_id:int>")
async def profile(request: Request, company_id: int) -> HTTPResponse:
    company_id = path_id(company_id, "기업")
    return await cache.cached_response(request.app, f"company:{company_id}:profile", cache.PROFILE_TTL_S,
                                       lambda: _profile_body(request.app.ctx.db, company_id))


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


async def _profile_body(db: asyncpg.Pool, company_id: int) -> dict[str, Any]:
    async with db.acquire() as conn:
        company = await conn.fetchrow(_COMPANY_SQL, company_id)
        if company is None:
            raise ApiError("NOT_FOUND", NOT_FOUND_MESSAGE)
        bars = await conn.fetch(_LAST_BARS_SQL, company["symbol"])
        week52 = await conn.fetchrow(_RANGE_52W_SQL, company["symbol"], bars[0]["bucket"]) if bars else None
        income = await conn.fetchrow(_LAST_FY_INCOME_SQL, company_id)
    last = bars[0] if bars else None
    prev_close = bars[1]["close"] if len(bars) > 1 else None
    close = last["close"] if last else None
    change, pct = quotes.change_fields(close, prev_close)
    shares = company["shares_outstanding"]
    eps = income["net_income"] / shares if income and shares else None
    per = close / eps if eps and eps > 0 and close is not None else None
    data = {
        "companyId": company["id"], "symbol": company["symbol"], "name": company["name"],
        "nameEn": company["name_en"], "market": company["market"], "marketSegment": company["market_segment"],
        "industryId": company["industry_id"], "industryName": company["industry_name"],
        "ksicCode": company["ksic_code"], "themeSector": company["theme_sector"],
        "themeSubsector": company["theme_subsector"], "description": company["description"],
        "logo": company["logo_url"], "listingDate": iso_date(company["listing_date"]),
        "homepage": company["homepage"], "ceo": company["ceo"], "region": company["region"],
        "isSpac": company["is_spac"], "delistedAt": iso_date(company["delisted_at"]),
        "sharesOutstanding": shares,
        "price": close, "change": change, "changePercent": pct,
        "open": last["open"] if last else None, "high": last["high"] if last else None,
        "low": last["low"] if last else None, "volume": last["volume"] if last else None,
        "amount": last["amount"] if last else None, "prevClose": prev_close,
        "marketCap": shares * close if shares and close is not None else None,
        "week52High": week52["high"] if week52 else None, "week52Low": week52["low"] if week52 else None,
        "per": _round(per), "pbr": None, "eps": _round(eps, 0),
        "perFiscalYear": income["fiscal_year"] if income else None,
        "asOf": iso_date(last["bucket"]) if last else None, "source": last["source"] if last else None,
        "listingAsOf": iso_date(company["listing_as_of"]),
    }
    return {"status": 200, "message": "기업 정보 조회를 완료했습니다.", "data": data}


# ------------------------------------------------------------------------------------------ financials

@bp.get("/companies/<company_id:int>/financials")
async def financials(request: Request, company_id: int) -> HTTPResponse:
    company_id = path_id(company_id, "기업")
    return await cache.cached_response(request.app, f"company:{company_id}:financials", cache.PROFILE_TTL_S,
                                       lambda: _financials_body(request.app.ctx.db, company_id))


def _pct(part: int | None, whole: int | None) -> float | None:
    return round(part * 100.0 / whole, 2) if part is not None and whole else None


def _growth(current: int | None, previous: int | None) -> float | None:
    return round((current - previous) * 100.0 / abs(previous), 2) if current is not None and previous else None


async def _financials_body(db: asyncpg.Pool, company_id: int) -> dict[str, Any]:
    async with db.acquire() as conn:
        company = await conn.fetchrow("SELECT id, description FROM companies WHERE id = $1", company_id)
        if company is None:
            raise ApiError("NOT_FOUND", NOT_FOUND_MESSAGE)
        rows = await conn.fetch(_FINANCIALS_SQL, company_id)
        segments = await conn.fetch(_SEGMENTS_SQL, company_id)
    yearly: list[dict[str, Any]] = []
    quarterly: list[dict[str, Any]] = []
    previous_fy: asyncpg.Record | None = None
    fy_years = {r["fiscal_year"] for r in rows if r["period"] == "FY"}
    basis = None
    for r in rows:
        if r["period"] == "FY" or (r["period"] == "9M" and r["fiscal_year"] not in fy_years):
            net = r["net_income_owners"] if r["net_income_owners"] is not None else r["net_income"]
            comparable = previous_fy if r["period"] == "FY" else None
            yearly.append({
                "fiscalYear": r["fiscal_year"], "period": r["period"],
                "periodEnd": iso_date(r["period_end"]), "basis": r["fs_basis"],
                "revenue": r["revenue"], "operatingProfit": r["operating_profit"], "netIncome": net,
                "operatingMargin": _pct(r["operating_profit"], r["revenue"]), "netMargin": _pct(net, r["revenue"]),
                "revenueGrowth": _growth(r["revenue"], comparable["revenue"]) if comparable else None,
                "operatingProfitGrowth":
                    _growth(r["operating_profit"], comparable["operating_profit"]) if comparable else None,
            })
            if r["period"] == "FY":
                previous_fy = r
                basis = r["fs_basis"]
        elif r["period"] in ("Q1", "Q2", "Q3", "Q4"):
            quarterly.append({"fiscalQuarter": f"{r['fiscal_year']}{r['period']}", "basis": r["fs_basis"],
                              "revenue": r["revenue"], "operatingProfit": r["operating_profit"],
                              "operatingMargin": _pct(r["operating_profit"], r["revenue"])})
    data = {
        "currency": rows[0]["currency"] if rows else "KRW", "basis": basis,
        "yearly": yearly, "quarterly": quarterly,
        "segments": [{"segment": s["segment"], "revenue": s["revenue"],
                      "sharePct": float(s["share_pct"]) if s["share_pct"] is not None else None,
                      "fiscalYear": s["fiscal_year"]} for s in segments],
        "mainProducts": company["description"],
    }
    return {"status": 200, "message": "재무 지표 조회를 완료했습니다.", "data": data}


# ----------------------------------------------------------------------------------------------- ohlcv

def _epoch(value: dt.datetime) -> int:
    return int(value.timestamp())


async def _open_bar(request: Request, interval: str, symbol: str) -> dict[str, Any] | None:
    try:
        raw = await request.app.ctx.redis.hgetall(f"bar:{interval}:{symbol}")
    except Exception:  # noqa: BLE001 - the open bar is optional; Redis trouble must not fail the request
        return None
    if not raw:
        return None
    fields = {k.decode(): v.decode() for k, v in raw.items()}
    bar: dict[str, Any] = {}
    try:
        bar["time"] = int(float(fields["time"]))
        for key in ("open", "high", "low", "close"):
            bar[key] = int(float(fields[key]))
        bar["volume"] = int(float(fields.get("volume", 0)))
        bar["amount"] = int(float(fields["amount"])) if fields.get("amount") else None
        bar["tradeCount"] = int(float(fields["tradeCount"])) if fields.get("tradeCount") else None
    except (KeyError, ValueError):
        return None
    bar["source"] = fields.get("source")
    return bar


_BARS_TTL_S = {"1m": 5, "15m": 15, "1h": 60, "1d": 300}  # the open bar is read fresh per request


async def _bars(db: asyncpg.Pool, company_id: int, interval: str, start: dt.datetime | None,
                end: dt.datetime | None) -> bytes:
    """`{symbol, asOf, source, truncated}` NUL `[bars]`, both JSON (the open bar is added per request)."""
    table = _BAR_TABLES[interval]
    async with db.acquire() as conn:
        head = await conn.fetchrow(
            f"""SELECT c.symbol, (SELECT max(s.bucket) FROM {table} s WHERE s.symbol = c.symbol) AS newest
                FROM companies c WHERE c.id = $1""", company_id)
        if head is None:
            raise ApiError("NOT_FOUND", NOT_FOUND_MESSAGE)
        symbol = head["symbol"]
        if start is None:
            anchor = end or head["newest"]
            if anchor is None:
                start = None
            elif interval == "1m":
                day = anchor.astimezone(KST).date()
                start = dt.datetime(day.year, day.month, day.day, tzinfo=KST)
            else:
                start = anchor - _DEFAULT_SPAN[interval]
        rows = []
        if start is not None:
            # newest MAX_BARS of the range, returned ascending
            rows = await conn.fetch(
                f"""SELECT * FROM (
                        SELECT bucket, open, high, low, close, volume, amount, source FROM {table}
                        WHERE symbol = $1 AND bucket >= $2 AND ($3::timestamptz IS NULL OR bucket <= $3)
                        ORDER BY bucket DESC LIMIT {MAX_BARS}) x ORDER BY bucket""",
                symbol, start, end)
    data = [{"time": _epoch(r["bucket"]), "open": r["open"], "high": r["high"], "low": r["low"],
             "close": r["close"], "volume": r["volume"], "amount": r["amount"]} for r in rows]
    newest = rows[-1]["bucket"] if rows else None
    meta = {"symbol": symbol, "truncated": len(rows) >= MAX_BARS,
            "asOf": (iso_date(newest) if interval == "1d" else newest.isoformat()) if newest else None,
            "source": rows[-1]["source"] if rows else None}
    return orjson.dumps(meta) + b"\x00" + orjson.dumps(data)


@bp.get("/companies/<company_id:int>/ohlcv")
async def ohlcv(request: Request, company_id: int) -> HTTPResponse:
    company_id = path_id(company_id, "기업")
    interval = request.args.get("interval") or "1d"
    if interval not in INTERVALS:
        raise ApiError("INVALID_REQUEST", "interval은 1m, 15m, 1h, 1d 중 하나여야 합니다.", field="interval")
    start, end = query_time(request, "start"), query_time(request, "end")
    if start and end and start > end:
        raise ApiError("INVALID_REQUEST", "start가 end보다 늦습니다.", field="start")
    key = (f"bars:{company_id}:{interval}:{int(start.timestamp()) if start else ''}:"
           f"{int(end.timestamp()) if end else ''}")
    cached = await cache.cached_bytes(request.app, key, _BARS_TTL_S[interval],
                                      lambda: _bars(request.app.ctx.db, company_id, interval, start, end))
    meta_raw, _, data_raw = cached.partition(b"\x00")
    meta = orjson.loads(meta_raw)
    open_bar = await _open_bar(request, interval, meta["symbol"])
    if open_bar and end is not None and open_bar["time"] > _epoch(end):
        open_bar = None
    if open_bar:
        meta["asOf"] = dt.datetime.fromtimestamp(open_bar["time"], KST).isoformat()
        meta["source"] = open_bar["source"] or meta["source"]
    head = orjson.dumps({"status": 200, "message": "과거 주가 데이터 조회를 성공하였습니다.", "interval": interval,
                         **meta, "openBar": open_bar})
    return cache.json_bytes(head[:-1] + b',"data":' + data_raw + b"}")


# ------------------------------------------------------------------------------ news, reports, analysis

@bp.get("/companies/<company_id:int>/news")
async def company_news(request: Request, company_id: int) -> HTTPResponse:
    company_id = path_id(company_id, "기업")
    page, size = paging(request)
    db = request.app.ctx.db
    await company_symbol(db, company_id)
    total, items = await news.news_page(db, "company", company_id, page, size)
    return ok(items, "기업 뉴스 조회를 완료했습니다.", page=page, size=size, total=total)


@bp.get("/companies/<company_id:int>/reports")
async def reports(request: Request, company_id: int) -> HTTPResponse:
    company_id = path_id(company_id, "기업")
    page, size = paging(request)
    db = request.app.ctx.db
    await company_symbol(db, company_id)
    rows = await db.fetch(_REPORTS_SQL, company_id, size, (page - 1) * size)
    data = [{"reportId": r["id"], "rceptNo": r["rcept_no"], "reportName": r["report_name"],
             "reportType": r["report_type"], "filedAt": iso_date(r["filed_at"]),
             "url": DART_VIEWER + r["rcept_no"]} for r in rows]
    return ok(data, "기업 보고서 조회를 완료했습니다.", page=page, size=size, total=rows[0]["total"] if rows else 0)


@bp.get("/companies/<company_id:int>/analysis")
async def analysis(request: Request, company_id: int) -> HTTPResponse:
    company_id = path_id(company_id, "기업")
    db = request.app.ctx.db
    await company_symbol(db, company_id)
    return ok(await news.latest_analysis(db, "company", company_id), "기업 전망 분석 조회를 완료했습니다.")

