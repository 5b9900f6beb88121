"""Daily rankings (거래량, 거래대금, 상승률, 하락률, 52주 신고가/신저가) against the bundled snapshot,
each checked against its own SQL written differently (window functions instead of the api's
lateral lookups), plus the ranking-day rule (the market day of every list) with bars added by hand."""

from __future__ import annotations

import asyncio
import datetime as dt

import asyncpg
import pytest

from tests.api.conftest import Client, assert_error, start_api

KINDS = ("volume", "amount", "gainers", "losers", "high52w", "low52w")
SNAPSHOT_DAY = "2026-08-21"
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


# Every listed stock on the day with its previous close and the 52 weeks before it, by window functions.
REFERENCE_SQL = """
WITH bars AS (
    SELECT s.symbol, s.bucket, s.high, s.low, s.close, s.volume, s.amount, c.market,
           lag(s.close) OVER w AS prev_close,
           max(s.high) OVER (w RANGE BETWEEN interval '364 days' PRECEDING AND interval '1 microsecond' PRECEDING)
               AS prior_high,
           min(s.low) OVER (w RANGE BETWEEN interval '364 days' PRECEDING AND interval '1 microsecond' PRECEDING)
               AS prior_low
    FROM stock_prices_1d s JOIN companies c ON c.symbol = s.symbol AND c.delisted_at IS NULL
    WHERE s.bucket > $1::timestamptz - interval '400 days' AND s.bucket <= $1::timestamptz
    WINDOW w AS (PARTITION BY s.symbol ORDER BY s.bucket)
)
SELECT *, round((close - prev_close) * 100.0 / prev_close, 2)::float8 AS pct FROM bars WHERE bucket = $1::timestamptz
"""


@pytest.fixture(scope="module")
def reference(snapshot_database_url):
    day = dt.datetime.fromisoformat(SNAPSHOT_DAY).replace(tzinfo=KST)
    return [dict(r) for r in sql(snapshot_database_url, REFERENCE_SQL, day)]


def _all(client: Client, kind: str, market: str | None = None) -> tuple[dict, list[dict]]:
    """Every page of one ranking (size 100), and the first page's envelope."""
    first = None
    items: list[dict] = []
    page = 1
    while True:
        query = f"/api/rankings/daily?kind={kind}&size=100&page={page}" + (f"&market={market}" if market else "")
        resp = client.get(query)
        assert resp.status == 200, resp.body
        body = resp.json()
        first = first or body
        items += body["data"]
        if page * 100 >= body["total"]:
            return first, items
        page += 1


def test_every_ranking_states_one_as_of_and_its_kind(client):
    for kind in KINDS:
        body = client.get(f"/api/rankings/daily?kind={kind}&size=5").json()
        assert body["status"] == 200 and body["kind"] == kind and body["market"] is None
        assert body["asOf"] == SNAPSHOT_DAY and body["source"] == "krx" and body["excluded"] == 2656 - 1242
        assert body["page"] == 1 and body["size"] == 5 and len(body["data"]) == min(5, body["total"])
        assert {d["asOf"] for d in body["data"]} <= {SNAPSHOT_DAY}
        assert [d["rank"] for d in body["data"]] == list(range(1, len(body["data"]) + 1))


def test_volume_ranking_matches_sql(client, reference):
    _, items = _all(client, "volume")
    want = sorted(reference, key=lambda r: (-r["volume"], r["symbol"]))
    assert [i["symbol"] for i in items] == [r["symbol"] for r in want]
    assert len(items) == 1242  # the stocks with a bar on the day (data/KRX-SOURCE.md)
    top = items[0]
    assert top["volume"] == want[0]["volume"] and top["price"] == want[0]["close"]


def test_amount_ranking_estimates_missing_traded_value(client, reference):
    body, items = _all(client, "amount")
    assert all(i["amountEstimated"] for i in items)  # the snapshot's last day has no traded value
    assert all(i["amount"] == i["price"] * i["volume"] for i in items)
    want = sorted(reference, key=lambda r: (-(r["close"] * r["volume"]), r["symbol"]))
    assert [i["symbol"] for i in items[:50]] == [r["symbol"] for r in want[:50]]
    assert items[0]["name"] == "삼성전자"


@pytest.mark.parametrize("kind,sign", [("gainers", -1), ("losers", 1)])
def test_change_rankings_match_sql(client, reference, kind, sign):
    _, items = _all(client, kind)
    want = sorted((r for r in reference if r["prev_close"]), key=lambda r: (sign * r["pct"], r["symbol"]))
    assert [i["symbol"] for i in items] == [r["symbol"] for r in want]
    pcts = [i["changePercent"] for i in items]
    assert pcts == sorted(pcts, reverse=sign < 0)
    top = items[0]
    assert top["change"] == top["price"] - next(r["prev_close"] for r in want if r["symbol"] == top["symbol"])


def test_52_week_highs_and_lows_match_sql(client, reference):
    _, highs = _all(client, "high52w")
    _, lows = _all(client, "low52w")
    want_highs = {r["symbol"] for r in reference if r["prior_high"] is not None and r["high"] > r["prior_high"]}
    want_lows = {r["symbol"] for r in reference if r["prior_low"] is not None and r["low"] < r["prior_low"]}
    assert {i["symbol"] for i in highs} == want_highs and len(want_highs) > 0
    assert {i["symbol"] for i in lows} == want_lows and len(want_lows) > 0
    assert all(i["high"] > i["priorWeek52High"] for i in highs)
    assert all(i["low"] < i["priorWeek52Low"] for i in lows)
    assert [i["changePercent"] for i in highs] == sorted((i["changePercent"] for i in highs), reverse=True)


def test_markets_split_the_ranking(client):
    everything, all_items = _all(client, "volume")
    kospi, kospi_items = _all(client, "volume", "KOSPI")
    kosdaq, kosdaq_items = _all(client, "volume", "KOSDAQ")
    assert kospi["market"] == "KOSPI" and all(i["market"] == "KOSPI" for i in kospi_items)
    assert all(i["market"] == "KOSDAQ" for i in kosdaq_items)
    assert kospi["total"] + kosdaq["total"] == everything["total"]
    assert kospi["asOf"] == kosdaq["asOf"] == everything["asOf"] == SNAPSHOT_DAY
    assert kospi_items[0]["rank"] == 1
    # the market's order is the whole ranking's order restricted to that market
    assert [i["symbol"] for i in kosdaq_items] == [i["symbol"] for i in all_items if i["market"] == "KOSDAQ"]


def test_pages_continue_the_ranks(client):
    first = client.get("/api/rankings/daily?kind=gainers&size=20").json()["data"]
    second = client.get("/api/rankings/daily?kind=gainers&size=20&page=2").json()["data"]
    both = client.get("/api/rankings/daily?kind=gainers&size=40").json()["data"]
    assert [d["rank"] for d in second] == list(range(21, 41))
    assert first + second == both
    beyond = client.get("/api/rankings/daily?kind=gainers&size=20&page=1000").json()
    assert beyond["data"] == [] and beyond["total"] > 0


def test_validation_errors(client):
    err = assert_error(client.get("/api/rankings/daily"), 400, "MISSING_FIELD")
    assert err["field"] == "kind"
    for query, field in [
        ("kind=volumes", "kind"),
        ("kind=volume&market=NYSE", "market"),
        ("kind=volume&size=0", "size"),
        ("kind=volume&size=101", "size"),
        ("kind=volume&page=0", "page"),
        ("kind=volume&page=x", "page"),
    ]:
        err = assert_error(client.get(f"/api/rankings/daily?{query}"), 400, "INVALID_REQUEST")
        assert err["field"] == field and "Traceback" not in err["message"]


def test_openapi_declares_the_route(client):
    doc = client.get("/api/openapi.json").json()
    op = doc["paths"]["/api/rankings/daily"]["get"]
    kind = next(p for p in op["parameters"] if p["name"] == "kind")
    assert kind["required"] and set(kind["schema"]["enum"]) == set(KINDS)


# ------------------------------------------------------------------------------------ the ranking day


@pytest.fixture()
def uncached_api(snapshot_database_url, redis_url, output_dir):
    server = start_api(
        snapshot_database_url, redis_url, output_dir / "api_daily_uncached.log", API_CACHE_ENABLED="false"
    )
    yield server
    server.stop()


def test_the_ranking_day_is_the_market_day_of_one_source(uncached_api, snapshot_database_url):
    """Bars of a newer day that no market-wide data set covers (what ingest alone writes) leave the
    ranking on the snapshot's last day; once the price backfill records its KIS data set for the
    newer day, that day is the ranking day — of that source only, the other stocks counted out."""
    client = Client(uncached_api.url)
    day = dt.datetime(2026, 8, 24, tzinfo=KST)
    copy_day = """
        INSERT INTO stock_prices_1d (symbol, bucket, open, high, low, close, volume, amount, source)
        SELECT symbol, $1, open, high, low, close, volume, NULL, 'kis' FROM stock_prices_1d
        WHERE bucket = $2 ORDER BY symbol LIMIT $3"""
    last = dt.datetime.fromisoformat(SNAPSHOT_DAY).replace(tzinfo=KST)
    try:
        sql(snapshot_database_url, copy_day, day, last, 700)
        body = client.get("/api/rankings/daily?kind=volume&size=1").json()
        assert body["asOf"] == SNAPSHOT_DAY and body["total"] == 1242 and body["source"] == "krx"

        sql(snapshot_database_url, "INSERT INTO data_sources (name, as_of) VALUES ('kis.prices_daily', '2026-08-24')")
        # one stock reaches exactly its prior 52-week high (not new), another goes one won above it
        prior = {
            r["symbol"]: r["prior_high"]
            for r in sql(
                snapshot_database_url,
                """SELECT s.symbol, max(p.high) AS prior_high FROM stock_prices_1d s
                   JOIN stock_prices_1d p ON p.symbol = s.symbol AND p.bucket < s.bucket
                        AND p.bucket >= s.bucket - interval '364 days'
                   WHERE s.bucket = $1 GROUP BY s.symbol ORDER BY s.symbol LIMIT 2""",
                day,
            )
        }
        (equal, above) = sorted(prior)
        sql(
            snapshot_database_url,
            "UPDATE stock_prices_1d SET high = $3 WHERE symbol = $1 AND bucket = $2",
            equal,
            day,
            prior[equal],
        )
        sql(
            snapshot_database_url,
            "UPDATE stock_prices_1d SET high = $3 WHERE symbol = $1 AND bucket = $2",
            above,
            day,
            prior[above] + 1,
        )
        body = client.get("/api/rankings/daily?kind=volume&size=1").json()
        assert (body["asOf"], body["total"], body["source"], body["excluded"]) == ("2026-08-24", 700, "kis", 2656 - 700)
        highs = {d["symbol"] for d in _all(client, "high52w")[1]}
        assert above in highs and equal not in highs
        # the same bars one day later: the previous close is the copied day's, so nothing changed
        gainers = client.get("/api/rankings/daily?kind=gainers&size=100").json()["data"]
        assert {d["changePercent"] for d in gainers} == {0.0}
    finally:
        sql(snapshot_database_url, "DELETE FROM stock_prices_1d WHERE bucket = $1", day)
        sql(snapshot_database_url, "DELETE FROM data_sources WHERE name = 'kis.prices_daily'")
