"""Slot allocation across app keys, polling of symbols without a slot, browser demand, and one
process per key (a second ingest process neither steals nor storms the session)."""

from __future__ import annotations

import csv
import gzip
import shutil
import time

import orjson
import pytest
import redis

from ingest.allocator import allocate, allocate_books, ordered_wanted
from tests.ingest.helpers import Kissim, ingest_env, start_ingest, wait_until
from tests.support import harness

KEY_A, KEY_B = "slotkeyAAAA", "slotkeyBBBB"


def sixty_symbols() -> list[str]:
    with gzip.open(harness.REPO_ROOT / "data" / "companies.csv.gz", "rt") as fh:
        return [row["code"] for row in csv.DictReader(fh)][:60]


# -- the allocator alone -------------------------------------------------------------------


def test_allocator_fills_keys_in_priority_order_and_keeps_symbols_in_place():
    config = [f"{i:06d}" for i in range(60)]
    one = allocate(["a"], 41, ordered_wanted([], [], config), {})
    assert one.streams["a"] == config[:41] and one.polled == config[41:]
    two = allocate(["a", "b"], 41, ordered_wanted([], [], config), {"a": one.streams["a"]})
    assert two.streams["a"] == config[:41] and two.streams["b"] == config[41:] and not two.polled
    demanded = config[50]
    wanted = ordered_wanted([demanded], ["000003"], config)
    after = allocate(["a"], 41, wanted, {"a": one.streams["a"]})
    assert demanded in after.streams["a"] and config[40] in after.polled  # the last config-only symbol
    assert set(after.streams["a"]) - {demanded} == set(config[:41]) - {config[40]}
    refused = allocate(["a"], 41, config, {}, {"a": {config[0]}})
    assert config[0] in refused.polled


# -- real processes ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kissim(output_dir):
    sim = Kissim(output_dir / "kissim-slots.log", "--trade-rate", "2", "--frame-interval-ms", "100")
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def r(redis_url):
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def registrations(kissim, key: str) -> set[str]:
    return {
        s
        for sess in kissim.stats()["sessions"]
        if sess["appkey"] == key and not sess["refused"]
        for s in sess["registrations"]
    }


def modes(r) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in r.hgetall("ingest:symbols").items()}


def test_sixty_symbols_one_key_then_demand_then_a_second_key(kissim, r, database_url, redis_url, output_dir):
    symbols = sixty_symbols()
    data_dir = output_dir / "data-slots"
    shutil.rmtree(data_dir, ignore_errors=True)
    env = ingest_env(database_url, redis_url, kissim, [KEY_A], data_dir, symbols)
    proc = start_ingest(env, output_dir / "ingest-slots-1.log")
    try:
        wait_until(lambda: registrations(kissim, KEY_A) == set(symbols[:41]), 20, message="41 registrations")
        m = wait_until(lambda: (m := modes(r)) and len(m) == 60 and m, 10, message="ingest:symbols")
        assert [s for s in symbols if m[s] == "stream"] == symbols[:41]
        assert [s for s in symbols if m[s] == "poll"] == symbols[41:]
        # polled symbols are published, labelled as such
        pubsub = r.pubsub()
        pubsub.subscribe(f"stock:realtime:{symbols[59]}")
        msg = wait_until(
            lambda: (x := pubsub.get_message(timeout=0.5)) and x["type"] == "message" and x, 15, message="a polled tick"
        )
        tick = orjson.loads(msg["data"])
        assert tick["source"] == "poll" and tick["symbol"] == symbols[59] and tick["price"] > 0
        pubsub.close()
        assert orjson.loads(r.get(f"tick:last:{symbols[59]}"))["source"] == "poll"

        # a symbol opened in a browser takes the slot of the last config-only symbol
        demanded = symbols[50]
        r.zadd("ingest:demand", {demanded: time.time()})
        r.publish("ingest:control", orjson.dumps({"action": "demand", "symbols": [demanded]}))
        wait_until(lambda: demanded in registrations(kissim, KEY_A), 5, message="demanded symbol streamed")
        wait_until(lambda: symbols[40] not in registrations(kissim, KEY_A), 5, message="slot released")
        m = wait_until(lambda: (m := modes(r)).get(demanded) == "stream" and m, 5, message="modes updated")
        assert m[symbols[40]] == "poll"
        assert len(registrations(kissim, KEY_A)) == 41
    finally:
        assert proc.stop() == 0

    # a second key streams the rest
    env = ingest_env(database_url, redis_url, kissim, [KEY_A, KEY_B], data_dir, symbols)
    proc = start_ingest(env, output_dir / "ingest-slots-2.log")
    try:
        wait_until(
            lambda: len(registrations(kissim, KEY_A)) == 41 and len(registrations(kissim, KEY_B)) == 19,
            20,
            message="41 + 19 registrations",
        )
        both = registrations(kissim, KEY_A) | registrations(kissim, KEY_B)
        assert both == set(symbols)
        wait_until(
            lambda: set(modes(r).values()) == {"stream"} and len(modes(r)) == 60, 10, message="every symbol streamed"
        )
    finally:
        assert proc.stop() == 0
        r.delete("ingest:demand")


def test_a_second_process_on_the_same_key_neither_steals_nor_storms(kissim, r, database_url, redis_url, output_dir):
    symbols = ["005930", "000660", "035420"]
    env = ingest_env(
        database_url, redis_url, kissim, [KEY_A], output_dir / "data-lock-1", symbols, INGEST_LOCK_TTL_SECONDS="3"
    )
    first = start_ingest(env, output_dir / "ingest-lock-1.log")
    second = None
    try:
        wait_until(lambda: registrations(kissim, KEY_A) == set(symbols), 20, message="first process streams")
        before = kissim.stats()
        env2 = {**env, "DATA_DIR": str(output_dir / "data-lock-2")}
        second = start_ingest(env2, output_dir / "ingest-lock-2.log")
        time.sleep(6)
        after = kissim.stats()
        assert second.process.poll() is None
        assert after["connects"][KEY_A] == before["connects"][KEY_A]  # no session taken over
        assert after["stats"].get("in_use_refusals", 0) == before["stats"].get("in_use_refusals", 0)
        assert after["stats"]["ws_connections"] == before["stats"]["ws_connections"]  # not even a try
        assert registrations(kissim, KEY_A) == set(symbols)
        status = {k.decode(): v.decode() for k, v in r.hgetall("ingest:status").items()}
        assert status["connected"] == "1" and status["mode"] == "stream"
        # the first process goes away: the second takes the key over (once)
        assert first.stop() == 0
        wait_until(
            lambda: (
                kissim.stats()["connects"][KEY_A] == before["connects"][KEY_A] + 1
                and registrations(kissim, KEY_A) == set(symbols)
            ),
            15,
            message="failover to the second process",
        )
        time.sleep(2)
        assert kissim.stats()["connects"][KEY_A] == before["connects"][KEY_A] + 1
    finally:
        first.stop()
        if second is not None:
            assert second.stop() == 0


def test_order_books_share_the_budget_and_trades_come_first():
    trades = [f"{i:06d}" for i in range(1, 40)]
    streams = allocate(["a"], 41, trades, {}).streams
    assert len(streams["a"]) == 39
    books = allocate_books(["a"], 41, streams, ["000001", "000002", "000003"], {})
    assert books == {"a": ["000001", "000002"]}  # 39 trades + 2 books = 41
    # with a second key: 42 trades fill "a" and put one on "b"; books go to the key streaming their
    # trades when it has room, else to any key with room
    many = [f"{i:06d}" for i in range(1, 43)]
    streams = allocate(["a", "b"], 41, many, {}).streams
    assert len(streams["a"]) == 41 and streams["b"] == ["000042"]
    books = allocate_books(["a", "b"], 41, streams, ["000042", "000001", "000002"], {})
    assert books == {"a": [], "b": ["000042", "000001", "000002"]}
    # more trade demand takes the slots back from the books
    more = allocate(["a"], 41, [f"{i:06d}" for i in range(1, 42)], {}).streams
    assert allocate_books(["a"], 41, more, ["000001"], {"a": ["000001"]}) == {"a": []}
