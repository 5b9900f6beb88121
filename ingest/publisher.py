"""The hot Redis path of ingest: every tick and order book PUBLISHed at once; the last tick, the
last order book, the open bars and the feed's market code (`SET tick:last:*`, `orderbook:last:*`,
`bar:*`, `market:feed`) at most every INGEST_STATE_WRITE_MS, all pipelined over one raw connection.

The commands are pre-joined RESP bytes (core/contract/resp.py) and the replies — all
single-line (`:n`, `+OK`, `-ERR …`) for these commands — are only counted. A broken connection
is dropped and opened again on the next batch. Ticks are not buffered while Redis is away:
subscribers want the present; the store keeps everything (ingest/writer.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import unquote, urlparse

import orjson

from core.contract import keys
from core.contract.resp import command, publish_head
from ingest.metrics import Metrics

log = logging.getLogger("ingest")

REDIS_RETRY_S = 0.5  # while Redis is down, one connection attempt per this interval at most
LAST_TICK_SAMPLES = 200


class RawRedis:
    """One raw connection for pipelined commands whose replies are single lines."""

    def __init__(self, url: str, timeout: float = 3.0) -> None:
        parsed = urlparse(url)
        self.unix_path = parsed.path if parsed.scheme == "unix" else None
        self.host = parsed.hostname or "127.0.0.1"
        self.port = parsed.port or 6379
        self.password = unquote(parsed.password) if parsed.password else None
        self.username = unquote(parsed.username) if parsed.username else None
        db = (parsed.path or "/0").lstrip("/") if parsed.scheme != "unix" else "0"
        self.db = int(db or 0)
        self.ssl = parsed.scheme == "rediss"
        self.timeout = timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._lock = asyncio.Lock()
        self.errors = 0
        self.last_error = ""

    async def _connect(self) -> None:
        if self.unix_path:
            self._reader, self._writer = await asyncio.open_unix_connection(self.unix_path)
        else:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port, ssl=self.ssl or None)
        setup = []
        if self.password:
            setup.append(command("AUTH", *([self.username] if self.username else []), self.password))
        if self.db:
            setup.append(command("SELECT", str(self.db)))
        if setup:
            await self._roundtrip(b"".join(setup), len(setup))

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None

    async def _roundtrip(self, data: bytes, replies: int) -> int:
        assert self._writer is not None and self._reader is not None
        self._writer.write(data)
        await self._writer.drain()
        seen = 0
        errors = 0
        tail = b""
        while seen < replies:
            chunk = await self._reader.read(1 << 16)
            if not chunk:
                raise ConnectionError("Redis closed the connection")
            buf = tail + chunk
            seen += buf.count(b"\r\n")
            if b"\r\n-" in b"\r\n" + buf:
                failed = [line for line in buf.split(b"\r\n") if line.startswith(b"-")]
                errors += len(failed)
                self.last_error = failed[0].decode(errors="replace")
            tail = buf[-1:] if buf.endswith(b"\r") else b""
        return errors

    async def execute(self, data: bytes, replies: int) -> int:
        """Send pipelined commands; wait for all replies; return how many were errors."""
        if not replies:
            return 0
        async with self._lock:
            try:
                async with asyncio.timeout(self.timeout):
                    if self._writer is None:
                        await self._connect()
                    errors = await self._roundtrip(data, replies)
            except BaseException:
                self.close()
                raise
        self.errors += errors
        return errors


class Publisher:
    """PUBLISH of ticks and the throttled state writes, and Redis's availability as ingest sees it."""

    def __init__(
        self, redis_url: str, metrics: Metrics, state_write_ms: int, open_bars: Callable[[str], dict[str, bytes]]
    ) -> None:
        self.raw = RawRedis(redis_url)
        self.metrics = metrics
        self.state_interval = state_write_ms / 1000
        self.open_bars = open_bars  # symbol → {interval: open bar JSON}
        self.available = True
        self.last_tick_ms = 0
        self._heads: dict[str, bytes] = {}
        self._dirty_last: dict[str, bytes] = {}
        self._dirty_books: dict[str, bytes] = {}
        self._dirty_bars: set[str] = set()
        self._latest_tick: bytes | None = None  # of the last batch: its market code goes to `market:feed`
        self._state_written = 0.0
        self._retry_at = 0.0

    def _tick_head(self, symbol: str) -> bytes:
        head = self._heads.get(symbol)
        if head is None:
            head = self._heads[symbol] = publish_head(keys.tick_channel(symbol))
        return head

    async def publish(
        self, messages: list[tuple[str, bytes]], touched: Iterable[str], books: Sequence[tuple[str, bytes]] = ()
    ) -> None:
        """PUBLISH every tick and book now; the last ones and open bars at most every `state_interval`."""
        parts: list[bytes] = []
        append = parts.append
        last = self._dirty_last
        for symbol, payload in messages:
            append(self._tick_head(symbol))
            append(b"$%d\r\n" % len(payload))
            append(payload)
            append(b"\r\n")
            last[symbol] = payload
        if messages:
            self._latest_tick = messages[-1][1]
        for symbol, payload in books:
            append(publish_head(keys.book_channel(symbol)))
            append(b"$%d\r\n%s\r\n" % (len(payload), payload))
            self._dirty_books[symbol] = payload
        count = len(messages) + len(books)
        self._dirty_bars.update(touched)
        now = time.monotonic()
        write_state = now - self._state_written >= self.state_interval
        if write_state:
            for symbol, payload in last.items():
                append(command("SET", keys.last_tick(symbol), payload))
            for symbol, payload in self._dirty_books.items():
                append(command("SET", keys.last_book(symbol), payload))
            count += len(last) + len(self._dirty_books)
            feed = self._market_feed()
            if feed is not None:
                append(command("SET", keys.MARKET_FEED, feed, "EX", str(keys.MARKET_FEED_TTL_S)))
                count += 1
            for symbol in self._dirty_bars:
                for interval, bar in self.open_bars(symbol).items():
                    append(command("SET", keys.open_bar(interval, symbol), bar))
                    count += 1
        if not self.available and now < self._retry_at:
            self.metrics.inc("unpublished_ticks", len(messages))  # do not hammer a Redis that is down
            return
        try:
            started = time.perf_counter()
            errors = await self.raw.execute(b"".join(parts), count)
            self.metrics.observe("redis_ms", (time.perf_counter() - started) * 1000)
            if errors:
                self.metrics.inc("redis_command_errors", errors)
                log.warning("Redis refused %d command(s): %s", errors, self.raw.last_error)
            if write_state:
                self._state_written = now
                last.clear()
                self._dirty_books.clear()
                self._dirty_bars = set()
            if not self.available:
                log.warning("Redis is back; publishing resumed")
            self.available = True
        except Exception as exc:  # noqa: BLE001 - a Redis outage must not stop ingest
            if self.available:
                log.warning("Redis unavailable (%s): ticks are not published until it returns", type(exc).__name__)
            self.available = False
            self._retry_at = time.monotonic() + REDIS_RETRY_S
            self.metrics.inc("unpublished_ticks", len(messages))
        self._stamp(messages, touched)

    def _market_feed(self) -> bytes | None:
        """`{"code","session","at","source"}` from the latest streamed tick (KIS's 장운영 code)."""
        latest, self._latest_tick = self._latest_tick, None
        if latest is None:
            return None
        tick = orjson.loads(latest)
        if not tick.get("marketCode"):
            return None
        feed = {"code": tick["marketCode"], "session": tick.get("session"), "at": tick["receivedAt"]}
        return orjson.dumps({**feed, "source": tick["source"]})

    def _stamp(self, messages: list[tuple[str, bytes]], touched: Iterable[str]) -> None:
        if not messages:
            return
        self.last_tick_ms = time.time_ns() // 1_000_000
        now_s = time.time()
        symbols = touched if len(messages) > LAST_TICK_SAMPLES else (s for s, _ in messages)
        for symbol in symbols:
            self.metrics.last_tick_at[symbol] = now_s

    async def publish_one(self, symbol: str, payload: bytes) -> None:
        """A single tick (a polled quote): PUBLISH and the last tick at once."""
        try:
            data = self._tick_head(symbol) + b"$%d\r\n%s\r\n" % (len(payload), payload)
            await self.raw.execute(data + command("SET", keys.last_tick(symbol), payload), 2)
            self.available = True
            self._stamp([(symbol, payload)], ())
        except Exception:  # noqa: BLE001 - counted like any tick published while Redis is away
            self.available = False
            self.metrics.inc("unpublished_ticks")

    async def state_loop(self) -> None:
        """Last ticks and open bars left over by the last batch are written within the interval."""
        interval = max(0.005, self.state_interval)
        while True:
            await asyncio.sleep(interval)
            dirty = self._dirty_last or self._dirty_books or self._dirty_bars
            if dirty and time.monotonic() - self._state_written >= interval:
                await self.publish([], ())

    async def flush_state(self) -> None:
        """Write the pending last ticks and open bars now (at shutdown)."""
        self._state_written = 0.0
        await self.publish([], ())

    def close(self) -> None:
        self.raw.close()
