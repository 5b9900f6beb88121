"""`kill -9` of ingest while it streams from kissim (its rows in schema `sim`): the next process takes
the Redis lock over at once (the holder is provably dead), streams again within 5 s, records the gap in `ingest_gaps`,
shows it in `ingest:status`, and repairs the gap's 1-minute bars from the REST minute-bar API
(kissim's bars are built from every trade its market made, sent or not); and every trade the killed
process had published but not yet written is stored by the next one, from its journal."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import time

import orjson
import pytest
import redis

from core.time import KST
from tests.ingest.helpers import Kissim, ingest_env, query, start_ingest, wait_until

SYMBOLS = ["005930", "000660", "035420"]
KEY = "crashkey0001"
RESUME_LIMIT_S = 5.0
RESTART_DELAY_S = 1.0  # what make run's supervisor waits before the first restart


@pytest.fixture(scope="module")
def kissim(output_dir):
    sim = Kissim(output_dir / "kissim-crash.log", "--speed", "600", "--trade-rate", "10")
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def r(redis_url):
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def status(r) -> dict:
    raw = {k.decode(): v.decode() for k, v in r.hgetall("ingest:status").items()}
    if "detail" in raw:
        raw["detail"] = orjson.loads(raw["detail"])
    return raw


def newest_tick(database_url: str) -> dt.datetime | None:
    return query(database_url, "SELECT max(time) AS t FROM sim.stock_ticks")[0]["t"]


def test_killed_ingest_streams_again_and_repairs_the_gap(kissim, database_url, redis_url, r, output_dir):
    data_dir = output_dir / "data-crash"
    shutil.rmtree(data_dir, ignore_errors=True)
    # the default 15 s lock TTL: without the takeover the new process would wait it out
    env = ingest_env(database_url, redis_url, kissim, [KEY], data_dir, SYMBOLS, INGEST_LOCK_TTL_SECONDS="15")
    first = start_ingest(env, output_dir / "ingest-before-kill.log")
    try:
        wait_until(lambda: status(r).get("connected") == "1", 30, message="the first process streaming")
        wait_until(lambda: newest_tick(database_url) is not None, 20, message="ticks stored")
        time.sleep(2.0)
        old_instance = status(r)["detail"]["instance"]
        os.kill(first.process.pid, signal.SIGKILL)
        killed_at, killed_wall = time.monotonic(), dt.datetime.now(dt.UTC)
        first.process.wait()
    finally:
        first.stop()

    time.sleep(RESTART_DELAY_S)
    pubsub = r.pubsub()
    pubsub.psubscribe("stock:realtime:*")
    second = start_ingest(env, output_dir / "ingest-after-kill.log")
    try:
        while True:  # the first tick the new process publishes
            msg = pubsub.get_message(timeout=0.05)
            if msg and msg["type"] == "pmessage":
                break
            assert time.monotonic() - killed_at < RESUME_LIMIT_S, second.output()[-3000:]
        resumed = time.monotonic() - killed_at
        pubsub.close()
        print(f"ingest streaming again {resumed:.2f} s after kill -9 (restarted after {RESTART_DELAY_S:.1f} s)")
        assert resumed < RESUME_LIMIT_S
        assert "took the lock over" in second.output()
        wait_until(lambda: status(r)["detail"]["instance"] != old_instance, 5, message="the new process reporting")

        # the gap is recorded at once and shown in the heartbeat
        gap_rows = wait_until(
            lambda: query(database_url, "SELECT * FROM ingest_gaps ORDER BY id"), 10, message="the gap recorded"
        )
        assert len(gap_rows) == 1
        gap = gap_rows[0]
        # the gap begins at the newest trade the killed process accepted (its journal written by now)
        last_before = query(
            database_url, "SELECT max(time) AS t FROM sim.stock_ticks WHERE received_at <= $1", killed_wall
        )[0]["t"]
        assert gap["source"] == "kissim" and gap["cause"] == "restart" and sorted(gap["symbols"]) == sorted(SYMBOLS)
        assert gap["started_at"] == last_before and gap["ended_at"] > gap["started_at"]
        wait_until(lambda: (status(r)["detail"].get("gap") or {}).get("id") == gap["id"], 5, message="gap in status")

        # repaired once the minute of the first new trade has closed (≤ 65 s)
        done = wait_until(
            lambda: (
                (row := query(database_url, "SELECT * FROM ingest_gaps WHERE id = $1", gap["id"])[0])["status"]
                != "pending"
                and row
            ),
            90,
            message="the gap repaired",
        )
        assert done["status"] == "repaired", done["error"]
        assert done["repair_source"] == "kissim:FHKST03010200"
        shown = wait_until(
            lambda: (g := status(r)["detail"]["gap"])["status"] == "repaired" and g, 5, message="repair in status"
        )
        assert shown["repairedBars"] == sum(len(v) for v in orjson.loads(done["repaired"]).values())
    finally:
        assert second.stop() == 0, second.output()[-3000:]

    repaired = orjson.loads(done["repaired"]) if isinstance(done["repaired"], str) else done["repaired"]
    first_minute = gap["started_at"].astimezone(KST).replace(second=0, microsecond=0)
    last_minute = gap["ended_at"].astimezone(KST).replace(second=0, microsecond=0)
    window = int((last_minute - first_minute).total_seconds() // 60) + 1
    for symbol in SYMBOLS:
        minutes = kissim_minutes(kissim, symbol)
        stored = {
            int(row["bucket"].timestamp()): row
            for row in query(
                database_url,
                "SELECT * FROM sim.stock_prices_1m WHERE symbol = $1 AND bucket BETWEEN $2 AND $3",
                symbol,
                first_minute,
                last_minute,
            )
        }
        # every minute of the gap now holds the broker's whole minute, as kissim's market made it
        assert len(stored) == window == len([m for m in minutes if first_minute <= m <= last_minute]), symbol
        for at, row in stored.items():
            o, h, lo, c, v, _ = minutes[dt.datetime.fromtimestamp(at, KST)]
            assert (row["open"], row["high"], row["low"], row["close"], row["volume"]) == (o, h, lo, c, v), at
        # the partial end minutes were replaced, the missing ones written: all are labelled as repaired
        assert set(repaired[symbol]) == set(stored), symbol
        # bars outside the gap are the pipeline's own
        before = query(
            database_url,
            "SELECT count(*) AS n FROM sim.stock_prices_1m WHERE symbol = $1 AND bucket < $2 AND trade_count IS NULL",
            symbol,
            first_minute,
        )
        assert before[0]["n"] == 0


def test_trades_published_before_a_kill_are_stored_after_it(kissim, database_url, redis_url, r, output_dir):
    """The first process holds its batches for 10 minutes before a COPY, so at the kill everything it
    published is in its memory and its journal only; the next process writes the journal's batches."""
    data_dir = output_dir / "data-journal"
    shutil.rmtree(data_dir, ignore_errors=True)
    env = ingest_env(database_url, redis_url, kissim, [KEY], data_dir, SYMBOLS, INGEST_LOCK_TTL_SECONDS="15")
    holding = {**env, "INGEST_BATCH_MAX_MS": "600000", "INGEST_BATCH_MAX_ROWS": "10000000"}
    pubsub = r.pubsub()
    pubsub.psubscribe("stock:realtime:*")
    published: set[tuple[str, int]] = set()

    def read_published(seconds: float) -> None:
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            msg = pubsub.get_message(timeout=0.05)
            if msg and msg["type"] == "pmessage":
                tick = orjson.loads(msg["data"])
                published.add((tick["symbol"], tick["accVolume"]))

    first = start_ingest(holding, output_dir / "ingest-journal-killed.log")
    try:
        wait_until(lambda: read_published(0.2) or len(published) >= 60, 30, message="60 ticks published")
        os.kill(first.process.pid, signal.SIGKILL)
        first.process.wait()
    finally:
        first.stop()
    read_published(0.5)  # published before the kill, still on their way to this subscriber
    pubsub.close()
    assert list((data_dir / "ingest" / "spool" / "journal").glob("*.journal")), "no journal left by the killed process"
    assert not published & stored_keys(database_url, published), "written before the kill: the test proves nothing"

    second = start_ingest(env, output_dir / "ingest-journal-next.log")
    try:
        wait_until(lambda: stored_keys(database_url, published) == published, 20, message="the journal written")
        assert "journaled batch(es)" in second.output()
    finally:
        assert second.stop() == 0, second.output()[-3000:]
    symbols = sorted({s for s, _ in published})
    copies = query(
        database_url,
        "SELECT symbol, acc_volume, count(*) AS n FROM sim.stock_ticks WHERE symbol = ANY($1) "
        "GROUP BY symbol, acc_volume HAVING count(*) > 1",
        symbols,
    )
    assert copies == [], "a trade stored twice"
    print(f"{len(published)} trades published by the killed process, all stored by the next one")
    # a clean stop leaves no segment behind
    assert not list((data_dir / "ingest" / "spool" / "journal").glob("*.journal"))


def stored_keys(database_url: str, wanted: set[tuple[str, int]]) -> set[tuple[str, int]]:
    rows = query(
        database_url,
        "SELECT symbol, acc_volume FROM sim.stock_ticks WHERE symbol = ANY($1) AND acc_volume = ANY($2)",
        sorted({s for s, _ in wanted}),
        sorted({a for _, a in wanted}),
    )
    return {(row["symbol"], row["acc_volume"]) for row in rows} & wanted


def kissim_minutes(kissim: Kissim, symbol: str) -> dict[dt.datetime, list[int]]:
    import urllib.request

    body = orjson.loads(urllib.request.urlopen(f"{kissim.url}/_kissim/minutes?symbol={symbol}", timeout=5).read())
    day = dt.datetime.strptime(body["date"], "%Y%m%d")
    return {day.replace(hour=int(m[:2]), minute=int(m[2:]), tzinfo=KST): bar for m, bar in body["minutes"].items()}
