"""Open streams per user, counted across every api worker in Redis.

`stream:connections:{user}` is a sorted set of connection ids `{worker instance}|{connection}`
scored by the time they expire unless renewed (every `RENEW_SECONDS`). Each worker also keeps a
short-lived heartbeat key `stream:worker:{instance}` alive (`WORKER_TTL_SECONDS`, renewed every
`WORKER_BEAT_SECONDS`). When a worker dies without releasing its leases (kill -9, a crash), its
heartbeat lapses within seconds and the next claim for that user drops the dead worker's leases
at once, instead of the user being refused until the leases themselves expire.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections.abc import Iterable
from typing import Any

from core.contract import keys

log = logging.getLogger("api.streaming")

RENEW_SECONDS = 30.0
LEASE_SECONDS = 3 * RENEW_SECONDS
WORKER_BEAT_SECONDS = 1.0
WORKER_TTL_SECONDS = 3.0
REDIS_TIMEOUT_S = 2.0
SEPARATOR = "|"
# KEYS[1] the user's leases. ARGV: now, limit, expires, connection id, key ttl, heartbeat key prefix.
# A lease whose worker has no heartbeat key is dropped before counting (ids without a worker part
# lapse by their score only).
_CLAIM = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local alive = {}
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local instance = string.match(member, '^(.+)|[^|]*$')
  if instance then
    if alive[instance] == nil then
      alive[instance] = redis.call('EXISTS', ARGV[6] .. instance) == 1
    end
    if not alive[instance] then redis.call('ZREM', KEYS[1], member) end
  end
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
"""


def new_worker_instance() -> str:
    return f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Leases:
    def __init__(self, redis: Any, instance: str | None = None) -> None:
        self.redis = redis
        self.instance = instance or new_worker_instance()

    def connection_id(self, conn: object) -> str:
        return f"{self.instance}{SEPARATOR}{id(conn)}"

    async def beat(self) -> None:
        """Tell the other workers this one is alive (called every WORKER_BEAT_SECONDS)."""
        await asyncio.wait_for(
            self.redis.set(keys.stream_worker(self.instance), b"1", px=int(WORKER_TTL_SECONDS * 1000)),
            REDIS_TIMEOUT_S,
        )

    async def beat_forever(self) -> None:
        while True:
            try:
                await self.beat()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - Redis away: the hub reports that; beat again soon
                log.debug("stream: worker heartbeat failed: %s", exc)
            await asyncio.sleep(WORKER_BEAT_SECONDS)

    async def retire(self) -> None:
        """At a clean stop: no heartbeat, so leases still held are dropped at the next claim."""
        try:
            await asyncio.wait_for(self.redis.delete(keys.stream_worker(self.instance)), REDIS_TIMEOUT_S)
        except Exception:  # noqa: BLE001 - the heartbeat lapses by itself
            pass

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
                    self.connection_id(conn),
                    int(LEASE_SECONDS),
                    keys.STREAM_WORKER_PREFIX,
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
                self.redis.zrem(keys.stream_connections(user_id), self.connection_id(conn)), REDIS_TIMEOUT_S
            )
        except Exception:  # noqa: BLE001 - the lease lapses by itself
            pass

    async def renew(self, held: Iterable[tuple[int, object]]) -> None:
        expires = time.time() + LEASE_SECONDS
        async with self.redis.pipeline(transaction=False) as pipe:
            for user_id, conn in held:
                pipe.zadd(keys.stream_connections(user_id), {self.connection_id(conn): expires})
            await asyncio.wait_for(pipe.execute(), REDIS_TIMEOUT_S)
