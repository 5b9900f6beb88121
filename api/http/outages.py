"""Outages of PostgreSQL and Redis as the api sees them: which failures are an outage, one log
line per change of state, and a probe that notices the recovery.

`dependency_of(exc)` names the server behind a failure (`database` or `redis`) or None when the
failure is not an outage (a bug stays a 500). errors.py answers an outage with 503
SERVICE_UNAVAILABLE and `Retry-After`; `report_down` logs the first failure of an outage once per
worker and starts a probe that pings the server every `PROBE_INTERVAL_S` until it answers, then
logs the recovery. Clients reconnect by themselves (asyncpg's pool and redis-py open new
connections on the next use), so recovery needs nothing but the server.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import redis.exceptions as redis_errors

log = logging.getLogger("api.outages")

RETRY_AFTER_S = 5
PROBE_INTERVAL_S = 1.0
PROBE_TIMEOUT_S = 2.0

_REDIS_ERRORS = (redis_errors.ConnectionError, redis_errors.TimeoutError)  # BusyLoadingError: a ConnectionError
_DATABASE_ERRORS = (
    asyncpg.PostgresConnectionError,  # the connection broke or was refused
    asyncpg.exceptions.OperatorInterventionError,  # shutting down, crash recovery, starting up
    asyncpg.exceptions.InsufficientResourcesError,  # too many connections, disk full
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.InternalClientError,  # a pooled connection left mid-protocol by the server's death
)

# per worker: dependency → monotonic time the outage was first seen
_down: dict[str, float] = {}
_probes: dict[str, asyncio.Task[None]] = {}


class _DropPoolFloorRetries(logging.Filter):
    """asyncpg's pool logs a traceback each time it fails to reopen its minimum connections while
    PostgreSQL is away; the outage is already logged once here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to restore the pool connection floor")


def quiet_library_retries() -> None:
    pool_log = logging.getLogger("asyncpg.pool")
    if not any(isinstance(f, _DropPoolFloorRetries) for f in pool_log.filters):
        pool_log.addFilter(_DropPoolFloorRetries())


def _frames_mention(exc: BaseException, package: str) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__", "").startswith(package):
            return True
        tb = tb.tb_next
    return False


def dependency_of(exc: BaseException) -> str | None:
    """`database`, `redis`, or None when `exc` is not a failure to reach either."""
    if isinstance(exc, _REDIS_ERRORS):
        return "redis"
    if isinstance(exc, _DATABASE_ERRORS):
        return "database"
    if isinstance(exc, (OSError, TimeoutError)):
        # connection refused/reset or a timeout raised inside a client library
        if _frames_mention(exc, "asyncpg"):
            return "database"
        if _frames_mention(exc, "redis"):
            return "redis"
    return None


def is_down(dependency: str) -> bool:
    return dependency in _down


def report_down(dependency: str, exc: BaseException, probe: Callable[[], Awaitable[Any]]) -> None:
    """Note a failure: logged when the outage starts; the probe notices its end."""
    if dependency in _down:
        return
    _down[dependency] = time.monotonic()
    log.warning(
        "%s unavailable (%s: %s); answering 503 until it is back",
        dependency,
        type(exc).__name__,
        str(exc)[:200] or "-",
    )
    task = _probes.get(dependency)
    if task is None or task.done():
        _probes[dependency] = asyncio.get_running_loop().create_task(_probe_until_up(dependency, probe))


async def _probe_until_up(dependency: str, probe: Callable[[], Awaitable[Any]]) -> None:
    while True:
        await asyncio.sleep(PROBE_INTERVAL_S)
        try:
            await asyncio.wait_for(probe(), PROBE_TIMEOUT_S)
        except Exception:  # noqa: BLE001 - still down; the outage was logged when it began
            continue
        began = _down.pop(dependency, None)
        took = time.monotonic() - began if began is not None else 0.0
        log.warning("%s available again (after %.1f s)", dependency, took)
        return
