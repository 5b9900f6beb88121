"""Rankings by market cap, and the industry aggregates the industry pages share.

    GET /api/rankings/companies?market=KOSPI|KOSDAQ&page=&size=
    GET /api/rankings/industries
    GET /api/rankings/industries/{id}/companies?page=&size=

Everything is computed from `quotes.all_quotes` (one SQL pass over the newest two bars of every
company, cached 5 min in Redis and parsed once per worker); responses are cached under
`cache:rankings:*` for 5 min.
"""
from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse

from api import cache, quotes
from api.errors import ApiError
from api.validation import paging, path_id, query_choice

bp = Blueprint("rankings", url_prefix="/api/rankings")

_RANK_FIELDS = ("companyId", "symbol", "name", "market", "industryId", "industryName", "logo", "price", "change",
                "changePercent", "marketCap", "asOf", "source")


def ranked_page(items: list[dict[str, Any]], page: int, size: int) -> list[dict[str, Any]]:
    start = (page - 1) * size
    return [{"rank": start + n, **{k: q[k] for k in _RANK_FIELDS}}
            for n, q in enumerate(items[start:start + size], 1)]


async def industry_table(app: Sanic) -> list[dict[str, Any]]:
    """Every industry with companyCount, marketCap and cap-weighted changePercent, largest first."""
    rows = await app.ctx.db.fetch("SELECT id, ksic_code, name FROM industries")
    totals: dict[int, list[float]] = {}
    for q in await quotes.all_quotes(app):
        industry = q["industryId"]
        if industry is None:
            continue
        t = totals.setdefault(industry, [0, 0, 0, 0])  # count, market cap, cap now, cap at prev close
        t[0] += 1
        cap = q["marketCap"]
        if cap:
            t[1] += cap
            if q["prevClose"] and q["price"]:
                t[2] += cap
                t[3] += cap * q["prevClose"] / q["price"]
    table = []
    for r in rows:
        count, cap, now, before = totals.get(r["id"], [0, 0, 0, 0])
        table.append({"industryId": r["id"], "ksicCode": r["ksic_code"], "name": r["name"], "companyCount": count,
                      "marketCap": int(cap), "changePercent": round((now / before - 1) * 100, 2) if before else None})
    table.sort(key=lambda t: (-t["marketCap"], t["industryId"]))
    for rank, item in enumerate(table, 1):
        item["rank"] = rank
    return table


@bp.get("/companies")
async def companies(request: Request) -> HTTPResponse:
    market = query_choice(request, "market", ("KOSPI", "KOSDAQ"), None)
    page, size = paging(request)

    async def produce() -> dict[str, Any]:
        items = await quotes.all_quotes(request.app)
        if market:
            items = [q for q in items if q["market"] == market]
        as_of, source = quotes.as_of_of(items)
        return {"status": 200, "message": "기업 시가총액 순위 조회를 완료했습니다.", "page": page, "size": size,
                "total": len(items), "market": market, "asOf": as_of, "source": source,
                "data": ranked_page(items, page, size)}

    return await cache.cached_response(request.app, f"rankings:companies:{market}:{page}:{size}",
                                       cache.RANKINGS_TTL_S, produce)


@bp.get("/industries")
async def industries(request: Request) -> HTTPResponse:
    async def produce() -> dict[str, Any]:
        table = await industry_table(request.app)
        as_of, source = quotes.as_of_of(await quotes.all_quotes(request.app))
        data = [{k: t[k] for k in ("rank", "industryId", "ksicCode", "name", "companyCount", "marketCap",
                                   "changePercent")} for t in table]
        return {"status": 200, "message": "산업 순위 조회를 완료했습니다.", "total": len(data), "asOf": as_of,
                "source": source, "data": data}

    return await cache.cached_response(request.app, "rankings:industries", cache.RANKINGS_TTL_S, produce)


@bp.get("/industries/<industry_id:int>/companies")
async def industry_companies(request: Request, industry_id: int) -> HTTPResponse:
    industry_id = path_id(industry_id, "산업")
    page, size = paging(request)

    async def produce() -> dict[str, Any]:
        name = await request.app.ctx.db.fetchval("SELECT name FROM industries WHERE id = $1", industry_id)
        if name is None:
            raise ApiError("NOT_FOUND", "산업을 찾을 수 없습니다.")
        items = [q for q in await quotes.all_quotes(request.app) if q["industryId"] == industry_id]
        as_of, source = quotes.as_of_of(items)
        return {"status": 200, "message": "산업 내 기업 순위 조회를 완료했습니다.", "page": page, "size": size,
                "total": len(items), "industryId": industry_id, "industryName": name, "asOf": as_of,
                "source": source, "data": ranked_page(items, page, size)}

    return await cache.cached_response(request.app, f"rankings:industry:{industry_id}:{page}:{size}",
                                       cache.RANKINGS_TTL_S, produce)
