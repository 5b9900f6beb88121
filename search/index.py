"""OpenSearch indexes for companies and news: templates (Korean `nori` + edge n-grams),
rebuild from PostgreSQL, and bulk indexing of news. PostgreSQL stays the record; an index can
be rebuilt at any time (`python -m jobs run search_index`, jobs/search_index.py).

Indexes are reached through aliases (`krx-companies`, `krx-news`); a rebuild fills a new
timestamped index and swaps the alias atomically, so searches never see a half-built index.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import aiohttp
import orjson

log = logging.getLogger(__name__)

COMPANIES = "krx-companies"
NEWS = "krx-news"

ANALYSIS = {
    "tokenizer": {
        "ko_nori": {"type": "nori_tokenizer", "decompound_mode": "mixed", "discard_punctuation": True},
    },
    "filter": {
        "ko_pos": {
            "type": "nori_part_of_speech",
            "stoptags": [
                "E",
                "IC",
                "J",
                "MAG",
                "MAJ",
                "MM",
                "SP",
                "SSC",
                "SSO",
                "SC",
                "SE",
                "XPN",
                "XSA",
                "XSN",
                "XSV",
                "UNA",
                "NA",
                "VSV",
            ],
        },
        "prefix_ngram": {"type": "edge_ngram", "min_gram": 1, "max_gram": 60},
    },
    "analyzer": {
        "ko_text": {"type": "custom", "tokenizer": "ko_nori", "filter": ["ko_pos", "nori_readingform", "lowercase"]},
        "ko_prefix": {"type": "custom", "tokenizer": "ko_nori", "filter": ["ko_pos", "lowercase", "prefix_ngram"]},
        "whole_prefix": {"type": "custom", "tokenizer": "keyword", "filter": ["lowercase", "prefix_ngram"]},
        "whole": {"type": "custom", "tokenizer": "keyword", "filter": ["lowercase"]},
    },
}

_KW_PREFIX = {
    "type": "keyword",
    "fields": {"prefix": {"type": "text", "analyzer": "whole_prefix", "search_analyzer": "whole"}},
}
COMPANY_MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        "id": {"type": "integer"},
        "symbol": {"type": "keyword"},
        "name": {
            "type": "text",
            "analyzer": "ko_text",
            "fields": {"prefix": {"type": "text", "analyzer": "ko_prefix", "search_analyzer": "ko_text"}},
        },
        "name_lower": _KW_PREFIX,
        "name_compact": _KW_PREFIX,
        "name_en_lower": _KW_PREFIX,
        "initials": _KW_PREFIX,
        "name_en": {"type": "text"},
        "market": {"type": "keyword"},
        "industry_id": {"type": "integer"},
        "market_cap": {"type": "long"},
    },
}
NEWS_MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        "id": {"type": "long"},
        "url": {"type": "keyword"},
        "title": {
            "type": "text",
            "analyzer": "ko_text",
            "fields": {"prefix": {"type": "text", "analyzer": "ko_prefix", "search_analyzer": "ko_text"}},
        },
        "summary": {"type": "text", "analyzer": "ko_text"},
        "content": {"type": "text", "analyzer": "ko_text"},
        "source": {"type": "keyword"},
        "published_at": {"type": "date"},
        "company_ids": {"type": "integer"},
        "industry_ids": {"type": "integer"},
    },
}
TEMPLATES = {
    COMPANIES: {
        "index_patterns": [f"{COMPANIES}-*"],
        "priority": 100,
        "template": {
            "settings": {"number_of_shards": 1, "number_of_replicas": 0, "analysis": ANALYSIS},
            "mappings": COMPANY_MAPPINGS,
        },
    },
    NEWS: {
        "index_patterns": [f"{NEWS}-*"],
        "priority": 100,
        "template": {
            "settings": {"number_of_shards": 1, "number_of_replicas": 0, "analysis": ANALYSIS},
            "mappings": NEWS_MAPPINGS,
        },
    },
}


class OpenSearchError(RuntimeError):
    pass


class Rest:
    """The few OpenSearch REST calls we need, over aiohttp."""

    def __init__(self, base_url: str, session: aiohttp.ClientSession | None = None, timeout: float = 30.0) -> None:
        self.base = base_url.rstrip("/")
        self._own = session is None
        self.session = session or aiohttp.ClientSession()
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    async def close(self) -> None:
        if self._own:
            await self.session.close()

    async def call(
        self, method: str, path: str, body: Any = None, *, ndjson: bytes | None = None, ok: tuple[int, ...] = (200, 201)
    ) -> tuple[int, Any]:
        headers = {"Content-Type": "application/x-ndjson" if ndjson is not None else "application/json"}
        data = ndjson if ndjson is not None else (orjson.dumps(body) if body is not None else None)
        async with self.session.request(
            method, self.base + path, data=data, headers=headers, timeout=self.timeout
        ) as resp:
            raw = await resp.read()
            payload = orjson.loads(raw) if raw else None
            if resp.status not in ok:
                raise OpenSearchError(f"{method} {path}: HTTP {resp.status}: {raw[:500]!r}")
            return resp.status, payload


async def ensure_templates(rest: Rest) -> None:
    for name, template in TEMPLATES.items():
        await rest.call("PUT", f"/_index_template/{name}", template)


async def _alias_targets(rest: Rest, alias: str) -> list[str]:
    status, body = await rest.call("GET", f"/_alias/{alias}", ok=(200, 404))
    return [] if status == 404 else list(body)


async def bulk(rest: Rest, index: str, docs: list[dict], id_field: str = "id", chunk: int = 1000) -> int:
    n = 0
    for i in range(0, len(docs), chunk):
        lines = []
        for doc in docs[i : i + chunk]:
            lines.append(orjson.dumps({"index": {"_index": index, "_id": str(doc[id_field])}}))
            lines.append(orjson.dumps(doc, default=str))
        _, body = await rest.call("POST", "/_bulk", ndjson=b"\n".join(lines) + b"\n")
        if body.get("errors"):
            first = next(it["index"] for it in body["items"] if it["index"].get("error"))
            raise OpenSearchError(f"bulk into {index} failed: {first.get('error')}")
        n += len(body["items"])
    return n


def company_doc(r) -> dict:
    name, name_en = r["name"], r["name_en"] or ""
    return {
        "id": r["id"],
        "symbol": r["symbol"],
        "name": name,
        "name_lower": name.lower(),
        "name_compact": name.lower().replace(" ", ""),
        "name_en": name_en or None,
        "name_en_lower": name_en.lower() or None,
        "initials": r["name_initials"] or None,
        "market": r["market"],
        "industry_id": r["industry_id"],
        "market_cap": r["market_cap"],
    }


def news_doc(r: dict) -> dict:
    return {
        "id": r["id"],
        "url": r["url"],
        "title": r["title"],
        "summary": r.get("summary"),
        "content": r.get("content"),
        "source": r.get("source"),
        "published_at": r.get("published_at") or r.get("publishedAt"),
        "company_ids": list(r.get("company_ids") or r.get("companyIds") or []),
        "industry_ids": list(r.get("industry_ids") or r.get("industryIds") or []),
    }


_COMPANIES_SQL = """
SELECT c.id, c.symbol, c.name, c.name_en, c.name_initials, c.market, c.industry_id,
       (c.shares_outstanding * l.close)::bigint AS market_cap
FROM companies c
LEFT JOIN LATERAL (SELECT s.close FROM stock_prices_1d s WHERE s.symbol = c.symbol
                   ORDER BY s.bucket DESC LIMIT 1) l ON true
"""
_NEWS_SQL = """
SELECT n.id, n.url, n.title, n.summary, left(n.content, 20000) AS content, n.source, n.published_at,
       coalesce(array_agg(DISTINCT nc.company_id) FILTER (WHERE nc.company_id IS NOT NULL), '{}') AS company_ids,
       coalesce(array_agg(DISTINCT ni.industry_id) FILTER (WHERE ni.industry_id IS NOT NULL), '{}') AS industry_ids
FROM news n LEFT JOIN news_companies nc ON nc.news_id = n.id LEFT JOIN news_industries ni ON ni.news_id = n.id
WHERE $1::bigint[] IS NULL OR n.id = ANY($1::bigint[])
GROUP BY n.id
"""


async def news_rows(conn: Any, ids: list[int] | None = None) -> list[dict[str, Any]]:
    """News with their companies and industries from PostgreSQL: all of them, or these ids."""
    return [dict(r) for r in await conn.fetch(_NEWS_SQL, ids)]


async def rebuild_index(rest: Rest, alias: str, docs: list[dict]) -> str:
    """Fill a new index behind `alias` and swap the alias to it; old indexes are deleted."""
    await ensure_templates(rest)
    index = f"{alias}-{time.strftime('%Y%m%d%H%M%S')}-{time.monotonic_ns() % 1000000}"
    await rest.call("PUT", f"/{index}", {})
    await bulk(rest, index, docs)
    await rest.call("POST", f"/{index}/_refresh")
    old = await _alias_targets(rest, alias)
    actions = [{"remove": {"index": o, "alias": alias}} for o in old] + [{"add": {"index": index, "alias": alias}}]
    await rest.call("POST", "/_aliases", {"actions": actions})
    for o in old:
        await rest.call("DELETE", f"/{o}", ok=(200, 404))
    return index


async def rebuild_companies(rest: Rest, conn) -> int:
    docs = [company_doc(r) for r in await conn.fetch(_COMPANIES_SQL)]
    if not docs:
        # A rebuild that ran before the snapshot was loaded would swap in an empty index and leave
        # company search empty until the next rebuild; keep what the alias holds instead.
        raise OpenSearchError(f"PostgreSQL holds no companies yet (snapshot not loaded?): {COMPANIES} left as it was")
    await rebuild_index(rest, COMPANIES, docs)
    return len(docs)


async def rebuild_all(opensearch_url: str, db: Any) -> dict[str, int]:
    """Both indexes from PostgreSQL (`db`: an asyncpg pool)."""
    rest = Rest(opensearch_url)
    try:
        async with db.acquire() as conn:
            companies = await rebuild_companies(rest, conn)
            news = [news_doc(r) for r in await news_rows(conn)]
        await rebuild_index(rest, NEWS, news)
    finally:
        await rest.close()
    return {"companies": companies, "news": len(news)}


async def index_news(url: str, rows: list[dict]) -> int:
    """Bulk-index news rows (from the buffer flush) into the `krx-news` alias, creating it if needed."""
    rest = Rest(url)
    try:
        if not await _alias_targets(rest, NEWS):
            await rebuild_index(rest, NEWS, [])
        return await bulk(rest, NEWS, [news_doc(r) for r in rows])
    finally:
        await rest.close()


async def search_news(rest: Rest, text: str, *, company_id: int | None = None, size: int = 20) -> tuple[int, list[int]]:
    """News ids matching Korean text (nori), newest-relevant first; for operators and tests."""
    query: dict[str, Any] = {
        "bool": {
            "must": [{"multi_match": {"query": text, "fields": ["title^3", "title.prefix", "summary", "content"]}}]
        }
    }
    if company_id is not None:
        query["bool"]["filter"] = [{"term": {"company_ids": company_id}}]
    _, body = await rest.call(
        "POST", f"/{NEWS}/_search", {"query": query, "size": size, "track_total_hits": True, "_source": False}
    )
    return body["hits"]["total"]["value"], [int(h["_id"]) for h in body["hits"]["hits"]]
