"""Collector status in Redis hash `jobs:collectors`: name → {"state","reason","at"} JSON.

`/api/health` shows this hash as it is. States: idle (not configured — the reason says which
setting is missing), running, ok (last run succeeded; reason summarises it), error.
"""
from __future__ import annotations

import logging
import time

import orjson

COLLECTORS_KEY = "jobs:collectors"
STATES = ("idle", "running", "ok", "error")

log = logging.getLogger(__name__)


def entry(state: str, reason: str) -> bytes:
    assert state in STATES, state
    return orjson.dumps({"state": state, "reason": reason, "at": int(time.time() * 1000)})


async def set_status(redis, name: str, state: str, reason: str) -> None:
    """Write one collector's status (redis.asyncio client). Never raises: status is best effort."""
    try:
        await redis.hset(COLLECTORS_KEY, name, entry(state, reason))
    except Exception as exc:  # noqa: BLE001
        log.warning("could not write collector status %s: %s", name, exc)


def set_status_sync(redis, name: str, state: str, reason: str) -> None:
    try:
        redis.hset(COLLECTORS_KEY, name, entry(state, reason))
    except Exception as exc:  # noqa: BLE001
        log.warning("could not write collector status %s: %s", name, exc)


async def read_all(redis) -> dict[str, dict]:
    raw = await redis.hgetall(COLLECTORS_KEY)
    return {(k.decode() if isinstance(k, bytes) else k): orjson.loads(v) for k, v in raw.items()}
