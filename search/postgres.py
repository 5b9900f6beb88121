"""Company search on PostgreSQL: pg_trgm / ILIKE over name, symbol, lower(name_en), name_initials.

Relevance (shared by every backend; tests/api/search_cases.py holds the cases):
    exact (code, name, English name, initials)  >  prefix  >  contains;  ties by market cap.
"""

from __future__ import annotations

import asyncpg

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
