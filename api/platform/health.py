"""GET /api/health: database, Redis, search backend, ingest freshness and collectors; 200 or 503."""

from __future__ import annotations

import asyncio
import time

import orjson
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from typing_extensions import TypedDict

from api.http.operations import Envelope, operation
from core.contract import status as contract_status

bp = Blueprint("health", url_prefix="/api")

INGEST_STALE_AFTER_S = 30.0
CHECK_TIMEOUT_S = 2.0


async def _timed(coro) -> tuple[bool, float, str | None]:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(coro, CHECK_TIMEOUT_S)
        return True, round((time.perf_counter() - started) * 1000, 2), None
    except Exception as exc:  # noqa: BLE001 - any failure means "down"; the reason is reported
        return False, round((time.perf_counter() - started) * 1000, 2), type(exc).__name__


async def check_database(request: Request) -> dict:
    ok, ms, err = await _timed(request.app.ctx.db.fetchval("SELECT 1"))
    return {"ok": ok, "latencyMs": ms, **({"error": err} if err else {})}


async def check_redis(request: Request) -> dict:
    ok, ms, err = await _timed(request.app.ctx.redis.ping())
    return {"ok": ok, "latencyMs": ms, **({"error": err} if err else {})}


async def check_search(request: Request, database: dict) -> dict:
    search = getattr(request.app.ctx, "search", None)
    if search is None:
        return {"ok": database["ok"], "backend": "postgres"}
    ok, ms, err = await _timed(search.ping())
    return {"ok": ok, "backend": search.name, "latencyMs": ms, **({"error": err} if err else {})}


async def check_ingest(request: Request) -> dict:
    try:
        status = await asyncio.wait_for(contract_status.read_ingest(request.app.ctx.redis), CHECK_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001 - reported as the reason ingest is not ok
        return {"ok": False, "error": type(exc).__name__}
    now_ms = time.time() * 1000
    if "updatedAt" not in status:
        return {"ok": False, "reason": "ingest has not reported yet"}
    heartbeat_age = (now_ms - float(status["updatedAt"])) / 1000
    last_tick = status.get("lastTickAt")
    return {
        "ok": heartbeat_age < INGEST_STALE_AFTER_S,
        "heartbeatAgeSeconds": round(heartbeat_age, 1),
        "lastTickAgeSeconds": round((now_ms - float(last_tick)) / 1000, 1) if last_tick else None,
        "source": status.get("source"),
        "mode": status.get("mode"),
        "connected": status.get("connected") == "1",
        **({"detail": orjson.loads(status["detail"])} if "detail" in status else {}),
    }


async def read_collectors(request: Request) -> dict:
    try:
        return await asyncio.wait_for(contract_status.read_collectors(request.app.ctx.redis), CHECK_TIMEOUT_S)
    except Exception:  # noqa: BLE001 - collectors are informative; health does not depend on them
        return {}


class Part(TypedDict, total=False):
    ok: bool
    latencyMs: float
    error: str
    backend: str


class Health(TypedDict):
    status: str
    database: Part
    redis: Part
    search: Part
    ingest: dict[str, object]
    collectors: dict[str, object]


@operation(
    bp,
    "GET",
    "/health",
    tag="platform",
    summary="구성 요소 상태 (200 정상, 503 일부 장애)",
    response=Envelope(Health),
    same_shape_statuses=(503,),
)
async def health(request: Request) -> HTTPResponse:
    database, redis_status = await asyncio.gather(check_database(request), check_redis(request))
    search, ingest, collectors = await asyncio.gather(
        check_search(request, database), check_ingest(request), read_collectors(request)
    )
    healthy = all(part["ok"] for part in (database, redis_status, search, ingest))
    status = 200 if healthy else 503
    data = {
        "status": "ok" if healthy else "degraded",
        "database": database,
        "redis": redis_status,
        "search": search,
        "ingest": ingest,
        "collectors": collectors,
    }
    message = "정상 동작 중입니다." if healthy else "일부 구성 요소에 문제가 있습니다."
    return json({"status": status, "message": message, "data": data}, status=status)
