"""The ingest process: KIS sessions → tick engine → Redis (PUBLISH, tick:last, open bars) + PostgreSQL.

Tasks (one asyncio loop):
  sessions    one `KeySession` per configured app key (WebSocket, lock, reconnect)
  pipeline    frames → engine.feed → Redis pipeline → PostgreSQL writer queue
  flusher     closes bars whose bucket ended (engine.flush) once a second
  writer      `PgWriter` (own thread and loop): COPY batches, outage buffering and spill
  allocator   slot allocation (browser demand, favorites, SUBSCRIBE_SYMBOLS) → sessions + poller
  poller      REST current price for symbols without a slot, published with "source":"poll"
  control     listens on `ingest:control` to reallocate at once when a browser asks
  status      `ingest:status` heartbeat and `ingest:symbols`
"""
from __future__ import annotations

import asyncio
import logging
import signal
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
import asyncpg
import orjson
import redis.asyncio as aioredis

from ingest.engine import iso_ms, make_engine
from ingest.kis import KeySession, KisAuth, KisError, in_krx_hours, new_instance_id
from ingest.metrics import Metrics, start_prometheus
from ingest.redisout import RawRedis, command
from ingest.slots import allocate, ordered_wanted
from ingest.store import PgWriter

log = logging.getLogger("ingest")

STATUS_KEY = "ingest:status"
SYMBOLS_KEY = "ingest:symbols"
DEMAND_KEY = "ingest:demand"
CONTROL_CHANNEL = "ingest:control"
FAR_FUTURE_US = 10**17
KST = timezone(timedelta(hours=9))


class IngestService:
    def __init__(self, settings, engine_kind: str = "auto") -> None:
        self.settings = settings
        self.metrics = Metrics()
        self.source = settings.ingest_source
        self.engine = make_engine(self.source, engine_kind)
        self.instance_id = new_instance_id()
        self.redis = aioredis.Redis.from_url(settings.redis_url, socket_timeout=3, socket_connect_timeout=2)
        state_dir = Path(settings.data_dir) / "ingest"
        self.writer = PgWriter(settings.database_url, state_dir / "spool", self.metrics,
                               batch_max_rows=settings.ingest_batch_max_rows, batch_max_ms=settings.ingest_batch_max_ms,
                               buffer_max_rows=settings.ingest_buffer_max_rows)
        self.state_dir = state_dir
        self.frames: list[tuple[str, int]] = []
        self._frames_ready = asyncio.Event()
        self._realloc = asyncio.Event()
        self._stop = asyncio.Event()
        self.sessions: list[KeySession] = []
        self.auths: list[KisAuth] = []
        self.polled: list[str] = []
        self.symbol_modes: dict[str, str] = {}
        self.configured: list[str] = list(settings.subscribe_symbols)
        self.favorites: list[str] = []
        self._favorites_at = 0.0
        self.redis_ok = True
        self.last_tick_ms = 0
        self.http: aiohttp.ClientSession | None = None
        self._poll_state: dict[str, tuple[int, int]] = {}  # symbol → (price, acc volume) last published
        self._poll_next: dict[str, float] = {}
        self._last_demand: list[str] = []
        self.raw_redis = RawRedis(settings.redis_url)
        self._dirty_last: dict[str, bytes] = {}
        self._dirty_bars: set[str] = set()
        self._state_written = 0.0
        self._redis_retry_at = 0.0
        self._watermarks: dict[str, tuple[int, str]] = {}
        self._watermark_date = ""
        self._watermark_until = 0.0

    # -- frames in -------------------------------------------------------------------------
    def on_frame(self, text: str, received_us: int) -> None:
        self.frames.append((text, received_us))
        self._frames_ready.set()

    def _watchdog_active(self) -> bool:
        if self.source == "kissim" and self.settings.kissim_mode == "demo":
            return True
        return in_krx_hours()

    # -- pipeline --------------------------------------------------------------------------
    async def pipeline_loop(self) -> None:
        while True:
            await self._frames_ready.wait()
            self._frames_ready.clear()
            await self.process_frames()

    async def process_frames(self) -> None:
        if not self.frames:
            return
        taken, self.frames = self.frames, []
        first_received = taken[0][1]
        frames = [t for t, _ in taken]
        if self._watermarks:
            frames = self._drop_stored_trades(frames)
        started = time.perf_counter()
        batch = self.engine.feed(frames, first_received)
        self.metrics.observe("engine_ms", (time.perf_counter() - started) * 1000)
        c = batch.counters
        for name in ("frames", "trades", "published", "duplicates", "late", "extra_field_records", "errors"):
            if c.get(name):
                self.metrics.inc(name, c[name])
        if batch.errors:
            log.warning("%d malformed frame(s) skipped, e.g. %s", len(batch.errors), batch.errors[0][:200])
        self.writer.add_batch(batch)
        if batch.messages:
            await self.publish(batch.messages, batch.touched)
            done_us = time.time_ns() // 1000
            latency_ms = (done_us - first_received) / 1000
            self.metrics.observe("publish_latency_ms", latency_ms)
            self.last_tick_ms = done_us // 1000
        self.metrics.set("buffer_rows", self.writer.pending_rows)

    # -- trades stored by an earlier run -------------------------------------------------------
    async def load_watermarks(self) -> None:
        """Today's greatest stored accumulated volume per symbol: a trade at or below it, sent
        again after this process (re)started, is already stored and already in the stored bars."""
        kst_today = datetime.now(KST).date()
        conn = await asyncpg.connect(self.settings.database_url, timeout=5)
        try:
            rows = await conn.fetch(
                "SELECT symbol, max(acc_volume) AS acc, to_char(max(time) AT TIME ZONE 'Asia/Seoul', 'HH24MISS') "
                "AS hhmmss FROM stock_ticks WHERE time >= $1 AND source = $2 GROUP BY symbol",
                datetime.combine(kst_today, datetime.min.time(), KST), self.source)
        finally:
            await conn.close()
        self._watermark_date = kst_today.strftime("%Y%m%d")
        self._watermarks = {r["symbol"]: (r["acc"], r["hhmmss"]) for r in rows}
        self._watermark_until = time.monotonic() + 120

    def _drop_stored_trades(self, frames: list[str]) -> list[str]:
        if time.monotonic() > self._watermark_until:
            self._watermarks.clear()
            return frames
        out = []
        for frame in frames:
            parts = frame.split("|", 3)
            if len(parts) != 4 or parts[0] != "0" or parts[1] != "H0STCNT0" or not parts[2].isdigit():
                out.append(frame)
                continue
            count, pieces = int(parts[2]), parts[3].split("^")
            if count <= 0 or len(pieces) % count or len(pieces) // count < 46:
                out.append(frame)  # malformed: the engine reports it
                continue
            width = len(pieces) // count
            keep = []
            for i in range(count):
                rec = pieces[i * width:(i + 1) * width]
                mark = self._watermarks.get(rec[0])
                if mark is not None and rec[33] == self._watermark_date and rec[13].isdigit():
                    # stored already: not newer in accumulated volume nor in time
                    if int(rec[13]) <= mark[0] and rec[1] <= mark[1]:
                        self.metrics.inc("stored_trades_resent")
                        continue
                    del self._watermarks[rec[0]]
                keep.append(rec)
            if len(keep) == count:
                out.append(frame)
            elif keep:
                out.append(f"0|H0STCNT0|{len(keep):03d}|" + "^".join(f for rec in keep for f in rec))
        return out

    async def publish(self, messages: list[tuple[str, bytes]], touched: set[str]) -> None:
        """PUBLISH every tick now; tick:last and the open bars at most every ingest_state_write_ms."""
        raw = self.raw_redis
        parts: list[bytes] = []
        append = parts.append
        last = self._dirty_last
        prefix = raw.publish_prefix
        for symbol, payload in messages:
            append(prefix(symbol))
            append(b"$%d\r\n" % len(payload))
            append(payload)
            append(b"\r\n")
            last[symbol] = payload
        count = len(messages)
        self._dirty_bars |= touched
        now = time.monotonic()
        write_state = now - self._state_written >= self.settings.ingest_state_write_ms / 1000
        if write_state:
            for symbol, payload in last.items():
                append(command("SET", f"tick:last:{symbol}", payload))
            count += len(last)
            for symbol in self._dirty_bars:
                for interval, bar in self.engine.open_bars(symbol).items():
                    fields = [x for k, v in bar.items() for x in (k, str(v))]
                    append(command("HSET", f"bar:{interval}:{symbol}", *fields))
                    count += 1
        if not self.redis_ok and now < self._redis_retry_at:
            # Redis is down: do not hammer it with a connection attempt per batch
            self.metrics.inc("unpublished_ticks", len(messages))
            return
        try:
            started = time.perf_counter()
            errors = await raw.execute(b"".join(parts), count)
            self.metrics.observe("redis_ms", (time.perf_counter() - started) * 1000)
            if errors:
                self.metrics.inc("redis_command_errors", errors)
                log.warning("Redis refused %d command(s): %s", errors, raw.last_error)
            if write_state:
                self._state_written = now
                last.clear()
                self._dirty_bars = set()
            if not self.redis_ok:
                log.warning("Redis is back; publishing resumed")
            self.redis_ok = True
        except Exception as exc:  # noqa: BLE001 - a Redis outage must not stop ingest
            if self.redis_ok:
                log.warning("Redis unavailable (%s): ticks are not published until it returns", type(exc).__name__)
            self.redis_ok = False
            self._redis_retry_at = time.monotonic() + 0.5
            self.metrics.inc("unpublished_ticks", len(messages))
        now_s = time.time()
        for symbol, _ in messages[-200:] if len(messages) > 200 else messages:
            self.metrics.last_tick_at[symbol] = now_s
        if len(messages) > 200:
            for symbol in touched:
                self.metrics.last_tick_at[symbol] = now_s

    async def flush_loop(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            batch = self.engine.flush(time.time_ns() // 1000)
            self.writer.add_batch(batch)

    async def state_loop(self) -> None:
        """tick:last and open bars left over by the last batch are written within the interval."""
        interval = max(0.005, self.settings.ingest_state_write_ms / 1000)
        while True:
            await asyncio.sleep(interval)
            if (self._dirty_last or self._dirty_bars) and time.monotonic() - self._state_written >= interval:
                await self.publish([], set())

    # -- allocation --------------------------------------------------------------------------
    async def _default_symbols(self) -> list[str]:
        n = self.settings.ingest_default_symbol_count
        if n <= 0:
            return []
        conn = await asyncpg.connect(self.settings.database_url, timeout=5)
        try:
            rows = await conn.fetch(
                "SELECT symbol FROM stock_prices_1d WHERE bucket = (SELECT max(bucket) FROM stock_prices_1d "
                "WHERE source = 'krx') AND source = 'krx' ORDER BY close * volume DESC LIMIT $1", n)
        finally:
            await conn.close()
        return [r["symbol"] for r in rows]

    async def _favorites(self) -> list[str]:
        if time.monotonic() - self._favorites_at < 60:
            return self.favorites
        self._favorites_at = time.monotonic()
        try:
            conn = await asyncpg.connect(self.settings.database_url, timeout=5)
            try:
                rows = await conn.fetch(
                    "SELECT c.symbol FROM favorites f JOIN companies c ON c.id = f.company_id "
                    "GROUP BY c.symbol ORDER BY count(*) DESC, c.symbol LIMIT 1000")
            finally:
                await conn.close()
            self.favorites = [r["symbol"] for r in rows]
        except Exception as exc:  # noqa: BLE001 - keep the last known favorites
            log.debug("favorites unavailable: %s", exc)
        return self.favorites

    async def _demand(self) -> list[str]:
        try:
            cutoff = time.time() - self.settings.ingest_demand_ttl_seconds
            raw = await self.redis.zrevrangebyscore(DEMAND_KEY, "+inf", cutoff)
            self._last_demand = [s.decode() for s in raw if len(s) == 6]
        except Exception:  # noqa: BLE001 - unknown: keep the last known demand
            pass
        return self._last_demand

    async def allocate_once(self) -> None:
        if not self.configured and not self.settings.subscribe_symbols:
            try:
                self.configured = await self._default_symbols()
            except Exception as exc:  # noqa: BLE001
                log.debug("default symbols unavailable: %s", exc)
        demand = await self._demand()
        favorites = await self._favorites()
        wanted = ordered_wanted(demand, favorites, self.configured)
        able = [s for s in self.sessions if s.holds_lock]
        allocation = allocate([s.id for s in able], self.settings.kis_max_registrations, wanted,
                              {s.id: s.desired for s in able}, {s.id: s.refused for s in able})
        for session in self.sessions:
            session.set_desired(allocation.streams.get(session.id, []))
        self.polled = allocation.polled if able else []
        modes = {s: "stream" for syms in allocation.streams.values() for s in syms}
        modes.update({s: "poll" for s in self.polled})
        if able and modes != self.symbol_modes:  # a standby process leaves the holder's view alone
            self.symbol_modes = modes
            await self._write_symbols()
        self.metrics.set("slots_used", sum(len(v) for v in allocation.streams.values()))
        self.metrics.set("polled_symbols", len(self.polled))

    async def _write_symbols(self) -> None:
        try:
            pipe = self.redis.pipeline(transaction=True)
            pipe.delete(SYMBOLS_KEY)
            if self.symbol_modes:
                pipe.hset(SYMBOLS_KEY, mapping=self.symbol_modes)
            await pipe.execute()
        except Exception:  # noqa: BLE001
            self.symbol_modes = {}  # write again next time

    async def allocator_loop(self) -> None:
        while True:
            try:
                await self.allocate_once()
            except Exception:  # noqa: BLE001
                log.exception("slot allocation failed")
            try:
                await asyncio.wait_for(self._realloc.wait(), self.settings.ingest_reallocate_seconds)
            except asyncio.TimeoutError:
                pass
            self._realloc.clear()
            await asyncio.sleep(0.05)  # coalesce bursts of requests

    def request_reallocation(self) -> None:
        self._realloc.set()

    async def control_loop(self) -> None:
        while True:
            pubsub = None
            try:
                pubsub = self.redis.pubsub()
                await pubsub.subscribe(CONTROL_CHANNEL)
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        self.metrics.inc("control_requests")
                        self.request_reallocation()
            except Exception:  # noqa: BLE001 - Redis away: listen again later
                await asyncio.sleep(1.0)
            finally:
                if pubsub is not None:
                    try:
                        await pubsub.aclose()
                    except Exception:  # noqa: BLE001
                        pass

    # -- polling ---------------------------------------------------------------------------
    async def poll_loop(self) -> None:
        interval = self.settings.ingest_poll_interval_seconds
        turn = 0
        while True:
            auths = [s.auth for s in self.sessions if s.holds_lock]
            if not self.polled or not auths:
                await asyncio.sleep(0.5)
                continue
            pace = 1.0 / (self.settings.kis_rest_rate_per_second * len(auths))
            now = time.monotonic()
            due = [s for s in self.polled if self._poll_next.get(s, 0.0) <= now]
            if not due:
                await asyncio.sleep(min(0.5, interval / 4))
                continue
            for symbol in due:
                if symbol not in self.polled:
                    continue
                auth = auths[turn % len(auths)]
                turn += 1
                self._poll_next[symbol] = time.monotonic() + interval
                try:
                    output = await auth.current_price(symbol)
                    await self._publish_poll(symbol, output)
                    self.metrics.inc("polls")
                except KisError as exc:
                    self.metrics.inc("poll_errors")
                    if exc.code == "EGW00201":
                        await asyncio.sleep(1.0)
                    elif exc.code == "EGW00133":
                        await asyncio.sleep(5.0)
                except Exception as exc:  # noqa: BLE001
                    self.metrics.inc("poll_errors")
                    log.debug("poll %s failed: %s", symbol, exc)
                    await asyncio.sleep(1.0)
                await asyncio.sleep(pace)

    async def _publish_poll(self, symbol: str, o: dict) -> None:
        price, acc = int(o["stck_prpr"]), int(o.get("acml_vol") or 0)
        previous = self._poll_state.get(symbol)
        if previous == (price, acc):
            return
        self._poll_state[symbol] = (price, acc)
        now_us = time.time_ns() // 1000
        stamp = iso_ms(now_us)
        volume = acc - previous[1] if previous and acc >= previous[1] else 0
        payload = (f'{{"type":"tick","symbol":"{symbol}","price":{price},"volume":{volume},'
                   f'"change":{int(o.get("prdy_vrss") or 0)},"changePercent":{float(o.get("prdy_ctrt") or 0)},'
                   f'"accVolume":{acc},"open":{int(o.get("stck_oprc") or price)},"high":{int(o.get("stck_hgpr") or price)},'
                   f'"low":{int(o.get("stck_lwpr") or price)},"side":0,"timestamp":"{stamp}","receivedAt":"{stamp}",'
                   f'"source":"poll","seq":null}}').encode()
        try:
            pipe = self.redis.pipeline(transaction=False)
            pipe.publish(f"stock:realtime:{symbol}", payload)
            pipe.set(f"tick:last:{symbol}", payload)
            await pipe.execute()
            self.last_tick_ms = now_us // 1000
            self.metrics.last_tick_at[symbol] = time.time()
        except Exception:  # noqa: BLE001
            self.redis_ok = False

    # -- status ----------------------------------------------------------------------------
    def status_fields(self) -> dict[str, str]:
        connected = any(s.state == "connected" for s in self.sessions)
        held = [s for s in self.sessions if s.holds_lock]
        if not held:
            mode = "standby"
        elif connected:
            mode = "stream"
        elif self.polled:
            mode = "poll"
        else:
            mode = "disconnected"
        snap = self.metrics.snapshot()
        snap["rates"] = {"framesPerSecond": round(self.metrics.rate("frames"), 1),
                         "ticksPerSecond": round(self.metrics.rate("published"), 1)}
        detail = {
            "engine": self.engine.name,
            "instance": self.instance_id,
            "kissimMode": self.settings.kissim_mode if self.source == "kissim" else None,
            "redis": self.redis_ok,
            "database": self.writer.available,
            "bufferRows": self.writer.pending_rows,
            "keys": [{"key": s.id, "state": s.state, "detail": s.detail, "slots": len(s.desired),
                      "registered": len(s.registered), "refused": sorted(s.refused),
                      "reconnects": s.reconnects} for s in self.sessions],
            "polled": len(self.polled),
            "metrics": snap,
        }
        return {"updatedAt": str(int(time.time() * 1000)), "lastTickAt": str(self.last_tick_ms or ""),
                "source": self.source, "mode": mode, "connected": "1" if connected else "0",
                "detail": orjson.dumps(detail).decode()}

    async def status_loop(self) -> None:
        while True:
            fields = self.status_fields()
            if not fields["lastTickAt"]:
                del fields["lastTickAt"]
            if self.sessions and not any(s.holds_lock for s in self.sessions):
                # standby: the process holding the keys reports; say so in the log only
                await asyncio.sleep(self.settings.ingest_status_interval_seconds)
                continue
            try:
                await self.redis.hset(STATUS_KEY, mapping=fields)
                if not self.redis_ok:
                    self.redis_ok = True
                    self.symbol_modes = {}  # rewrite ingest:symbols after an outage
                    self.request_reallocation()
            except Exception:  # noqa: BLE001
                self.redis_ok = False
            await asyncio.sleep(self.settings.ingest_status_interval_seconds)

    # -- run ---------------------------------------------------------------------------------
    async def _guard(self, name: str, fn) -> None:
        """Run a task forever: an unexpected error is logged and the task restarted."""
        while True:
            try:
                await fn()
                return
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001
                self.metrics.inc("task_failures")
                log.exception("task %s failed; restarting it", name)
                await asyncio.sleep(1.0)

    async def run(self) -> None:
        s = self.settings
        if s.ingest_metrics_port:
            start_prometheus(self.metrics, s.ingest_metrics_port)
        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        for key in s.kis_app_keys:
            auth = KisAuth(key.app_key, key.app_secret, s.kis_rest_url, self.state_dir, self.http,
                           s.kis_token_min_interval_seconds)
            self.auths.append(auth)
            self.sessions.append(KeySession(auth, s, self.metrics, self.on_frame, lambda: self.redis,
                                            self.instance_id, self._watchdog_active, self.request_reallocation))
        if not self.sessions:
            log.warning("no KIS app keys configured (KIS_APP_KEYS): nothing to stream")
        log.info("ingest starting: source %s, engine %s, %d key(s)", self.source, self.engine.name, len(self.sessions))
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._stop.set)
        self.writer.start()
        try:
            await self.load_watermarks()
        except Exception as exc:  # noqa: BLE001 - without them, resent trades are only deduplicated in the DB
            log.warning("could not read today's stored trades (%s); resent trades may enter bars twice",
                        type(exc).__name__)
        tasks = [asyncio.create_task(self._guard(name, fn)) for name, fn in (
            ("pipeline", self.pipeline_loop), ("flusher", self.flush_loop), ("state", self.state_loop), ("allocator", self.allocator_loop),
            ("control", self.control_loop), ("poller", self.poll_loop), ("status", self.status_loop),
            *((f"session {s.id}", s.run) for s in self.sessions))]
        await self._stop.wait()
        log.info("stopping: flushing ticks and bars")
        for session in self.sessions:
            await session.stop()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.process_frames()
        self._state_written = 0.0
        await self.publish([], set())
        self.writer.add_batch(self.engine.flush(FAR_FUTURE_US))  # every open bar, merged on restart
        await self.writer.stop(timeout=10.0)
        try:
            if any(s.holds_lock for s in self.sessions) or not self.sessions:
                fields = self.status_fields()
                fields.update(connected="0", mode="stopped")
                await self.redis.hset(STATUS_KEY, mapping=fields)
            await self.redis.aclose()
        except Exception:  # noqa: BLE001
            pass
        self.raw_redis.close()
        await self.http.close()
        log.info("stopped")
