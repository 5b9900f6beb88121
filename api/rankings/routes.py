"""/api/rankings: companies by market cap (all, per market, per industry), industries by market cap,
and the daily rankings (거래량, 거래대금, 상승률, 하락률, 52주 신고가/신저가) of one trading day.

Every ranking is of one market day (api/quotes.py: one source, one `asOf` for the whole market);
companies without a price that day are left out and counted in `excluded`. Market-cap rankings
come from `quotes.all_quotes`, the daily rankings from the market day's table (`queries.day_table`);
both are cached 5 min in Redis and parsed once per worker; responses are cached for 5 min.
"""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from api import quotes
from api.http import cache
from api.http.errors import ApiError
from api.http.operations import MARKET_AS_OF, PAGE, Envelope, Paging, operation
from api.rankings import queries
from api.rankings.shapes import (
    CompanyRankingQuery,
    DailyRankedCompany,
    DailyRankingQuery,
    IndustryRank,
    RankedCompany,
)
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


_DAILY_TITLES = {
    "volume": "거래량 순위",
    "amount": "거래대금 순위",
    "gainers": "상승률 순위",
    "losers": "하락률 순위",
    "high52w": "52주 신고가",
    "low52w": "52주 신저가",
}


@operation(
    bp,
    "GET",
    "/daily",
    tag="rankings",
    summary="일별 순위: 거래량, 거래대금, 상승률, 하락률, 52주 신고가/신저가 (모두 같은 거래일·출처 asOf 기준)",
    query=DailyRankingQuery,
    response=Envelope(list[DailyRankedCompany], {**PAGE, **MARKET_AS_OF, "market": str | None, "kind": str}),
    errors=("MISSING_FIELD", "INVALID_REQUEST"),
)
async def daily(request: Request, query: DailyRankingQuery) -> HTTPResponse:
    kind, market, page, size = query.kind, query.market, query.page, query.size

    async def produce() -> dict[str, Any]:
        table = await queries.day_table(request.app)
        items = queries.ranked(table["rows"], kind, market)
        return {
            "status": 200,
            "message": f"{_DAILY_TITLES[kind]} 조회를 완료했습니다.",
            "page": page,
            "size": size,
            "total": len(items),
            "market": market,
            "kind": kind,
            "asOf": table["asOf"],
            "source": table["source"],
            "excluded": queries.excluded_in(table, market),
            "data": queries.page_of(items, page, size),
        }

    return await cache.cached_response(
        request.app, keys.cache_rankings("daily", kind, market, page, size), cache.RANKINGS_TTL_S, produce
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
