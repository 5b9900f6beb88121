"""Response cache in Redis (`cache:*`, keys built by core/contract/keys.py), with a tiny
per-worker layer in front of it.

What is cached and for how long (PRD 5.1):
    company profile, financials      1 h     (PROFILE_TTL_S)
    rankings, industries, indices    5 min   (RANKINGS_TTL_S; all read the quote table)
    the whole market's quotes        5 min
    search result pages              1 min   (prices in them carry asOf)
    bars                             5 s (1m) … 5 min (1d); the open bar is read fresh per request
Values are the serialized JSON response body (bytes), so a hit costs one Redis GET and no
encoding. Each worker also keeps hits for at most `LOCAL_TTL_S` seconds in memory: after an
invalidation (core/contract/cache.py, called by the jobs) a worker may serve the old body that long.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import cast

import orjson
import redis.asyncio as aioredis
from sanic import Sanic
from sanic.response import HTTPResponse, raw

PROFILE_TTL_S = 3600
RANKINGS_TTL_S = 300
SEARCH_TTL_S = 60
LOCAL_TTL_S = 2.0
_LOCAL_MAX = 4096

# per worker process: key → (expires monotonic, body)
_local: dict[str, tuple[float, bytes]] = {}
_inflight: dict[str, asyncio.Future] = {}


def json_bytes(body: object) -> HTTPResponse:
    return raw(body if isinstance(body, bytes) else orjson.dumps(body), content_type="application/json")


def _local_get(key: str) -> bytes | None:
    hit = _local.get(key)
    if hit is None:
        return None
    if hit[0] < time.monotonic():
        _local.pop(key, None)
        return None
    return hit[1]


def _local_put(key: str, value: bytes, ttl: float) -> None:
    if len(_local) >= _LOCAL_MAX:
        _local.clear()
    _local[key] = (time.monotonic() + min(ttl, LOCAL_TTL_S), value)


async def cached_bytes(app: Sanic, key: str, ttl: int, produce: Callable[[], Awaitable[object]]) -> bytes:
    """The cached body under `key`, else `produce()` serialized and stored for `ttl` s.

    Redis failures degrade to computing the value (the cache is never a point of failure).
    """
    if not app.ctx.settings.api.cache_enabled:
        body = await produce()
        return body if isinstance(body, bytes) else orjson.dumps(body)
    full = key
    hit = _local_get(full)
    if hit is not None:
        return hit
    # one fill per key and worker at a time: concurrent misses wait for it (no thundering herd)
    pending = _inflight.get(full)
    if pending is not None:
        return await asyncio.shield(pending)
    future = asyncio.ensure_future(_fill(app, full, ttl, produce))
    _inflight[full] = future
    future.add_done_callback(lambda f: _filled(full, f))
    return await asyncio.shield(future)


def _filled(full: str, future: asyncio.Future) -> None:
    _inflight.pop(full, None)
    if not future.cancelled():
        future.exception()  # retrieved here too, so a fill whose waiters all left does not log a warning


async def _fill(app: Sanic, full: str, ttl: int, produce: Callable[[], Awaitable[object]]) -> bytes:
    redis: aioredis.Redis = app.ctx.redis
    value: bytes | None
    try:
        value = cast(bytes | None, await redis.get(full))  # a client without decode_responses
    except (TimeoutError, aioredis.RedisError, OSError):
        value = None
    if value is None:
        body = await produce()
        value = body if isinstance(body, bytes) else orjson.dumps(body)
        try:
            await redis.set(full, value, ex=ttl)
        except (TimeoutError, aioredis.RedisError, OSError):
            pass
    _local_put(full, value, ttl)
    return value


async def cached_response(app: Sanic, key: str, ttl: int, produce: Callable[[], Awaitable[object]]) -> HTTPResponse:
    return json_bytes(await cached_bytes(app, key, ttl, produce))
