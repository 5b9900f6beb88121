"""Real-time streaming: WebSocket `/ws/stocks/`, SSE `/api/stream/stocks`, and the AsyncAPI
document at `/api/asyncapi.json`.

Each api worker process runs one `Hub` (one Redis pub/sub connection) created in
`before_server_start`; see hub.py for the fan-out design.
"""

from __future__ import annotations

from pathlib import Path

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse, raw

from api.http.errors import ApiError, error_response
from api.http.operations import Raw, operation
from api.streaming import sse, ws
from api.streaming.hub import Hub

ASYNCAPI_PATH = Path(__file__).with_name("asyncapi.json")

docs = Blueprint("stream_docs", url_prefix="/api")


@operation(
    docs,
    "GET",
    "/asyncapi.json",
    tag="streaming",
    summary="WebSocket/SSE 메시지 명세 (AsyncAPI 3)",
    response=Raw("application/json", {"type": "object"}),
)
async def asyncapi(request: Request) -> HTTPResponse:
    return raw(ASYNCAPI_PATH.read_bytes(), content_type="application/json")


@ws.bp.on_request
async def reject_when_unavailable(request: Request) -> HTTPResponse | None:
    """A plain GET (no `Upgrade: websocket`) is 426 UPGRADE_REQUIRED; while Redis is unreachable the
    upgrade is refused with 503 STREAM_UNAVAILABLE."""
    if request.headers.get("upgrade", "").lower() != "websocket":
        return error_response(ApiError("UPGRADE_REQUIRED", headers={"Upgrade": "websocket", "Connection": "Upgrade"}))
    hub = getattr(request.app.ctx, "stream_hub", None)
    if hub is not None and not hub.available:
        return error_response(ApiError("STREAM_UNAVAILABLE"))
    return None


@docs.before_server_start
async def start_hub(app: Sanic) -> None:
    # A pool of its own that waits for a free connection: a burst of WebSocket connects (token
    # deny-list checks, snapshots) neither fails on nor starves the REST pool.
    # Stale connections after a Redis restart are retried once instead of failing a client.
    pool = aioredis.BlockingConnectionPool.from_url(
        app.ctx.settings.redis_url,
        max_connections=64,
        timeout=5,
        socket_connect_timeout=2,
        socket_timeout=5,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
        retry_on_error=[RedisConnectionError],
    )
    app.ctx.stream_redis = aioredis.Redis(connection_pool=pool)
    app.ctx.stream_hub = Hub(app.ctx.settings.redis_url, app.ctx.stream_redis, app.ctx.db)
    await app.ctx.stream_hub.start()


@docs.before_server_stop
async def stop_hub(app: Sanic) -> None:
    hub = getattr(app.ctx, "stream_hub", None)
    if hub is not None:
        await hub.stop()
        await app.ctx.stream_redis.aclose()


bp = Blueprint.group(ws.bp, sse.bp, docs)
