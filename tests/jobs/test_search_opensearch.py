"""OpenSearch: index templates with nori + edge n-grams, rebuild from PostgreSQL, the api's
OpenSearch search backend (the shared relevance cases), and Korean news search."""

from __future__ import annotations

import asyncio
import datetime as dt
import urllib.parse

import asyncpg
import pytest

from core.contract import keys
from jobs import news, registry
from search import index as search_index
from search.opensearch import OpenSearchSearch
from tests.api import search_cases
from tests.jobs.util import make_settings
from tests.support import harness


@pytest.fixture(scope="module")
def settings(snapshot_database_url, redis_url, opensearch_url):
    return make_settings(snapshot_database_url, redis_url, OPENSEARCH_URL=opensearch_url)


@pytest.fixture(scope="module")
def built(settings):
    return asyncio.run(registry.run_job("search_index", settings))


@pytest.fixture(scope="module")
def names(snapshot_database_url):
    async def go():
        conn = await asyncpg.connect(snapshot_database_url)
        try:
            return {r["id"]: r["name"] for r in await conn.fetch("SELECT id, name FROM companies")}
        finally:
            await conn.close()

    return asyncio.run(go())


def _backend_search(settings, names) -> search_cases.Search:
    def search(keyword: str, page: int, size: int):
        async def go():
            backend = OpenSearchSearch(settings.opensearch_url, None)
            try:
                return await backend.search_companies(keyword, page, size)
            finally:
                await backend.close()

        total, ids = asyncio.run(go())
        return total, [names[i] for i in ids]

    return search


def test_rebuild(built, opensearch_url):
    assert built["companies"] == 2656

    async def go():
        rest = search_index.Rest(opensearch_url)
        try:
            _, aliases = await rest.call("GET", f"/_alias/{search_index.COMPANIES}")
            _, count = await rest.call("GET", f"/{search_index.COMPANIES}/_count")
            _, tokens = await rest.call(
                "POST",
                f"/{next(iter(aliases))}/_analyze",
                {"analyzer": "ko_text", "text": "삼성전자의 반도체 실적이 개선되었다"},
            )
            return aliases, count, [t["token"] for t in tokens["tokens"]]
        finally:
            await rest.close()

    aliases, count, tokens = asyncio.run(go())
    assert len(aliases) == 1 and count["count"] == 2656
    assert "반도체" in tokens and "실적" in tokens and "의" not in tokens  # nori: particles dropped


def test_rebuild_swaps_alias(settings, built, opensearch_url):
    before = asyncio.run(_aliases(opensearch_url))
    asyncio.run(registry.run_job("search_index", settings))
    after = asyncio.run(_aliases(opensearch_url))
    assert before != after and len(after) == 1


def test_rebuild_from_a_database_without_companies_keeps_the_index(built, database_url, opensearch_url):
    """Run before the snapshot is loaded (a scheduler started too early), a rebuild must not swap in an
    empty index: company search would stay empty until the next nightly rebuild."""
    before = asyncio.run(_aliases(opensearch_url))

    async def go():
        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
        try:
            await search_index.rebuild_all(opensearch_url, pool)
        finally:
            await pool.close()

    with pytest.raises(search_index.OpenSearchError, match="holds no companies yet"):
        asyncio.run(go())
    assert asyncio.run(_aliases(opensearch_url)) == before


async def _aliases(url):
    rest = search_index.Rest(url)
    try:
        _, body = await rest.call("GET", f"/_alias/{search_index.COMPANIES}")
        return set(body)
    finally:
        await rest.close()


@pytest.mark.parametrize("case", search_cases.CASES, ids=lambda c: c.id)
def test_relevance_cases(built, settings, names, case):
    search_cases.check(case, _backend_search(settings, names))


def test_paging(built, settings, names):
    search_cases.check_paging(_backend_search(settings, names))


def test_literal_wildcards(built, settings, names):
    search = _backend_search(settings, names)
    assert search("%", 1, 20)[0] == 0 and search("_", 1, 20)[0] == 0 and search("*", 1, 20)[0] == 0


def test_api_over_http_with_opensearch(built, snapshot_database_url, redis_url, opensearch_url, output_dir):
    env = harness.platform_env(snapshot_database_url, redis_url, OPENSEARCH_URL=opensearch_url)
    server = harness.ApiServer(env, output_dir / "api_opensearch.log")
    try:
        health = harness.http("GET", server.url + "/api/health").json()["data"]["search"]
        assert health["ok"] and health["backend"] == "opensearch"
        resp = harness.http("GET", server.url + "/api/companies?" + urllib.parse.urlencode({"keyword": "ㅅㅅㅈㅈ"}))
        assert resp.json()["data"][0]["name"] == "삼성전자"
    finally:
        server.stop()


def test_news_index_korean_search(settings, snapshot_database_url, opensearch_url):
    """The buffer flush indexes news in bulk; nori finds inflected Korean words."""
    import redis as redis_lib

    from jobs.clients.naver import parse_item
    from tests.support.fakes import naver as fake

    now = dt.datetime.now(dt.UTC)
    items = [parse_item(fake.article(9000 + n, "삼성전자", now - dt.timedelta(minutes=n))) for n in range(5)]
    r = redis_lib.Redis.from_url(settings.redis_url)
    r.delete(keys.NEWS_BUFFER, keys.NEWS_PROCESSING)
    r.rpush(keys.NEWS_BUFFER, *[news.buffer_item(i, company_id=1) for i in items])
    r.close()
    flushed = asyncio.run(registry.run_job("news_flush", settings))
    assert flushed["written"] == 5

    async def go():
        rest = search_index.Rest(opensearch_url)
        try:
            await rest.call("POST", f"/{search_index.NEWS}/_refresh")
            return (
                await search_index.search_news(rest, "반도체 가격은"),
                await search_index.search_news(rest, "수주", company_id=1),
                await search_index.search_news(rest, "수주", company_id=2),
            )
        finally:
            await rest.close()

    (total, ids), (with_company, _), (other_company, _) = asyncio.run(go())
    assert total == 5 and with_company == 5 and other_company == 0


def test_article_text_from_jina_becomes_searchable(settings, snapshot_database_url, redis_url, opensearch_url):
    from tests.jobs.util import FakeServer
    from tests.support.fakes import jina as fake_jina

    async def urls():
        conn = await asyncpg.connect(snapshot_database_url)
        try:
            return [r["url"] for r in await conn.fetch("SELECT url FROM news WHERE content IS NULL")]
        finally:
            await conn.close()

    state = fake_jina.JinaState()
    for url in asyncio.run(urls()):
        state.pages[url] = {"title": "t", "content": "파운드리 고객사 확보로 가동률이 회복되었다"}
    server = FakeServer(fake_jina.make_app(state))
    try:
        jina_settings = make_settings(
            snapshot_database_url,
            redis_url,
            OPENSEARCH_URL=opensearch_url,
            JINA_API_KEY=fake_jina.API_KEY,
            JINA_API_URL=server.url,
        )
        result = asyncio.run(registry.run_job("jina", jina_settings))
        assert result["fetched"] == len(state.pages) > 0
    finally:
        server.stop()

    async def go():
        rest = search_index.Rest(opensearch_url)
        try:
            await rest.call("POST", f"/{search_index.NEWS}/_refresh")
            return await search_index.search_news(rest, "가동률 회복")
        finally:
            await rest.close()

    total, _ = asyncio.run(go())
    assert total == len(state.pages)
