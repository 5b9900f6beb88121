"""/api/comparisons (signed in): list, create, detail with performance, delete.

Figures and performance are of one market day (api/quotes.py: one source, one `asOf`; companies
without a price that day have no figures and are counted in `excluded`). Performance is normalised
on the server: `baseDate` is the first trading day on or after the period start (the market day −
period, or `start`), and each company's `value` is the % change of its close vs its own close on
the first bar ≥ baseDate, so the baseline does not move when the chart scrolls. Another user's
comparison is always 404.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import orjson
from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from api import quotes
from api.comparisons import queries
from api.comparisons.shapes import (
    PERIOD_DAYS,
    ComparedCompany,
    ComparisonDeleted,
    ComparisonDetail,
    ComparisonRequest,
    ComparisonSummary,
    DetailQuery,
    Performance,
    PerformancePoint,
)
from api.http.auth import Claims
from api.http.dates import iso_date
from api.http.errors import ApiError
from api.http.operations import Envelope, operation
from api.http.responses import ok

bp = Blueprint("comparisons", url_prefix="/api/comparisons")

NOT_FOUND_MESSAGE = "비교를 찾을 수 없습니다."


def _summary(row: asyncpg.Record) -> ComparisonSummary:
    companies = row["companies"]
    return {
        "comparisonId": row["id"],
        "name": row["name"],
        "createdAt": iso_date(row["created_at"]),
        "companies": orjson.loads(companies) if isinstance(companies, str) else companies,
    }


@operation(
    bp,
    "GET",
    "",
    tag="comparisons",
    summary="비교 목록",
    auth=True,
    response=Envelope(list[ComparisonSummary], {"total": int}),
)
async def list_comparisons(request: Request, user: Claims) -> HTTPResponse:
    data = [_summary(r) for r in await queries.list_owned(request.app.ctx.db, user.user_id)]
    return ok(data, "비교 목록 조회를 완료했습니다.", total=len(data))


@operation(
    bp,
    "POST",
    "",
    tag="comparisons",
    summary="비교 생성",
    body=ComparisonRequest,
    status=201,
    auth=True,
    response=Envelope(ComparisonSummary, ComparisonSummary.__annotations__),
    errors=("MISSING_FIELD", "INVALID_REQUEST", "NOT_FOUND"),
)
async def create(request: Request, body: ComparisonRequest, user: Claims) -> HTTPResponse:
    db = request.app.ctx.db
    found = await queries.companies_by_id(db, body.companies)
    missing = [i for i in body.companies if i not in found]
    if missing:
        raise ApiError("NOT_FOUND", "존재하지 않는 기업이 포함되어 있습니다.", companyIds=missing)
    name = body.name.strip()
    row = await queries.create(db, user.user_id, name, body.companies)
    result: ComparisonSummary = {
        "comparisonId": row["id"],
        "name": name,
        "companies": [
            {"companyId": i, "companyName": found[i]["name"], "symbol": found[i]["symbol"]} for i in body.companies
        ],
        "createdAt": iso_date(row["created_at"]),
    }
    return ok(result, "비교를 생성했습니다.", status=201, **result)


def _compared(company_id: int, q: dict[str, Any], f: asyncpg.Record | None) -> ComparedCompany:
    revenue = f["revenue"] if f else None
    growth = None
    if f and f["prev_revenue"] and f["prev_year"] == f["fiscal_year"] - 1 and revenue is not None:
        growth = round((revenue - f["prev_revenue"]) * 100.0 / abs(f["prev_revenue"]), 2)
    net = f["net_income"] if f else None
    market_cap = q.get("marketCap")
    return {
        "companyId": company_id,
        "companyName": q.get("name"),
        "symbol": q.get("symbol"),
        "market": q.get("market"),
        "industryName": q.get("industryName"),
        "price": q.get("price"),
        "change": q.get("change"),
        "changePercent": q.get("changePercent"),
        "marketCap": market_cap,
        "revenue": revenue,
        "operatingProfit": f["operating_profit"] if f else None,
        "operatingMargin": (
            round(f["operating_profit"] * 100.0 / revenue, 2)
            if f and revenue and f["operating_profit"] is not None
            else None
        ),
        "revenueGrowth": growth,
        "per": round(market_cap / net, 2) if market_cap and net and net > 0 else None,
        "fiscalYear": f["fiscal_year"] if f else None,
        "asOf": q.get("asOf"),
        "source": q.get("source"),
    }


@operation(
    bp,
    "GET",
    "/<comparison_id:int>",
    tag="comparisons",
    summary="비교 상세 (기간 시작일 기준 수익률)",
    query=DetailQuery,
    auth=True,
    response=Envelope(ComparisonDetail),
    errors=("INVALID_REQUEST", "NOT_FOUND"),
)
async def detail(request: Request, comparison_id: int, query: DetailQuery, user: Claims) -> HTTPResponse:
    db = request.app.ctx.db
    row = await queries.owned(db, user.user_id, comparison_id)
    if row is None:
        raise ApiError("NOT_FOUND", NOT_FOUND_MESSAGE)
    summary = _summary(row)
    ids = [c["companyId"] for c in summary["companies"]]
    day, found, fiscal, base, series = await queries.figures(db, ids, PERIOD_DAYS[query.period], query.start)
    by_company: dict[int, list[PerformancePoint]] = {i: [] for i in ids}
    base_close: dict[int, int] = {}
    for r in series:
        first = base_close.setdefault(r["id"], r["close"])
        if first:
            by_company[r["id"]].append(
                {"time": int(r["bucket"].timestamp()), "value": round((r["close"] / first - 1) * 100, 2)}
            )
    performance: list[Performance] = [
        {
            "companyId": i,
            "symbol": found.get(i, {}).get("symbol"),
            "baseClose": base_close.get(i),
            "points": by_company[i],
        }
        for i in ids
    ]
    data: ComparisonDetail = {
        "comparisonId": summary["comparisonId"],
        "name": summary["name"],
        "createdAt": summary["createdAt"],
        "period": query.period,
        "baseDate": iso_date(base),
        "endDate": iso_date(day.bucket) if base is not None else None,
        "asOf": day.day.isoformat() if day.day else None,
        "source": day.source,
        "excluded": quotes.unpriced(list(found.values())),
        "companies": [_compared(i, found.get(i, {}), fiscal.get(i)) for i in ids],
        "performance": performance,
    }
    return ok(data, "비교 상세 조회를 완료했습니다.")


@operation(
    bp,
    "DELETE",
    "/<comparison_id:int>",
    tag="comparisons",
    summary="비교 삭제",
    auth=True,
    response=Envelope(ComparisonDeleted),
    errors=("NOT_FOUND",),
)
async def delete(request: Request, comparison_id: int, user: Claims) -> HTTPResponse:
    deleted = await queries.delete(request.app.ctx.db, user.user_id, comparison_id)
    if deleted is None:
        raise ApiError("NOT_FOUND", NOT_FOUND_MESSAGE)
    data: ComparisonDeleted = {"comparisonId": deleted}
    return ok(data, "비교를 삭제했습니다.")
