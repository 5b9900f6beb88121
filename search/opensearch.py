"""OpenSearch backend of the company and news search (search/backends.py's SearchBackend).

Same relevance as PostgresSearch (tests/api/search_cases.py): exact (code, name, English name,
initials) > prefix > contains, ties by market cap, spaces and case ignored; a fuzzy English-name
match only when nothing matched literally. Levels are `constant_score` clauses under a `dis_max`,
so a company scores the level of its best match only; prefixes use the edge n-gram subfields of
the `krx-companies` index (search/index.py). When the alias does not exist yet (a fresh
node), the first search builds it from PostgreSQL.

News (`krx-news`, search/news.py has the contract shared with PostgreSQL): a `cross_fields`
multi_match with operator `and` over title^3, summary and content — every term (as nori analyses
it) in at least one of them; filters on company_ids, industry_ids and published_at; newest first or
by score. Highlights use the `html` encoder (the stored text escaped, matches in <em>) and an OR
query of the keyword, so every matched word is marked in both title and summary, not only those
the AND query needed in that field. A missing `krx-news` alias is built from PostgreSQL too.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import asyncpg

from search import index as search_index
from search import news
from search.keywords import normalize

log = logging.getLogger(__name__)


def _wild(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?")


def build_query(key: str) -> dict[str, Any]:
    compact = key.replace(" ", "")
    upper = key.upper()

    def level(boost: float, clauses: list[dict[str, Any]]) -> dict[str, Any]:
        return {"constant_score": {"filter": {"bool": {"should": clauses, "minimum_should_match": 1}}, "boost": boost}}

    exact: list[dict[str, Any]] = [
        {"term": {"symbol": upper}},
        {"term": {"name_lower": key}},
        {"term": {"name_compact": compact}},
        {"term": {"name_en_lower": key}},
        {"term": {"initials": compact}},
    ]
    prefix: list[dict[str, Any]] = [
        {"prefix": {"symbol": upper}},
        {"term": {"name_lower.prefix": key}},
        {"term": {"name_compact.prefix": compact}},
        {"term": {"name_en_lower.prefix": key}},
        {"term": {"initials.prefix": compact}},
    ]
    for field, value in (("name_lower", key), ("name_compact", compact), ("name_en_lower", key), ("initials", compact)):
        if len(value) > 60:  # beyond the edge n-grams
            prefix.append({"prefix": {field: value}})
    contains: list[dict[str, Any]] = [
        {"prefix": {"symbol": upper}},
        {"wildcard": {"name_lower": {"value": f"*{_wild(key)}*"}}},
        {"wildcard": {"name_compact": {"value": f"*{_wild(compact)}*"}}},
        {"wildcard": {"name_en_lower": {"value": f"*{_wild(key)}*"}}},
        {"wildcard": {"initials": {"value": f"*{_wild(compact)}*"}}},
    ]
    return {"dis_max": {"queries": [level(3.0, exact), level(2.0, prefix), level(1.0, contains)], "tie_breaker": 0.0}}


def fuzzy_query(key: str) -> dict[str, Any]:
    return {"match": {"name_en": {"query": key, "fuzziness": "AUTO", "operator": "and"}}}


SORT = [{"_score": "desc"}, {"market_cap": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]
NEWS_FIELDS = ["title^3", "summary", "content"]
NEWS_LATEST = [{"published_at": {"order": "desc", "missing": "_last"}}, {"id": "desc"}]


def news_query(search: news.NewsSearch) -> dict[str, Any]:
    """The whole `_search` body of a news search."""
    filters: list[dict[str, Any]] = []
    if search.company_id is not None:
        filters.append({"term": {"company_ids": search.company_id}})
    if search.industry_id is not None:
        filters.append({"term": {"industry_ids": search.industry_id}})
    published: dict[str, str] = {}
    if search.start is not None:
        published["gte"] = search.start.isoformat()
    if search.end is not None:
        published["lt"] = search.end.isoformat()
    if published:
        filters.append({"range": {"published_at": published}})
    keyword = normalize(search.keyword or "")
    must: dict[str, Any] = {"match_all": {}}
    if keyword:
        must = {"multi_match": {"query": keyword, "type": "cross_fields", "operator": "and", "fields": NEWS_FIELDS}}
    body: dict[str, Any] = {
        "query": {"bool": {"must": [must], "filter": filters}},
        "sort": [{"_score": "desc"}, *NEWS_LATEST] if search.sort == "relevance" else NEWS_LATEST,
        "from": search.offset,
        "size": search.size,
        "track_total_hits": True,
        "_source": False,
    }
    if keyword:
        body["highlight"] = {
            "encoder": "html",
            "number_of_fragments": 0,
            "highlight_query": {"multi_match": {"query": keyword, "fields": ["title", "summary"]}},
            "fields": {"title": {}, "summary": {}},
        }
    return body


class OpenSearchSearch:
    name = "opensearch"

    def __init__(self, url: str, db: asyncpg.Pool | None = None) -> None:
        self.url = url
        self.db = db
        self._rest: search_index.Rest | None = None
        self._ready = False
        self._news_ready = False
        self._lock = asyncio.Lock()

    def _client(self) -> search_index.Rest:
        if self._rest is None:
            self._rest = search_index.Rest(self.url, aiohttp.ClientSession(), timeout=10.0)
        return self._rest

    async def _ensure_index(self) -> None:
        if self._ready:
            return
        async with self._lock:
            if self._ready:
                return
            rest = self._client()
            status, _ = await rest.call("HEAD", f"/{search_index.COMPANIES}", ok=(200, 404))
            if status == 404:
                if self.db is None:
                    raise search_index.OpenSearchError("index krx-companies missing and no database to build it from")
                log.info("OpenSearch index %s missing: building it from PostgreSQL", search_index.COMPANIES)
                async with self.db.acquire() as conn:
                    await search_index.rebuild_companies(rest, conn)
            self._ready = True

    async def _search(self, query: dict, page: int, size: int) -> tuple[int, list[int]]:
        body = {
            "query": query,
            "sort": SORT,
            "from": (page - 1) * size,
            "size": size,
            "track_total_hits": True,
            "_source": False,
        }
        _, result = await self._client().call("POST", f"/{search_index.COMPANIES}/_search", body)
        return result["hits"]["total"]["value"], [int(h["_id"]) for h in result["hits"]["hits"]]

    async def search_companies(self, keyword: str, page: int, size: int) -> tuple[int, list[int]]:
        key = normalize(keyword)
        if not key:
            return 0, []
        await self._ensure_index()
        total, ids = await self._search(build_query(key), page, size)
        if total == 0:
            total, ids = await self._search(fuzzy_query(key), page, size)
        return total, ids

    async def _ensure_news_index(self) -> None:
        if self._news_ready:
            return
        async with self._lock:
            if self._news_ready:
                return
            rest = self._client()
            status, _ = await rest.call("HEAD", f"/{search_index.NEWS}", ok=(200, 404))
            if status == 404:
                if self.db is None:
                    raise search_index.OpenSearchError("index krx-news missing and no database to build it from")
                log.info("OpenSearch index %s missing: building it from PostgreSQL", search_index.NEWS)
                async with self.db.acquire() as conn:
                    docs = [search_index.news_doc(r) for r in await search_index.news_rows(conn)]
                await search_index.rebuild_index(rest, search_index.NEWS, docs)
            self._news_ready = True

    async def search_news(self, search: news.NewsSearch) -> tuple[int, list[news.NewsHit]]:
        await self._ensure_news_index()
        _, result = await self._client().call("POST", f"/{search_index.NEWS}/_search", news_query(search))
        hits = []
        for h in result["hits"]["hits"]:
            marked = h.get("highlight", {})
            title, summary = marked.get("title"), marked.get("summary")
            hits.append(
                news.NewsHit(
                    int(h["_id"]),
                    news.merge_adjacent(title[0]) if title else None,
                    news.merge_adjacent(summary[0]) if summary else None,
                )
            )
        return result["hits"]["total"]["value"], hits

    async def ping(self) -> None:
        await self._client().call("GET", "/_cluster/health")

    async def close(self) -> None:
        if self._rest is not None:
            await self._rest.session.close()
            self._rest = None
