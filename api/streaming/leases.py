"""Open streams per user, counted across every api worker in Redis.

`stream:connections:{user}` is a sorted set of connection ids scored by the time they expire
unless renewed; a crashed worker's entries lapse by themselves after `LEASE_SECONDS`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Iterable
from typing import Any

from core.contract import keys

log = logging.getLogger("api.streaming")

RENEW_SECONDS = 30.0
LEASE_SECONDS = 3 * RENEW_SECONDS
REDIS_TIMEOUT_S = 2.0
_CLAIM = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
"""


def connection_id(conn: object) -> str:
    return f"{os.getpid()}:{id(conn)}"


class Leases:
    def __init__(self, redis: Any) -> None:
        self.redis = redis

    async def claim(self, user_id: int, conn: object, limit: int) -> bool:
        """A lease for `conn` unless the user already holds `limit` (True when Redis is away:
        the worker's own count still applies)."""
        now = time.time()
        try:
            admitted = await asyncio.wait_for(
                self.redis.eval(
                    _CLAIM,
                    1,
                    keys.stream_connections(user_id),
                    now,
                    limit,
                    now + LEASE_SECONDS,
                    connection_id(conn),
                    int(LEASE_SECONDS),
                ),
                REDIS_TIMEOUT_S,
            )
        except Exception as exc:  # noqa: BLE001 - Redis down: the worker's own count still applies
            log.warning("stream: cannot count connections in Redis: %s", exc)
            return True
        return bool(admitted)

    async def release(self, user_id: int, conn: object) -> None:
        try:
            await asyncio.wait_for(
                self.redis.zrem(keys.stream_connections(user_id), connection_id(conn)), REDIS_TIMEOUT_S
            )
        except Exception:  # noqa: BLE001 - the lease lapses by itself
            pass

    async def renew(self, held: Iterable[tuple[int, object]]) -> None:
        expires = time.time() + LEASE_SECONDS
        async with self.redis.pipeline(transaction=False) as pipe:
            for user_id, conn in held:
                pipe.zadd(keys.stream_connections(user_id), {connection_id(conn): expires})
            await asyncio.wait_for(pipe.execute(), REDIS_TIMEOUT_S)
