"""Naver news client against the fake server; the buffer → PostgreSQL flush, crash included."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys

import aiohttp
import asyncpg
import pytest
import redis

from core.contract import keys
from core.services import AuthError, MalformedResponse, QuotaExceeded, RateLimited, Unavailable
from jobs import news, registry
from jobs.clients.naver import NaverNewsClient, clean_text
from tests.jobs.util import FakeServer, make_settings
from tests.support import harness
from tests.support.fakes import naver as fake

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def naver():
    state = fake.NaverState()
    state.articles["삼성전자"] = [
        fake.article(n, "삼성전자", NOW - dt.timedelta(hours=n), naver_hosted=n % 2 == 0) for n in range(1, 251)
    ]
    state.articles["SK하이닉스"] = [
        fake.article(1000 + n, "SK하이닉스", NOW - dt.timedelta(hours=n)) for n in range(1, 6)
    ]
    server = FakeServer(fake.make_app(state))
    yield server, state
    server.stop()


def _client_call(server, coro_fn, **kw):
    async def go():
        async with aiohttp.ClientSession() as session:
            client = NaverNewsClient(
                session,
                server.url,
                kw.pop("cid", fake.CLIENT_ID),
                kw.pop("secret", fake.CLIENT_SECRET),
                retry_delay=0.01,
                interval=0,
                **kw,
            )
            return await coro_fn(client)

    return asyncio.run(go())


def test_clean_text_strips_tags_then_entities():
    assert (
        clean_text("<b>삼성전자</b>, 1분기 &quot;바닥 통과&quot; &amp; &lt;b&gt;")
        == '삼성전자, 1분기 "바닥 통과" & <b>'
    )
    assert clean_text("  a <b>b</b>\n c ... ") == "a b c ..."


def test_pagination_and_parsing(naver):
    server, state = naver
    state.calls.clear()
    items = _client_call(server, lambda c: c.search_all("삼성전자", max_items=230))
    assert len(items) == 230 and len({i.url for i in items}) == 230
    assert [c["start"] for c in state.calls] == ["1", "101", "201"]
    assert [c["display"] for c in state.calls] == ["100", "100", "30"]
    first = items[0]
    assert first.title == '삼성전자, 1분기 실적 "호조" 전망 & 수주 확대'
    assert "<b>" not in first.summary and first.summary.endswith("...")
    assert first.url.startswith("https://www.example-news.co.kr/") and first.source == "www.example-news.co.kr"
    assert first.published_at == NOW - dt.timedelta(hours=1)
    assert items[1].link.startswith("https://n.news.naver.com/")


def test_since_stops_paging(naver):
    server, state = naver
    state.calls.clear()
    items = _client_call(
        server, lambda c: c.search_all("삼성전자", max_items=500, since=NOW - dt.timedelta(hours=50, minutes=30))
    )
    assert len(items) == 50 and len(state.calls) == 1


def test_empty_results(naver):
    server, _ = naver
    assert _client_call(server, lambda c: c.search_all("없는회사")) == []


def test_rate_limit_is_retried(naver):
    server, state = naver
    state.rate_limit_next = 2
    page = _client_call(server, lambda c: c.search("SK하이닉스"))
    assert page.total == 5 and len(page.items) == 5
    state.rate_limit_next = 10
    with pytest.raises(RateLimited) as err:
        _client_call(server, lambda c: c.search("SK하이닉스"))
    assert err.value.code == "012" and err.value.status == 429
    state.rate_limit_next = 0


def test_daily_quota_is_not_retried(naver):
    server, state = naver
    state.daily_limit, state.calls[:] = 0, []
    with pytest.raises(QuotaExceeded):
        _client_call(server, lambda c: c.search("SK하이닉스"))
    assert len(state.calls) == 1
    state.daily_limit = None


def test_bad_or_expired_key(naver):
    server, _ = naver
    with pytest.raises(AuthError) as err:
        _client_call(server, lambda c: c.search("SK하이닉스"), secret="expired")
    assert err.value.code == "024" and err.value.status == 401


def test_malformed_then_ok_and_always_malformed(naver):
    server, state = naver
    state.malformed_next = 1
    assert len(_client_call(server, lambda c: c.search("SK하이닉스")).items) == 5
    state.malformed_next = 10
    with pytest.raises(MalformedResponse):
        _client_call(server, lambda c: c.search("SK하이닉스"))
    state.malformed_next = 0


def test_server_error_and_timeout(naver):
    server, state = naver
    state.server_error_next = 1
    assert len(_client_call(server, lambda c: c.search("SK하이닉스")).items) == 5
    state.slow_next, state.slow_seconds = 10, 1.0
    with pytest.raises(Unavailable) as err:
        _client_call(server, lambda c: c.search("SK하이닉스"), timeout=0.2, attempts=2)
    assert err.value.code == "timeout"
    state.slow_next = 0


# --------------------------------------------------------------------------- collect → buffer → flush


@pytest.fixture(scope="module")
def settings(naver, snapshot_database_url, redis_url):
    server, _ = naver
    return make_settings(
        snapshot_database_url,
        redis_url,
        NAVER_CLIENT_ID=fake.CLIENT_ID,
        NAVER_CLIENT_SECRET=fake.CLIENT_SECRET,
        NAVER_API_URL=server.url,
    )


def _count(url: str, sql: str):
    async def go():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetchval(sql)
        finally:
            await conn.close()

    return asyncio.run(go())


def test_collect_then_flush(settings, snapshot_database_url, redis_url):
    r = redis.Redis.from_url(redis_url)
    r.delete(keys.NEWS_BUFFER, keys.NEWS_PROCESSING, keys.NEWS_CURSOR)
    result = asyncio.run(registry.run_job("news", settings, limit=5, per_query=100))
    assert result["queries"] == 5 and result["errors"] == 0
    assert result["buffered"] == r.llen(keys.NEWS_BUFFER) > 0
    flushed = asyncio.run(registry.run_job("news_flush", settings))
    assert flushed["written"] == result["buffered"]
    assert r.llen(keys.NEWS_BUFFER) == 0 and r.llen(keys.NEWS_PROCESSING) == 0
    n = _count(snapshot_database_url, "SELECT count(*) FROM news")
    links = _count(
        snapshot_database_url,
        "SELECT count(*) FROM news_companies nc JOIN companies c ON c.id = nc.company_id WHERE c.symbol = '005930'",
    )
    assert n == result["buffered"] and links == 100
    title = _count(snapshot_database_url, "SELECT title FROM news ORDER BY published_at DESC LIMIT 1")
    assert "<b>" not in title and "&quot;" not in title
    # Collecting the same news again buffers it again, but the flush deduplicates by URL.
    asyncio.run(registry.run_job("news", settings, limit=5, per_query=100))
    asyncio.run(registry.run_job("news_flush", settings))
    assert _count(snapshot_database_url, "SELECT count(*) FROM news") == n
    r.close()


CRASH_AFTER_TAKE = """
import asyncio, os, sys
import redis.asyncio as aioredis
from jobs import news
async def main():
    client = aioredis.Redis.from_url(sys.argv[1])
    batch = await news.take(client, int(sys.argv[2]))
    print(len(batch), flush=True)
    os._exit(137)   # the process dies between take and write
asyncio.run(main())
"""


def test_crash_between_take_and_write_loses_and_duplicates_nothing(settings, snapshot_database_url, redis_url):
    r = redis.Redis.from_url(redis_url)
    r.delete(keys.NEWS_BUFFER, keys.NEWS_PROCESSING)
    before = _count(snapshot_database_url, "SELECT count(*) FROM news")
    items = [fake.article(5000 + n, "크래시테스트", NOW - dt.timedelta(minutes=n)) for n in range(1, 41)]
    from jobs.clients.naver import parse_item

    r.rpush(keys.NEWS_BUFFER, *[news.buffer_item(parse_item(i)) for i in items])
    crashed = subprocess.run(
        [sys.executable, "-c", CRASH_AFTER_TAKE, redis_url, "25"],
        cwd=harness.REPO_ROOT,
        capture_output=True,
        timeout=60,
    )
    assert crashed.returncode == 137 and crashed.stdout.strip() == b"25"
    assert r.llen(keys.NEWS_PROCESSING) == 25 and r.llen(keys.NEWS_BUFFER) == 15

    # A crash after the write but before the ack: write the items that are in processing, don't ack.
    async def write_without_ack():
        conn = await asyncpg.connect(snapshot_database_url)
        try:
            raw = r.lrange(keys.NEWS_PROCESSING, 0, 9)
            await news.write(conn, [news._parse(x) for x in raw])
        finally:
            await conn.close()

    asyncio.run(write_without_ack())
    asyncio.run(registry.run_job("news_flush", settings))
    assert r.llen(keys.NEWS_PROCESSING) == 0 and r.llen(keys.NEWS_BUFFER) == 0
    after = _count(snapshot_database_url, "SELECT count(*) FROM news")
    assert after - before == 40
    assert _count(snapshot_database_url, "SELECT count(*) - count(DISTINCT url) FROM news") == 0
    r.close()


def test_malformed_buffer_items_are_dropped_not_looped(settings, redis_url):
    r = redis.Redis.from_url(redis_url)
    r.rpush(keys.NEWS_BUFFER, b"not json", b'{"url": ""}')
    result = asyncio.run(registry.run_job("news_flush", settings))
    assert result["malformed"] == 2 and r.llen(keys.NEWS_PROCESSING) == 0
    r.close()


# --------------------------------------------------------------------------- keyword counts


def test_keyword_extraction_on_korean_text():
    from jobs import keywords

    text = '삼성전자, 1분기 반도체 "바닥 통과" 전망… HBM 수주 확대로 SK하이닉스 주가 상승. 연합뉴스 기자'
    words = keywords.extract(text, keywords.own_name_parts("삼성전자"))
    assert "반도체" in words and "HBM" in words and "수주" in words and "하이닉스" in words
    assert "삼성전자" not in words and "기자" not in words and "연합뉴스" not in words and "전망" not in words
    assert keywords.extract(text) == keywords.extract(text)  # deterministic
    assert keywords.extract("") == []


def test_keyword_counts_per_company(settings, snapshot_database_url):
    result = asyncio.run(registry.run_job("keywords", settings))
    assert result["articles"] > 0 and result["rows"] > 0
    top = _count(
        snapshot_database_url,
        """
        SELECT string_agg(keyword || '=' || n, ',') FROM (
            SELECT keyword, sum(count) AS n FROM news_keywords k JOIN companies c ON c.id = k.subject_id
            WHERE k.subject_type = 'company' AND c.symbol = '005930'
            GROUP BY keyword ORDER BY n DESC, keyword LIMIT 5) t""",
    )
    assert "반도체=100" in top  # every fake article mentions it once; counted once per article
    assert "삼성전자" not in top
    again = asyncio.run(registry.run_job("keywords", settings))
    assert again["rows"] == result["rows"]
