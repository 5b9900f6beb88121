"""Helpers for the ingest tests: kissim and ingest as real processes, waiting, database reads."""

from __future__ import annotations

import asyncio
import time
import urllib.request
from pathlib import Path

import asyncpg
import orjson

from devtools.embedded import free_port
from tests.support import harness

KISSIM_CACHE = harness.REPO_ROOT / "test-output" / "kissim-cache"


def wait_until(predicate, timeout: float = 20.0, interval: float = 0.1, message: str = "condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message} (last: {last!r})")


class Kissim(harness.ProcessUnderTest):
    def __init__(
        self, log_path: Path, *args: str, env: dict[str, str] | None = None, state_file: Path | None = None
    ) -> None:
        self.port = free_port()
        base = env or harness.platform_env("postgresql://unused/x", "redis://unused")
        base = {**base, "DATA_DIR": str(KISSIM_CACHE), "LOG_LEVEL": "WARNING"}
        state = state_file
        if state is None:  # a fresh trading day for each kissim of the tests
            state = log_path.with_suffix(".state.json")
            state.unlink(missing_ok=True)
        super().__init__(
            "devtools.kissim", base, log_path, ("--port", str(self.port), "--state-file", str(state), *args)
        )
        self.url = f"http://127.0.0.1:{self.port}"
        wait_until(self._ready, 60, message=f"kissim to listen\n{self.output()}")

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"kissim exited:\n{self.output()}")
        try:
            urllib.request.urlopen(self.url + "/_kissim/stats", timeout=1).read()
            return True
        except OSError:
            return False

    def stats(self) -> dict:
        return orjson.loads(urllib.request.urlopen(self.url + "/_kissim/stats", timeout=5).read())

    def sent(self, symbol: str) -> list[int]:
        return orjson.loads(urllib.request.urlopen(f"{self.url}/_kissim/sent?symbol={symbol}", timeout=5).read())[
            "seqs"
        ]

    def fault(self, kind: str, **kw) -> dict:
        body = orjson.dumps({"kind": kind, **kw})
        req = urllib.request.Request(
            self.url + "/_kissim/fault", data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        return orjson.loads(urllib.request.urlopen(req, timeout=10).read())


def ingest_env(
    database_url: str,
    redis_url: str,
    kissim: Kissim,
    keys: list[str],
    data_dir: Path,
    symbols: list[str],
    **overrides: str,
) -> dict[str, str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    env = harness.platform_env(database_url, redis_url)
    env.update(
        INGEST_SOURCE="kissim",
        KIS_REST_URL=kissim.url,
        KIS_WS_URL=f"ws://127.0.0.1:{kissim.port}",
        KIS_APP_KEYS=",".join(f"{k}:secret-{k}" for k in keys),
        SUBSCRIBE_SYMBOLS=",".join(symbols),
        DATA_DIR=str(data_dir),
        KISSIM_MODE="demo",
        INGEST_STATUS_INTERVAL_SECONDS="0.5",
        INGEST_BATCH_MAX_MS="100",
        INGEST_REALLOCATE_SECONDS="1",
        INGEST_BACKOFF_INITIAL_SECONDS="0.3",
        INGEST_BACKOFF_MAX_SECONDS="3",
        INGEST_IN_USE_BACKOFF_SECONDS="3",
        INGEST_WATCHDOG_SECONDS="3",
        KIS_SUBSCRIBE_PAUSE_MS="2",
        INGEST_POLL_INTERVAL_SECONDS="1",
        KIS_REST_RATE_PER_SECOND="15",
        LOG_LEVEL="INFO",
    )
    env.update(overrides)
    return env


def start_ingest(env: dict[str, str], log_path: Path) -> harness.ProcessUnderTest:
    return harness.ProcessUnderTest("ingest", env, log_path)


def query(database_url: str, sql: str, *args):
    async def run():
        conn = await asyncpg.connect(database_url)
        try:
            return await conn.fetch(sql, *args)
        finally:
            await conn.close()

    return asyncio.run(run())
