"""News search over HTTP, one suite run against both backends with the same expectations:
PostgreSQL (the default without OPENSEARCH_URL) and a real OpenSearch node with nori (whose
`krx-news` index the api builds from PostgreSQL on the first search). Plus the fallback to
PostgreSQL when the configured OpenSearch does not answer."""

from __future__ import annotations

import asyncio
import datetime as dt
import urllib.parse

import asyncpg
import pytest

from devtools.embedded import free_port
from search import index as search_index
from tests.api.conftest import Client, assert_error, start_api

KST = dt.timezone(dt.timedelta(hours=9))


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=KST)


# key → (title, summary, content, published at (KST), company symbols)
ARTICLES = {
    "chip_price": (
        "삼성전자, 반도체 가격 반등에 실적 개선",
        '메모리 <b>가격</b>이 오르며 "실적"이 좋아졌다 & 전망 밝아',
        None,
        at("2026-08-20T10:00"),
        ["005930"],
    ),
    "hbm": (
        "SK하이닉스 HBM 수주 확대",
        "반도체가 잘 팔린다. 삼성전자도 수혜",
        None,
        at("2026-08-21T09:00"),
        ["000660"],
    ),
    "rates": (
        "한국은행 기준금리 동결",
        "금리 동결로 증시 관망",
        "반도체 업황과 무관한 결정이라는 평가",
        at("2026-08-19T15:00"),
        [],
    ),
    "battery": ("양극재 공급 계약 체결", "2차전지 소재 수요 회복", None, at("2026-08-18T11:00"), ["247540"]),
    "equipment": ("반도체 장비 수출 증가", "장비 업체 실적 호조", None, at("2026-08-17T08:00"), []),
    "undated": ("날짜 없는 반도체 기사", None, None, None, []),
    "late_evening": ("밤늦게 나온 공시", "장 마감 후 공시", None, at("2026-08-20T23:30"), []),
    "after_midnight": ("자정 넘어 나온 공시", "다음 날 공시", None, at("2026-08-21T00:10"), []),
    "script": ("<script>alert(1)</script> 반도체 주의보", "a/b O'Neil", None, at("2026-08-16T12:00"), []),
}


def sql(url: str, statement: str, *args):
    async def run():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(statement, *args)
        finally:
            await conn.close()

    return asyncio.run(run())


@pytest.fixture(scope="module")
def articles(snapshot_database_url) -> dict[str, int]:
    """The articles above in PostgreSQL; key → news id. Articles about 삼성전자 are also in its industry."""
    ids: dict[str, int] = {}
    for key, (title, summary, content, published, symbols) in ARTICLES.items():
        (row,) = sql(
            snapshot_database_url,
            """INSERT INTO news (url, title, summary, content, source, published_at)
               VALUES ($1, $2, $3, $4, 'example.com', $5) RETURNING id""",
            f"https://example.com/{key}",
            title,
            summary,
            content,
            published,
        )
        ids[key] = row["id"]
        for symbol in symbols:
            sql(
                snapshot_database_url,
                """INSERT INTO news_companies (news_id, company_id) SELECT $1, id FROM companies WHERE symbol = $2""",
                row["id"],
                symbol,
            )
            sql(
                snapshot_database_url,
                """INSERT INTO news_industries (news_id, industry_id)
                   SELECT $1, industry_id FROM companies WHERE symbol = $2 AND industry_id IS NOT NULL""",
                row["id"],
                symbol,
            )
    return ids


def _drop_news_indexes(url: str) -> None:
    async def go():
        rest = search_index.Rest(url)
        try:
            await rest.call("DELETE", f"/{search_index.NEWS}-*", ok=(200, 404))
        finally:
            await rest.close()

    asyncio.run(go())


@pytest.fixture(scope="module", params=["postgres", "opensearch"])
def backend_api(request, articles, snapshot_database_url, redis_url, output_dir):
    extra = {}
    if request.param == "opensearch":
        url = request.getfixturevalue("opensearch_url")
        _drop_news_indexes(url)  # the api must build krx-news from PostgreSQL itself
        extra = {"OPENSEARCH_URL": url}
    server = start_api(snapshot_database_url, redis_url, output_dir / f"api_news_{request.param}.log", **extra)
    server.backend = request.param
    yield server
    server.stop()
    if request.param == "opensearch":
        _drop_news_indexes(extra["OPENSEARCH_URL"])


def search(server, expect_status: int = 200, **params) -> dict:
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
    resp = Client(server.url).get(f"/api/news?{query}")
    assert resp.status == expect_status, resp.body
    return resp.json()


def keys_of(body: dict, articles: dict[str, int]) -> list[str]:
    by_id = {v: k for k, v in articles.items()}
    return [by_id[item["newsId"]] for item in body["data"] if item["newsId"] in by_id]


def test_the_backend_answers(backend_api, articles):
    body = search(backend_api, keyword="반도체")
    assert body["searchBackend"] == backend_api.backend
    assert body["status"] == 200 and body["message"] == "뉴스 검색을 완료했습니다."
    assert body["keyword"] == "반도체" and body["sort"] == "latest" and body["page"] == 1 and body["size"] == 20


def test_every_field_is_searched_newest_first(backend_api, articles):
    body = search(backend_api, keyword="반도체")
    # title, summary ("반도체가": the particle is not part of the word) and article text; undated last
    assert keys_of(body, articles) == ["hbm", "chip_price", "rates", "equipment", "script", "undated"]
    assert body["total"] == 6


def test_relevance_puts_title_matches_first(backend_api, articles):
    found = keys_of(search(backend_api, keyword="반도체", sort="relevance"), articles)
    assert set(found[:4]) == {"chip_price", "equipment", "undated", "script"}
    assert set(found[4:]) == {"hbm", "rates"}


def test_every_word_must_match_and_particles_do_not_count(backend_api, articles):
    body = search(backend_api, keyword="반도체 가격은")
    assert keys_of(body, articles) == ["chip_price"] and body["total"] == 1
    assert keys_of(search(backend_api, keyword="삼성전자"), articles) == ["hbm", "chip_price"]
    assert keys_of(search(backend_api, keyword="금리"), articles) == ["rates"]
    assert search(backend_api, keyword="존재하지않는단어")["data"] == []


def test_highlights_are_escaped_with_em_marks_only(backend_api, articles):
    (item,) = search(backend_api, keyword="반도체 가격은")["data"]
    assert item["title"] == "삼성전자, 반도체 가격 반등에 실적 개선"  # the stored text, unmarked
    assert item["highlight"] == {
        "title": "삼성전자, <em>반도체</em> <em>가격</em> 반등에 실적 개선",
        "summary": "메모리 &lt;b&gt;<em>가격</em>&lt;&#x2F;b&gt;이 오르며 &quot;실적&quot;이 좋아졌다 &amp; 전망 밝아",
    }
    hbm = search(backend_api, keyword="삼성전자")["data"][0]
    assert hbm["highlight"] == {
        "title": "SK하이닉스 HBM 수주 확대",
        "summary": "반도체가 잘 팔린다. <em>삼성전자</em>도 수혜",
    }
    assert search(backend_api, keyword="hbm")["data"][0]["highlight"]["title"] == "SK하이닉스 <em>HBM</em> 수주 확대"
    script = next(i for i in search(backend_api, keyword="주의보")["data"])
    assert script["highlight"] == {
        "title": "&lt;script&gt;alert(1)&lt;&#x2F;script&gt; 반도체 <em>주의보</em>",
        "summary": "a&#x2F;b O&#x27;Neil",
    }


def test_without_keyword_everything_newest_first_and_escaped(backend_api, articles):
    body = search(backend_api, size=100)
    found = keys_of(body, articles)
    assert found[:3] == ["hbm", "after_midnight", "late_evening"] and found[-1] == "undated"
    assert body["total"] == len(ARTICLES)
    item = body["data"][found.index("chip_price")]
    assert (
        item["highlight"]["summary"]
        == "메모리 &lt;b&gt;가격&lt;&#x2F;b&gt;이 오르며 &quot;실적&quot;이 좋아졌다 &amp; 전망 밝아"
    )
    assert item["companies"] == [{"companyId": 1, "name": "삼성전자", "symbol": "005930"}]
    assert item["url"] == "https://example.com/chip_price" and item["publishedAt"].startswith("2026-08-20T01:00")
    # relevance without a keyword is the same order
    assert keys_of(search(backend_api, size=100, sort="relevance"), articles) == found


def test_company_industry_and_date_filters(backend_api, articles):
    assert keys_of(search(backend_api, company=1), articles) == ["chip_price"]
    assert keys_of(search(backend_api, company=2, keyword="반도체"), articles) == ["hbm"]
    assert search(backend_api, company=2, keyword="가격")["total"] == 0
    industry = sql_industry_of_samsung(backend_api)
    assert "chip_price" in keys_of(search(backend_api, industry=industry), articles)
    # KST calendar days, both ends included: 23:30 on the 20th is in, 00:10 on the 21st is out
    found = keys_of(search(backend_api, **{"from": "2026-08-19", "to": "2026-08-20"}), articles)
    assert found == ["late_evening", "chip_price", "rates"]
    assert keys_of(search(backend_api, keyword="반도체", **{"from": "2026-08-20"}), articles) == ["hbm", "chip_price"]
    assert keys_of(search(backend_api, keyword="공시", to="2026-08-20"), articles) == ["late_evening"]


def sql_industry_of_samsung(server) -> int:
    return Client(server.url).get("/api/companies/1").json()["data"]["industryId"]


def test_pages(backend_api, articles):
    first = search(backend_api, keyword="반도체", size=2)
    second = search(backend_api, keyword="반도체", size=2, page=2)
    assert first["total"] == second["total"] == 6
    assert keys_of(first, articles) + keys_of(second, articles) == ["hbm", "chip_price", "rates", "equipment"]
    beyond = search(backend_api, keyword="반도체", size=2, page=50)
    assert beyond["data"] == [] and beyond["total"] == 6


def test_validation(backend_api, articles):
    client = Client(backend_api.url)
    for query, field in [
        ("from=2026-08-21&to=2026-08-20", "from"),
        ("from=yesterday", "from"),
        ("to=2026-13-01", "to"),
        ("sort=popular", "sort"),
        ("company=0", "company"),
        ("company=abc", "company"),
        ("industry=-1", "industry"),
        ("size=101", "size"),
        ("page=0", "page"),
        ("keyword=" + urllib.parse.quote("가" * 101), "keyword"),
    ]:
        err = assert_error(client.get(f"/api/news?{query}"), 400, "INVALID_REQUEST")
        assert err["field"] == field, (query, err)
    assert_error(client.get("/api/news?company=999999"), 404, "NOT_FOUND")
    assert_error(client.get("/api/news?industry=999999"), 404, "NOT_FOUND")
    # blank and punctuation-only keywords
    assert search(backend_api, keyword="   ")["total"] == len(ARTICLES)
    assert search(backend_api, keyword="%")["total"] == 0


def test_openapi_declares_the_search(backend_api):
    op = Client(backend_api.url).get("/api/openapi.json").json()["paths"]["/api/news"]["get"]
    names = {p["name"] for p in op["parameters"]}
    assert {"keyword", "company", "industry", "from", "to", "sort", "page", "size"} <= names


def test_opensearch_down_falls_back_to_postgres(articles, snapshot_database_url, redis_url, output_dir):
    dead = f"http://127.0.0.1:{free_port()}"
    server = start_api(snapshot_database_url, redis_url, output_dir / "api_news_fallback.log", OPENSEARCH_URL=dead)
    try:
        body = search(server, keyword="반도체 가격은")
        assert body["searchBackend"] == "postgres" and keys_of(body, articles) == ["chip_price"]
    finally:
        server.stop()
