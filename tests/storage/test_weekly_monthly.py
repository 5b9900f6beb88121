"""주봉/월봉 through the api, on both storages: TimescaleDB answers from continuous aggregates over
the daily table, plain PostgreSQL from views that roll the days up on read — and both answer what
the daily bars say: a week from Monday, a month from the 1st (KST), first open, highest high,
lowest low, last close, summed volume, and amount only where every day has one."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from core.time import KST
from tests.api.conftest import Client, assert_error
from tests.storage.helpers import sql

pytestmark = pytest.mark.storage


@pytest.fixture(scope="module")
def client(api_server):
    return Client(api_server.url)


def _period(interval: str, day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday()) if interval == "1w" else day.replace(day=1)


def _rolled_up(url: str, symbol: str, interval: str, start: dt.date) -> list[dict]:
    rows = sql(
        url,
        """SELECT (bucket AT TIME ZONE 'Asia/Seoul')::date AS day, open, high, low, close, volume, amount
           FROM stock_prices_1d WHERE symbol = $1 ORDER BY bucket""",
        symbol,
    )
    out = []
    for period, group in itertools.groupby(rows, key=lambda r: _period(interval, r["day"])):
        days = list(group)
        if period < start:
            continue
        amounts = [d["amount"] for d in days]
        out.append(
            {
                "time": int(dt.datetime(period.year, period.month, period.day, tzinfo=KST).timestamp()),
                "open": days[0]["open"],
                "high": max(d["high"] for d in days),
                "low": min(d["low"] for d in days),
                "close": days[-1]["close"],
                "volume": sum(d["volume"] for d in days),
                "amount": None if None in amounts else sum(amounts),
            }
        )
    return out


@pytest.mark.parametrize(("company", "symbol"), [(1, "005930"), (2, "000660")])
@pytest.mark.parametrize("interval", ["1w", "1mo"])
def test_weekly_and_monthly_bars_roll_up_the_days(client, snapshot_database_url, company, symbol, interval):
    body = client.get(f"/api/companies/{company}/ohlcv?interval={interval}&start=2021-01-01").json()
    assert body["interval"] == interval and body["source"] == "krx" and body["simulated"] is False
    assert body["asOf"] == _period(interval, dt.date(2026, 8, 21)).isoformat() and body["openBar"] is None
    expected = _rolled_up(snapshot_database_url, symbol, interval, dt.date(2021, 1, 1))
    assert len(expected) > (120 if interval == "1w" else 25)
    assert body["data"] == expected


def test_default_spans_and_validation(client):
    weeks = client.get("/api/companies/1/ohlcv?interval=1w").json()["data"]
    months = client.get("/api/companies/1/ohlcv?interval=1mo").json()["data"]
    first_week = dt.datetime.fromtimestamp(weeks[0]["time"], KST).date()
    # the default span (3 years) reaches back past the first daily bar (2023-12-05, a Tuesday)
    assert first_week == dt.date(2023, 12, 4)
    assert all(dt.datetime.fromtimestamp(m["time"], KST).day == 1 for m in months)
    assert_error(client.get("/api/companies/1/ohlcv?interval=1y"), 400, "INVALID_REQUEST")
    assert_error(client.get("/api/companies/999999/ohlcv?interval=1w"), 404, "NOT_FOUND")


def test_index_weeks_come_from_the_rollups(client, snapshot_database_url, storage):
    kinds = {
        r["relname"]: r["relkind"]
        for r in sql(
            snapshot_database_url,
            "SELECT relname, relkind FROM pg_class WHERE relname IN ('index_data_1w', 'stock_prices_1w')",
        )
    }
    assert kinds == {"index_data_1w": b"v", "stock_prices_1w": b"v"}  # a view either way (an aggregate's too)
    aggregates = (
        {
            r["view_name"]
            for r in sql(snapshot_database_url, "SELECT view_name FROM timescaledb_information.continuous_aggregates")
        }
        if storage == "timescaledb"
        else set()
    )
    assert aggregates == (
        {
            "stock_prices_15m",
            "stock_prices_1h",
            "stock_prices_1w",
            "stock_prices_1mo",
            "index_data_1w",
            "index_data_1mo",
        }
        if storage == "timescaledb"
        else set()
    )
    weeks = client.get("/api/indices/kospi?interval=1w&start=2026-01-05&end=2026-03-20").json()["data"]
    days = client.get("/api/indices/kospi?start=2026-01-05&end=2026-03-20").json()["data"]
    assert len(weeks) == 11
    for week in weeks:
        members = [d for d in days if week["time"] <= d["time"] < week["time"] + 7 * 86400]
        assert week["close"] == members[-1]["close"] and week["high"] == max(d["high"] for d in members)
