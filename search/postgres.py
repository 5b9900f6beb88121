"""Company and news search on PostgreSQL.

Companies: pg_trgm / ILIKE over name, symbol, lower(name_en), name_initials. Relevance (shared by
every backend; tests/api/search_cases.py holds the cases):
    exact (code, name, English name, initials)  >  prefix  >  contains;  ties by market cap.

News (search/news.py has the contract): every term of the keyword in the title, summary or article
text — Korean terms anywhere (`ILIKE '%…%'`), Latin/digit terms as whole words (`~* '\\m…\\M'`),
both served by the trigram index of sql/0012_news_search.sql; relevance = 3 per term in the title +
1 per term in the summary + 1 per term in the text, ties newest first; highlights in Python.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from search import news
from search.keywords import like_escape as _like_escape
from search.keywords import normalize

# $1 normalized keyword, $2 same without spaces, $3 LIKE-escaped $1, $4 LIKE-escaped $2, $5 limit, $6 offset.
# Market cap for ties is computed only for matching rows (newest bar via the primary key).
_SEARCH_SQL = r"""
WITH m AS (
    SELECT c.id, c.symbol, c.shares_outstanding,
           CASE
             WHEN c.symbol = upper($1) OR lower(c.name) = $1 OR replace(lower(c.name), ' ', '') = $2
                  OR lower(c.name_en) = $1 OR c.name_initials = $2 THEN 3
             WHEN c.symbol LIKE upper($3) || '%' OR lower(c.name) LIKE $3 || '%'
                  OR replace(lower(c.name), ' ', '') LIKE $4 || '%'
                  OR lower(c.name_en) LIKE $3 || '%' OR c.name_initials LIKE $4 || '%' THEN 2
             ELSE 1
           END AS score
    FROM companies c
    WHERE c.symbol LIKE upper($3) || '%'
       OR lower(c.name) LIKE '%' || $3 || '%'
       OR replace(lower(c.name), ' ', '') LIKE '%' || $4 || '%'
       OR lower(c.name_en) LIKE '%' || $3 || '%'
       OR c.name_initials LIKE '%' || $4 || '%'
)
SELECT m.id, count(*) OVER () AS total
FROM m
LEFT JOIN LATERAL (SELECT s.close FROM stock_prices_1d s WHERE s.symbol = m.symbol
                   ORDER BY s.bucket DESC LIMIT 1) l ON true
ORDER BY m.score DESC, (m.shares_outstanding * l.close) DESC NULLS LAST, m.id
LIMIT $5 OFFSET $6
"""

# Nothing matched literally: fall back to trigram similarity (typos, partial English words).
_FUZZY_SQL = r"""
SELECT c.id, count(*) OVER () AS total
FROM companies c
WHERE similarity(lower(c.name), $1) > 0.3 OR similarity(lower(coalesce(c.name_en, '')), $1) > 0.3
ORDER BY greatest(similarity(lower(c.name), $1), similarity(lower(coalesce(c.name_en, '')), $1)) DESC, c.id
LIMIT $2 OFFSET $3
"""


# The text news search matches; the same expression as the trigram index of sql/0012_news_search.sql.
NEWS_TEXT = "(n.title || ' ' || coalesce(n.summary, '') || ' ' || coalesce(left(n.content, 20000), ''))"
_NEWS_FIELDS = (("n.title", 3), ("coalesce(n.summary, '')", 1), ("coalesce(left(n.content, 20000), '')", 1))


def _news_sql(search: news.NewsSearch, words: list[str]) -> tuple[str, list[Any], str]:
    """(WHERE clause, its parameters, relevance expression) of a news search."""
    args: list[Any] = []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    where = ["true"]
    score = ["0"]
    for word in words:
        if news.whole_word(word):
            op, p = "~*", arg(rf"\m{word}\M")
        else:
            op, p = "ILIKE", arg(f"%{_like_escape(word)}%")
        where.append(f"{NEWS_TEXT} {op} {p}")
        score += [f"{weight} * ({field} {op} {p})::int" for field, weight in _NEWS_FIELDS]
    for table, column, value in (
        ("news_companies", "company_id", search.company_id),
        ("news_industries", "industry_id", search.industry_id),
    ):
        if value is not None:
            where.append(f"EXISTS (SELECT 1 FROM {table} x WHERE x.news_id = n.id AND x.{column} = {arg(value)})")
    if search.start is not None:
        where.append(f"n.published_at >= {arg(search.start)}")
    if search.end is not None:
        where.append(f"n.published_at < {arg(search.end)}")
    return " AND ".join(where), args, " + ".join(score)


class PostgresSearch:
    name = "postgres"

    def __init__(self, db: asyncpg.Pool) -> None:
        self.db = db

    async def search_companies(self, keyword: str, page: int, size: int) -> tuple[int, list[int]]:
        key = normalize(keyword)
        if not key:
            return 0, []
        compact = key.replace(" ", "")
        offset = (page - 1) * size
        rows = await self.db.fetch(_SEARCH_SQL, key, compact, _like_escape(key), _like_escape(compact), size, offset)
        if not rows and offset == 0:
            rows = await self.db.fetch(_FUZZY_SQL, key, size, offset)
        if not rows:
            if offset == 0:
                return 0, []
            # past the last page: still report the total
            total = await self.db.fetch(_SEARCH_SQL, key, compact, _like_escape(key), _like_escape(compact), 1, 0)
            return (total[0]["total"] if total else 0), []
        return rows[0]["total"], [row["id"] for row in rows]

    async def ping(self) -> None:
        await self.db.fetchval("SELECT 1")

    async def search_news(self, search: news.NewsSearch) -> tuple[int, list[news.NewsHit]]:
        words = news.terms(search.keyword)
        if search.keyword and not words:  # only punctuation or particles: nothing to look for
            return 0, []
        where, args, score = _news_sql(search, words)
        order = "n.published_at DESC NULLS LAST, n.id DESC"
        if search.sort == "relevance":
            order = f"score DESC, {order}"
        n = len(args)
        rows = await self.db.fetch(
            f"""SELECT n.id, n.title, n.summary, {score} AS score, count(*) OVER () AS total
                FROM news n WHERE {where} ORDER BY {order} LIMIT ${n + 1} OFFSET ${n + 2}""",
            *args,
            search.size,
            search.offset,
        )
        if not rows:
            total = await self.db.fetchval(f"SELECT count(*) FROM news n WHERE {where}", *args) if search.offset else 0
            return total, []
        hits = [
            news.NewsHit(
                r["id"],
                news.highlight(r["title"], words) if words else None,
                news.highlight(r["summary"], words) if words and r["summary"] else None,
            )
            for r in rows
        ]
        return rows[0]["total"], hits
