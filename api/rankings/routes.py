"""/api/rankings: companies by market cap (all, per market, per industry), industries by market cap.

Everything is computed from `quotes.all_quotes`: one market day (one source, one `asOf`) for the
whole market; companies without a price that day are left out and counted in `excluded`. Cached
5 min in Redis and parsed once per worker; responses are cached for 5 min.
"""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from api import quotes
from api.http import cache
from api.http.errors import ApiError
from api.http.operations import MARKET_AS_OF, PAGE, Envelope, Paging, operation
from api.rankings.shapes import CompanyRankingQuery, IndustryRank, RankedCompany
from core.contract import keys

bp = Blueprint("rankings", url_prefix="/api/rankings")


@operation(
    bp,
    "GET",
    "/companies",
    tag="rankings",
    summary="기업 시가총액 순위",
    query=CompanyRankingQuery,
    response=Envelope(list[RankedCompany], {**PAGE, **MARKET_AS_OF, "market": str | None}),
    errors=("INVALID_REQUEST",),
)
async def companies(request: Request, query: CompanyRankingQuery) -> HTTPResponse:
    market, page, size = query.market, query.page, query.size

    async def produce() -> dict[str, Any]:
        everything = await quotes.all_quotes(request.app)
        items, left_out = everything.priced, everything.unpriced
        if market:
            items = [q for q in items if q["market"] == market]
            left_out = [q for q in left_out if q["market"] == market]
        return {
            "status": 200,
            "message": "기업 시가총액 순위 조회를 완료했습니다.",
            "page": page,
            "size": size,
            "total": len(items),
            "market": market,
            **everything.meta(len(left_out)),
            "data": quotes.ranked_page(items, page, size),
        }

    return await cache.cached_response(
        request.app, keys.cache_rankings("companies", market, page, size), cache.RANKINGS_TTL_S, produce
    )


@operation(
    bp,
    "GET",
    "/industries",
    tag="rankings",
    summary="산업 순위 (시가총액 합계, 등락률)",
    response=Envelope(list[IndustryRank], {"total": int, **MARKET_AS_OF}),
)
async def industries(request: Request) -> HTTPResponse:
    async def produce() -> dict[str, Any]:
        market, table = await quotes.industry_table(request.app)
        data = [{k: t[k] for k in IndustryRank.__annotations__} for t in table]
        return {
            "status": 200,
            "message": "산업 순위 조회를 완료했습니다.",
            "total": len(data),
            **market.meta(),
            "data": data,
        }

    return await cache.cached_response(request.app, keys.cache_rankings("industries"), cache.RANKINGS_TTL_S, produce)


@operation(
    bp,
    "GET",
    "/industries/<industry_id:int>/companies",
    tag="rankings",
    summary="산업 내 기업 순위",
    query=Paging,
    errors=("INVALID_REQUEST", "NOT_FOUND"),
    response=Envelope(list[RankedCompany], {**PAGE, **MARKET_AS_OF, "industryId": int, "industryName": str}),
)
async def industry_companies(request: Request, industry_id: int, query: Paging) -> HTTPResponse:
    page, size = query.page, query.size

    async def produce() -> dict[str, Any]:
        name = await request.app.ctx.db.fetchval("SELECT name FROM industries WHERE id = $1", industry_id)
        if name is None:
            raise ApiError("NOT_FOUND", "산업을 찾을 수 없습니다.")
        market = await quotes.all_quotes(request.app)
        items = [q for q in market.priced if q["industryId"] == industry_id]
        left_out = sum(1 for q in market.unpriced if q["industryId"] == industry_id)
        return {
            "status": 200,
            "message": "산업 내 기업 순위 조회를 완료했습니다.",
            "page": page,
            "size": size,
            "total": len(items),
            "industryId": industry_id,
            "industryName": name,
            **market.meta(left_out),
            "data": quotes.ranked_page(items, page, size),
        }

    return await cache.cached_response(
        request.app, keys.cache_rankings("industry", industry_id, page, size), cache.RANKINGS_TTL_S, produce
    )
