"""Dropping cached api responses after a job changed the data they came from.

    await invalidate(redis, company_ids=[1, 2])   # profiles/financials of these companies
    await invalidate(redis, prices=True)          # rankings, quotes, industries, indices, bars, search
    await invalidate(redis, everything=True)

Each api worker also keeps hits for at most two seconds in memory (api/http/cache.py), so a
worker may serve the old body that long after an invalidation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import redis.asyncio as aioredis

from core.contract import keys


async def _delete_matching(redis: Any, pattern: str) -> int:
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


async def invalidate(
    redis: Any, *, company_ids: Iterable[int] = (), prices: bool = False, everything: bool = False
) -> int:
    """Returns how many keys went."""
    if everything:
        return await _delete_matching(redis, keys.CACHE_PREFIX + "*")
    deleted = 0
    for company_id in company_ids:
        deleted += await _delete_matching(redis, keys.cache_company_pattern(company_id))
    if prices:
        for family in keys.PRICE_FAMILIES:
            deleted += await _delete_matching(redis, keys.cache_family_pattern(family))
    return deleted


async def invalidate_url(redis_url: str, **kwargs: Any) -> int:
    """`invalidate` for callers without a client at hand."""
    client = aioredis.from_url(redis_url)
    try:
        return await invalidate(client, **kwargs)
    finally:
        await client.aclose()
