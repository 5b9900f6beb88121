"""Compression changes no answer: a replayed day's ticks and 1-minute bars are queried (in SQL and
through the api), their chunks compressed (segment by symbol, order by time), and every query
answers exactly as before — while the chunks take less room."""

from __future__ import annotations

import datetime as dt

import pytest

from core.time import kst_midnight
from tests.api.conftest import start_api
from tests.storage.helpers import SYMBOLS, pause_refresh_policies, replay_date, sql
from tests.support import harness
from tests.support.replayed_day import store_replayed_day

pytestmark = [pytest.mark.storage, pytest.mark.timescale]

QUERIES = [
    "SELECT * FROM stock_ticks WHERE symbol = '000660' ORDER BY time, acc_volume",
    "SELECT symbol, count(*), sum(volume), sum(price * volume), min(time), max(time), max(acc_volume)"
    " FROM stock_ticks GROUP BY symbol ORDER BY symbol",
    # (several trades share a second: order by accumulated volume too, or first/last are a coin toss)
    "SELECT time_bucket('5 minutes', time) AS b, symbol, (array_agg(price ORDER BY time, acc_volume))[1],"
    " max(price), min(price), (array_agg(price ORDER BY time DESC, acc_volume DESC))[1], sum(volume)"
    " FROM stock_ticks GROUP BY 1, 2 ORDER BY 1, 2",
    "SELECT * FROM stock_ticks WHERE symbol = '005930' AND time >= $1::timestamptz + interval '2 hours'"
    " AND time < $1::timestamptz + interval '2 hours 10 minutes' ORDER BY time, acc_volume",
    "SELECT * FROM stock_prices_1m ORDER BY symbol, bucket",
    "SELECT * FROM stock_prices_15m ORDER BY symbol, bucket",
    "SELECT * FROM stock_prices_1h WHERE symbol = '035420' ORDER BY bucket",
]


def _chunks(url: str) -> list[tuple]:
    return [
        tuple(r)
        for r in sql(
            url,
            """SELECT hypertable_name, chunk_schema || '.' || chunk_name, is_compressed
               FROM timescaledb_information.chunks
               WHERE hypertable_schema = 'public' AND hypertable_name IN ('stock_ticks', 'stock_prices_1m')
               ORDER BY 1, 2""",
        )
    ]


def test_query_results_are_identical_before_and_after_compressing(snapshot_database_url, redis_url, tmp_path):
    url = snapshot_database_url
    day = replay_date()
    pause_refresh_policies(url)  # the answers must not change underneath us for another reason
    store_replayed_day(url, SYMBOLS, day, tmp_path / "spool", source="kis")
    session = kst_midnight(day) + dt.timedelta(hours=9)
    api = start_api(url, redis_url, tmp_path / "api.log", API_CACHE_ENABLED="false")
    try:
        paths = [
            f"/api/companies/{company}/ohlcv?interval={interval}&start={day.isoformat()}T09:00:00%2B09:00"
            for company in (1, 2)
            for interval in ("1m", "15m", "1h")
        ]
        before_api = [harness.http("GET", api.url + p).json() for p in paths]
        assert all(b["source"] == "kis" and b["simulated"] is False and b["data"] for b in before_api)
        before = [[tuple(r) for r in sql(url, q, *((session,) if "$1" in q else ()))] for q in QUERIES]
        size_before = sql(url, "SELECT hypertable_size('stock_ticks') + hypertable_size('stock_prices_1m') AS n")[0][
            "n"
        ]

        chunks = _chunks(url)
        assert chunks and not any(compressed for _, _, compressed in chunks)
        for _, chunk, _ in chunks:
            sql(url, f"SELECT compress_chunk('{chunk}')")
        assert all(compressed for _, _, compressed in _chunks(url))

        after = [[tuple(r) for r in sql(url, q, *((session,) if "$1" in q else ()))] for q in QUERIES]
        for query, old, new in zip(QUERIES, before, after, strict=True):
            assert old == new, query
        assert [harness.http("GET", api.url + p).json() for p in paths] == before_api
        size_after = sql(url, "SELECT hypertable_size('stock_ticks') + hypertable_size('stock_prices_1m') AS n")[0]["n"]
        assert size_after < size_before
    finally:
        api.stop()
