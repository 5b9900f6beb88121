"""Real never mixed with simulated, through the api, on both storages:

* kissim's ticks and bars live in schema `sim`: no quote, ranking, industry total or comparison
  moves when a simulated day is stored, and the charts say which series they show;
* every list is priced on one market day — one source, one as-of — and counts (and says) the
  companies without a price that day;
* a real source starting empties the simulated schema.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest

from core import series
from tests.api.conftest import Client, new_user, start_api
from tests.ingest.helpers import Kissim, ingest_env, start_ingest, wait_until
from tests.storage.helpers import replay_date, sql
from tests.support.replayed_day import store_replayed_day

pytestmark = pytest.mark.storage

SNAPSHOT_DAY = "2026-08-21"
KIS_DAY = dt.date(2026, 8, 24)
KIS_SYMBOLS = ("005930", "000660", "035420")  # the companies the newer (kis) data set prices


@pytest.fixture(scope="module")
def api(snapshot_database_url, redis_url, output_dir):
    # uncached, so each answer reflects the database at that moment
    server = start_api(
        snapshot_database_url, redis_url, output_dir / "simulated-apart-api.log", API_CACHE_ENABLED="false"
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client(api):
    return Client(api.url)


def _krx_close(url: str, symbol: str, day: str = SNAPSHOT_DAY) -> int:
    return sql(
        url,
        "SELECT close FROM stock_prices_1d WHERE symbol = $1 AND bucket = $2::timestamp AT TIME ZONE 'Asia/Seoul'",
        symbol,
        dt.date.fromisoformat(day),
    )[0]["close"]


def _simulated_rows(url: str) -> int:
    tables = [series.tick_table(simulated=True)] + [series.bar_table(i, simulated=True) for i in series.INTERVALS]
    return sum(sql(url, f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in tables)


def test_a_simulated_day_changes_no_real_figure(client, snapshot_database_url, tmp_path):
    url = snapshot_database_url
    before = {
        "profile": client.get("/api/companies/1").json()["data"],
        "ranking": client.get("/api/rankings/companies?size=20").json(),
        "industries": client.get("/api/rankings/industries").json(),
    }
    day = store_replayed_day(url, ["005930", "000660"], replay_date(), tmp_path / "spool", trades_per_second=0.5)
    assert day.ticks > 10_000 and len(day.closed["1d"]) == 2  # including a simulated daily bar newer than any real one
    # nothing of it in the real history
    for table in ("stock_ticks", "stock_prices_1m", "stock_prices_1d"):
        assert sql(url, f"SELECT count(*) AS n FROM public.{table} WHERE source = 'kissim'")[0]["n"] == 0
    assert sql(url, "SELECT count(*) AS n FROM sim.stock_prices_1d")[0]["n"] == 2

    profile = client.get("/api/companies/1").json()["data"]
    assert profile == before["profile"]
    assert (
        profile["price"] == _krx_close(url, "005930") and profile["source"] == "krx" and profile["asOf"] == SNAPSHOT_DAY
    )
    assert client.get("/api/rankings/companies?size=20").json() == before["ranking"]
    assert client.get("/api/rankings/industries").json() == before["industries"]

    # the charts: intraday is the simulated series, labelled; the daily chart stays the real history
    for interval in ("1m", "15m", "1h"):
        chart = client.get(f"/api/companies/1/ohlcv?interval={interval}").json()
        assert chart["simulated"] is True and chart["source"] == "kissim" and chart["data"], interval
        assert chart["asOf"].startswith(replay_date().isoformat())
    daily = client.get("/api/companies/1/ohlcv?interval=1d").json()
    assert daily["simulated"] is False and daily["source"] == "krx" and daily["asOf"] == SNAPSHOT_DAY
    assert dt.datetime.fromtimestamp(daily["data"][-1]["time"], dt.UTC).date() < replay_date()


def test_every_list_is_one_source_on_one_day_and_counts_the_rest(client, snapshot_database_url):
    url = snapshot_database_url
    # a newer market-wide data set (the price backfill's, from KIS) that prices three companies only
    for n, symbol in enumerate(KIS_SYMBOLS):
        close = _krx_close(url, symbol) + 100 * (n + 1)
        sql(
            url,
            """INSERT INTO stock_prices_1d (symbol, bucket, open, high, low, close, volume, amount, source)
               VALUES ($1, $2::date::timestamp AT TIME ZONE 'Asia/Seoul', $3, $3, $3, $3, 1000, NULL, 'kis')""",
            symbol,
            KIS_DAY,
            close,
        )
    sql(url, "INSERT INTO data_sources (name, as_of, row_count) VALUES ('kis.prices_daily', $1, 3)", KIS_DAY)
    listed = sql(url, "SELECT count(*) AS n FROM companies WHERE delisted_at IS NULL")[0]["n"]

    ranking = client.get("/api/rankings/companies?size=50").json()
    assert (ranking["asOf"], ranking["source"], ranking["total"], ranking["excluded"]) == (
        KIS_DAY.isoformat(),
        "kis",
        3,
        listed - 3,
    )
    assert {r["symbol"] for r in ranking["data"]} == set(KIS_SYMBOLS)
    assert all(r["source"] == "kis" and r["asOf"] == KIS_DAY.isoformat() for r in ranking["data"])
    samsung = next(r for r in ranking["data"] if r["symbol"] == "005930")
    assert samsung["change"] == 100  # vs the previous real close (the snapshot's 2026-08-21)

    kosdaq = client.get("/api/rankings/companies?market=KOSDAQ").json()
    assert (
        kosdaq["total"] == 0
        and kosdaq["excluded"]
        == sql(url, "SELECT count(*) AS n FROM companies WHERE market = 'KOSDAQ' AND delisted_at IS NULL")[0]["n"]
    )

    industries = client.get("/api/rankings/industries").json()
    assert (industries["asOf"], industries["source"]) == (KIS_DAY.isoformat(), "kis")
    assert sum(i["companyCount"] for i in industries["data"]) == 3
    with_industry = sql(
        url, "SELECT count(*) AS n FROM companies WHERE industry_id IS NOT NULL AND delisted_at IS NULL"
    )
    assert sum(i["excludedCount"] for i in industries["data"]) == with_industry[0]["n"] - 3
    top = industries["data"][0]
    detail = client.get(f"/api/industries/{top['industryId']}").json()["data"]
    assert detail["asOf"] == KIS_DAY.isoformat() and detail["excluded"] == top["excludedCount"]
    assert all(c["source"] == "kis" for c in detail["topCompanies"])
    inside = client.get(f"/api/rankings/industries/{top['industryId']}/companies").json()
    assert inside["total"] == top["companyCount"] and inside["excluded"] == top["excludedCount"]
    listing = client.get("/api/industries").json()
    assert listing["asOf"] == KIS_DAY.isoformat() and listing["excluded"] == listed - 3

    found = client.get(f"/api/companies?keyword={quote('삼성')}&size=30").json()
    priced = [c for c in found["data"] if c["price"] is not None]
    assert (found["asOf"], found["source"]) == (KIS_DAY.isoformat(), "kis")
    assert [c["symbol"] for c in priced] == ["005930"] and found["excluded"] == len(found["data"]) - 1

    user, _ = new_user(client.base)
    unpriced_id = sql(url, "SELECT id FROM companies WHERE symbol = '373220'")[0]["id"]  # no kis bar that day
    for company in (1, unpriced_id):
        assert user.post("/api/users/favorites", {"companyId": company}).status == 201
    favorites = user.get("/api/users/favorites").json()
    assert (favorites["asOf"], favorites["source"], favorites["excluded"]) == (KIS_DAY.isoformat(), "kis", 1)
    assert {f["companyId"]: f["price"] is None for f in favorites["data"]} == {1: False, unpriced_id: True}

    created = user.post("/api/comparisons", {"name": "한 시장일", "companies": [1, 2, unpriced_id]}).json()
    compared = user.get(f"/api/comparisons/{created['comparisonId']}").json()["data"]
    assert (compared["asOf"], compared["source"], compared["excluded"]) == (KIS_DAY.isoformat(), "kis", 1)
    assert compared["endDate"] == KIS_DAY.isoformat()
    assert [c["price"] is None for c in compared["companies"]] == [False, False, True]
    # performance reads the one source only: the kis closes (one day here), never the snapshot's
    assert [len(p["points"]) for p in compared["performance"]] == [1, 1, 0]


def test_a_real_source_empties_the_simulated_schema(snapshot_database_url, redis_url, output_dir, client):
    url = snapshot_database_url
    assert _simulated_rows(url) > 0  # the simulated day of the first test
    kissim = Kissim(output_dir / "kissim-real-switch.log", "--speed", "600", "--trade-rate", "5")
    ingest = None
    try:
        env = ingest_env(url, redis_url, kissim, ["switchkey01"], output_dir / "data-real-switch", ["005930"])
        env["INGEST_SOURCE"] = "kis"  # the broker (kissim speaks its protocol): a real source
        ingest = start_ingest(env, output_dir / "ingest-real-switch.log")
        wait_until(lambda: _simulated_rows(url) == 0, 30, message="the simulated schema emptied")
        wait_until(
            lambda: sql(url, "SELECT count(*) AS n FROM public.stock_ticks WHERE source = 'kis'")[0]["n"] > 0,
            30,
            message="real ticks stored",
        )
    finally:
        if ingest is not None:
            assert ingest.stop() == 0, ingest.output()[-2000:]
        kissim.stop()
    assert "dropped" in ingest.log_path.read_text() and _simulated_rows(url) == 0
    chart = client.get("/api/companies/1/ohlcv?interval=1m").json()
    assert chart["simulated"] is False and chart["source"] == "kis" and chart["data"]
