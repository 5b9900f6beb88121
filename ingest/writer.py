"""PostgreSQL writer: binary COPY batches of ticks and closed bars, loss-free across outages.

Batches wait in memory until `batch_max_rows` rows are pending or the oldest is `batch_max_ms`
old, then go in one transaction: COPY into a TEMP staging table, then
`INSERT … ON CONFLICT DO NOTHING` (ticks: a replayed trade never duplicates) or a merging
`ON CONFLICT (symbol, bucket) DO UPDATE` (bars). While PostgreSQL is away, batches stay queued;
beyond `buffer_max_rows` the oldest are spilled to files under `<data_dir>/ingest/spool/` and
written back, oldest first, once the database answers again. Nothing is dropped. Every batch is
also appended to the journal (ingest/journal.py) as it is queued, before the pipeline publishes
its ticks, so a killed process's unwritten batches are written by the next one.

The writer runs in its own thread with its own event loop, so COPY work never delays the
frame → PUBLISH path of the main loop; `add` (main thread) and the writer share the queue
under a lock.

Where rows go (core/series.py): a real source's into `public`, kissim's into `sim`, so simulated
prices never enter real history. Only intervals that are tables are written: where the database
derives an interval itself (TimescaleDB: 15m and 1h are continuous aggregates over the 1m bars),
tickcore's closed bars of it are not stored; tickcore still builds them for the live view.
`drop_simulated` empties `sim` when the platform starts on a real source.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import threading
import time
from collections import deque
from pathlib import Path

import asyncpg
import uvloop

import tickcore
from core import series
from core.retry import Backoff
from ingest.journal import Journal
from ingest.metrics import Metrics

log = logging.getLogger("ingest.store")

# PostgreSQL's binary COPY framing (the rows are tickcore's): a 19-byte header without header
# extension, the rows, and a -1 int16 trailer.
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
COPY_TRAILER = b"\xff\xff"


def merge_copy(chunks: list[bytes]) -> bytes:
    """Several complete binary COPY streams → one (header + all rows + trailer)."""
    if len(chunks) == 1:
        return chunks[0]
    hl = len(COPY_HEADER)
    return COPY_HEADER + b"".join(c[hl:-2] for c in chunks if len(c) > hl + 2) + COPY_TRAILER


TICK_COLUMNS = "time, symbol, price, volume, acc_volume, change, change_rate, side, received_at, source"
BAR_COLUMNS = (
    "symbol, bucket, open, high, low, close, volume, amount, trade_count, first_trade_at, last_trade_at, source"
)

# Bars: a bar written again, or a part of it already merged (a replay), changes nothing; a bar
# continued after a restart (its trades do not overlap the stored ones; trade times have one-second
# resolution, so the two parts may touch in one second) is merged into it; anything else replaces it.
_SAME = (
    "(EXCLUDED.first_trade_at = t.first_trade_at AND EXCLUDED.last_trade_at = t.last_trade_at "
    "AND EXCLUDED.volume = t.volume AND EXCLUDED.trade_count = t.trade_count)"
)
_KEEP = (
    f"({_SAME} OR (EXCLUDED.first_trade_at >= t.first_trade_at AND EXCLUDED.last_trade_at <= t.last_trade_at "
    "AND EXCLUDED.trade_count < t.trade_count AND EXCLUDED.first_trade_at < t.last_trade_at))"
)
_PARTS = (
    f"(t.source = EXCLUDED.source AND NOT {_KEEP} AND (EXCLUDED.first_trade_at >= t.last_trade_at "
    "OR EXCLUDED.last_trade_at <= t.first_trade_at))"
)
BAR_UPSERT = f"""
INSERT INTO {{table}} AS t ({{cols}}) SELECT DISTINCT ON (symbol, bucket) {{cols}} FROM {{stage}}
ORDER BY symbol, bucket, last_trade_at DESC
ON CONFLICT (symbol, bucket) DO UPDATE SET
  open = CASE WHEN {_KEEP} THEN t.open WHEN {_PARTS} AND EXCLUDED.first_trade_at >= t.first_trade_at
              THEN t.open ELSE EXCLUDED.open END,
  close = CASE WHEN {_KEEP} THEN t.close WHEN {_PARTS} AND EXCLUDED.last_trade_at < t.last_trade_at
               THEN t.close ELSE EXCLUDED.close END,
  high = CASE WHEN {_KEEP} THEN t.high WHEN {_PARTS} THEN GREATEST(t.high, EXCLUDED.high) ELSE EXCLUDED.high END,
  low = CASE WHEN {_KEEP} THEN t.low WHEN {_PARTS} THEN LEAST(t.low, EXCLUDED.low) ELSE EXCLUDED.low END,
  volume = CASE WHEN {_KEEP} THEN t.volume WHEN {_PARTS} THEN t.volume + EXCLUDED.volume ELSE EXCLUDED.volume END,
  amount = CASE WHEN {_KEEP} THEN t.amount WHEN {_PARTS} THEN t.amount + EXCLUDED.amount ELSE EXCLUDED.amount END,
  trade_count = CASE WHEN {_KEEP} THEN t.trade_count WHEN {_PARTS} THEN t.trade_count + EXCLUDED.trade_count
                     ELSE EXCLUDED.trade_count END,
  first_trade_at = CASE WHEN {_KEEP} THEN t.first_trade_at
                        WHEN {_PARTS} THEN LEAST(t.first_trade_at, EXCLUDED.first_trade_at)
                        ELSE EXCLUDED.first_trade_at END,
  last_trade_at = CASE WHEN {_KEEP} THEN t.last_trade_at
                       WHEN {_PARTS} THEN GREATEST(t.last_trade_at, EXCLUDED.last_trade_at)
                       ELSE EXCLUDED.last_trade_at END,
  source = CASE WHEN {_KEEP} THEN t.source ELSE EXCLUDED.source END
"""


class Chunk:
    """One table's COPY stream with its row count; in memory or spilled to a file; `segment`: the
    journal segment holding it until it is stored or spilled; `recovered`: left by an earlier process."""

    __slots__ = ("table", "data", "rows", "path", "created", "segment", "recovered")

    def __init__(
        self,
        table: str,
        data: bytes | None,
        rows: int,
        path: Path | None = None,
        *,
        segment: int | None = None,
        recovered: bool = False,
    ) -> None:
        self.table, self.data, self.rows, self.path = table, data, rows, path
        self.segment, self.recovered = segment, recovered
        self.created = time.monotonic()

    def load(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.path is not None
        return self.path.read_bytes()


_STORED_RELATIONS_SQL = """
    SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname || '.' || c.relname = ANY($1::text[]) AND c.relkind IN ('r', 'p')"""


async def drop_simulated(conn: asyncpg.Connection, tries: int = 3) -> int:
    """Empty the simulated schema (a real source is starting); the number of ticks and 1m bars dropped.

    TRUNCATE locks the tables one by one, while a reader of a continuous aggregate locks its parts in
    another order: PostgreSQL may pick the TRUNCATE as a deadlock's victim. Then it tries again."""
    for attempt in range(1, tries + 1):
        try:
            return await _drop_simulated_once(conn)
        except asyncpg.DeadlockDetectedError:
            if attempt == tries:
                raise
            await asyncio.sleep(0.2 * attempt)
    return 0


async def _drop_simulated_once(conn: asyncpg.Connection) -> int:
    tables = [series.tick_table(simulated=True)] + [
        series.bar_table(iv, simulated=True) for iv in series.SIMULATED_INTERVALS
    ]
    counts = [
        await conn.fetchval(f"SELECT count(*) FROM {table}")
        for table in (series.tick_table(simulated=True), series.bar_table("1m", simulated=True))
    ]
    if any(counts) or await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {series.bar_table('1d', simulated=True)})"):
        await conn.execute(f"TRUNCATE {', '.join(tables)}")
    return int(sum(counts))


class PgWriter:
    def __init__(
        self,
        database_url: str,
        spool_dir: Path,
        metrics: Metrics,
        *,
        batch_max_rows: int,
        batch_max_ms: int,
        buffer_max_rows: int,
        simulated: bool = False,
    ) -> None:
        self.database_url = database_url
        self.simulated = simulated
        self.tick_table = series.tick_table(simulated=simulated)
        self.bar_tables = {iv: series.bar_table(iv, simulated=simulated) for iv in series.SIMULATED_INTERVALS}
        self.stored: set[str] = set()  # the tables among those (derived intervals are not written)
        self.spool_dir = spool_dir
        self.metrics = metrics
        self.batch_max_rows = batch_max_rows
        self.batch_max_s = batch_max_ms / 1000
        self.buffer_max_rows = buffer_max_rows
        self.queue: deque[Chunk] = deque()
        self.memory_rows = 0
        self.pending_rows = 0
        self.conn: asyncpg.Connection | None = None
        self.available = False
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._done = threading.Event()
        self._stopping = False
        self._stop_deadline = 0.0
        self._spill_seq = 0
        self.journal = Journal(spool_dir / "journal")
        self._journal_failing = False
        # set once the batches an earlier process left (spill files, journal) are in PostgreSQL
        self.recovered_written = threading.Event()
        self._recovered_left = 0
        self._recover_spool()
        self._recover_journal()
        if not self._recovered_left:
            self.recovered_written.set()

    # -- queueing (any thread) -------------------------------------------------------------
    def add(self, table: str, data: bytes, rows: int) -> None:
        if not rows or not data:
            return
        with self._lock:
            self.queue.append(Chunk(table, data, rows, segment=self._journal(table, data, rows)))
            self.memory_rows += rows
            self.pending_rows += rows
            if self.memory_rows > self.buffer_max_rows:
                self._spill()
            full = self.pending_rows >= self.batch_max_rows
        if full:
            self._poke()

    def _journal(self, table: str, data: bytes, rows: int) -> int | None:
        """(Lock held.) The batch on disk before it is published; None when the disk refuses it
        (the batch is still written from memory, but a kill before then would lose it)."""
        try:
            segment = self.journal.append(table, data, rows)
        except OSError as exc:
            self.metrics.inc("journal_errors")
            if not self._journal_failing:  # once per stretch of failures, not per batch
                log.warning("journal write failed (%s): batches are only in memory until written", exc)
            self._journal_failing = True
            return None
        if self._journal_failing:
            log.warning("journal writes work again")
        self._journal_failing = False
        return segment

    def _release(self, chunk: Chunk) -> None:
        """(Lock held.) The chunk is stored or spilled: its journal record is no longer needed."""
        if chunk.segment is not None:
            self.journal.release(chunk.segment)
            chunk.segment = None

    def _poke(self) -> None:
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not wake.is_set():
            try:
                loop.call_soon_threadsafe(wake.set)
            except RuntimeError:  # the writer loop has ended
                pass

    def add_batch(self, batch: tickcore.Batch) -> None:
        """The ticks and closed bars of one tickcore batch."""
        if batch.tick_count and batch.ticks_copy:
            self.add(self.tick_table, batch.ticks_copy, batch.tick_count)
        counts = batch.bar_counts
        for interval, data in batch.bar_copies.items():
            self.add(self.bar_tables[interval], data, int(counts.get(interval, 1)))

    def _spill(self) -> None:
        """(Lock held.) Move the oldest in-memory chunks to disk until memory holds at most half the bound."""
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        for chunk in self.queue:
            if self.memory_rows <= self.buffer_max_rows // 2:
                break
            if chunk.data is None:
                continue
            self._spill_seq += 1
            path = self.spool_dir / f"{time.time_ns():020d}-{self._spill_seq:08d}-{chunk.table}-{chunk.rows}.copy"
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(chunk.data)
            os.replace(tmp, path)
            chunk.path, chunk.data = path, None
            self.memory_rows -= chunk.rows
            self._release(chunk)
            self.metrics.inc("spilled_rows", chunk.rows)

    def _recover_spool(self) -> None:
        """Spill files left by an earlier run are written first."""
        if not self.spool_dir.exists():
            return
        for path in sorted(self.spool_dir.glob("*.copy")):
            try:
                _, _, table, rows = path.stem.split("-", 3)
                if "." not in table:  # spilled before the tables were schema-qualified: real rows
                    table = f"{series.REAL_SCHEMA}.{table}"
                if self._stale_simulated(table, path.name):
                    path.unlink(missing_ok=True)
                    continue
                self.queue.append(Chunk(table, None, int(rows), path, recovered=True))
                self.pending_rows += int(rows)
                self._recovered_left += 1
            except ValueError:
                continue
        if self.queue:
            log.warning(
                "recovered %d spilled batch(es) (%d rows) from %s", len(self.queue), self.pending_rows, self.spool_dir
            )

    def _recover_journal(self) -> None:
        """The journal's batches of a process that did not stop cleanly, after the spill files (a
        batch in both is written twice, which changes nothing)."""
        batches = rows_recovered = 0
        for segment, table, data, rows in self.journal.recover():
            if self._stale_simulated(table, f"journal segment {segment}"):
                self.journal.release(segment)
                continue
            self.queue.append(Chunk(table, data, rows, segment=segment, recovered=True))
            self.memory_rows += rows
            self.pending_rows += rows
            self._recovered_left += 1
            batches, rows_recovered = batches + 1, rows_recovered + rows
        if batches:
            self.metrics.inc("journal_recovered_rows", rows_recovered)
            log.warning(
                "recovered %d journaled batch(es) (%d rows) a stopped process had not written", batches, rows_recovered
            )
            if self.memory_rows > self.buffer_max_rows:
                self._spill()

    def _stale_simulated(self, table: str, where: str) -> bool:
        if table.startswith(series.SIMULATED_SCHEMA + ".") and not self.simulated:
            log.warning("dropping simulated rows from %s: the source is real now", where)
            return True
        return False

    # -- the writer thread -----------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._thread_main, name="pg-writer", daemon=True)
        self._thread.start()

    async def stop(self, within_s: float) -> None:
        """Write what is pending (for up to `within_s`); spill the rest so the next start writes it."""
        self._stop_deadline = time.monotonic() + within_s
        self._stopping = True
        self._poke()
        await asyncio.to_thread(self._done.wait, within_s + 10)

    def _thread_main(self) -> None:
        try:
            uvloop.run(self._main())
        except Exception:
            log.exception("PostgreSQL writer stopped unexpectedly")
        finally:
            self._done.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        try:
            await self._run()
        finally:
            with self._lock:
                if self.queue:
                    self.buffer_max_rows = 0
                    self._spill()
                    log.warning(
                        "PostgreSQL unavailable at shutdown: %d rows spilled to %s", self.pending_rows, self.spool_dir
                    )
                self.journal.close()
            if self.conn is not None:
                try:
                    await asyncio.wait_for(self.conn.close(), 2)
                except Exception:  # noqa: BLE001 - a broken connection at shutdown: drop it
                    self.conn.terminate()

    async def _run(self) -> None:
        backoff = Backoff(0.5, 5.0, jitter=False)
        assert self._wake is not None
        while True:
            if self._stopping and (not self.queue or time.monotonic() > self._stop_deadline):
                return
            if not self._stopping:
                oldest = self.queue[0].created if self.queue else None
                timeout = self.batch_max_s if oldest is None else max(0.0, oldest + self.batch_max_s - time.monotonic())
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout)
                except TimeoutError:
                    pass
                self._wake.clear()
            if not self.queue:
                continue
            try:
                await self.write_pending()
                backoff.reset()
            except Exception as exc:  # noqa: BLE001 - any failure: keep the rows, reconnect, try again
                self.available = False
                self.metrics.inc("db_errors")
                log.warning(
                    "PostgreSQL write failed (%s); %d rows kept for later", type(exc).__name__, self.pending_rows
                )
                if self.conn is not None:
                    self.conn.terminate()
                    self.conn = None
                delay = backoff.next()
                await asyncio.sleep(
                    min(delay, max(0.0, self._stop_deadline - time.monotonic())) if self._stopping else delay
                )

    async def _connect(self) -> asyncpg.Connection:
        conn = await asyncpg.connect(self.database_url, timeout=5, command_timeout=60)
        await conn.execute(f"""
            CREATE TEMP TABLE IF NOT EXISTS _stage_ticks ({
            ", ".join(
                c + " " + t
                for c, t in zip(
                    TICK_COLUMNS.split(", "),
                    (
                        "timestamptz",
                        "text",
                        "bigint",
                        "bigint",
                        "bigint",
                        "bigint",
                        "double precision",
                        "smallint",
                        "timestamptz",
                        "text",
                    ),
                    strict=False,
                )
            )
        }) ON COMMIT DELETE ROWS;
            CREATE TEMP TABLE IF NOT EXISTS _stage_bars ({
            ", ".join(
                c + " " + t
                for c, t in zip(
                    BAR_COLUMNS.split(", "),
                    (
                        "text",
                        "timestamptz",
                        "bigint",
                        "bigint",
                        "bigint",
                        "bigint",
                        "bigint",
                        "bigint",
                        "integer",
                        "timestamptz",
                        "timestamptz",
                        "text",
                    ),
                    strict=False,
                )
            )
        }) ON COMMIT DELETE ROWS;
        """)
        with self._lock:
            queued = {c.table for c in self.queue}
        wanted = [self.tick_table, *self.bar_tables.values(), *queued]
        self.stored = set(await conn.fetchval(f"SELECT array({_STORED_RELATIONS_SQL})", wanted))
        return conn

    async def write_pending(self) -> None:
        if self.conn is None or self.conn.is_closed():
            self.conn = await self._connect()
        self.available = True
        while self.queue:
            # the oldest chunks, up to a few batches' worth of rows (at least one chunk)
            by_table: dict[str, list[bytes]] = {}
            with self._lock:
                taken: list[Chunk] = []
                rows = 0
                for chunk in self.queue:
                    if taken and rows + chunk.rows > self.batch_max_rows * 4:
                        break
                    taken.append(chunk)
                    rows += chunk.rows
                for chunk in taken:
                    by_table.setdefault(chunk.table, []).append(chunk.load())
            started = time.perf_counter()
            async with self.conn.transaction():
                for table, datas in by_table.items():
                    if table not in self.stored:
                        continue  # derived by the database (a continuous aggregate): nothing to write
                    data = merge_copy(datas)
                    schema, _, name = table.partition(".")
                    if name == "stock_ticks":
                        # Fast path: straight into the table. The engine drops replays, so a
                        # conflict only happens after an ingest restart replays stored trades;
                        # then this batch goes through staging + ON CONFLICT DO NOTHING.
                        try:
                            async with self.conn.transaction():
                                await self.conn.copy_to_table(
                                    name,
                                    schema_name=schema,
                                    source=io.BytesIO(data),
                                    format="binary",
                                    columns=TICK_COLUMNS.split(", "),
                                )
                            continue
                        except asyncpg.UniqueViolationError:
                            self.metrics.inc("copy_conflict_batches")
                        await self.conn.copy_to_table("_stage_ticks", source=io.BytesIO(data), format="binary")
                        await self.conn.execute(
                            f"INSERT INTO {table} ({TICK_COLUMNS}) SELECT {TICK_COLUMNS} FROM _stage_ticks "
                            "ON CONFLICT DO NOTHING"
                        )
                        await self.conn.execute("TRUNCATE _stage_ticks")
                    else:
                        await self.conn.copy_to_table("_stage_bars", source=io.BytesIO(data), format="binary")
                        await self.conn.execute(BAR_UPSERT.format(table=table, cols=BAR_COLUMNS, stage="_stage_bars"))
                        await self.conn.execute("TRUNCATE _stage_bars")
            self.metrics.observe("copy_ms", (time.perf_counter() - started) * 1000)
            with self._lock:
                for chunk in taken:
                    self.queue.popleft()
                    self.pending_rows -= chunk.rows
                    if chunk.data is not None:
                        self.memory_rows -= chunk.rows
                    elif chunk.path is not None:
                        chunk.path.unlink(missing_ok=True)
                    self._release(chunk)
                    if chunk.recovered:
                        self._recovered_left -= 1
                        if not self._recovered_left:
                            self.recovered_written.set()
                    if chunk.table not in self.stored:
                        self.metrics.inc("derived_bars_not_stored", chunk.rows)
                    else:
                        self.metrics.inc(
                            "rows_written_" + ("ticks" if chunk.table == self.tick_table else "bars"), chunk.rows
                        )
