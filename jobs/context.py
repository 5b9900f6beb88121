"""What every job gets: settings, a PostgreSQL pool, a Redis client, and a progress factory."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import redis.asyncio as aioredis
from tqdm import tqdm

from core.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class JobContext:
    settings: Settings
    db: asyncpg.Pool
    redis: aioredis.Redis
    show_progress: bool = False
    options: dict[str, Any] = field(default_factory=dict)

    def progress(self, iterable: Iterable | None = None, *, total: int | None = None, desc: str = "") -> tqdm:
        """A tqdm bar on the operator's terminal (`python -m jobs run`), silent in the worker."""
        return tqdm(
            iterable,
            total=total,
            desc=desc,
            disable=not self.show_progress,
            unit="item",
            dynamic_ncols=True,
            leave=True,
        )


@contextlib.asynccontextmanager
async def open_context(settings: Settings, *, show_progress: bool = False, **options: Any):
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=4)
    redis = aioredis.Redis.from_url(settings.redis_url)
    try:
        yield JobContext(settings, pool, redis, show_progress, dict(options))
    finally:
        await redis.aclose()
        await pool.close()
