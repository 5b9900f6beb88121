"""Users: signup, login, token refresh (rotation), logout (deny-list), me, favorites.

    POST   /api/users/signup      {email, username, password} → 201 {userId}
    POST   /api/users/login       {email, password}           → {accessToken, refreshToken, expiresIn}
    POST   /api/users/refresh     {refreshToken}              → a new pair; the old refresh token is revoked
    POST   /api/users/logout      (Bearer) [{refreshToken}]   → both deny-listed until they expire
    GET    /api/users/me          (Bearer)
    GET    /api/users/favorites   (Bearer)
    POST   /api/users/favorites   (Bearer) {companyId}
    DELETE /api/users/favorites/{favoriteId} (Bearer)  — another user's favorite is 404

Passwords are bcrypt-hashed in a thread so the event loop never waits for the hash.
"""
from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import asyncpg
import bcrypt
from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from api import auth, quotes
from api.errors import ApiError
from api.responses import ok
from api.validation import json_body, path_id, required_int, required_str

bp = Blueprint("users", url_prefix="/api/users")

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
BAD_CREDENTIALS = "이메일 또는 비밀번호가 올바르지 않습니다."
# Compared against when the email is unknown, so both cases take as long.
_DUMMY_HASH = bcrypt.hashpw(b"not-a-password-1!", bcrypt.gensalt(4))


def valid_password(password: str) -> bool:
    return (8 <= len(password) and len(password.encode()) <= 72
            and any(c.isalpha() for c in password) and any(c.isdigit() for c in password)
            and any(not c.isalnum() and not c.isspace() for c in password))


async def _hash(password: str, rounds: int) -> str:
    loop = asyncio.get_running_loop()
    hashed = await loop.run_in_executor(None, lambda: bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds)))
    return hashed.decode()


async def _check(password: str, hashed: bytes) -> bool:
    raw = password.encode()
    if len(raw) > 72:  # bcrypt's limit; signup never accepts longer passwords
        raw, hashed = b"x", _DUMMY_HASH
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(None, bcrypt.checkpw, raw, hashed) and len(password.encode()) <= 72
    except ValueError:  # a corrupt stored hash
        return False


def _user(row: asyncpg.Record) -> dict[str, Any]:
    return {"userId": row["id"], "email": row["email"], "username": row["username"]}


def _token_response(request: Request, user: dict[str, Any], message: str) -> HTTPResponse:
    tokens = auth.issue_tokens(request.app.ctx.settings, user["userId"])
    return ok({**tokens, "user": user}, message, **tokens)


@bp.post("/signup")
async def signup(request: Request) -> HTTPResponse:
    body = json_body(request)
    email = required_str(body, "email", max_length=254).strip()
    username = required_str(body, "username", max_length=50).strip()
    password = required_str(body, "password", max_length=200)
    if not _EMAIL.match(email):
        raise ApiError("INVALID_REQUEST", "이메일 형식이 올바르지 않습니다.", field="email")
    if not valid_password(password):
        raise ApiError("INVALID_PASSWORD")
    db = request.app.ctx.db
    if await db.fetchval("SELECT 1 FROM users WHERE lower(email) = lower($1)", email):
        raise ApiError("ALREADY_EXISTS", "이미 가입된 이메일입니다.", field="email")
    hashed = await _hash(password, request.app.ctx.settings.bcrypt_rounds)
    user_id = await db.fetchval(
        "INSERT INTO users (email, username, password_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id",
        email, username, hashed)
    if user_id is None:
        raise ApiError("ALREADY_EXISTS", "이미 가입된 이메일입니다.", field="email")
    return ok({"userId": user_id}, "회원가입이 완료되었습니다.", status=201, userId=user_id)


@bp.post("/login")
async def login(request: Request) -> HTTPResponse:
    body = json_body(request)
    email = required_str(body, "email", max_length=254).strip()
    password = required_str(body, "password", max_length=200)
    row = await request.app.ctx.db.fetchrow(
        "SELECT id, email, username, password_hash FROM users WHERE lower(email) = lower($1)", email)
    hashed = row["password_hash"].encode() if row else _DUMMY_HASH
    if not await _check(password, hashed) or row is None:
        raise ApiError("UNAUTHORIZED", BAD_CREDENTIALS)
    return _token_response(request, _user(row), "로그인 성공")


async def _consume_refresh(request: Request, token: str) -> auth.Claims:
    """Verify a refresh token and revoke it atomically: a refresh token works exactly once."""
    claims = await auth.verify_token(request.app.ctx.settings, request.app.ctx.redis, token, "refresh")
    ttl = max(1, claims.expires_at - int(time.time()))
    if not await request.app.ctx.redis.set(auth.REVOKED_PREFIX + claims.jti, b"1", ex=ttl, nx=True):
        raise ApiError("UNAUTHORIZED", "로그아웃된 토큰입니다. 다시 로그인해 주세요.")
    return claims


@bp.post("/refresh")
async def refresh(request: Request) -> HTTPResponse:
    body = json_body(request)
    token = required_str(body, "refreshToken", max_length=4096)
    claims = await _consume_refresh(request, token)
    row = await request.app.ctx.db.fetchrow("SELECT id, email, username FROM users WHERE id = $1", claims.user_id)
    if row is None:
        raise ApiError("UNAUTHORIZED", "유효하지 않은 토큰입니다.")
    return _token_response(request, _user(row), "토큰을 갱신했습니다.")


@bp.post("/logout")
async def logout(request: Request) -> HTTPResponse:
    claims = await auth.require_user(request)
    refresh_token = None
    if request.body:
        refresh_token = json_body(request).get("refreshToken")
        if refresh_token is not None and not isinstance(refresh_token, str):
            raise ApiError("INVALID_REQUEST", "refreshToken 필드는 문자열이어야 합니다.", field="refreshToken")
    if refresh_token:
        refresh_claims = auth.decode(request.app.ctx.settings, refresh_token, "refresh")
        if refresh_claims.user_id != claims.user_id:
            raise ApiError("UNAUTHORIZED", "유효하지 않은 토큰입니다.")
        await auth.revoke(request.app.ctx.redis, refresh_claims)
    await auth.revoke(request.app.ctx.redis, claims)
    return ok(None, "로그아웃되었습니다.")


@bp.get("/me")
async def me(request: Request) -> HTTPResponse:
    claims = await auth.require_user(request)
    row = await request.app.ctx.db.fetchrow("SELECT id, email, username FROM users WHERE id = $1", claims.user_id)
    if row is None:
        raise ApiError("UNAUTHORIZED", "유효하지 않은 토큰입니다.")
    return ok(_user(row), "사용자 정보 조회를 완료했습니다.")


# --------------------------------------------------------------------------------------------- favorites

_FAVORITES_SQL = """
    SELECT f.id, f.company_id, f.created_at FROM favorites f
    WHERE f.user_id = $1 ORDER BY f.created_at, f.id"""


def _favorite(row: asyncpg.Record, quote: dict[str, Any] | None) -> dict[str, Any]:
    q = quote or {}
    return {"favoriteId": row["id"], "companyId": row["company_id"], "symbol": q.get("symbol"),
            "name": q.get("name"), "market": q.get("market"), "price": q.get("price"), "change": q.get("change"),
            "changePercent": q.get("changePercent"), "marketCap": q.get("marketCap"), "asOf": q.get("asOf"),
            "source": q.get("source"), "createdAt": row["created_at"].isoformat()}


@bp.get("/favorites")
async def list_favorites(request: Request) -> HTTPResponse:
    claims = await auth.require_user(request)
    db = request.app.ctx.db
    rows = await db.fetch(_FAVORITES_SQL, claims.user_id)
    found = await quotes.quotes_for(db, [r["company_id"] for r in rows])
    data = [_favorite(r, found.get(r["company_id"])) for r in rows]
    return ok(data, "즐겨찾기 목록 조회를 완료했습니다.", total=len(data))


@bp.post("/favorites")
async def add_favorite(request: Request) -> HTTPResponse:
    claims = await auth.require_user(request)
    company_id = required_int(json_body(request), "companyId")
    db = request.app.ctx.db
    if not await db.fetchval("SELECT EXISTS (SELECT 1 FROM companies WHERE id = $1)", company_id):
        raise ApiError("NOT_FOUND", "기업을 찾을 수 없습니다.")
    row = await db.fetchrow(
        """INSERT INTO favorites (user_id, company_id) VALUES ($1, $2)
           ON CONFLICT (user_id, company_id) DO NOTHING RETURNING id, company_id, created_at""",
        claims.user_id, company_id)
    if row is None:
        raise ApiError("ALREADY_EXISTS", "이미 즐겨찾기에 추가된 기업입니다.")
    found = await quotes.quotes_for(db, [company_id])
    return ok(_favorite(row, found.get(company_id)), "즐겨찾기에 추가했습니다.", status=201)


@bp.delete("/favorites/<favorite_id:int>")
async def delete_favorite(request: Request, favorite_id: int) -> HTTPResponse:
    claims = await auth.require_user(request)
    favorite_id = path_id(favorite_id, "즐겨찾기")
    deleted = await request.app.ctx.db.fetchval(
        "DELETE FROM favorites WHERE id = $1 AND user_id = $2 RETURNING id", favorite_id, claims.user_id)
    if deleted is None:
        raise ApiError("NOT_FOUND", "즐겨찾기를 찾을 수 없습니다.")
    return ok({"favoriteId": deleted}, "즐겨찾기에서 삭제했습니다.")

