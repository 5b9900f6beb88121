"""Companies: profile, financials, OHLCV (bar tables + the open bar in Redis), news, reports, analysis."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import asyncpg
import orjson
import pytest
import redis

from api.http import cache
from core.contract import cache as cache_contract
from core.contract import keys
from tests.api.conftest import Client, assert_error

KST = dt.timezone(dt.timedelta(hours=9))


def sql(url: str, statement: str, *args):
    async def run():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(statement, *args)
        finally:
            await conn.close()

    return asyncio.run(run())


@pytest.fixture(scope="module")
def client(api):
    return Client(api.url)


def test_profile_of_samsung(client, snapshot_database_url):
    resp = client.get("/api/companies/1")
    assert resp.status == 200
    data = resp.json()["data"]
    assert data["symbol"] == "005930" and data["name"] == "삼성전자" and data["market"] == "KOSPI"
    for key in (
        "companyId",
        "nameEn",
        "marketSegment",
        "industryId",
        "industryName",
        "themeSector",
        "description",
        "logo",
        "listingDate",
        "homepage",
        "ceo",
        "region",
        "sharesOutstanding",
        "price",
        "change",
        "changePercent",
        "open",
        "high",
        "low",
        "volume",
        "prevClose",
        "marketCap",
        "week52High",
        "week52Low",
        "per",
        "pbr",
        "eps",
        "asOf",
        "source",
        "listingAsOf",
    ):
        assert key in data, key
    assert data["asOf"] == "2026-08-21" and data["source"] == "krx"
    last_two = sql(
        snapshot_database_url, "SELECT close FROM stock_prices_1d WHERE symbol = '005930' ORDER BY bucket DESC LIMIT 2"
    )
    assert data["price"] == last_two[0]["close"] and data["prevClose"] == last_two[1]["close"]
    assert data["change"] == last_two[0]["close"] - last_two[1]["close"]
    assert data["marketCap"] == data["sharesOutstanding"] * data["price"]
    assert data["week52Low"] <= data["price"] <= data["week52High"]
    assert data["per"] > 0 and data["perFiscalYear"] == 2024 and data["pbr"] is None
    assert data["listingDate"] == "1975-06-11"


def test_profile_is_cached_until_invalidated(client, snapshot_database_url, redis_url):
    first = client.get("/api/companies/2").json()["data"]
    sql(snapshot_database_url, "UPDATE companies SET ceo = 'changed' WHERE id = 2")
    assert client.get("/api/companies/2").json()["data"]["ceo"] == first["ceo"]  # served from cache:company:2:profile
    r = redis.Redis.from_url(redis_url)
    assert 3000 < r.ttl("cache:company:2:profile") <= 3600
    assert asyncio.run(cache_contract.invalidate_url(redis_url, company_ids=[2])) >= 1
    import time

    time.sleep(cache.LOCAL_TTL_S + 0.2)  # the per-worker copy lives this long
    assert client.get("/api/companies/2").json()["data"]["ceo"] == "changed"


def test_unknown_company_is_404_everywhere(client):
    for suffix in ("", "/financials", "/ohlcv", "/news", "/reports", "/analysis"):
        err = assert_error(client.get(f"/api/companies/999999{suffix}"), 404, "NOT_FOUND")
        assert err["message"] == "기업을 찾을 수 없습니다."
    assert_error(client.get("/api/companies/99999999999999"), 404, "NOT_FOUND")
    assert_error(client.get("/api/companies/abc"), 404, "NOT_FOUND")


def test_financials(client):
    data = client.get("/api/companies/1/financials").json()["data"]
    assert data["currency"] == "KRW" and data["basis"] == "consolidated"
    years = {y["fiscalYear"]: y for y in data["yearly"]}
    fy2024, fy2023 = years[2024], years[2023]
    assert fy2024["period"] == "FY" and fy2024["revenue"] == 300870903000000
    assert fy2024["operatingMargin"] == round(fy2024["operatingProfit"] * 100 / fy2024["revenue"], 2)
    assert fy2024["revenueGrowth"] == round((fy2024["revenue"] - fy2023["revenue"]) * 100 / fy2023["revenue"], 2)
    assert years[2025]["period"] == "9M" and years[2025]["revenueGrowth"] is None
    quarters = [q["fiscalQuarter"] for q in data["quarterly"]]
    assert "2025Q3" in quarters and "2026Q2" in quarters
    assert data["segments"] == [] and data["mainProducts"]


def test_ohlcv_daily_defaults_to_one_year_from_newest_bar(client):
    body = client.get("/api/companies/1/ohlcv?interval=1d").json()
    bars = body["data"]
    assert body["interval"] == "1d" and body["asOf"] == "2026-08-21" and body["source"] == "krx"
    assert body["openBar"] is None
    assert 150 < len(bars) < 260  # a year, minus the 2025-06-18 … 08-17 gap of the snapshot
    times = [b["time"] for b in bars]
    assert times == sorted(times)
    newest = dt.datetime.fromtimestamp(times[-1], KST)
    assert newest.date() == dt.date(2026, 8, 21) and newest.hour == 0
    assert (newest - dt.datetime.fromtimestamp(times[0], KST)).days <= 365
    assert set(bars[0]) == {"time", "open", "high", "low", "close", "volume", "amount"}


def test_ohlcv_range_in_iso_and_epoch(client):
    iso = client.get("/api/companies/1/ohlcv?interval=1d&start=2026-08-01&end=2026-08-14").json()["data"]
    start = int(dt.datetime(2026, 8, 1, tzinfo=KST).timestamp())
    end = int(dt.datetime(2026, 8, 14, tzinfo=KST).timestamp())
    epoch = client.get(f"/api/companies/1/ohlcv?interval=1d&start={start}&end={end}").json()["data"]
    assert iso == epoch and 8 <= len(iso) <= 10
    assert all(start <= b["time"] <= end for b in iso)
    dated = client.get("/api/companies/1/ohlcv?interval=1d&start=2026-08-01T00:00:00%2B09:00&end=2026-08-14")
    assert dated.json()["data"] == iso


@pytest.mark.parametrize(
    "query",
    [
        "interval=5m",
        "interval=1d&start=yesterday",
        "interval=1d&start=2026-13-01",
        "interval=1d&start=2026-08-10&end=2026-08-01",
        "interval=1d&end=12ab",
    ],
)
def test_ohlcv_bad_interval_or_range_is_400(client, query):
    assert_error(client.get(f"/api/companies/1/ohlcv?{query}"), 400, "INVALID_REQUEST")


def test_ohlcv_intraday_simulated_bars_plus_open_bar(client, snapshot_database_url, redis_url):
    """The snapshot has no intraday history: the 1m chart is kissim's simulated series (schema `sim`),
    labelled as such, with its open bar; the daily chart stays real and never takes a simulated bar."""
    day = dt.datetime(2026, 8, 21, 9, 0, tzinfo=KST)
    rows = [
        (
            "005930",
            day + dt.timedelta(minutes=i),
            280000 + i,
            280100 + i,
            279900 + i,
            280050 + i,
            1000 + i,
            (280050 + i) * (1000 + i),
            "kissim",
        )
        for i in range(30)
    ]
    # an older day that the default (last trading day) must leave out
    rows.append(("005930", day - dt.timedelta(days=1), 1, 1, 1, 1, 1, 1, "kissim"))

    async def insert():
        conn = await asyncpg.connect(snapshot_database_url)
        await conn.executemany(
            """INSERT INTO sim.stock_prices_1m (symbol, bucket, open, high, low, close, volume, amount, source)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
            rows,
        )
        await conn.close()

    asyncio.run(insert())
    open_time = int((day + dt.timedelta(minutes=30)).timestamp())
    r = redis.Redis.from_url(redis_url)
    simulated_bar = {
        "time": open_time,
        "open": 281000,
        "high": 281500,
        "low": 280900,
        "close": 281200,
        "volume": 77,
        "amount": 21652400,
        "tradeCount": 5,
        "source": "kissim",
    }
    r.set(keys.open_bar("1m", "005930"), orjson.dumps(simulated_bar))
    body = client.get("/api/companies/1/ohlcv?interval=1m").json()
    assert len(body["data"]) == 30 and body["data"][0]["time"] == int(day.timestamp())
    assert body["data"][-1]["close"] == 280079
    assert body["openBar"]["time"] == open_time and body["openBar"]["close"] == 281200
    assert body["source"] == "kissim" and body["simulated"] is True and body["asOf"].startswith("2026-08-21T09:30")
    # explicit range; the open bar is after `end`, so it is left out
    ranged = client.get("/api/companies/1/ohlcv?interval=1m&start=2026-08-21T09:10:00&end=2026-08-21T09:14:00")
    assert [b["close"] for b in ranged.json()["data"]] == [280060, 280061, 280062, 280063, 280064]
    assert ranged.json()["openBar"] is None
    # no 1h bars of any kind for another company: an empty list, not an error
    empty = client.get("/api/companies/2/ohlcv?interval=1h").json()
    assert empty["data"] == [] and empty["asOf"] is None and empty["simulated"] is None
    # the daily chart is the real KRX history: a simulated open bar of today is not attached to it
    r.set(keys.open_bar("1d", "005930"), orjson.dumps({**simulated_bar, "time": int(day.timestamp())}))
    daily = client.get("/api/companies/1/ohlcv?interval=1d").json()
    assert daily["source"] == "krx" and daily["simulated"] is False and daily["openBar"] is None
    assert daily["asOf"] == "2026-08-21"


def test_ohlcv_reports_gaps_in_the_feed(client, snapshot_database_url):
    """A gap ingest recorded (ingest_gaps) is in the ohlcv response of the symbol, with the 1-minute
    bars it repaired; another symbol's gap is not."""
    kst = dt.timezone(dt.timedelta(hours=9))
    at = lambda hh, mm, ss=0: dt.datetime(2026, 8, 21, hh, mm, ss, tzinfo=kst)  # noqa: E731 - a short local helper
    repaired = [int(at(9, m).timestamp()) for m in (10, 11, 12)]
    sql(
        snapshot_database_url,
        """INSERT INTO ingest_gaps (source, cause, started_at, ended_at, symbols, status, repair_source, repaired)
           VALUES ('kissim', 'restart', $1, $2, '{005930,000660}', 'repaired', 'kissim:FHKST03010200', $3::jsonb),
                  ('kissim', 'restart', $1, $2, '{035420}', 'pending', NULL, '{}')""",
        at(9, 10, 30),
        at(9, 12, 15),
        orjson.dumps({"005930": repaired, "000660": []}).decode(),
    )
    body = client.get("/api/companies/1/ohlcv?interval=1m&start=2026-08-21T09:00:00&end=2026-08-21T09:29:00").json()
    assert body["gaps"] == [
        {
            "start": int(at(9, 10, 30).timestamp()),
            "end": int(at(9, 12, 15).timestamp()),
            "cause": "restart",
            "status": "repaired",
            "repairSource": "kissim:FHKST03010200",
            "repairedTimes": repaired,
        }
    ]
    assert {b["time"] for b in body["data"]} >= set(repaired)
    # shown on longer bars too, by kind: the real daily history shows a real feed's gap, not kissim's
    sql(
        snapshot_database_url,
        """INSERT INTO ingest_gaps (source, cause, started_at, ended_at, symbols, status)
           VALUES ('kis', 'restart', $1, $2, '{005930}', 'failed')""",
        at(10, 0),
        at(10, 5),
    )
    daily = client.get("/api/companies/1/ohlcv?interval=1d&start=2026-08-03").json()  # not cached yet
    assert daily["simulated"] is False and [g["status"] for g in daily["gaps"]] == ["failed"]
    before = client.get("/api/companies/1/ohlcv?interval=1m&start=2026-08-21T09:00:00&end=2026-08-21T09:05:00")
    assert before.json()["gaps"] == []
    # a symbol with no 1m bars of either kind yet (minutes after a restart) still shows its gap
    [naver] = sql(snapshot_database_url, "SELECT id FROM companies WHERE symbol = '035420'")
    assert not sql(snapshot_database_url, "SELECT 1 FROM sim.stock_prices_1m WHERE symbol = '035420'")
    bare = client.get(f"/api/companies/{naver['id']}/ohlcv?interval=1m&end=2026-08-21T15:00:00").json()
    assert bare["simulated"] is None and [g["status"] for g in bare["gaps"]] == ["pending"]


def test_an_intraday_chart_asks_ingest_for_todays_bars(client, redis_url):
    """Opening a 1m/15m/1h chart (signed in or not) puts the symbol in `ingest:demand:history`, whose
    symbols ingest fills from the minute-bar API (tests/ingest/test_backfill.py); a daily chart does not.
    (A company no other test charts: a worker tells ingest at most every 30 s per symbol.)"""
    r = redis.Redis.from_url(redis_url)
    r.delete(keys.INGEST_HISTORY_DEMAND)
    assert client.get("/api/companies/4/ohlcv?interval=1d").status == 200
    assert r.zcard(keys.INGEST_HISTORY_DEMAND) == 0
    assert client.get("/api/companies/4/ohlcv?interval=15m").status == 200
    symbol = client.get("/api/companies/4").json()["data"]["symbol"]
    assert abs(r.zscore(keys.INGEST_HISTORY_DEMAND, symbol) - time.time()) < 10
    assert client.get("/api/companies/3/ohlcv?interval=1m&end=2026-08-21T15:00:00").status == 200  # a past range
    assert r.zcard(keys.INGEST_HISTORY_DEMAND) == 1
    r.close()


def test_news_reports_and_analysis(client, snapshot_database_url):
    sql(
        snapshot_database_url,
        """WITH n AS (INSERT INTO news (url, title, summary, source, published_at)
                      SELECT 'https://news.example.com/' || i, '삼성전자 뉴스 ' || i, '요약', 'example',
                             timestamptz '2026-08-20 09:00+09' + i * interval '1 hour'
                      FROM generate_series(1, 25) i RETURNING id)
           INSERT INTO news_companies (news_id, company_id) SELECT id, 1 FROM n""",
    )
    page1 = client.get("/api/companies/1/news?size=10").json()
    assert page1["total"] == 25 and len(page1["data"]) == 10 and page1["data"][0]["title"] == "삼성전자 뉴스 25"
    assert set(page1["data"][0]) == {"newsId", "title", "summary", "url", "source", "publishedAt"}
    page3 = client.get("/api/companies/1/news?size=10&page=3").json()
    assert len(page3["data"]) == 5 and page3["data"][-1]["title"] == "삼성전자 뉴스 1"

    sql(
        snapshot_database_url,
        """INSERT INTO filings (company_id, rcept_no, report_name, report_type, filed_at, url) VALUES
           (1, '20250311001085', '사업보고서 (2024.12)', 'annual', '2025-03-11', 'x'),
           (1, '20250515002000', '분기보고서 (2025.03)', 'quarterly', '2025-05-15', 'x')""",
    )
    reports = client.get("/api/companies/1/reports").json()["data"]
    assert [r["rceptNo"] for r in reports] == ["20250515002000", "20250311001085"]
    assert reports[1]["url"] == "https://dart.fss.or.kr/dsaf001/main.do?rcpNo=20250311001085"
    assert reports[1]["filedAt"] == "2025-03-11" and reports[1]["reportName"].startswith("사업보고서")

    err = assert_error(client.get("/api/companies/1/analysis"), 404, "NOT_FOUND")
    assert err["message"] == "아직 전망 분석이 없습니다."
    sql(
        snapshot_database_url,
        """INSERT INTO analyses (subject_type, subject_id, as_of_date, mode, model, growth_score, outlook, summary,
                                 drivers, risks)
           VALUES ('company', 1, '2026-08-20', 'rule', 'rule-v1', 61, 'neutral', '이전', '["a"]', '["b"]'),
                  ('company', 1, '2026-08-21', 'gemini', 'gemini-2.5-flash', 72, 'positive', '반도체 회복',
                   '["HBM 수요"]', '["환율"]')""",
    )
    analysis = client.get("/api/companies/1/analysis").json()["data"]
    assert analysis["growthScore"] == 72 and analysis["mode"] == "gemini" and analysis["drivers"] == ["HBM 수요"]
    assert analysis["asOfDate"] == "2026-08-21" and analysis["generatedAt"]
    assert_error(client.get("/api/companies/2/analysis"), 404, "NOT_FOUND")


def test_news_paging_validation(client):
    assert_error(client.get("/api/companies/1/news?size=1000"), 400, "INVALID_REQUEST")
    assert_error(client.get("/api/companies/1/news?page=0"), 400, "INVALID_REQUEST")


def test_responses_are_json_with_request_id(client):
    resp = client.get("/api/companies/1/financials")
    assert resp.headers["content-type"].startswith("application/json")
    assert resp.headers.get("x-request-id")
    orjson.loads(resp.body)
