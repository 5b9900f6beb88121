"""The ingest process: KIS sessions → tickcore → Redis + PostgreSQL, wired and supervised.

    sessions    one `KeySession` per configured app key (WebSocket, lock, reconnect)  session.py
    pipeline    frames → tickcore.Engine → publisher + writer; bar closing              pipeline.py
    publisher   PUBLISH ticks; last tick and open bars, throttled                       publisher.py
    writer      COPY batches in their own thread; outage buffering and disk spill       writer.py
    allocator   slots from browser demand, favorites, SUBSCRIBE_SYMBOLS                  allocator.py
    poller      REST quotes for symbols without a slot (`source: "poll"`)               poller.py
    status      the `ingest:status` heartbeat                                           status.py
    gaps        the time no process streamed: recorded, 1m bars repaired from REST     gaps.py
    backfill    today's 1m bars from REST for every stock a browser opens               backfill.py
Every long-running task is restarted if it fails; SIGTERM/SIGINT flush what is pending.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import asyncpg
import redis.asyncio as aioredis

from core import market, series
from core.settings import Settings
from core.time import in_krx_hours, kst_today
from ingest.allocator import Allocator
from ingest.backfill import IntradayBackfill
from ingest.gaps import GapRepair
from ingest.metrics import Metrics, start_prometheus
from ingest.pipeline import Pipeline
from ingest.poller import Poller
from ingest.publisher import Publisher
from ingest.session import KeySession, new_instance_id
from ingest.status import StatusReporter
from ingest.writer import PgWriter, drop_simulated
from kis.auth import KisAuth
from kis.rest import KisRestClient

log = logging.getLogger("ingest")

TASK_RESTART_DELAY_S = 1.0
WRITER_STOP_TIMEOUT_S = 10.0
TASK_STOP_TIMEOUT_S = 3.0  # then the pending rows are flushed without the tasks that did not end
# Before reading today's stored trades at start, wait this long for the batches an earlier process
# left (journal, spill files) to be written, so the engine knows them too.
RECOVERED_WAIT_S = 10.0


class IngestService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.metrics = Metrics()
        self.instance_id = new_instance_id()
        self.state_dir = Path(settings.data_dir) / "ingest"
        self.redis = aioredis.Redis.from_url(settings.redis_url, socket_timeout=3, socket_connect_timeout=2)
        ingest = settings.ingest
        self.writer = PgWriter(
            settings.database_url,
            self.state_dir / "spool",
            self.metrics,
            batch_max_rows=ingest.batch_max_rows,
            batch_max_ms=ingest.batch_max_ms,
            buffer_max_rows=ingest.buffer_max_rows,
            simulated=series.is_simulated(ingest.source),
        )
        self.publisher = Publisher(
            settings.redis_url,
            self.metrics,
            ingest.state_write_ms,
            open_bars=lambda symbol: self.pipeline.open_bars(symbol),
        )
        self.pipeline = Pipeline(ingest.source, self.metrics, self.publisher, self.writer)
        self.sessions: list[KeySession] = []
        self.rest_clients: dict[str, KisRestClient] = {}
        self.allocator = Allocator(settings, self.redis, self.sessions, self.metrics)
        self.poller = Poller(
            ingest.poll_interval_seconds,
            self.metrics,
            self.publisher,
            polled=lambda: self.allocator.polled,
            clients=self._held_clients,
        )
        self.gaps = GapRepair(
            ingest.source, settings.database_url, self._held_clients, lambda: self.pipeline.first_trade_at
        )
        self.backfill = IntradayBackfill(
            ingest.source,
            settings.database_url,
            self.metrics,
            self._held_clients,
            self.redis,
            watched=lambda: self.allocator.demand,
            streamed=lambda symbol: self.allocator.symbol_modes.get(symbol) == "stream",
            window=self._trading_window,
        )
        self.status = StatusReporter(
            settings,
            self.redis,
            self.instance_id,
            self.metrics,
            self.sessions,
            self.allocator,
            self.publisher,
            self.writer,
            self.gaps,
        )
        self.status.engine_name = type(self.pipeline.engine).__module__.partition(".")[0]  # tickcore, or a test's
        self._stop = asyncio.Event()

    def _held_clients(self) -> list[KisRestClient]:
        return [self.rest_clients[s.id] for s in self.sessions if s.holds_lock]

    def _watchdog_active(self) -> bool:
        """Outside KRX hours and on KRX holidays a real feed is silent; the demo simulator never is."""
        s = self.settings
        if s.ingest.source == "kissim" and s.kissim.mode == "demo":
            return True
        calendar = market.loaded_calendar()  # until it has loaded, every weekday counts as a trading day
        return in_krx_hours() and (calendar is None or calendar.is_trading_day(kst_today()))

    def _trading_window(self, now: dt.datetime) -> tuple[dt.datetime, dt.datetime] | None:
        """Today's trading (KST) for the backfill: the KRX session, or kissim's whole demo day."""
        s = self.settings
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if s.ingest.source == "kissim" and s.kissim.mode == "demo":
            return midnight, midnight + dt.timedelta(days=1)
        calendar = market.loaded_calendar()
        session = calendar.session(now.date()) if calendar is not None else None
        if session is None or now < session.open:
            return None
        return session.open, session.close

    def _open_sessions(self, http: aiohttp.ClientSession) -> None:
        s = self.settings
        for key in s.kis.app_keys:
            auth = KisAuth.from_settings(key, s, http)
            self.rest_clients[auth.id] = KisRestClient(
                http, auth, attempts=1, per_second=s.kis.rest_rate_per_second, custtype=s.kis.custtype
            )
            self.sessions.append(
                KeySession(
                    auth,
                    s,
                    self.metrics,
                    self.pipeline.on_frame,
                    self.redis,
                    self.instance_id,
                    self._watchdog_active,
                    self.allocator.request,
                    self.pipeline.set_cipher,
                )
            )

    async def _drop_simulated(self) -> None:
        """A real source starts: the simulator's ticks and bars go (they were never real history)."""
        try:
            conn = await asyncpg.connect(self.settings.database_url, timeout=5)
            try:
                dropped = await drop_simulated(conn)
            finally:
                await conn.close()
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("could not drop the simulated data (%s); the next start tries again", type(exc).__name__)
            return
        if dropped:
            log.info("real source %s: dropped %d simulated ticks and 1m bars", self.settings.ingest.source, dropped)

    async def _guard(self, name: str, fn: Callable[[], Awaitable[None]]) -> None:
        """Run a task forever: an unexpected error is logged and the task restarted."""
        while True:
            try:
                await fn()
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                self.metrics.inc("task_failures")
                log.exception("task %s failed; restarting it", name)
                await asyncio.sleep(TASK_RESTART_DELAY_S)

    @staticmethod
    async def _cancel(tasks: list[asyncio.Task[None]]) -> set[asyncio.Task[None]]:
        """Cancel the tasks; those still running after TASK_STOP_TIMEOUT_S. A cancellation that
        arrives inside redis-py's read timeout can be swallowed (redis/redis-py#2551) and the loop
        around it goes on: cancel again until the task ends."""
        pending = set(tasks)
        deadline = time.monotonic() + TASK_STOP_TIMEOUT_S
        while pending and time.monotonic() < deadline:
            for task in pending:
                task.cancel()
            _, pending = await asyncio.wait(pending, timeout=0.2)
        return pending

    async def run(self) -> None:
        s = self.settings
        if s.ingest.metrics_port:
            start_prometheus(self.metrics, s.ingest.metrics_port)
        http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        self._open_sessions(http)
        if not self.sessions:
            log.warning("no KIS app keys configured (KIS_APP_KEYS): nothing to stream")
        log.info(
            "ingest starting: source %s, engine %s, %d key(s)",
            s.ingest.source,
            self.status.engine_name,
            len(self.sessions),
        )
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._stop.set)
        if not series.is_simulated(s.ingest.source):
            await self._drop_simulated()
        self.writer.start()
        if not await asyncio.to_thread(self.writer.recovered_written.wait, RECOVERED_WAIT_S):
            log.warning("the recovered batches are not written yet: resent trades are deduplicated in the DB only")
        try:
            self.gaps.prepare(await self.pipeline.mark_stored_trades(s.database_url))
        except Exception as exc:  # noqa: BLE001 - without them, resent trades are deduplicated in the DB only
            log.warning(
                "could not read today's stored trades (%s); resent trades may enter bars twice and a gap in "
                "the feed is not recorded",
                type(exc).__name__,
            )
        calendar_load = asyncio.create_task(asyncio.to_thread(market.warm_up), name="market-calendar")
        tasks = [
            asyncio.create_task(self._guard(name, fn), name=name)
            for name, fn in (
                ("pipeline", self.pipeline.run),
                ("flusher", self.pipeline.flush_loop),
                ("state", self.publisher.state_loop),
                ("allocator", self.allocator.run),
                ("control", self.allocator.listen_for_requests),
                ("poller", self.poller.run),
                ("status", self.status.run),
                ("gaps", self.gaps.run),
                ("backfill", self.backfill.run),
                *((f"session {x.id}", x.run) for x in self.sessions),
            )
        ]
        await self._stop.wait()
        log.info("stopping: flushing ticks and bars")
        took: dict[str, float] = {}
        started = time.monotonic()

        def step(name: str) -> None:
            nonlocal started
            took[name], started = round(time.monotonic() - started, 2), time.monotonic()

        for session in self.sessions:
            await session.stop()
        step("sessions")
        running = await self._cancel(tasks)
        if running:
            log.warning(
                "task(s) %s did not stop within %.0f s", ", ".join(t.get_name() for t in running), TASK_STOP_TIMEOUT_S
            )
        calendar_load.cancel()  # its thread ends by itself; nothing waits for it
        step("tasks")
        await self.pipeline.drain()
        await self.publisher.flush_state()
        step("drain")
        await self.writer.stop(WRITER_STOP_TIMEOUT_S)
        step("writer")
        try:
            await self.status.report_stopped()
            await self.redis.aclose()
        except Exception:  # noqa: BLE001 - Redis away at shutdown: nothing more to tell
            pass
        self.publisher.close()
        await http.close()
        step("close")
        log.info("stopped (seconds per step: %s)", took)
