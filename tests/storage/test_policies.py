"""TimescaleDB's policies as the requirements give them (ticks 7 days, 1m bars 30 days, 15m 90 days,
1h 1 year; daily history kept), compression by symbol in time order, chunks of a day (ticks) and a
week (1m bars) — and the policy jobs really drop and compress what they should when they run."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.storage.helpers import sql

pytestmark = [pytest.mark.storage, pytest.mark.timescale]

KEEP = {
    "public.stock_ticks": "7 days",
    "public.stock_prices_1m": "30 days",
    "public.stock_prices_15m": "90 days",
    "public.stock_prices_1h": "1 year",
    "sim.stock_ticks": "7 days",
    "sim.stock_prices_1m": "30 days",
    "sim.stock_prices_15m": "30 days",
    "sim.stock_prices_1h": "30 days",
    "sim.stock_prices_1d": "30 days",
}

_POLICY_SQL = """
    SELECT j.job_id, coalesce(a.view_schema || '.' || a.view_name, j.hypertable_schema || '.' || j.hypertable_name)
               AS relation, j.config
    FROM timescaledb_information.jobs j
    LEFT JOIN timescaledb_information.continuous_aggregates a
           ON a.materialization_hypertable_schema = j.hypertable_schema
          AND a.materialization_hypertable_name = j.hypertable_name
    WHERE j.proc_name = $1"""


def _policies(url: str, proc: str) -> dict[str, tuple[int, dict]]:
    import orjson

    return {r["relation"]: (r["job_id"], orjson.loads(r["config"])) for r in sql(url, _POLICY_SQL, proc)}


def test_retention_compression_and_chunks_are_configured(database_url):
    retention = _policies(database_url, "policy_retention")
    assert {relation: config["drop_after"] for relation, (_, config) in retention.items()} == KEEP
    compression = _policies(database_url, "policy_compression")
    assert {r: c["compress_after"] for r, (_, c) in compression.items()} == {
        "public.stock_ticks": "1 day",
        "public.stock_prices_1m": "1 day",
        "sim.stock_ticks": "1 day",
        "sim.stock_prices_1m": "1 day",
    }
    settings = {
        (r["hypertable_schema"], r["hypertable_name"], r["attname"]): (
            r["segmentby_column_index"],
            r["orderby_column_index"],
        )
        for r in sql(database_url, "SELECT * FROM timescaledb_information.compression_settings")
    }
    for schema in ("public", "sim"):
        assert settings[(schema, "stock_ticks", "symbol")] == (1, None)
        assert settings[(schema, "stock_ticks", "time")] == (None, 1)
        assert settings[(schema, "stock_prices_1m", "bucket")] == (None, 1)
    refresh = _policies(database_url, "policy_refresh_continuous_aggregate")
    assert set(refresh) >= {"public.stock_prices_15m", "public.stock_prices_1h", "public.stock_prices_1w"}
    chunks = {
        r["hypertable_name"]: r["time_interval"]
        for r in sql(
            database_url,
            """SELECT hypertable_name, time_interval::text FROM timescaledb_information.dimensions
               WHERE hypertable_schema = 'public'""",
        )
    }
    assert (chunks["stock_ticks"], chunks["stock_prices_1m"]) == ("1 day", "7 days")
    # the daily history and the index history are kept
    assert "public.stock_prices_1d" not in retention and "public.index_data" not in retention


def test_policy_jobs_drop_old_chunks_and_compress_finished_ones(database_url):
    tick = "INSERT INTO stock_ticks VALUES (now() - $1::interval, '005930', 70000, 1, $2, 0, 0, 1, now(), 'kis')"
    for age, acc in ((dt.timedelta(days=8), 1), (dt.timedelta(days=3), 2), (dt.timedelta(hours=1), 3)):
        sql(database_url, tick, age, acc)
    retention = _policies(database_url, "policy_retention")
    compression = _policies(database_url, "policy_compression")
    sql(database_url, f"CALL run_job({retention['public.stock_ticks'][0]})")
    assert [r["acc_volume"] for r in sql(database_url, "SELECT acc_volume FROM stock_ticks ORDER BY 1")] == [2, 3]
    sql(database_url, f"CALL run_job({compression['public.stock_ticks'][0]})")
    compressed = sql(
        database_url,
        """SELECT range_end < now() - interval '1 day' AS finished, is_compressed FROM timescaledb_information.chunks
           WHERE hypertable_name = 'stock_ticks' AND hypertable_schema = 'public' ORDER BY range_start""",
    )
    assert [tuple(r) for r in compressed] == [(True, True), (False, False)]
    # compressed or not, the rows read the same
    assert [r["acc_volume"] for r in sql(database_url, "SELECT acc_volume FROM stock_ticks ORDER BY 1")] == [2, 3]
