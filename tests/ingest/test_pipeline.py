"""ingest against kissim, as real processes, with real PostgreSQL and Redis: the happy path, then
faults in order — malformed and extra-field frames, a dropped connection, a silent connection,
a Redis restart, a 20 s PostgreSQL outage — and finally proof that every trade kissim sent is
stored exactly once and the stored bars equal the bars recomputed from the stored ticks (on
TimescaleDB the 15m/1h bars are continuous aggregates over the 1m bars, so they are checked too).
kissim's rows are simulated: they live in schema `sim`."""

from __future__ import annotations

import shutil
import threading
import time
from collections import Counter

import orjson
import pytest
import redis

from core.contract import keys
from core.contract.bars import FIELDS, decode_open_bar
from tests.ingest.helpers import Kissim, ingest_env, query, start_ingest, wait_until
from tests.streaming.helpers import AsyncApi
from tests.support.harness import REPO_ROOT

SYMBOLS = ["005930", "000660", "035420", "051910", "068270"]
KEY = "pipekey0001"


@pytest.fixture(scope="module")
def kissim(output_dir):
    sim = Kissim(
        output_dir / "kissim-pipeline.log",
        "--speed",
        "600",
        "--trade-rate",
        "25",
        "--frame-interval-ms",
        "50",
        "--pingpong-seconds",
        "1",
        "--ledger",
        "--replay-on-subscribe",
        "1",
    )
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def ingest(database_url, redis_url, kissim, output_dir):
    data_dir = output_dir / "data-pipeline"
    shutil.rmtree(data_dir, ignore_errors=True)
    # a small memory buffer, so the PostgreSQL outage below also spills to disk
    env = ingest_env(database_url, redis_url, kissim, [KEY], data_dir, SYMBOLS, INGEST_BUFFER_MAX_ROWS="400")
    proc = start_ingest(env, output_dir / "ingest-pipeline.log")
    yield proc
    proc.stop()


class Collector(threading.Thread):
    """Every tick published on stock:realtime:*, across Redis restarts."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.ticks: list[dict] = []
        self.running = True
        self.subscribed = threading.Event()

    def run(self) -> None:
        while self.running:
            try:
                client = redis.Redis.from_url(self.url, socket_timeout=2)
                pubsub = client.pubsub()
                pubsub.psubscribe("stock:realtime:*")
                self.subscribed.set()
                while self.running:
                    msg = pubsub.get_message(timeout=0.5)
                    if msg and msg["type"] == "pmessage":
                        self.ticks.append(orjson.loads(msg["data"]))
            except (redis.ConnectionError, redis.TimeoutError, OSError):
                time.sleep(0.2)


@pytest.fixture(scope="module")
def collector(redis_url):
    thread = Collector(redis_url)
    thread.start()
    thread.subscribed.wait(5)
    yield thread
    thread.running = False


@pytest.fixture(scope="module")
def r(redis_url):
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def status(r) -> dict:
    raw = r.hgetall("ingest:status")
    out = {k.decode(): v.decode() for k, v in raw.items()}
    if "detail" in out:
        out["detail"] = orjson.loads(out["detail"])
    return out


def counters(r) -> dict:
    return status(r).get("detail", {}).get("metrics", {}).get("counters", {})


def registered(kissim) -> set[str]:
    return {s for sess in kissim.stats()["sessions"] if not sess["refused"] for s in sess["registrations"]}


def test_ticks_flow_to_redis_and_postgres(collector, ingest, kissim, r, database_url):
    pubsub = r.pubsub()
    pubsub.psubscribe("stock:realtime:*")
    wait_until(lambda: registered(kissim) == set(SYMBOLS), 20, message="all symbols registered")
    got = []
    deadline = time.monotonic() + 10
    while len(got) < 20 and time.monotonic() < deadline:
        msg = pubsub.get_message(timeout=1)
        if msg and msg["type"] == "pmessage":
            got.append(orjson.loads(msg["data"]))
    pubsub.close()
    assert len(got) >= 20, ingest.output()
    tick = got[-1]
    assert set(tick) >= {
        "type",
        "symbol",
        "price",
        "volume",
        "change",
        "changePercent",
        "accVolume",
        "open",
        "high",
        "low",
        "side",
        "timestamp",
        "receivedAt",
        "source",
        "seq",
    }
    assert tick["type"] == "tick" and tick["source"] == "kissim" and tick["symbol"] in SYMBOLS
    assert tick["low"] <= tick["price"] <= tick["high"]
    last = orjson.loads(wait_until(lambda: r.get(f"tick:last:{tick['symbol']}"), 2, message="tick:last"))
    assert last["symbol"] == tick["symbol"]
    assert tick["marketCode"] == "20" and tick["session"] == "0" and tick["halted"] is False  # kissim: 장중 보통
    feed = orjson.loads(wait_until(lambda: r.get(keys.MARKET_FEED), 2, message="market:feed"))
    assert feed["code"] == "20" and feed["source"] == "kissim" and 0 < r.ttl(keys.MARKET_FEED) <= 120
    bar = decode_open_bar(r.get(keys.open_bar("1m", tick["symbol"])))
    assert bar is not None and set(bar) == set(FIELDS)
    assert bar["low"] <= bar["close"] <= bar["high"] and bar["time"] % 60 == 0
    st = wait_until(lambda: (s := status(r)).get("connected") == "1" and s, 10, message="status connected")
    assert st["source"] == "kissim" and st["mode"] == "stream"
    assert abs(int(st["updatedAt"]) - time.time() * 1000) < 5000 and int(st["lastTickAt"]) > 0
    assert r.hget("ingest:symbols", "005930") == b"stream"
    wait_until(
        lambda: query(database_url, "SELECT count(*) AS n FROM sim.stock_ticks")[0]["n"] > 50,
        10,
        message="ticks in stock_ticks",
    )
    row = query(database_url, "SELECT * FROM sim.stock_ticks ORDER BY time DESC LIMIT 1")[0]
    # simulated: nothing of kissim's in the real history
    assert query(database_url, "SELECT count(*) AS n FROM public.stock_ticks")[0]["n"] == 0
    assert row["source"] == "kissim" and row["symbol"] in SYMBOLS and row["side"] in (1, 5)


def test_order_books_of_watched_symbols_are_published_and_match_the_asyncapi_document(ingest, kissim, r):
    spec = AsyncApi(orjson.loads((REPO_ROOT / "api/streaming/asyncapi.json").read_bytes()))
    watched = SYMBOLS[1]
    pubsub = r.pubsub()
    pubsub.subscribe(keys.book_channel(watched), keys.tick_channel(watched))
    r.zadd(keys.INGEST_BOOK_DEMAND, {watched: time.time()})
    r.publish(keys.INGEST_CONTROL, orjson.dumps({"action": "demand", "symbols": [], "orderbook": [watched]}))
    wait_until(lambda: any(watched in s["books"] for s in kissim.stats()["sessions"]), 10, message="book registered")
    books, ticks = [], []
    deadline = time.monotonic() + 15
    while (len(books) < 3 or not ticks) and time.monotonic() < deadline:
        msg = pubsub.get_message(timeout=1)
        if msg and msg["type"] == "message":
            (books if msg["channel"].startswith(b"stock:orderbook:") else ticks).append(orjson.loads(msg["data"]))
    pubsub.close()
    assert len(books) >= 3 and ticks, ingest.output()
    for book in books:
        spec.check(book, "orderbook")
        assert book["symbol"] == watched and book["source"] == "kissim" and len(book["asks"]) == len(book["bids"]) == 10
        asks, bids = [p for p, _ in book["asks"]], [p for p, _ in book["bids"]]
        assert asks == sorted(asks) and bids == sorted(bids, reverse=True) and bids[0] < asks[0]
    spec.check(ticks[-1], "tick")
    # the last book is kept with the other state (INGEST_STATE_WRITE_MS), on a later publish
    wait_until(lambda: r.get(keys.last_book(watched)) is not None, 5, message="the last book kept")
    assert orjson.loads(r.get(keys.last_book(watched)))["symbol"] == watched
    wait_until(lambda: status(r)["detail"]["keys"][0]["bookSlots"] == 1, 5, message="bookSlots in the status")
    r.delete(keys.INGEST_BOOK_DEMAND)


def test_malformed_and_extra_field_frames_are_counted_and_the_stream_continues(ingest, kissim, r):
    before = counters(r)
    kissim.fault("malformed", count=3)
    kissim.fault("extra_fields", count=10)
    after = wait_until(
        lambda: (
            (c := counters(r)).get("errors", 0) >= before.get("errors", 0) + 10
            and c.get("extra_field_records", 0) > before.get("extra_field_records", 0)
            and c
        ),
        10,
        message="error and extra-field counters",
    )
    published = after["published"]
    wait_until(lambda: counters(r)["published"] > published + 50, 10, message="stream continues")
    assert ingest.process.poll() is None


def session_ids(kissim) -> set[int]:
    return {sess["id"] for sess in kissim.stats()["sessions"] if not sess["refused"]}


def test_dropped_connection_reconnects_and_resubscribes(ingest, kissim, r):
    old = session_ids(kissim)
    kissim.fault("drop")
    started = time.monotonic()
    wait_until(
        lambda: session_ids(kissim) - old and registered(kissim) == set(SYMBOLS),
        10,
        message="a new session with every symbol registered again",
    )
    elapsed = time.monotonic() - started
    assert elapsed < 6, f"resubscribed after {elapsed:.1f} s"
    published = counters(r)["published"]
    wait_until(lambda: counters(r)["published"] > published + 50, 10, message="ticks after the reconnect")
    # kissim resent each symbol's last trade on resubscribe: the engine dropped them as duplicates
    wait_until(lambda: counters(r).get("duplicates", 0) >= 1, 5, message="replayed trades recognised")
    stats = kissim.stats()
    assert stats["connects"][KEY] == 2  # one reconnect, no storm


def test_silent_connection_is_detected_by_the_watchdog(ingest, kissim, r):
    old = session_ids(kissim)
    kissim.fault("silent", seconds=60)
    started = time.monotonic()
    wait_until(
        lambda: session_ids(kissim) - old and registered(kissim) == set(SYMBOLS),
        15,
        message="reconnected after silence",
    )
    elapsed = time.monotonic() - started
    assert elapsed < 10, f"silent session replaced after {elapsed:.1f} s (watchdog 3 s)"
    wait_until(
        lambda: status(r)["detail"]["keys"][0]["reconnects"].get("silent", 0) >= 1,
        5,
        message="reconnect counted as 'silent'",
    )
    kissim.fault("clear")


def test_redis_restart_keeps_the_process_up_and_publishing_resumes(services, ingest, collector, r):
    services.redis.restart()
    time.sleep(1.0)
    assert ingest.process.poll() is None
    seen = len(collector.ticks)
    wait_until(lambda: len(collector.ticks) > seen + 50, 15, message="publishing after the Redis restart")
    wait_until(lambda: status(r).get("connected") == "1", 10, message="status written again")


def test_postgres_outage_loses_nothing(services, ingest, kissim, r, database_url, collector):
    assert services.pg.running_port() is not None
    services.pg.stop()
    try:
        time.sleep(20)
        assert ingest.process.poll() is None
        st = status(r)["detail"]
        assert st["database"] is False and st["bufferRows"] > 0
        assert st["metrics"]["counters"].get("spilled_rows", 0) > 0  # beyond the memory bound: on disk
    finally:
        services.pg.restart()  # same port and data folder
    wait_until(
        lambda: status(r)["detail"]["bufferRows"] < 500 and status(r)["detail"]["database"],
        30,
        message="buffer written after PostgreSQL returned",
    )


def test_every_trade_sent_is_stored_once_and_bars_match_ticks(ingest, kissim, database_url, collector):
    time.sleep(1.0)
    assert ingest.stop() == 0, ingest.output()[-3000:]  # SIGTERM: flush everything, then exit
    collector.running = False
    assert check_stored_trades_and_bars(kissim, database_url, collector) > 2000


def test_restarted_ingest_neither_loses_nor_doubles_trades_or_bar_volume(
    kissim, database_url, redis_url, output_dir, r
):
    """A new process gets each symbol's last trade again (kissim resends it on subscribe): it is
    already stored, so it enters neither stock_ticks nor the bars a second time, and the bars of
    the minute the restart fell in are merged from both processes."""
    old_instance = status(r)["detail"]["instance"]
    env = ingest_env(database_url, redis_url, kissim, [KEY], output_dir / "data-pipeline", SYMBOLS)
    proc = start_ingest(env, output_dir / "ingest-pipeline-restart.log")
    try:
        wait_until(lambda: registered(kissim) == set(SYMBOLS), 20, message="resubscribed by the new process")
        wait_until(
            lambda: status(r)["detail"]["instance"] != old_instance and counters(r).get("published", 0) > 300,
            20,
            message="ticks from the new process",
        )
        # a fresh engine knows no earlier trade: only the stored marks (mark_stored) make these duplicates
        assert counters(r).get("duplicates", 0) >= 1
    finally:
        assert proc.stop() == 0, proc.output()[-3000:]
    check_stored_trades_and_bars(kissim, database_url, None)


def check_stored_trades_and_bars(kissim, database_url, collector) -> int:
    total = 0
    for symbol in SYMBOLS:
        sent = kissim.sent(symbol)  # [[seq, acc_volume], …] in sending order
        stored = [
            r["acc_volume"]
            for r in query(database_url, "SELECT acc_volume FROM sim.stock_ticks WHERE symbol = $1", symbol)
        ]
        assert len(stored) == len(set(stored))
        # every trade sent (some twice: kissim resends the last one on a resubscribe) stored once
        assert sorted(stored) == sorted({acc for _, acc in sent}), symbol
        total += len(stored)
        if collector is not None:  # nothing reached Redis twice
            published = Counter(t["seq"] for t in collector.ticks if t["symbol"] == symbol)
            assert not [s for s, n in published.items() if n > 1], symbol
    for interval, bucket in (
        ("1m", "to_timestamp(floor(extract(epoch FROM time) / 60) * 60)"),
        ("15m", "to_timestamp(floor(extract(epoch FROM time) / 900) * 900)"),
        ("1h", "date_trunc('hour', time)"),
        ("1d", "date_trunc('day', time AT TIME ZONE 'Asia/Seoul') AT TIME ZONE 'Asia/Seoul'"),
    ):
        recomputed = query(
            database_url,
            f"""
            SELECT symbol, {bucket} AS bucket,
                   (array_agg(price ORDER BY time, acc_volume))[1] AS open, max(price) AS high,
                   min(price) AS low, (array_agg(price ORDER BY time DESC, acc_volume DESC))[1] AS close,
                   sum(volume) AS volume, sum(price * volume) AS amount, count(*) AS trade_count,
                   min(time) AS first_trade_at, max(time) AS last_trade_at
            FROM sim.stock_ticks GROUP BY 1, 2 ORDER BY 1, 2""",
        )
        stored = query(
            database_url,
            f"""
            SELECT symbol, bucket, open, high, low, close, volume, amount, trade_count, first_trade_at, last_trade_at
            FROM sim.stock_prices_{interval} WHERE source = 'kissim' ORDER BY 1, 2""",
        )
        assert stored and [tuple(r) for r in stored] == [tuple(r) for r in recomputed], interval
    return total
