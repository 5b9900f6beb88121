"""Industries, indices, rankings and news keywords against the bundled snapshot."""

from __future__ import annotations

import asyncio
import datetime as dt

import asyncpg
import pytest
import redis

from core.contract import cache
from tests.api.conftest import Client, assert_error

KST = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture(scope="module")
def client(api):
    return Client(api.url)


def sql(url: str, statement: str, *args):
    async def run():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(statement, *args)
        finally:
            await conn.close()

    return asyncio.run(run())


# ---------------------------------------------------------------------------------------------- rankings


def test_company_ranking_by_market_cap(client, snapshot_database_url):
    body = client.get("/api/rankings/companies?size=50").json()
    # one market day: the snapshot's 2026-08-21 (1,242 companies have a bar that day; 1,414 do not)
    assert body["total"] == 1242 and body["asOf"] == "2026-08-21" and body["source"] == "krx"
    assert body["excluded"] == 2656 - 1242
    data = body["data"]
    assert [d["rank"] for d in data] == list(range(1, 51))
    assert data[0]["name"] == "삼성전자" and data[1]["name"] == "SK하이닉스"
    caps = [d["marketCap"] for d in data]
    assert caps == sorted(caps, reverse=True)
    # cross-check the top company in SQL
    top = sql(
        snapshot_database_url,
        """
        SELECT c.symbol, c.shares_outstanding * d.close AS cap FROM companies c
        JOIN stock_prices_1d d ON d.symbol = c.symbol AND d.bucket = '2026-08-21 00:00+09'
        ORDER BY cap DESC NULLS LAST LIMIT 1""",
    )[0]
    assert data[0]["symbol"] == top["symbol"] and data[0]["marketCap"] == top["cap"]
    page2 = client.get("/api/rankings/companies?size=25&page=2").json()["data"]
    assert page2 == data[25:50]


def test_ranking_by_market_is_cached(client, redis_url):
    kosdaq = client.get("/api/rankings/companies?market=KOSDAQ&size=5").json()
    assert kosdaq["total"] + kosdaq["excluded"] == 1815 and all(d["market"] == "KOSDAQ" for d in kosdaq["data"])
    assert kosdaq["data"][0]["rank"] == 1
    r = redis.Redis.from_url(redis_url)
    assert 0 < r.ttl("cache:rankings:companies:KOSDAQ:1:5") <= 300
    assert 0 < r.ttl("cache:quotes:all") <= 300
    assert_error(client.get("/api/rankings/companies?market=NYSE"), 400, "INVALID_REQUEST")


def test_industry_rankings(client):
    data = client.get("/api/rankings/industries").json()["data"]
    assert data[0]["rank"] == 1 and data[0]["marketCap"] >= data[1]["marketCap"]
    assert all(set(d) >= {"industryId", "name", "companyCount", "marketCap", "changePercent"} for d in data)
    assert sum(d["companyCount"] for d in data) == 1242
    assert sum(d["companyCount"] + d["excludedCount"] for d in data) >= 2600
    top = data[0]
    within = client.get(f"/api/rankings/industries/{top['industryId']}/companies?size=100").json()
    assert within["total"] == top["companyCount"] and within["industryName"] == top["name"]
    assert sum(c["marketCap"] or 0 for c in within["data"]) <= top["marketCap"]
    assert [c["rank"] for c in within["data"]][:3] == [1, 2, 3]
    assert_error(client.get("/api/rankings/industries/999999/companies"), 404, "NOT_FOUND")


# -------------------------------------------------------------------------------------------- industries


def test_industries_list_and_detail(client):
    body = client.get("/api/industries").json()
    assert body["total"] >= 100
    samsung_industry = client.get("/api/companies/1").json()["data"]["industryId"]
    item = next(i for i in body["data"] if i["industryId"] == samsung_industry)
    assert item["companyCount"] > 0 and item["ksicCode"]
    detail = client.get(f"/api/industries/{samsung_industry}").json()["data"]
    assert detail["name"] == item["name"] and detail["marketCap"] == item["marketCap"]
    assert detail["topCompanies"][0]["name"] == "삼성전자" and len(detail["topCompanies"]) <= 10
    assert isinstance(detail["changePercent"], float)
    assert_error(client.get("/api/industries/999999"), 404, "NOT_FOUND")


def test_industry_news_and_analysis(client, snapshot_database_url):
    assert client.get("/api/industries/1/news").json()["data"] == []
    sql(
        snapshot_database_url,
        """WITH n AS (INSERT INTO news (url, title, published_at) VALUES ('https://n.example.com/i1', '반도체 업황',
                      now()) RETURNING id) INSERT INTO news_industries (news_id, industry_id) SELECT id, 1 FROM n""",
    )
    news = client.get("/api/industries/1/news").json()
    assert news["total"] == 1 and news["data"][0]["title"] == "반도체 업황"
    assert_error(client.get("/api/industries/1/analysis"), 404, "NOT_FOUND")
    sql(
        snapshot_database_url,
        """INSERT INTO analyses (subject_type, subject_id, as_of_date, mode, model, growth_score, outlook, summary,
                                 drivers, risks)
           VALUES ('industry', 1, '2026-08-21', 'rule', 'rule-v1', 55, 'neutral', '보합', '[]', '[]')""",
    )
    assert client.get("/api/industries/1/analysis").json()["data"]["growthScore"] == 55
    assert_error(client.get("/api/industries/999999/news"), 404, "NOT_FOUND")
    assert_error(client.get("/api/industries/999999/analysis"), 404, "NOT_FOUND")


# ----------------------------------------------------------------------------------------------- indices


def test_kospi_daily_default_year(client):
    body = client.get("/api/indices/kospi").json()
    assert body["asOf"] == "2026-03-20" and body["source"] == "krx" and body["interval"] == "1d"
    assert body["latest"]["close"] == body["data"][-1]["close"]
    assert 230 <= len(body["data"]) <= 260
    bar = body["data"][-1]
    assert set(bar) == {"time", "open", "high", "low", "close", "volume", "amount", "change", "changePercent"}
    assert dt.datetime.fromtimestamp(bar["time"], KST).date() == dt.date(2026, 3, 20)


def test_kosdaq_weekly_and_monthly_aggregate_the_days(client):
    days = client.get("/api/indices/kosdaq?start=2026-02-02&end=2026-02-27").json()["data"]
    weeks = client.get("/api/indices/kosdaq?interval=1w&start=2026-02-02&end=2026-02-27").json()["data"]
    assert len(weeks) == 4
    for week in weeks:
        begin = week["time"]
        members = [d for d in days if begin <= d["time"] < begin + 7 * 86400]
        assert week["open"] == members[0]["open"] and week["close"] == members[-1]["close"]
        assert week["high"] == max(d["high"] for d in members) and week["low"] == min(d["low"] for d in members)
        assert week["volume"] == sum(d["volume"] for d in members)
        assert dt.datetime.fromtimestamp(begin, KST).weekday() == 0
    for prev, cur in zip(weeks, weeks[1:], strict=False):
        assert cur["change"] == round(cur["close"] - prev["close"], 2)
    # the first week's change is vs the close before the range
    assert weeks[0]["change"] is not None
    months = client.get("/api/indices/kosdaq?interval=1mo&start=2025-01-01&end=2025-12-31").json()["data"]
    assert len(months) == 12
    assert dt.datetime.fromtimestamp(months[0]["time"], KST).date() == dt.date(2025, 1, 1)


@pytest.mark.parametrize("query", ["interval=1h", "start=notadate", "start=2026-03-01&end=2026-01-01"])
def test_index_validation(client, query):
    assert_error(client.get(f"/api/indices/kospi?{query}"), 400, "INVALID_REQUEST")


# ---------------------------------------------------------------------------------------------- keywords


def test_news_keywords(client, snapshot_database_url):
    assert client.get("/api/news/keywords?companyId=1").json()["data"] == []
    today = dt.datetime.now(KST).date()
    sql(
        snapshot_database_url,
        """INSERT INTO news_keywords (subject_type, subject_id, day, keyword, count) VALUES
           ('company', 1, $1, '반도체', 5), ('company', 1, $1 - 1, '반도체', 3), ('company', 1, $1, 'HBM', 4),
           ('company', 1, $1 - 20, '파운드리', 9), ('industry', 1, $1, '업황', 2)""",
        today,
    )
    week = client.get("/api/news/keywords?companyId=1&days=7").json()["data"]
    assert week == [{"keyword": "반도체", "count": 8}, {"keyword": "HBM", "count": 4}]
    month = client.get("/api/news/keywords?companyId=1&days=30").json()["data"]
    assert month[0] == {"keyword": "파운드리", "count": 9}
    assert client.get("/api/news/keywords?industryId=1").json()["data"] == [{"keyword": "업황", "count": 2}]
    assert_error(client.get("/api/news/keywords?companyId=1&days=2"), 400, "INVALID_REQUEST")
    assert_error(client.get("/api/news/keywords?companyId=abc"), 400, "INVALID_REQUEST")
    assert_error(client.get("/api/news/keywords?companyId=999999"), 404, "NOT_FOUND")


def test_price_invalidation_drops_market_caches(client, redis_url):
    client.get("/api/rankings/companies?size=3")
    client.get("/api/companies/1")
    client.get("/api/indices/kospi")
    r = redis.Redis.from_url(redis_url)
    assert r.keys("cache:rankings:*") and r.keys("cache:company:1:*") and r.keys("cache:indices:*")
    assert asyncio.run(cache.invalidate_url(redis_url, prices=True)) >= 3
    assert not r.keys("cache:rankings:*") and not r.keys("cache:quotes:*") and not r.keys("cache:company:*")
    assert client.get("/api/rankings/companies?size=3").json()["data"][0]["rank"] == 1
