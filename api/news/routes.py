"""/api/news: news search; /api/news/keywords: the most mentioned words of the news, for a
company, an industry or all.

News search goes to the search backend the app was started with (search/backends.py: OpenSearch
with nori when OPENSEARCH_URL is set, else PostgreSQL); when OpenSearch fails to answer, the
same search runs on PostgreSQL and `searchBackend` says so. The backend returns ids and
highlights; the articles themselves are read from PostgreSQL. Not cached: a new article is
searchable as soon as it is stored. The company and industry pages use `api.news.queries` for
their news and analysis routes.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

import aiohttp
import orjson
from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from api.http.errors import ApiError
from api.http.operations import PAGE, Envelope, operation
from api.http.responses import ok
from api.news import queries
from api.news.shapes import Keyword, KeywordsQuery, NewsSearchItem, NewsSearchQuery
from core.time import KST, kst_today
from search import news
from search.index import OpenSearchError
from search.postgres import PostgresSearch

log = logging.getLogger(__name__)

bp = Blueprint("news", url_prefix="/api")
_SEARCH_FAILURES = (OpenSearchError, aiohttp.ClientError, TimeoutError)
_WARN_EVERY_S = 60.0
_last_warning = 0.0


def _kst_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=KST)


def _search_of(query: NewsSearchQuery) -> news.NewsSearch:
    if query.from_ and query.to and query.from_ > query.to:
        raise ApiError("INVALID_REQUEST", "from은 to보다 늦을 수 없습니다.", field="from")
    keyword = (query.keyword or "").strip() or None
    return news.NewsSearch(
        keyword=keyword,
        company_id=query.company,
        industry_id=query.industry,
        start=_kst_midnight(query.from_) if query.from_ else None,
        end=_kst_midnight(query.to + dt.timedelta(days=1)) if query.to else None,
        sort=query.sort,
        page=query.page,
        size=query.size,
    )


async def _run(request: Request, search: news.NewsSearch) -> tuple[str, int, list[news.NewsHit]]:
    global _last_warning
    backend = request.app.ctx.search
    try:
        total, hits = await backend.search_news(search)
        return backend.name, total, hits
    except _SEARCH_FAILURES as exc:
        if backend.name == "postgres":
            raise
        if time.monotonic() - _last_warning > _WARN_EVERY_S:
            _last_warning = time.monotonic()
            log.warning("news search: %s did not answer (%s); searching PostgreSQL instead", backend.name, exc)
    fallback = PostgresSearch(request.app.ctx.db)
    total, hits = await fallback.search_news(search)
    return fallback.name, total, hits


def _item(row: Any, hit: news.NewsHit) -> NewsSearchItem:
    companies = row["companies"]
    return {
        "newsId": row["id"],
        "title": row["title"],
        "summary": row["summary"],
        "url": row["url"],
        "source": row["source"],
        "publishedAt": row["published_at"].isoformat() if row["published_at"] else None,
        "companies": orjson.loads(companies) if isinstance(companies, str) else companies,
        "highlight": {
            "title": hit.title or news.escape(row["title"]),
            "summary": hit.summary or (news.escape(row["summary"]) if row["summary"] else None),
        },
    }


@operation(
    bp,
    "GET",
    "/news",
    tag="news",
    summary="뉴스 검색 (한국어 형태소 분석, 하이라이트, 최신순/관련도순; OpenSearch가 없으면 PostgreSQL)",
    query=NewsSearchQuery,
    response=Envelope(list[NewsSearchItem], {**PAGE, "keyword": str | None, "sort": str, "searchBackend": str}),
    errors=("INVALID_REQUEST", "NOT_FOUND"),
)
async def search(request: Request, query: NewsSearchQuery) -> HTTPResponse:
    search = _search_of(query)
    db = request.app.ctx.db
    for subject, subject_id in (("company", search.company_id), ("industry", search.industry_id)):
        if subject_id is not None and not await queries.subject_exists(db, subject, subject_id):
            raise ApiError(
                "NOT_FOUND", "기업을 찾을 수 없습니다." if subject == "company" else "산업을 찾을 수 없습니다."
            )
    used, total, hits = await _run(request, search)
    rows = await queries.news_by_id(db, [h.news_id for h in hits])
    data = [_item(rows[h.news_id], h) for h in hits if h.news_id in rows]
    return ok(
        data,
        "뉴스 검색을 완료했습니다.",
        page=search.page,
        size=search.size,
        total=total,
        keyword=search.keyword,
        sort=search.sort,
        searchBackend=used,
    )


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
