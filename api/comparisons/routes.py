"""Saved company comparisons (auth). Another user's comparison is always 404.

    GET    /api/comparisons
    POST   /api/comparisons          {name, companies: [ids]} (2–10 distinct existing) → 201
    GET    /api/comparisons/{id}?period=1m|3m|6m|1y|3y[&start=YYYY-MM-DD]
    DELETE /api/comparisons/{id}

Performance is normalised on the server: `baseDate` is the first trading day on or after the
period start (newest bar − period, or `start`), and each company's `value` is the % change of
its close vs its own close on the first bar ≥ baseDate, so the baseline does not move when the
chart scrolls.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import orjson
from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from api import auth, quotes
from api.errors import ApiError
from api.responses import ok
from api.validation import iso_date, json_body, path_id, query_choice, query_time, required_str

bp = Blueprint("comparisons", url_prefix="/api/comparisons")

NOT_FOUND_MESSAGE = "비교를 찾을 수 없습니다."
MIN_COMPANIES, MAX_COMPANIES = 2, 10
PERIODS = {"1m": 31, "3m": 92, "6m": 183, "1y": 365, "3y": 3 * 365 + 1}

_LIST_SQL = """
    SELECT cm.id, cm.name, cm.created_at,
           coalesce(json_agg(json_build_object('companyId', c.id, 'companyName', c.name, 'symbol', c.symbol)
                             ORDER BY cc.position) FILTER (WHERE c.id IS NOT NULL), '[]') AS companies
    FROM comparisons cm
    LEFT JOIN comparison_companies cc ON cc.comparison_id = cm.id
    LEFT JOIN companies c ON c.id = cc.company_id
    WHERE cm.user_id = $1 {extra}
    GROUP BY cm.id ORDER BY cm.created_at DESC, cm.id DESC"""
_LATEST_FY_SQL = """
    SELECT * FROM (
        SELECT company_id, fiscal_year, revenue, operating_profit,
               coalesce(net_income_owners, net_income) AS net_income,
               lag(revenue) OVER w AS prev_revenue, lag(fiscal_year) OVER w AS prev_year,
               row_number() OVER (PARTITION BY company_id ORDER BY fiscal_year DESC) AS rn
        FROM financials WHERE company_id = ANY($1::int[]) AND period = 'FY'
        WINDOW w AS (PARTITION BY company_id ORDER BY fiscal_year)) x
    WHERE rn = 1"""
_NEWEST_BAR_SQL = """
    SELECT max(s.bucket) FROM companies c
    CROSS JOIN LATERAL (SELECT bucket FROM stock_prices_1d WHERE symbol = c.symbol ORDER BY bucket DESC LIMIT 1) s
    WHERE c.id = ANY($1::int[])"""
_BASE_DATE_SQL = """
    SELECT min(s.bucket) FROM companies c
    CROSS JOIN LATERAL (SELECT bucket FROM stock_prices_1d WHERE symbol = c.symbol AND bucket >= $2
                        ORDER BY bucket LIMIT 1) s
    WHERE c.id = ANY($1::int[])"""
_SERIES_SQL = """
    SELECT c.id, s.bucket, s.close FROM companies c
    JOIN stock_prices_1d s ON s.symbol = c.symbol AND s.bucket >= $2 AND s.bucket <= $3
    WHERE c.id = ANY($1::int[]) ORDER BY c.id, s.bucket"""


def _summary(row: asyncpg.Record) -> dict[str, Any]:
    companies = row["companies"]
    return {"comparisonId": row["id"], "name": row["name"], "createdAt": iso_date(row["created_at"]),
            "companies": orjson.loads(companies) if isinstance(companies, str) else companies}


async def _owned(db: asyncpg.Pool, user_id: int, comparison_id: int) -> dict[str, Any]:
    row = await db.fetchrow(_LIST_SQL.format(extra="AND cm.id = $2"), user_id, comparison_id)
    if row is None:
        raise ApiError("NOT_FOUND", NOT_FOUND_MESSAGE)
    return _summary(row)


@bp.get("")
async def list_comparisons(request: Request) -> HTTPResponse:
    claims = await auth.require_user(request)
    rows = await request.app.ctx.db.fetch(_LIST_SQL.format(extra=""), claims.user_id)
    data = [_summary(r) for r in rows]
    return ok(data, "비교 목록 조회를 완료했습니다.", total=len(data))


def _company_ids(body: dict[str, Any]) -> list[int]:
    ids = body.get("companies")
    if ids is None:
        raise ApiError("MISSING_FIELD", "필수 필드가 누락되었습니다: companies", field="companies")
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ApiError("INVALID_REQUEST", "companies는 기업 ID(정수) 목록이어야 합니다.", field="companies")
    if len(set(ids)) != len(ids):
        raise ApiError("INVALID_REQUEST", "같은 기업을 두 번 넣을 수 없습니다.", field="companies")
    if not MIN_COMPANIES <= len(ids) <= MAX_COMPANIES:
        raise ApiError("INVALID_REQUEST", f"비교할 기업은 {MIN_COMPANIES}~{MAX_COMPANIES}개여야 합니다.",
                       field="companies")
    return ids


@bp.post("")
async def create(request: Request) -> HTTPResponse:
    claims = await auth.require_user(request)
    body = json_body(request)
    name = required_str(body, "name", max_length=100).strip()
    ids = _company_ids(body)
    db = request.app.ctx.db
    async with db.acquire() as conn:
        known = await conn.fetch("SELECT id, name, symbol FROM companies WHERE id = ANY($1::int[])",
                                 [i if 0 < i < 2**31 else 0 for i in ids])
        found = {r["id"]: r for r in known}
        missing = [i for i in ids if i not in found]
        if missing:
            raise ApiError("NOT_FOUND", "존재하지 않는 기업이 포함되어 있습니다.", companyIds=missing)
        async with conn.transaction():
            row = await conn.fetchrow(
                "INSERT INTO comparisons (user_id, name) VALUES ($1, $2) RETURNING id, created_at",
                claims.user_id, name)
            await conn.execute(
                """INSERT INTO comparison_companies (comparison_id, position, company_id)
                   SELECT $1, p.ord, p.id FROM unnest($2::int[]) WITH ORDINALITY AS p(id, ord)""",
                row["id"], ids)
    result = {"comparisonId": row["id"], "name": name,
              "companies": [{"companyId": i, "companyName": found[i]["name"], "symbol": found[i]["symbol"]}
                            for i in ids],
              "createdAt": iso_date(row["created_at"])}
    return ok(result, "비교를 생성했습니다.", status=201, **result)


@bp.get("/<comparison_id:int>")
async def detail(request: Request, comparison_id: int) -> HTTPResponse:
    claims = await auth.require_user(request)
    comparison_id = path_id(comparison_id, "비교")
    period = query_choice(request, "period", tuple(PERIODS), "1y")
    start = query_time(request, "start")
    db = request.app.ctx.db
    summary = await _owned(db, claims.user_id, comparison_id)
    ids = [c["companyId"] for c in summary["companies"]]
    async with db.acquire() as conn:
        found = {r["id"]: quotes.quote_from_row(r) for r in await conn.fetch(quotes.SOME_QUOTES_SQL, ids)}
        fiscal = {r["company_id"]: r for r in await conn.fetch(_LATEST_FY_SQL, ids)}
        newest = await conn.fetchval(_NEWEST_BAR_SQL, ids)
        base = None
        series: list[asyncpg.Record] = []
        if newest is not None:
            period_start = start or newest - dt.timedelta(days=PERIODS[period])
            base = await conn.fetchval(_BASE_DATE_SQL, ids, period_start)
            if base is not None:
                series = await conn.fetch(_SERIES_SQL, ids, base, newest)
    companies = []
    for company_id in ids:
        q = found.get(company_id, {})
        f = fiscal.get(company_id)
        revenue = f["revenue"] if f else None
        growth = None
        if f and f["prev_revenue"] and f["prev_year"] == f["fiscal_year"] - 1 and revenue is not None:
            growth = round((revenue - f["prev_revenue"]) * 100.0 / abs(f["prev_revenue"]), 2)
        net = f["net_income"] if f else None
        market_cap = q.get("marketCap")
        companies.append({
            "companyId": company_id, "companyName": q.get("name"), "symbol": q.get("symbol"),
            "market": q.get("market"), "industryName": q.get("industryName"), "price": q.get("price"),
            "change": q.get("change"), "changePercent": q.get("changePercent"), "marketCap": market_cap,
            "revenue": revenue, "operatingProfit": f["operating_profit"] if f else None,
            "operatingMargin": (round(f["operating_profit"] * 100.0 / revenue, 2)
                                if f and revenue and f["operating_profit"] is not None else None),
            "revenueGrowth": growth,
            "per": round(market_cap / net, 2) if market_cap and net and net > 0 else None,
            "fiscalYear": f["fiscal_year"] if f else None, "asOf": q.get("asOf"), "source": q.get("source"),
        })
    by_company: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    base_close: dict[int, int] = {}
    for r in series:
        first = base_close.setdefault(r["id"], r["close"])
        if first:
            by_company[r["id"]].append({"time": int(r["bucket"].timestamp()),
                                        "value": round((r["close"] / first - 1) * 100, 2)})
    performance = [{"companyId": i, "symbol": found.get(i, {}).get("symbol"), "baseClose": base_close.get(i),
                    "points": by_company[i]} for i in ids]
    data = {**summary, "period": period, "baseDate": iso_date(base), "endDate": iso_date(newest),
            "companies": companies, "performance": performance}
    return ok(data, "비교 상세 조회를 완료했습니다.")


@bp.delete("/<comparison_id:int>")
async def delete(request: Request, comparison_id: int) -> HTTPResponse:
    claims = await auth.require_user(request)
    comparison_id = path_id(comparison_id, "비교")
    deleted = await request.app.ctx.db.fetchval(
        "DELETE FROM comparisons WHERE id = $1 AND user_id = $2 RETURNING id", comparison_id, claims.user_id)
    if deleted is None:
        raise ApiError("NOT_FOUND", NOT_FOUND_MESSAGE)
    return ok({"comparisonId": deleted}, "비교를 삭제했습니다.")

