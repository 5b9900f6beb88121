"""Today's 1-minute bars of a stock someone opens, filled from the minute-bar REST API (ingest/backfill.py):
kissim and ingest as real processes, the stored bars compared with kissim's own minute bars."""

from __future__ import annotations

import datetime as dt
import shutil
import time
import urllib.request

import orjson
import pytest
import redis

from core.contract import keys
from core.time import KST, kst_midnight, kst_today
from tests.ingest.helpers import Kissim, ingest_env, query, start_ingest, wait_until

STREAMED, OPENED = "005930", "035720"  # ingest follows the first; the second is only opened in a chart
KEY = "backfill0001"


@pytest.fixture(scope="module")
def kissim(output_dir):
    sim = Kissim(output_dir / "kissim-backfill.log", "--trade-rate", "20", "--frame-interval-ms", "100")
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def ingest(database_url, redis_url, kissim, output_dir):
    data_dir = output_dir / "data-backfill"
    shutil.rmtree(data_dir, ignore_errors=True)
    proc = start_ingest(
        ingest_env(database_url, redis_url, kissim, [KEY], data_dir, [STREAMED]), output_dir / "ingest-backfill.log"
    )
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def r(redis_url):
    client = redis.Redis.from_url(redis_url)
    yield client
    client.delete(keys.INGEST_HISTORY_DEMAND)
    client.close()


def kissim_minutes(kissim: Kissim, symbol: str) -> dict[int, list[int]]:
    """kissim's minute bars of every trade it made today: epoch seconds → [open, high, low, close, volume]."""
    body = orjson.loads(urllib.request.urlopen(f"{kissim.url}/_kissim/minutes?symbol={symbol}", timeout=5).read())
    day = dt.datetime.strptime(body["date"], "%Y%m%d").date()
    out = {}
    for hhmm, bar in body["minutes"].items():
        start = dt.datetime(day.year, day.month, day.day, int(hhmm[:2]), int(hhmm[2:]), tzinfo=KST)
        out[int(start.timestamp())] = bar[:5]
    return out


def stored_minutes(database_url: str, symbol: str) -> dict[int, list[int]]:
    rows = query(
        database_url,
        "SELECT bucket, open, high, low, close, volume FROM sim.stock_prices_1m WHERE symbol = $1 AND bucket >= $2",
        symbol,
        kst_midnight(kst_today()),
    )
    return {int(r["bucket"].timestamp()): [r["open"], r["high"], r["low"], r["close"], r["volume"]] for r in rows}


def backfill_row(database_url: str, symbol: str):
    rows = query(
        database_url,
        "SELECT status, repair_source, repaired -> $1 AS repaired, started_at, ended_at FROM ingest_gaps "
        "WHERE cause = 'backfill' AND $1 = ANY (symbols) ORDER BY id DESC LIMIT 1",
        symbol,
    )
    return rows[0] if rows else None


def test_a_stock_nobody_followed_gets_its_morning_from_the_minute_bar_api(ingest, kissim, r, database_url):
    wait_until(lambda: kissim.stats()["stats"].get("trades_sent", 0) > 0, 20, message="ingest streaming")
    r.zadd(keys.INGEST_HISTORY_DEMAND, {OPENED: time.time()})
    row = wait_until(
        lambda: (b := backfill_row(database_url, OPENED)) and b["status"] == "repaired" and b, 20, message="backfill"
    )
    assert row["repair_source"] == "kissim:FHKST03010200"
    written = orjson.loads(row["repaired"])
    assert len(written) >= 20, "kissim's demo makes the last half hour of a symbol asked for"
    broker, stored = kissim_minutes(kissim, OPENED), stored_minutes(database_url, OPENED)
    covered_until = int(row["ended_at"].timestamp()) - 60
    for minute in written:
        assert minute <= covered_until and stored[minute] == broker[minute], minute
    # only closed minutes were written; nothing was streamed for this symbol
    assert max(stored) <= covered_until < time.time() - 60 + 5
    assert kissim.stats()["stats"]["rest_minute_calls"] >= 2  # 30 rows a call


def test_bars_ingest_already_wrote_are_never_doubled(ingest, kissim, r, database_url):
    wait_until(lambda: len(stored_minutes(database_url, STREAMED)) >= 2, 150, message="two streamed minutes stored")
    r.zadd(keys.INGEST_HISTORY_DEMAND, {STREAMED: time.time()})
    row = wait_until(lambda: backfill_row(database_url, STREAMED), 20, message="backfill of a streamed symbol")
    assert row["status"] == "repaired"
    broker, stored = kissim_minutes(kissim, STREAMED), stored_minutes(database_url, STREAMED)
    covered_until = int(row["ended_at"].timestamp()) - 60
    closed = [m for m in stored if m <= covered_until]
    assert closed, "some closed minutes to compare"
    for minute in closed:  # equal to the broker's minute: streamed and filled never add up
        assert stored[minute] == broker[minute], (minute, stored[minute], broker[minute])
    # kissim's market began with ingest's subscription: the streamed minutes were complete, none rewritten
    # except the one in which streaming began (seen only in part)
    assert len(orjson.loads(row["repaired"])) <= 1
