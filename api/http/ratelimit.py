"""Rate limiting in Redis: fixed one-minute windows per client IP and per signed-in user.

    ip    every /api request           ≤ settings.api.rate_limit_per_minute
    user  requests with a valid token  ≤ settings.api.rate_limit_per_minute
    auth  signup/login/refresh and     ≤ settings.api.auth_rate_limit_per_minute
          the routes that check a password (PUT /api/users/me/password, DELETE /api/users/me)
(keys `ratelimit:{kind}:{subject}:{minute}`, core/contract/keys.py)
and, per hour (`check_signup`, called by the signup handler once the body is read):
    signup-ip       signup attempts per client IP      ≤ settings.api.signup_rate_limit_per_hour
    signup-address  signup attempts per email address  ≤ settings.api.signup_address_rate_limit_per_hour
(the address is keyed by a hash, never stored in the clear), so that signup's ALREADY_EXISTS cannot
be used to enumerate registered emails at scale.
Over the limit → 429 TOO_MANY_REQUESTS with `Retry-After` (seconds to the next window). Each
worker reserves budget in chunks (see `_acquire`), so most requests cost no Redis round trip.
When Redis is down the per-minute limits let requests through, except signup/login/refresh,
which answer 503 (they cannot be limited, and a token issued then could not be checked).
Exempt: /api/health, /metrics, the streaming endpoints (they limit connections themselves).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import time

import jwt
import redis.asyncio as aioredis
from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse

from api.http import auth
from api.http.errors import ApiError, error_response, unavailable
from api.http.peers import client_address
from core.contract import keys

bp = Blueprint("ratelimit")

WINDOW_S = 60
SIGNUP_WINDOW_S = 3600
AUTH_PATHS = frozenset({"/api/users/signup", "/api/users/login", "/api/users/refresh"})
PASSWORD_ROUTES = frozenset({("PUT", "/api/users/me/password"), ("DELETE", "/api/users/me")})
_EXEMPT_PREFIXES = ("/api/health", "/api/stream", "/api/docs")


def client_ip(request: Request) -> str:
    """The address limits count against (api/http/peers.py: behind a trusted proxy, the real client)."""
    return client_address(request) or "unknown"


def _user_id(request: Request) -> int | None:
    """The token's subject when the signature checks out (the handler still verifies fully)."""
    token = auth.bearer_token(request)
    if token is None:
        return None
    try:
        payload = jwt.decode(
            token,
            request.app.ctx.settings.api.jwt_secret,
            algorithms=["HS256"],
            audience=auth.AUDIENCE,
            issuer=auth.ISSUER,
        )
        return int(payload["sub"])
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        return None


# Per worker: budget already reserved from Redis for the current window, key → tokens left
# (-1: the window is used up). A worker reserves `limit // RESERVE_FRACTION` requests at a time,
# one reservation in flight per key (concurrent requests wait for it), so most requests cost no
# Redis round trip. Grants are capped by the Redis total, so all workers together never serve
# more than the limit (a little less at worst, when another worker holds unused tokens).
RESERVE_FRACTION = 50
_reserved: dict[str, int] = {}
_pending: dict[str, asyncio.Future] = {}
_reserved_window = 0


async def _reserve(redis: aioredis.Redis, key: str, limit: int) -> None:
    chunk = max(1, limit // RESERVE_FRACTION)
    async with redis.pipeline(transaction=False) as pipe:
        pipe.set(key, 0, ex=WINDOW_S + 1, nx=True)
        pipe.incrby(key, chunk)
        _, total = await pipe.execute()
    granted = min(chunk, limit - (total - chunk))
    _reserved[key] = _reserved.get(key, 0) + granted if granted > 0 else -1


def _forget_pending(key: str, _done: asyncio.Future[None]) -> None:
    _pending.pop(key, None)


async def _take(redis: aioredis.Redis, key: str, limit: int) -> bool:
    while True:
        left = _reserved.get(key, 0)
        if left > 0:
            _reserved[key] = left - 1
            return True
        if left < 0:
            return False
        pending = _pending.get(key)
        if pending is None:
            pending = asyncio.ensure_future(_reserve(redis, key, limit))
            _pending[key] = pending
            pending.add_done_callback(functools.partial(_forget_pending, key))
        await asyncio.shield(pending)


async def _acquire(redis: aioredis.Redis, limits: list[tuple[str, int]]) -> bool:
    allowed = True
    for key, limit in limits:
        if not await _take(redis, key, limit):
            allowed = False
    return allowed


async def check(request: Request) -> HTTPResponse | None:
    global _reserved_window
    path = request.path
    if not path.startswith("/api/") or path.startswith(_EXEMPT_PREFIXES):
        return None
    settings = request.app.ctx.settings
    if not settings.api.rate_limit_enabled:
        return None
    now = time.time()
    window = int(now // WINDOW_S)
    if window != _reserved_window:
        _reserved.clear()
        _reserved_window = window
    ip = client_ip(request)
    limits: list[tuple[str, int]] = [(keys.rate_limit("ip", ip, window), settings.api.rate_limit_per_minute)]
    if path in AUTH_PATHS or (request.method, path) in PASSWORD_ROUTES:
        limits.append((keys.rate_limit("auth", ip, window), settings.api.auth_rate_limit_per_minute))
    user_id = _user_id(request)
    if user_id is not None:
        limits.append((keys.rate_limit("user", user_id, window), settings.api.rate_limit_per_minute))
    try:
        allowed = await _acquire(request.app.ctx.redis, limits)
    except (TimeoutError, aioredis.RedisError, OSError):
        if path in AUTH_PATHS:
            return error_response(unavailable())  # fail closed where limits guard passwords and tokens
        return None  # fail open: the limiter must not take the api down with Redis
    if not allowed:
        retry_after = max(1, int((window + 1) * WINDOW_S - now + 0.999))
        return error_response(
            ApiError("TOO_MANY_REQUESTS", headers={"Retry-After": str(retry_after)}, retryAfter=retry_after)
        )
    return None


async def check_signup(request: Request, email: str) -> None:
    """429 when this client or this address has tried to sign up too often this hour (every attempt
    counts, a refused one too). Redis errors propagate: signup answers 503 while Redis is away."""
    settings = request.app.ctx.settings.api
    if not settings.rate_limit_enabled:
        return
    now = time.time()
    window = int(now // SIGNUP_WINDOW_S)
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    limits = (
        (keys.rate_limit("signup-ip", client_ip(request), window), settings.signup_rate_limit_per_hour),
        (keys.rate_limit("signup-address", address, window), settings.signup_address_rate_limit_per_hour),
    )
    async with request.app.ctx.redis.pipeline(transaction=False) as pipe:
        for key, _ in limits:
            pipe.set(key, 0, ex=SIGNUP_WINDOW_S + 1, nx=True)
            pipe.incr(key)
        replies = await pipe.execute()
    if any(count > limit for count, (_, limit) in zip(replies[1::2], limits, strict=True)):
        retry_after = max(1, int((window + 1) * SIGNUP_WINDOW_S - now + 0.999))
        raise ApiError(
            "TOO_MANY_REQUESTS",
            "회원가입 시도가 너무 많습니다. 잠시 후 다시 시도해 주세요.",
            headers={"Retry-After": str(retry_after)},
            retryAfter=retry_after,
        )


def install(app: Sanic) -> None:
    """App-wide request middleware (blueprint middleware would only see this blueprint's routes)."""
    app.register_middleware(check, "request")
