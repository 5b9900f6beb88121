"""/api/users: signup, login, token refresh (rotation), logout (deny-list), me, favorites, and
account control: password change, account deletion, data export.

Passwords are bcrypt-hashed in a thread so the event loop never waits for the hash. Login takes
as long for an unknown email as for a known one: the password is checked against a dummy hash of
the same cost (BCRYPT_ROUNDS), made when the worker starts. Signup says when an email is taken
(the PRD's ALREADY_EXISTS), so it is limited per client and per address (ratelimit.check_signup).
Tokens are only issued while Redis (the deny-list) answers: a token that could not be checked
would be refused anyway. Another user's favorite is always 404. Every account route acts on the
token's user only (there is no user id in their paths). A password change voids every token issued
before it — the other sessions are signed out at once — and answers with a fresh pair for the
session that made it; deleting the account voids all of the user's tokens and deletes the user row,
favorites and comparisons in one transaction. Both need the current password (403 FORBIDDEN when it
is wrong, not 401: the session itself is fine) and count against the stricter login rate limit.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import re
import time
from typing import Any

import asyncpg
import bcrypt
import orjson
from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse

from api import quotes
from api.comparisons import queries as comparison_queries
from api.http import auth, ratelimit
from api.http.auth import Claims
from api.http.errors import ApiError
from api.http.operations import MARKET_AS_OF, Envelope, operation
from api.http.responses import ok
from api.users import queries
from api.users.shapes import (
    EMAIL_PATTERN,
    PASSWORD_PATTERN,
    AccountDeleted,
    AccountDeleteRequest,
    ExportedComparison,
    ExportedFavorite,
    Favorite,
    FavoriteDeleted,
    FavoriteRequest,
    LoginRequest,
    LogoutRequest,
    PasswordChangeRequest,
    RefreshRequest,
    SignedUp,
    SignupRequest,
    Tokens,
    User,
    UserExport,
)

bp = Blueprint("users", url_prefix="/api/users")

_EMAIL = re.compile(EMAIL_PATTERN)
_PASSWORD = re.compile(PASSWORD_PATTERN)
BAD_CREDENTIALS = "이메일 또는 비밀번호가 올바르지 않습니다."
# rounds → a hash of no one's password at that cost, checked when the email is unknown
_dummy_hashes: dict[int, bytes] = {}
TOKENS_EXTRA = {"accessToken": str, "refreshToken": str, "expiresIn": int}
TOKENS_EXAMPLE = {
    "status": 200,
    "message": "로그인 성공",
    "accessToken": "eyJhbGciOiJIUzI1NiIs...",
    "refreshToken": "eyJhbGciOiJIUzI1NiIs...",
    "expiresIn": 900,
    "data": {
        "accessToken": "eyJhbGciOiJIUzI1NiIs...",
        "refreshToken": "eyJ...",
        "expiresIn": 900,
        "user": {"userId": 550, "email": "user@example.com", "username": "username"},
    },
}


def valid_password(password: str) -> bool:
    """The rule the OpenAPI document states (shapes.PASSWORD_PATTERN)."""
    return _PASSWORD.fullmatch(password) is not None


@bp.before_server_start
async def make_dummy_hash(app: Sanic) -> None:
    rounds = app.ctx.settings.api.bcrypt_rounds
    hashed = await asyncio.get_running_loop().run_in_executor(
        None, bcrypt.hashpw, b"not-a-password-1!", bcrypt.gensalt(rounds)
    )
    _dummy_hashes[rounds] = hashed


def _dummy_hash(rounds: int) -> bytes:
    found = _dummy_hashes.get(rounds)
    if found is None:  # not made at start (a test app): make it now, once
        found = _dummy_hashes[rounds] = bcrypt.hashpw(b"not-a-password-1!", bcrypt.gensalt(rounds))
    return found


async def _hash(password: str, rounds: int) -> str:
    loop = asyncio.get_running_loop()
    hashed = await loop.run_in_executor(None, lambda: bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds)))
    return hashed.decode()


async def _check(password: str, hashed: bytes, rounds: int) -> bool:
    raw = password.encode()
    if len(raw) > 72:  # bcrypt's limit; signup never accepts longer passwords
        raw, hashed = b"x", _dummy_hash(rounds)
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(None, bcrypt.checkpw, raw, hashed) and len(password.encode()) <= 72
    except ValueError:  # a corrupt stored hash
        return False


def _user(row: asyncpg.Record) -> User:
    return {"userId": row["id"], "email": row["email"], "username": row["username"]}


async def _token_response(request: Request, user: User, message: str) -> HTTPResponse:
    await auth.deny_list_reachable(request.app.ctx.redis)  # else 503: the token could not be checked
    issued = auth.issue_tokens(request.app.ctx.settings, user["userId"])
    data: Tokens = {**issued, "user": user}
    return ok(data, message, **issued)


@operation(
    bp,
    "POST",
    "/signup",
    tag="users",
    summary="회원가입",
    body=SignupRequest,
    status=201,
    response=Envelope(
        SignedUp,
        {"userId": int},
        {"status": 201, "message": "회원가입이 완료되었습니다.", "userId": 550, "data": {"userId": 550}},
    ),
    errors=("MISSING_FIELD", "INVALID_REQUEST", "INVALID_PASSWORD", "ALREADY_EXISTS"),
)
async def signup(request: Request, body: SignupRequest) -> HTTPResponse:
    email, username = body.email, body.username.strip()
    await ratelimit.check_signup(request, email)
    if not _EMAIL.fullmatch(email):
        raise ApiError("INVALID_REQUEST", "이메일 형식이 올바르지 않습니다.", field="email")
    if not valid_password(body.password):
        raise ApiError("INVALID_PASSWORD")
    db = request.app.ctx.db
    if await queries.email_taken(db, email):
        raise ApiError("ALREADY_EXISTS", "이미 가입된 이메일입니다.", field="email")
    hashed = await _hash(body.password, request.app.ctx.settings.api.bcrypt_rounds)
    user_id = await queries.create_user(db, email, username, hashed)
    if user_id is None:
        raise ApiError("ALREADY_EXISTS", "이미 가입된 이메일입니다.", field="email")
    data: SignedUp = {"userId": user_id}
    return ok(data, "회원가입이 완료되었습니다.", status=201, userId=user_id)


@operation(
    bp,
    "POST",
    "/login",
    tag="users",
    summary="로그인 (JWT 발급)",
    body=LoginRequest,
    response=Envelope(Tokens, TOKENS_EXTRA, TOKENS_EXAMPLE),
    errors=("MISSING_FIELD", "INVALID_REQUEST", "UNAUTHORIZED"),
)
async def login(request: Request, body: LoginRequest) -> HTTPResponse:
    rounds = request.app.ctx.settings.api.bcrypt_rounds
    row = await queries.user_by_email(request.app.ctx.db, body.email.strip())
    hashed = row["password_hash"].encode() if row else _dummy_hash(rounds)
    if not await _check(body.password, hashed, rounds) or row is None:
        raise ApiError("UNAUTHORIZED", BAD_CREDENTIALS)
    return await _token_response(request, _user(row), "로그인 성공")


@operation(
    bp,
    "POST",
    "/refresh",
    tag="users",
    summary="토큰 갱신 (refresh token 회전)",
    body=RefreshRequest,
    response=Envelope(Tokens, TOKENS_EXTRA, TOKENS_EXAMPLE),
    errors=("MISSING_FIELD", "INVALID_REQUEST", "UNAUTHORIZED"),
)
async def refresh(request: Request, body: RefreshRequest) -> HTTPResponse:
    ctx = request.app.ctx
    claims = await auth.verify_token(ctx.settings, ctx.redis, body.refreshToken, "refresh")
    if not await auth.revoke_once(ctx.redis, claims):  # a refresh token works exactly once
        raise ApiError("UNAUTHORIZED", "로그아웃된 토큰입니다. 다시 로그인해 주세요.")
    row = await queries.user_by_id(ctx.db, claims.user_id)
    if row is None or _voided(row, claims):
        raise ApiError("UNAUTHORIZED", "유효하지 않은 토큰입니다.")
    return await _token_response(request, _user(row), "토큰을 갱신했습니다.")


@operation(
    bp,
    "POST",
    "/logout",
    tag="users",
    summary="로그아웃 (토큰 폐기)",
    body=LogoutRequest,
    body_required=False,
    auth=True,
    errors=("INVALID_REQUEST",),
)
async def logout(request: Request, body: LogoutRequest | None, user: Claims) -> HTTPResponse:
    ctx = request.app.ctx
    if body is not None and body.refreshToken:
        refresh_claims = auth.decode(ctx.settings, body.refreshToken, "refresh")
        if refresh_claims.user_id != user.user_id:
            raise ApiError("UNAUTHORIZED", "유효하지 않은 토큰입니다.")
        await auth.revoke(ctx.redis, refresh_claims)
    await auth.revoke(ctx.redis, user)
    return ok(None, "로그아웃되었습니다.")


@operation(bp, "GET", "/me", tag="users", summary="내 정보", response=Envelope(User), auth=True)
async def me(request: Request, user: Claims) -> HTTPResponse:
    row = await queries.user_by_id(request.app.ctx.db, user.user_id)
    if row is None:
        raise ApiError("UNAUTHORIZED", "유효하지 않은 토큰입니다.")
    return ok(_user(row), "사용자 정보 조회를 완료했습니다.")


# --------------------------------------------------------------------------------------------- favorites


def _favorite(row: asyncpg.Record, quote: dict[str, Any] | None) -> Favorite:
    q = quote or {}
    return {
        "favoriteId": row["id"],
        "companyId": row["company_id"],
        "symbol": q.get("symbol"),
        "name": q.get("name"),
        "market": q.get("market"),
        "price": q.get("price"),
        "change": q.get("change"),
        "changePercent": q.get("changePercent"),
        "marketCap": q.get("marketCap"),
        "asOf": q.get("asOf"),
        "source": q.get("source"),
        "createdAt": row["created_at"].isoformat(),
    }


@operation(
    bp,
    "GET",
    "/favorites",
    tag="users",
    summary="즐겨찾기 목록",
    auth=True,
    response=Envelope(list[Favorite], {"total": int, **MARKET_AS_OF}),
)
async def list_favorites(request: Request, user: Claims) -> HTTPResponse:
    db = request.app.ctx.db
    rows = await queries.favorites(db, user.user_id)
    day, found = await quotes.quotes_for(db, [r["company_id"] for r in rows])
    data = [_favorite(r, found.get(r["company_id"])) for r in rows]
    meta = quotes.list_meta(day, sum(1 for f in data if f["price"] is None))
    return ok(data, "즐겨찾기 목록 조회를 완료했습니다.", total=len(data), **meta)


@operation(
    bp,
    "POST",
    "/favorites",
    tag="users",
    summary="즐겨찾기 추가",
    body=FavoriteRequest,
    status=201,
    auth=True,
    response=Envelope(Favorite),
    errors=("MISSING_FIELD", "INVALID_REQUEST", "NOT_FOUND", "ALREADY_EXISTS"),
)
async def add_favorite(request: Request, body: FavoriteRequest, user: Claims) -> HTTPResponse:
    db = request.app.ctx.db
    if not await queries.company_exists(db, body.companyId):
        raise ApiError("NOT_FOUND", "기업을 찾을 수 없습니다.")
    row = await queries.add_favorite(db, user.user_id, body.companyId)
    if row is None:
        raise ApiError("ALREADY_EXISTS", "이미 즐겨찾기에 추가된 기업입니다.")
    _, found = await quotes.quotes_for(db, [body.companyId])
    return ok(_favorite(row, found.get(body.companyId)), "즐겨찾기에 추가했습니다.", status=201)


@operation(
    bp,
    "DELETE",
    "/favorites/<favorite_id:int>",
    tag="users",
    summary="즐겨찾기 삭제",
    auth=True,
    response=Envelope(FavoriteDeleted),
    errors=("NOT_FOUND",),
)
async def delete_favorite(request: Request, favorite_id: int, user: Claims) -> HTTPResponse:
    deleted = await queries.delete_favorite(request.app.ctx.db, user.user_id, favorite_id)
    if deleted is None:
        raise ApiError("NOT_FOUND", "즐겨찾기를 찾을 수 없습니다.")
    data: FavoriteDeleted = {"favoriteId": deleted}
    return ok(data, "즐겨찾기에서 삭제했습니다.")


# --------------------------------------------------------------------------------------- account control


def _voided(row: asyncpg.Record, claims: Claims) -> bool:
    """Issued before the user's last password change (the durable copy of the Redis check)."""
    cutoff = row["tokens_valid_after"]
    return cutoff is not None and claims.issued_at < cutoff.timestamp()


async def _confirmed_account(request: Request, user: Claims, password: str, field: str) -> asyncpg.Record:
    row = await queries.account(request.app.ctx.db, user.user_id)
    if row is None:
        raise ApiError("UNAUTHORIZED", "유효하지 않은 토큰입니다.")
    if not await _check(password, row["password_hash"].encode(), request.app.ctx.settings.api.bcrypt_rounds):
        raise ApiError("FORBIDDEN", "비밀번호가 올바르지 않습니다.", field=field)
    return row


@operation(
    bp,
    "PUT",
    "/me/password",
    tag="users",
    summary="비밀번호 변경 (다른 세션은 모두 로그아웃, 이 세션은 새 토큰)",
    body=PasswordChangeRequest,
    auth=True,
    response=Envelope(Tokens, TOKENS_EXTRA),
    errors=("MISSING_FIELD", "INVALID_REQUEST", "INVALID_PASSWORD", "UNAUTHORIZED", "FORBIDDEN"),
)
async def change_password(request: Request, body: PasswordChangeRequest, user: Claims) -> HTTPResponse:
    ctx = request.app.ctx
    if not valid_password(body.newPassword):
        raise ApiError("INVALID_PASSWORD", field="newPassword")
    row = await _confirmed_account(request, user, body.currentPassword, "currentPassword")
    if body.newPassword == body.currentPassword:
        raise ApiError("INVALID_PASSWORD", "새 비밀번호는 현재 비밀번호와 달라야 합니다.", field="newPassword")
    hashed = await _hash(body.newPassword, ctx.settings.api.bcrypt_rounds)
    # Whole milliseconds, so PostgreSQL's microseconds and Redis hold exactly the same moment.
    cutoff = math.floor(time.time() * 1000) / 1000
    # Redis first: if it fails nothing changed; if PostgreSQL then fails, the sessions are signed out anyway.
    await auth.revoke_issued_before(ctx.settings, ctx.redis, user.user_id, cutoff)
    if not await queries.set_password(ctx.db, user.user_id, hashed, dt.datetime.fromtimestamp(cutoff, dt.UTC)):
        raise ApiError("UNAUTHORIZED", "유효하지 않은 토큰입니다.")
    issued = auth.issue_tokens(ctx.settings, user.user_id, not_before=cutoff)
    data: Tokens = {**issued, "user": _user(row)}
    return ok(data, "비밀번호를 변경했습니다. 다른 기기에서는 다시 로그인해야 합니다.", **issued)


@operation(
    bp,
    "DELETE",
    "/me",
    tag="users",
    summary="회원 탈퇴 (계정, 즐겨찾기, 비교, 모든 토큰 삭제)",
    body=AccountDeleteRequest,
    auth=True,
    response=Envelope(AccountDeleted),
    errors=("MISSING_FIELD", "INVALID_REQUEST", "UNAUTHORIZED", "FORBIDDEN"),
)
async def delete_account(request: Request, body: AccountDeleteRequest, user: Claims) -> HTTPResponse:
    ctx = request.app.ctx
    await _confirmed_account(request, user, body.password, "password")
    # Every token, also any issued by a login racing this request; user ids are never reused.
    await auth.revoke_issued_before(ctx.settings, ctx.redis, user.user_id, math.inf)
    counts = await queries.delete_account(ctx.db, user.user_id)
    if counts is None:
        raise ApiError("UNAUTHORIZED", "유효하지 않은 토큰입니다.")
    data: AccountDeleted = {"userId": user.user_id, "favoritesDeleted": counts[0], "comparisonsDeleted": counts[1]}
    return ok(data, "회원 탈퇴가 완료되었습니다. 계정과 저장된 데이터가 모두 삭제되었습니다.")


@operation(
    bp,
    "GET",
    "/me/export",
    tag="users",
    summary="내 데이터 내보내기 (JSON 파일: 프로필, 즐겨찾기, 비교; 비밀번호 해시 제외)",
    auth=True,
    response=Envelope(UserExport),
    errors=("UNAUTHORIZED",),
)
async def export_data(request: Request, user: Claims) -> HTTPResponse:
    db = request.app.ctx.db
    row = await queries.account(db, user.user_id)
    if row is None:
        raise ApiError("UNAUTHORIZED", "유효하지 않은 토큰입니다.")
    favorites: list[ExportedFavorite] = [
        {
            "favoriteId": r["id"],
            "companyId": r["company_id"],
            "symbol": r["symbol"],
            "name": r["name"],
            "createdAt": r["created_at"].isoformat(),
        }
        for r in await queries.favorites_with_companies(db, user.user_id)
    ]
    comparisons: list[ExportedComparison] = []
    for r in await comparison_queries.list_owned(db, user.user_id):
        companies = r["companies"]
        companies = orjson.loads(companies) if isinstance(companies, str) else companies
        comparisons.append(
            {
                "comparisonId": r["id"],
                "name": r["name"],
                "createdAt": r["created_at"].isoformat(),
                "companies": companies,
            }
        )
    now = dt.datetime.now(dt.UTC)
    data: UserExport = {
        "exportedAt": now.isoformat(),
        "profile": {
            "userId": row["id"],
            "email": row["email"],
            "username": row["username"],
            "createdAt": row["created_at"].isoformat(),
        },
        "favorites": favorites,
        "comparisons": comparisons,
    }
    response = ok(data, "내 데이터를 내보냈습니다.")
    filename = f"krx-my-data-{now.strftime('%Y%m%d')}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
