"""Status records the api's `/api/health` shows: the ingest heartbeat and the collectors.

`ingest:status` (hash, written every INGEST_STATUS_INTERVAL_SECONDS by the ingest process that
holds the KIS keys): `updatedAt` and `lastTickAt` (epoch ms), `source` (kis | kissim), `mode`
(stream | poll | disconnected | standby | stopped), `connected` ("1" | "0"), `detail` (JSON:
engine, keys, buffers, metrics).

`jobs:collectors` (hash): collector name → `{"state", "reason", "at"}` JSON, where state is
idle (not configured — the reason names the missing setting), running, ok or error.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import orjson

from core.contract import keys

log = logging.getLogger(__name__)

INGEST_FIELDS = ("updatedAt", "lastTickAt", "source", "mode", "connected", "detail")
COLLECTOR_STATES = ("idle", "running", "ok", "error")


def collector_entry(state: str, reason: str) -> bytes:
    if state not in COLLECTOR_STATES:
        raise ValueError(f"unknown collector state {state!r}")
    return orjson.dumps({"state": state, "reason": reason, "at": int(time.time() * 1000)})


async def set_collector(redis: Any, name: str, state: str, reason: str) -> None:
    """Write one collector's status (redis.asyncio client). Never raises: status is best effort."""
    try:
        await redis.hset(keys.COLLECTORS, name, collector_entry(state, reason))
    except Exception as exc:  # noqa: BLE001 - status must not fail the job that reports it
        log.warning("could not write collector status %s: %s", name, exc)


def set_collector_sync(redis: Any, name: str, state: str, reason: str) -> None:
    """`set_collector` with a blocking client (Dramatiq middleware)."""
    try:
        redis.hset(keys.COLLECTORS, name, collector_entry(state, reason))
    except Exception as exc:  # noqa: BLE001 - as above
        log.warning("could not write collector status %s: %s", name, exc)


async def read_collectors(redis: Any) -> dict[str, dict[str, Any]]:
    raw = await redis.hgetall(keys.COLLECTORS)
    return {(k.decode() if isinstance(k, bytes) else k): orjson.loads(v) for k, v in raw.items()}


async def read_ingest(redis: Any) -> dict[str, str]:
    raw = await redis.hgetall(keys.INGEST_STATUS)
    return {k.decode(): v.decode() for k, v in raw.items()}
