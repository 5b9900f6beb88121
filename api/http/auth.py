"""Tokens: short-lived JWT access tokens, rotating refresh tokens, and a Redis deny-list.

Access tokens live `jwt_access_ttl_seconds` (15 min), refresh tokens `jwt_refresh_ttl_seconds`.
Both are HS256 with `iss`, `aud`, `jti`, `typ`; logout and refresh rotation put the `jti` on the
deny-list (`auth:revoked:{jti}`, core/contract/keys.py) until the token would have expired anyway.
A password change or an account deletion voids all of a user's tokens issued before a moment
(`revoke_issued_before`: `auth:valid-after:{user}`, kept as long as a refresh token lives); `iat`
carries fractions of a second so the fresh pair issued right after a password change is not caught.
REST handlers use `require_user(request)`; the WebSocket/SSE code uses `verify_token` directly.

While Redis is away the deny-list cannot be read, so authentication fails closed: a request with a
token gets 503 SERVICE_UNAVAILABLE (errors.py maps the Redis error), never a pass on an unchecked
token, and login/refresh issue no token (`deny_list_reachable`).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import TypedDict

import jwt
import redis.asyncio as aioredis
from sanic import Request

from api.http.errors import ApiError
from core.contract import keys
from core.settings import Settings

ISSUER = "krx-platform"
AUDIENCE = "krx-platform-api"


@dataclass(frozen=True)
class Claims:
    user_id: int
    jti: str
    expires_at: int
    token_type: str
    issued_at: float = 0.0


def _encode(settings: Settings, user_id: int, token_type: str, ttl: int, now: float) -> str:
    payload = {
        "sub": str(user_id),
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": int(now) + ttl,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "typ": token_type,
    }
    return jwt.encode(payload, settings.api.jwt_secret, algorithm="HS256")


class IssuedTokens(TypedDict):
    accessToken: str
    refreshToken: str
    expiresIn: int


def issue_tokens(settings: Settings, user_id: int, not_before: float = 0.0) -> IssuedTokens:
    """A fresh access/refresh pair, shaped for the login response; issued no earlier than `not_before`."""
    now = max(time.time(), not_before)
    return {
        "accessToken": _encode(settings, user_id, "access", settings.api.jwt_access_ttl_seconds, now),
        "refreshToken": _encode(settings, user_id, "refresh", settings.api.jwt_refresh_ttl_seconds, now),
        "expiresIn": settings.api.jwt_access_ttl_seconds,
    }


def decode(settings: Settings, token: str, token_type: str = "access") -> Claims:
    """Signature, expiry, issuer, audience and type checked; raises ApiError UNAUTHORIZED."""
    try:
        payload = jwt.decode(
            token,
            settings.api.jwt_secret,
            algorithms=["HS256"],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "jti", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise ApiError("UNAUTHORIZED", "토큰이 만료되었습니다. 다시 로그인해 주세요.") from None
    except jwt.PyJWTError:
        raise ApiError("UNAUTHORIZED", "유효하지 않은 토큰입니다.") from None
    if payload.get("typ") != token_type:
        raise ApiError("UNAUTHORIZED", "유효하지 않은 토큰입니다.")
    try:
        user_id = int(payload["sub"])
        issued_at = float(payload["iat"])
    except (TypeError, ValueError):
        raise ApiError("UNAUTHORIZED", "유효하지 않은 토큰입니다.") from None
    return Claims(user_id, str(payload["jti"]), int(payload["exp"]), token_type, issued_at)


async def verify_token(settings: Settings, redis: aioredis.Redis, token: str, token_type: str = "access") -> Claims:
    """`decode` plus the deny-list and the user's valid-after time, in one round trip."""
    claims = decode(settings, token, token_type)
    if is_revoked(claims, *await redis.mget(revocation_keys(claims))):
        raise ApiError("UNAUTHORIZED", REVOKED_MESSAGE)
    return claims


REVOKED_MESSAGE = "로그아웃된 토큰입니다. 다시 로그인해 주세요."


def revocation_keys(claims: Claims) -> tuple[str, str]:
    """The two Redis keys that can void `claims`: its deny-list entry and the user's valid-after time."""
    return keys.revoked_token(claims.jti), keys.tokens_valid_after(claims.user_id)


def is_revoked(claims: Claims, revoked: bytes | str | None, valid_after: bytes | str | None) -> bool:
    """Whether the values read from `revocation_keys(claims)` void the token (logout, refresh
    rotation, password change, account deletion)."""
    return revoked is not None or (valid_after is not None and claims.issued_at < float(valid_after))


async def deny_list_reachable(redis: aioredis.Redis) -> None:
    """Raises the Redis error (→ 503) unless the deny-list can be read and written right now."""
    await redis.ping()


async def revoke_issued_before(settings: Settings, redis: aioredis.Redis, user_id: int, moment: float) -> None:
    """Void every token of the user issued before `moment` (epoch seconds; `math.inf`: all of them).

    Kept until the longest-lived token issued before it has expired."""
    ttl = settings.api.jwt_refresh_ttl_seconds + 60
    await redis.set(keys.tokens_valid_after(user_id), repr(moment).encode(), ex=ttl)


async def revoke_once(redis: aioredis.Redis, claims: Claims) -> bool:
    """Revoke unless already revoked; False when it was (a refresh token works exactly once)."""
    ttl = max(1, claims.expires_at - int(time.time()))
    return bool(await redis.set(keys.revoked_token(claims.jti), b"1", ex=ttl, nx=True))


async def revoke(redis: aioredis.Redis, claims: Claims) -> None:
    ttl = max(1, claims.expires_at - int(time.time()))
    await redis.set(keys.revoked_token(claims.jti), b"1", ex=ttl)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


async def require_user(request: Request) -> Claims:
    """The signed-in user of this request, or 401 UNAUTHORIZED."""
    token = bearer_token(request)
    if token is None:
        raise ApiError("UNAUTHORIZED")
    claims = await verify_token(request.app.ctx.settings, request.app.ctx.redis, token)
    request.ctx.user_id = claims.user_id
    return claims
