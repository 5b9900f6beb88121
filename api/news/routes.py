"""News lists, outlook analyses and keyword counts (filled by the jobs' collectors).

    GET /api/news/keywords?companyId=|industryId=&days=1|7|30   → [{keyword, count}]
The company and industry modules use `news_page` and `latest_analysis` for their own routes.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import orjson
from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from api.errors import ApiError
from api.responses import ok
from api.validation import KST, query_choice, query_int

bp = Blueprint("news", url_prefix="/api")

_NEWS_SQL = {
    "company": """
        SELECT n.id, n.title, n.summary, n.url, n.source, n.published_at, count(*) OVER () AS total
        FROM news_companies x JOIN news n ON n.id = x.news_id
        WHERE x.company_id = $1
        ORDER BY n.published_at DESC NULLS LAST, n.id DESC LIMIT $2 OFFSET $3""",
    "industry": """
        SELECT n.id, n.title, n.summary, n.url, n.source, n.published_at, count(*) OVER () AS total
        FROM news_industries x JOIN news n ON n.id = x.news_id
        WHERE x.industry_id = $1
        ORDER BY n.published_at DESC NULLS LAST, n.id DESC LIMIT $2 OFFSET $3""",
}

_ANALYSIS_SQL = """
    SELECT growth_score, outlook, summary, drivers, risks, model, mode, generated_at, as_of_date
    FROM analyses WHERE subject_type = $1 AND subject_id = $2
    ORDER BY as_of_date DESC, generated_at DESC LIMIT 1"""

_KEYWORDS_SQL = """
    SELECT keyword, sum(count)::bigint AS count FROM news_keywords
    WHERE subject_type = $1 AND subject_id = $2 AND day > $3
    GROUP BY keyword ORDER BY count DESC, keyword LIMIT $4"""

_KEYWORDS_ALL_SQL = """
    SELECT keyword, sum(count)::bigint AS count FROM news_keywords
    WHERE day > $1 GROUP BY keyword ORDER BY count DESC, keyword LIMIT $2"""


async def news_page(db: asyncpg.Pool, subject: str, subject_id: int, page: int, size: int
                    ) -> tuple[int, list[dict[str, Any]]]:
    rows = await db.fetch(_NEWS_SQL[subject], subject_id, size, (page - 1) * size)
    items = [{"newsId": r["id"], "title": r["title"], "summary": r["summary"], "url": r["url"],
              "source": r["source"], "publishedAt": r["published_at"].isoformat() if r["published_at"] else None}
             for r in rows]
    return (rows[0]["total"] if rows else 0), items


def _json_list(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, (str, bytes)) else value


async def latest_analysis(db: asyncpg.Pool, subject: str, subject_id: int) -> dict[str, Any]:
    row = await db.fetchrow(_ANALYSIS_SQL, subject, subject_id)
    if row is None:
        raise ApiError("NOT_FOUND", "아직 전망 분석이 없습니다.")
    return {"growthScore": row["growth_score"], "outlook": row["outlook"], "summary": row["summary"],
            "drivers": _json_list(row["drivers"]), "risks": _json_list(row["risks"]), "model": row["model"],
            "mode": row["mode"], "generatedAt": row["generated_at"].isoformat(),
            "asOfDate": row["as_of_date"].isoformat()}


def _optional_id(request: Request, name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or not 0 < int(raw) < 2**31:
        raise ApiError("INVALID_REQUEST", f"{name} 파라미터는 양의 정수여야 합니다.", field=name)
    return int(raw)


@bp.get("/news/keywords")
async def keywords(request: Request) -> HTTPResponse:
    company_id = _optional_id(request, "companyId")
    industry_id = _optional_id(request, "industryId")
    if company_id and industry_id:
        raise ApiError("INVALID_REQUEST", "companyId와 industryId 중 하나만 지정해 주세요.")
    days = int(query_choice(request, "days", ("1", "7", "30"), "7"))
    limit = query_int(request, "limit", 50, 1, 200)
    since = dt.datetime.now(KST).date() - dt.timedelta(days=days)
    db = request.app.ctx.db
    if company_id or industry_id:
        subject, subject_id = ("company", company_id) if company_id else ("industry", industry_id)
        table = "companies" if company_id else "industries"
        if not await db.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE id = $1)", subject_id):
            raise ApiError("NOT_FOUND", "기업을 찾을 수 없습니다." if company_id else "산업을 찾을 수 없습니다.")
        rows = await db.fetch(_KEYWORDS_SQL, subject, subject_id, since, limit)
    else:
        rows = await db.fetch(_KEYWORDS_ALL_SQL, since, limit)
    data = [{"keyword": r["keyword"], "count": r["count"]} for r in rows]
    return ok(data, "뉴스 키워드 조회를 완료했습니다.", days=days)
