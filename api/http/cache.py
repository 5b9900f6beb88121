"""Response cache in Redis (`cache:*`), with a tiny per-worker layer in front of it.

What is cached and for how long (PRD 5.1):
    cache:company:{id}:profile          1 h     company profile
    cache:company:{id}:financials       1 h
    cache:rankings:*                    5 min   rankings, industry lists (all read the quote table)
    cache:quotes:all                    5 min   last price / change / market cap of every company
    cache:indices:*                     5 min
    cache:search:*                      1 min   search result pages (prices in them carry asOf)
Values are the serialized JSON response body (bytes), so a hit costs one Redis GET and no
encoding. Each worker also keeps hits for at most `LOCAL_TTL_S` seconds in memory: after an
invalidation a worker may serve the old body for that long.

Jobs that change data call `invalidate(...)` (async, with their Redis client) or
`invalidate_url(redis_url, ...)`:
    await cache.invalidate(redis, company_ids=[1, 2])   # profiles/financials of these companies
    await cache.invalidate(redis, prices=True)          # rankings, quotes, industries, indices
    await cache.invalidate(redis, everything=True)
"""
from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Callable, Iterable

import orjson
import redis.asyncio as aioredis
from sanic import Sanic
from sanic.response import HTTPResponse, raw

PREFIX = "cache:"
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
    """The cached body under `cache:{key}`, else `produce()` serialized and stored for `ttl` s.

    Redis failures degrade to computing the value (the cache is never a point of failure).
    """
    if not app.ctx.settings.api_cache_enabled:
        body = await produce()
        return body if isinstance(body, bytes) else orjson.dumps(body)
    full = PREFIX + key
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
    try:
        value = await redis.get(full)
    except (aioredis.RedisError, OSError, asyncio.TimeoutError):
        value = None
    if value is None:
        body = await produce()
        value = body if isinstance(body, bytes) else orjson.dumps(body)
        try:
            await redis.set(full, value, ex=ttl)
        except (aioredis.RedisError, OSError, asyncio.TimeoutError):
            pass
    _local_put(full, value, ttl)
    return value


async def cached_response(app: Sanic, key: str, ttl: int, produce: Callable[[], Awaitable[object]]) -> HTTPResponse:
    return json_bytes(await cached_bytes(app, key, ttl, produce))


async def _delete_matching(redis: aioredis.Redis, pattern: str) -> int:
    deleted = 0
    batch: list[bytes] = []
    async for key in redis.scan_iter(match=pattern, count=500):
        batch.append(key)
        if len(batch) >= 500:
            deleted += await redis.delete(*batch)
            batch.clear()
    if batch:
        deleted += await redis.delete(*batch)
    return deleted


async def invalidate(redis: aioredis.Redis, *, company_ids: Iterable[int] = (), prices: bool = False,
                     everything: bool = False) -> int:
    """Drop cached responses after a job changed the data; returns how many keys went."""
    _local.clear()
    if everything:
        return await _delete_matching(redis, PREFIX + "*")
    deleted = 0
    for company_id in company_ids:
        deleted += await _delete_matching(redis, f"{PREFIX}company:{int(company_id)}:*")
    if prices:
        for family in ("rankings", "quotes", "industries", "indices", "company", "search"):
            deleted += await _delete_matching(redis, f"{PREFIX}{family}:*")
    return deleted


async def invalidate_url(redis_url: str, **kwargs) -> int:
    """`invalidate` for callers without a client at hand."""
    client = aioredis.from_url(redis_url)
    try:
        return await invalidate(client, **kwargs)
    finally:
        await client.aclose()
