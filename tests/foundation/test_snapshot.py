"""The bundled KRX snapshot loads, reloads idempotently, and (TimescaleDB) fills the aggregates."""

import asyncio

import asyncpg
import pytest

from db import snapshot

pytestmark = pytest.mark.storage


def test_hangul_initials():
    assert snapshot.hangul_initials("삼성전자") == "ㅅㅅㅈㅈ"
    assert snapshot.hangul_initials("SK하이닉스") == "skㅎㅇㄴㅅ"


async def _counts(url):
    conn = await asyncpg.connect(url)
    try:
        return {
            "companies": await conn.fetchval("SELECT count(*) FROM companies"),
            "industries": await conn.fetchval("SELECT count(*) FROM industries"),
            "bars": await conn.fetchval("SELECT count(*) FROM stock_prices_1d"),
            "indices": await conn.fetchval("SELECT count(*) FROM index_data"),
            "financials": await conn.fetchval("SELECT count(*) FROM financials WHERE period = 'FY'"),
            "samsung": await conn.fetchrow(
                """SELECT c.name, c.market, i.name AS industry, c.shares_outstanding FROM companies c
                   JOIN industries i ON i.id = c.industry_id WHERE symbol = '005930'"""
            ),
            "samsung_last": await conn.fetchrow(
                """SELECT (bucket AT TIME ZONE 'Asia/Seoul')::date AS day, close, source FROM stock_prices_1d
                   WHERE symbol = '005930' ORDER BY bucket DESC LIMIT 1"""
            ),
            "sources": {r["name"]: r["as_of"] for r in await conn.fetch("SELECT name, as_of FROM data_sources")},
        }
    finally:
        await conn.close()


def test_snapshot_holds_the_bundled_data_and_reloading_changes_nothing(snapshot_database_url):
    before = asyncio.run(_counts(snapshot_database_url))
    assert before["companies"] == 2656
    assert before["industries"] == 162
    assert before["bars"] == 1_276_261
    assert before["indices"] == 24_572
    assert before["financials"] > 20_000
    assert before["samsung"]["name"] == "삼성전자" and before["samsung"]["market"] == "KOSPI"
    assert str(before["samsung_last"]["day"]) == "2026-08-21" and before["samsung_last"]["source"] == "krx"
    assert str(before["sources"]["krx_snapshot.prices_daily"]) == "2026-08-21"
    assert str(before["sources"]["krx_snapshot.companies"]) == "2026-03-20"

    assert asyncio.run(snapshot.load(snapshot_database_url, progress=False)) is True
    after = asyncio.run(_counts(snapshot_database_url))
    assert {k: after[k] for k in ("companies", "bars", "indices", "financials")} == {
        k: before[k] for k in ("companies", "bars", "indices", "financials")
    }
    assert asyncio.run(snapshot.load(snapshot_database_url, if_empty=True, progress=False)) is False


def test_daily_bar_is_stored_at_kst_midnight(snapshot_database_url):
    async def first_bar():
        conn = await asyncpg.connect(snapshot_database_url)
        try:
            return await conn.fetchrow(
                "SELECT bucket, open, high, low, close, volume FROM stock_prices_1d "
                "WHERE symbol = '000020' ORDER BY bucket LIMIT 1"
            )
        finally:
            await conn.close()

    bar = asyncio.run(first_bar())
    assert bar["bucket"].isoformat() == "2023-12-04T15:00:00+00:00"  # 2023-12-05 00:00 KST
    assert (bar["open"], bar["high"], bar["low"], bar["close"], bar["volume"]) == (9350, 9550, 9330, 9550, 78661)


def test_weekly_and_monthly_rollups_cover_the_whole_snapshot(snapshot_database_url, storage):
    """On TimescaleDB the snapshot load refreshes the aggregates over all of history (their policies
    only look back weeks): everything is materialized, nothing is left to aggregate at query time."""

    async def counts():
        conn = await asyncpg.connect(snapshot_database_url)
        try:
            weeks = await conn.fetchval("SELECT count(*) FROM stock_prices_1w")
            months = await conn.fetchval("SELECT count(*) FROM stock_prices_1mo")
            expected_weeks = await conn.fetchval(
                "SELECT count(DISTINCT (symbol, date_trunc('week', bucket, 'Asia/Seoul'))) FROM stock_prices_1d"
            )
            materialized = None
            if storage == "timescaledb":
                table = await conn.fetchval(
                    """SELECT format('%I.%I', materialization_hypertable_schema, materialization_hypertable_name)
                       FROM timescaledb_information.continuous_aggregates WHERE view_name = 'stock_prices_1w'"""
                )
                materialized = await conn.fetchval(f"SELECT count(*) FROM {table}")
            return weeks, months, expected_weeks, materialized
        finally:
            await conn.close()

    weeks, months, expected_weeks, materialized = asyncio.run(counts())
    assert weeks == expected_weeks and 0 < months < weeks
    assert materialized == (weeks if storage == "timescaledb" else None)
