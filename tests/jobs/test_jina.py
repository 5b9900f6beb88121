"""Jina Reader client and the article-text job against the fake Jina server."""

from __future__ import annotations

import asyncio

import aiohttp
import asyncpg
import pytest

from core.services import AuthError, RateLimited
from jobs import registry
from jobs.clients.jina import JinaClient, PageUnavailable
from tests.jobs.util import FakeServer, make_settings
from tests.support.fakes import jina as fake

BASE = "https://www.example-news.co.kr/article/"


@pytest.fixture(scope="module")
def jina():
    state = fake.JinaState()
    for n in range(12):
        state.pages[f"{BASE}{n}"] = {
            "title": f"기사 {n}",
            "content": f"# 기사 {n}\n\n반도체 업황이 개선되고 있다. ({n})",
            "publishedTime": "2025-03-12T00:31:00.000Z",
        }
    state.pages[f"{BASE}gone"] = {"title": "404", "content": "Not Found", "httpStatus": 404}
    server = FakeServer(fake.make_app(state))
    yield server, state
    server.stop()


def _read(server, url, key=fake.API_KEY, **kw):
    async def go():
        async with aiohttp.ClientSession() as session:
            return await JinaClient(session, server.url, key, retry_delay=0.01, **kw).read(url)

    return asyncio.run(go())


def test_read_json_envelope(jina):
    server, _ = jina
    article = _read(server, f"{BASE}1")
    assert article.title == "기사 1" and "반도체 업황" in article.content and article.tokens > 0


def test_errors(jina):
    server, state = jina
    with pytest.raises(AuthError):
        _read(server, f"{BASE}1", key="wrong")
    with pytest.raises(PageUnavailable) as err:
        _read(server, f"{BASE}missing")
    assert err.value.status == 422
    with pytest.raises(PageUnavailable):
        _read(server, f"{BASE}gone")  # 200 with warning + httpStatus 404
    with pytest.raises(PageUnavailable):
        _read(server, "https://blocked.example.com/a")
    state.rate_limit_next = 1
    assert _read(server, f"{BASE}2").title == "기사 2"
    state.rate_limit_next = 5
    with pytest.raises(RateLimited):
        _read(server, f"{BASE}2", attempts=2)
    state.rate_limit_next = 0


def test_job_fills_content_with_bounded_concurrency(jina, database_url, redis_url):
    server, state = jina

    async def seed():
        conn = await asyncpg.connect(database_url)
        try:
            await conn.executemany(
                "INSERT INTO news (url, title, published_at) VALUES ($1, $2, now())",
                [(f"{BASE}{n}", f"기사 {n}") for n in range(12)] + [(f"{BASE}gone", "x"), (f"{BASE}missing", "y")],
            )
        finally:
            await conn.close()

    asyncio.run(seed())
    state.slow_seconds, state.max_in_flight = 0.1, 0
    settings = make_settings(database_url, redis_url, JINA_API_KEY=fake.API_KEY, JINA_API_URL=server.url)
    result = asyncio.run(registry.run_job("jina", settings, concurrency=3, retry_delay=0.01))
    assert result == {"candidates": 14, "fetched": 12, "failed": 2}
    assert state.max_in_flight == 3

    async def check():
        conn = await asyncpg.connect(database_url)
        try:
            return await conn.fetch("SELECT url, content, content_fetched_at FROM news ORDER BY id")
        finally:
            await conn.close()

    rows = asyncio.run(check())
    assert all(r["content_fetched_at"] is not None for r in rows)
    assert sum(r["content"] is not None for r in rows) == 12
    again = asyncio.run(registry.run_job("jina", settings))
    assert again["candidates"] == 0
    state.slow_seconds = 0
