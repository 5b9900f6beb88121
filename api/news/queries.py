"""News lists, outlook analyses and keyword counts (filled by the jobs' collectors)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import orjson

from api.http.errors import ApiError
from api.news.shapes import Analysis, NewsItem

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

_NEWS_BY_ID_SQL = """
    SELECT n.id, n.title, n.summary, n.url, n.source, n.published_at,
           coalesce(json_agg(json_build_object('companyId', c.id, 'name', c.name, 'symbol', c.symbol) ORDER BY c.id)
                    FILTER (WHERE c.id IS NOT NULL), '[]') AS companies
    FROM news n
    LEFT JOIN news_companies x ON x.news_id = n.id
    LEFT JOIN companies c ON c.id = x.company_id
    WHERE n.id = ANY($1::bigint[])
    GROUP BY n.id"""

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


async def news_page(
    db: asyncpg.Pool, subject: str, subject_id: int, page: int, size: int
) -> tuple[int, list[NewsItem]]:
    rows = await db.fetch(_NEWS_SQL[subject], subject_id, size, (page - 1) * size)
    items: list[NewsItem] = [
        {
            "newsId": r["id"],
            "title": r["title"],
            "summary": r["summary"],
            "url": r["url"],
            "source": r["source"],
            "publishedAt": r["published_at"].isoformat() if r["published_at"] else None,
        }
        for r in rows
    ]
    return (rows[0]["total"] if rows else 0), items


async def news_by_id(db: asyncpg.Pool, ids: list[int]) -> dict[int, asyncpg.Record]:
    """News rows with the companies they are about (PostgreSQL stays the record behind the search index)."""
    if not ids:
        return {}
    return {r["id"]: r for r in await db.fetch(_NEWS_BY_ID_SQL, ids)}


def _json_list(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, (str, bytes)) else value


async def latest_analysis(db: asyncpg.Pool, subject: str, subject_id: int) -> Analysis:
    row = await db.fetchrow(_ANALYSIS_SQL, subject, subject_id)
    if row is None:
        raise ApiError("NOT_FOUND", "아직 전망 분석이 없습니다.")
    return {
        "growthScore": row["growth_score"],
        "outlook": row["outlook"],
        "summary": row["summary"],
        "drivers": _json_list(row["drivers"]),
        "risks": _json_list(row["risks"]),
        "model": row["model"],
        "mode": row["mode"],
        "generatedAt": row["generated_at"].isoformat(),
        "asOfDate": row["as_of_date"].isoformat(),
    }


async def subject_exists(db: asyncpg.Pool, subject: str, subject_id: int) -> bool:
    table = "companies" if subject == "company" else "industries"
    return bool(await db.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE id = $1)", subject_id))


async def keywords(
    db: asyncpg.Pool, since: dt.date, limit: int, subject: tuple[str, int] | None = None
) -> list[asyncpg.Record]:
    if subject is None:
        return await db.fetch(_KEYWORDS_ALL_SQL, since, limit)
    return await db.fetch(_KEYWORDS_SQL, subject[0], subject[1], since, limit)
