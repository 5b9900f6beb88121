"""Industries (KSIC): list, detail with top companies, news, outlook analysis.

    GET /api/industries
    GET /api/industries/{id}
    GET /api/industries/{id}/news?page=&size=
    GET /api/industries/{id}/analysis
"""
from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from api import cache, news, quotes
from api.errors import ApiError
from api.rankings import industry_table, ranked_page
from api.responses import ok
from api.validation import paging, path_id

bp = Blueprint("industries", url_prefix="/api/industries")

NOT_FOUND_MESSAGE = "산업을 찾을 수 없습니다."
TOP_COMPANIES = 10


@bp.get("")
async def list_industries(request: Request) -> HTTPResponse:
    async def produce() -> dict[str, Any]:
        table = sorted(await industry_table(request.app), key=lambda t: t["ksicCode"])
        data = [{k: t[k] for k in ("industryId", "ksicCode", "name", "companyCount", "marketCap", "changePercent")}
                for t in table]
        as_of, source = quotes.as_of_of(await quotes.all_quotes(request.app))
        return {"status": 200, "message": "산업 목록 조회를 완료했습니다.", "total": len(data), "asOf": as_of,
                "source": source, "data": data}

    return await cache.cached_response(request.app, "industries:list", cache.RANKINGS_TTL_S, produce)


@bp.get("/<industry_id:int>")
async def detail(request: Request, industry_id: int) -> HTTPResponse:
    industry_id = path_id(industry_id, "산업")

    async def produce() -> dict[str, Any]:
        table = await industry_table(request.app)
        row = next((t for t in table if t["industryId"] == industry_id), None)
        if row is None:
            raise ApiError("NOT_FOUND", NOT_FOUND_MESSAGE)
        members = [q for q in await quotes.all_quotes(request.app) if q["industryId"] == industry_id]
        as_of, source = quotes.as_of_of(members)
        data = {**{k: row[k] for k in ("industryId", "ksicCode", "name", "companyCount", "marketCap",
                                       "changePercent")},
                "marketCapRank": row["rank"], "topCompanies": ranked_page(members, 1, TOP_COMPANIES),
                "asOf": as_of, "source": source}
        return {"status": 200, "message": "산업 정보 조회를 완료했습니다.", "data": data}

    return await cache.cached_response(request.app, f"industries:{industry_id}", cache.RANKINGS_TTL_S, produce)


async def _require_industry(request: Request, industry_id: int) -> None:
    if not await request.app.ctx.db.fetchval("SELECT EXISTS (SELECT 1 FROM industries WHERE id = $1)",
                                             industry_id):
        raise ApiError("NOT_FOUND", NOT_FOUND_MESSAGE)


@bp.get("/<industry_id:int>/news")
async def industry_news(request: Request, industry_id: int) -> HTTPResponse:
    industry_id = path_id(industry_id, "산업")
    page, size = paging(request)
    await _require_industry(request, industry_id)
    total, items = await news.news_page(request.app.ctx.db, "industry", industry_id, page, size)
    return ok(items, "산업 뉴스 조회를 완료했습니다.", page=page, size=size, total=total)


@bp.get("/<industry_id:int>/analysis")
async def industry_analysis(request: Request, industry_id: int) -> HTTPResponse:
    industry_id = path_id(industry_id, "산업")
    await _require_industry(request, industry_id)
    return ok(await news.latest_analysis(request.app.ctx.db, "industry", industry_id),
              "산업 전망 분석 조회를 완료했습니다.")
