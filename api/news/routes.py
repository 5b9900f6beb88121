"""/api/news/keywords: the most mentioned words of the news, for a company, an industry or all.

The company and industry pages use `api.news.queries` for their news and analysis routes.
"""

from __future__ import annotations

import datetime as dt

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from api.http.errors import ApiError
from api.http.operations import Envelope, operation
from api.http.responses import ok
from api.news import queries
from api.news.shapes import Keyword, KeywordsQuery
from core.time import kst_today

bp = Blueprint("news", url_prefix="/api")


@operation(
    bp,
    "GET",
    "/news/keywords",
    tag="news",
    summary="뉴스 키워드 (워드 클라우드)",
    query=KeywordsQuery,
    response=Envelope(list[Keyword], {"days": int}),
    errors=("INVALID_REQUEST", "NOT_FOUND"),
)
async def keywords(request: Request, query: KeywordsQuery) -> HTTPResponse:
    if query.companyId and query.industryId:
        raise ApiError("INVALID_REQUEST", "companyId와 industryId 중 하나만 지정해 주세요.")
    since = kst_today() - dt.timedelta(days=query.days)
    db = request.app.ctx.db
    subject: tuple[str, int] | None = None
    if query.companyId is not None:
        subject = ("company", query.companyId)
    elif query.industryId is not None:
        subject = ("industry", query.industryId)
    if subject is not None and not await queries.subject_exists(db, *subject):
        raise ApiError(
            "NOT_FOUND", "기업을 찾을 수 없습니다." if subject[0] == "company" else "산업을 찾을 수 없습니다."
        )
    rows = await queries.keywords(db, since, query.limit, subject)
    data: list[Keyword] = [{"keyword": r["keyword"], "count": r["count"]} for r in rows]
    return ok(data, "뉴스 키워드 조회를 완료했습니다.", days=query.days)
