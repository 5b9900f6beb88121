"""/api/industries: list, detail with the largest companies, news, outlook analysis."""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from api import quotes
from api.http import cache
from api.http.errors import ApiError
from api.http.operations import MARKET_AS_OF, PAGE, Envelope, Paging, operation
from api.http.responses import ok
from api.industries.shapes import Industry, IndustryDetail
from api.news import queries as news_queries
from api.news.shapes import Analysis, NewsItem
from core.contract import keys

bp = Blueprint("industries", url_prefix="/api/industries")

NOT_FOUND_MESSAGE = "산업을 찾을 수 없습니다."
TOP_COMPANIES = 10
_INDUSTRY_FIELDS = tuple(Industry.__annotations__)


@operation(
    bp,
    "GET",
    "",
    tag="industries",
    summary="산업 목록",
    response=Envelope(list[Industry], {"total": int, **MARKET_AS_OF}),
)
async def list_industries(request: Request) -> HTTPResponse:
    async def produce() -> dict[str, Any]:
        market, table = await quotes.industry_table(request.app)
        data = [{k: t[k] for k in _INDUSTRY_FIELDS} for t in sorted(table, key=lambda t: t["ksicCode"])]
        return {
            "status": 200,
            "message": "산업 목록 조회를 완료했습니다.",
            "total": len(data),
            **market.meta(),
            "data": data,
        }

    return await cache.cached_response(request.app, keys.cache_industries("list"), cache.RANKINGS_TTL_S, produce)


@operation(
    bp,
    "GET",
    "/<industry_id:int>",
    tag="industries",
    summary="산업 정보",
    response=Envelope(IndustryDetail),
    errors=("NOT_FOUND",),
)
async def detail(request: Request, industry_id: int) -> HTTPResponse:
    async def produce() -> dict[str, Any]:
        market, table = await quotes.industry_table(request.app)
        row = next((t for t in table if t["industryId"] == industry_id), None)
        if row is None:
            raise ApiError("NOT_FOUND", NOT_FOUND_MESSAGE)
        members = [q for q in market.priced if q["industryId"] == industry_id]
        data = {
            **{k: row[k] for k in _INDUSTRY_FIELDS},
            "marketCapRank": row["rank"],
            "topCompanies": quotes.ranked_page(members, 1, TOP_COMPANIES),
            **market.meta(row["excludedCount"]),
        }
        return {"status": 200, "message": "산업 정보 조회를 완료했습니다.", "data": data}

    return await cache.cached_response(request.app, keys.cache_industries(industry_id), cache.RANKINGS_TTL_S, produce)


async def _require_industry(request: Request, industry_id: int) -> None:
    if not await news_queries.subject_exists(request.app.ctx.db, "industry", industry_id):
        raise ApiError("NOT_FOUND", NOT_FOUND_MESSAGE)


@operation(
    bp,
    "GET",
    "/<industry_id:int>/news",
    tag="industries",
    summary="산업 뉴스",
    query=Paging,
    response=Envelope(list[NewsItem], PAGE),
    errors=("INVALID_REQUEST", "NOT_FOUND"),
)
async def industry_news(request: Request, industry_id: int, query: Paging) -> HTTPResponse:
    await _require_industry(request, industry_id)
    total, items = await news_queries.news_page(request.app.ctx.db, "industry", industry_id, query.page, query.size)
    return ok(items, "산업 뉴스 조회를 완료했습니다.", page=query.page, size=query.size, total=total)


@operation(
    bp,
    "GET",
    "/<industry_id:int>/analysis",
    tag="industries",
    summary="산업 전망 분석",
    response=Envelope(Analysis),
    errors=("NOT_FOUND",),
)
async def industry_analysis(request: Request, industry_id: int) -> HTTPResponse:
    await _require_industry(request, industry_id)
    return ok(
        await news_queries.latest_analysis(request.app.ctx.db, "industry", industry_id),
        "산업 전망 분석 조회를 완료했습니다.",
    )
