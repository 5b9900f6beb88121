"""Users: signup, login, refresh rotation, logout revocation, token expiry/tampering, favorites."""

from __future__ import annotations

import base64
import time

import orjson
import pytest
import redis

from tests.api.conftest import PASSWORD, Client, assert_error, new_user, start_api

# ------------------------------------------------------------------------------------------------ signup


def test_signup_is_201_with_user_id_at_top_level_and_in_data(api):
    resp = Client(api.url).post(
        "/api/users/signup", {"email": "Signup@Example.com", "username": "username", "password": PASSWORD}
    )
    assert resp.status == 201
    body = resp.json()
    assert body["status"] == 201 and body["message"] == "회원가입이 완료되었습니다."
    assert isinstance(body["userId"], int) and body["data"] == {"userId": body["userId"]}
    assert resp.headers.get("x-request-id")


def test_signup_duplicate_email_case_insensitive_is_409(api):
    client = Client(api.url)
    assert (
        client.post("/api/users/signup", {"email": "dup@example.com", "username": "u", "password": PASSWORD}).status
        == 201
    )
    resp = client.post("/api/users/signup", {"email": "DUP@example.com", "username": "u", "password": PASSWORD})
    assert_error(resp, 409, "ALREADY_EXISTS")


@pytest.mark.parametrize("password", ["short1!", "abcdefgh!", "12345678!", "abcd1234", "        1a"])
def test_signup_weak_password_is_invalid_password(api, password):
    resp = Client(api.url).post(
        "/api/users/signup", {"email": "weak@example.com", "username": "u", "password": password}
    )
    assert_error(resp, 400, "INVALID_PASSWORD")


@pytest.mark.parametrize("field", ["email", "username", "password"])
def test_signup_missing_field_names_it(api, field):
    body = {"email": "m@example.com", "username": "u", "password": PASSWORD}
    del body[field]
    err = assert_error(Client(api.url).post("/api/users/signup", body), 400, "MISSING_FIELD")
    assert err["field"] == field


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not-an-email", "username": "u", "password": PASSWORD},
        {"email": 123, "username": "u", "password": PASSWORD},
        {"email": "x@example.com", "username": ["u"], "password": PASSWORD},
        {"email": "x@example.com", "username": "u" * 51, "password": PASSWORD},
    ],
)
def test_signup_bad_values_are_invalid_request(api, body):
    assert_error(Client(api.url).post("/api/users/signup", body), 400, "INVALID_REQUEST")


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe{}", b"[1,2]", b'"text"', b""])
def test_bad_bodies_are_400_never_500(api, raw):
    resp = Client(api.url).post("/api/users/signup", body=raw, headers={"Content-Type": "application/json"})
    assert_error(resp, 400, "INVALID_REQUEST")


def test_huge_body_is_400(api):
    raw = orjson.dumps({"email": "x@example.com", "username": "u", "password": "a" * 70_000})
    resp = Client(api.url).post("/api/users/signup", body=raw, headers={"Content-Type": "application/json"})
    assert resp.status == 400 and resp.json()["code"] == "INVALID_REQUEST"


# ------------------------------------------------------------------------------------------------- login


def test_login_returns_tokens_in_prd_shape(api):
    client, body = new_user(api.url)
    assert body["status"] == 200 and body["message"] == "로그인 성공"
    assert body["accessToken"] and body["refreshToken"] and body["expiresIn"] == 900
    assert body["data"]["accessToken"] == body["accessToken"]
    assert body["data"]["user"]["email"] == body["email"]
    me = client.get("/api/users/me")
    assert me.status == 200 and me.json()["data"]["email"] == body["email"]


def test_login_wrong_password_or_unknown_email_is_401(api):
    _, body = new_user(api.url)
    client = Client(api.url)
    assert_error(
        client.post("/api/users/login", {"email": body["email"], "password": "WrongPass1!"}), 401, "UNAUTHORIZED"
    )
    assert_error(
        client.post("/api/users/login", {"email": "nobody@example.com", "password": PASSWORD}), 401, "UNAUTHORIZED"
    )
    assert_error(
        client.post("/api/users/login", {"email": body["email"], "password": "a1!" * 60}), 401, "UNAUTHORIZED"
    )  # longer than bcrypt's 72 bytes: refused, not a 500
    err = assert_error(client.post("/api/users/login", {"email": body["email"]}), 400, "MISSING_FIELD")
    assert err["field"] == "password"


def test_protected_routes_need_a_token(api):
    client = Client(api.url)
    for method, path in [
        ("GET", "/api/users/me"),
        ("GET", "/api/users/favorites"),
        ("POST", "/api/users/favorites"),
        ("DELETE", "/api/users/favorites/1"),
        ("POST", "/api/users/logout"),
        ("GET", "/api/comparisons"),
        ("POST", "/api/comparisons"),
        ("GET", "/api/comparisons/1"),
        ("DELETE", "/api/comparisons/1"),
    ]:
        assert_error(client.request(method, path), 401, "UNAUTHORIZED")
    assert_error(client.get("/api/users/me", headers={"Authorization": "Basic abc"}), 401, "UNAUTHORIZED")
    assert_error(client.get("/api/users/me", token="not.a.jwt"), 401, "UNAUTHORIZED")


def _tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = str(int(claims["sub"]) + 1)
    forged = base64.urlsafe_b64encode(orjson.dumps(claims)).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_tampered_token_and_refresh_token_as_access_are_401(api):
    client, body = new_user(api.url)
    assert_error(client.get("/api/users/me", token=_tamper(body["accessToken"])), 401, "UNAUTHORIZED")
    assert_error(client.get("/api/users/me", token=body["refreshToken"]), 401, "UNAUTHORIZED")
    # and an access token is not a refresh token
    assert_error(client.post("/api/users/refresh", {"refreshToken": body["accessToken"]}), 401, "UNAUTHORIZED")


# --------------------------------------------------------------------------------------- refresh, logout


def test_refresh_rotates_and_old_refresh_token_is_revoked(api):
    client, body = new_user(api.url)
    first = client.post("/api/users/refresh", {"refreshToken": body["refreshToken"]}, token="")
    assert first.status == 200, first.body
    rotated = first.json()
    assert rotated["accessToken"] and rotated["refreshToken"] != body["refreshToken"]
    assert Client(api.url, rotated["accessToken"]).get("/api/users/me").status == 200
    # the old refresh token worked once only
    assert_error(client.post("/api/users/refresh", {"refreshToken": body["refreshToken"]}), 401, "UNAUTHORIZED")
    assert client.post("/api/users/refresh", {"refreshToken": rotated["refreshToken"]}).status == 200
    assert_error(client.post("/api/users/refresh", {}), 400, "MISSING_FIELD")


def test_logout_revokes_access_and_refresh_tokens(api, redis_url):
    client, body = new_user(api.url)
    resp = client.post("/api/users/logout", {"refreshToken": body["refreshToken"]})
    assert resp.status == 200, resp.body
    assert_error(client.get("/api/users/me"), 401, "UNAUTHORIZED")
    assert_error(
        client.post("/api/users/refresh", {"refreshToken": body["refreshToken"]}, token=""), 401, "UNAUTHORIZED"
    )
    keys = redis.Redis.from_url(redis_url).keys("auth:revoked:*")
    assert len(keys) >= 2
    # a fresh login works again
    again = Client(api.url).post("/api/users/login", {"email": body["email"], "password": PASSWORD})
    assert again.status == 200


def test_logout_without_body_revokes_the_access_token(api):
    client, _ = new_user(api.url)
    assert client.post("/api/users/logout").status == 200
    assert_error(client.get("/api/users/favorites"), 401, "UNAUTHORIZED")


# ---------------------------------------------------------------------------------------------- favorites


def test_favorites_add_list_delete(api):
    client, _ = new_user(api.url)
    resp = client.post("/api/users/favorites", {"companyId": 1})
    assert resp.status == 201, resp.body
    fav = resp.json()["data"]
    assert fav["companyId"] == 1 and fav["symbol"] == "005930" and fav["name"] == "삼성전자"
    assert fav["price"] > 0 and fav["asOf"] and fav["source"] == "krx"
    assert client.post("/api/users/favorites", {"companyId": 2}).status == 201
    listed = client.get("/api/users/favorites").json()["data"]
    assert [f["companyId"] for f in listed] == [1, 2]
    assert_error(client.post("/api/users/favorites", {"companyId": 1}), 409, "ALREADY_EXISTS")
    assert client.delete(f"/api/users/favorites/{fav['favoriteId']}").status == 200
    assert [f["companyId"] for f in client.get("/api/users/favorites").json()["data"]] == [2]
    assert_error(client.delete(f"/api/users/favorites/{fav['favoriteId']}"), 404, "NOT_FOUND")


def test_favorites_validation(api):
    client, _ = new_user(api.url)
    assert_error(client.post("/api/users/favorites", {"companyId": 999999}), 404, "NOT_FOUND")
    err = assert_error(client.post("/api/users/favorites", {}), 400, "MISSING_FIELD")
    assert err["field"] == "companyId"
    for bad in ("1", 1.5, True, -3, [1]):
        assert_error(client.post("/api/users/favorites", {"companyId": bad}), 400, "INVALID_REQUEST")
    assert_error(client.delete("/api/users/favorites/99999999999"), 404, "NOT_FOUND")


def test_user_cannot_see_or_delete_another_users_favorites(api):
    alice, _ = new_user(api.url)
    bob, _ = new_user(api.url)
    fav = alice.post("/api/users/favorites", {"companyId": 3}).json()["data"]
    assert bob.get("/api/users/favorites").json()["data"] == []
    assert_error(bob.delete(f"/api/users/favorites/{fav['favoriteId']}"), 404, "NOT_FOUND")
    assert [f["favoriteId"] for f in alice.get("/api/users/favorites").json()["data"]] == [fav["favoriteId"]]


# ------------------------------------------------------------------------------ expiry and rate limiting


@pytest.fixture(scope="module")
def short_lived_api(snapshot_database_url, redis_url, output_dir):
    server = start_api(snapshot_database_url, redis_url, output_dir / "api_short_ttl.log", JWT_ACCESS_TTL_SECONDS="2")
    yield server
    server.stop()


def test_access_token_expires(short_lived_api):
    client, body = new_user(short_lived_api.url)
    assert body["expiresIn"] == 2
    assert client.get("/api/users/me").status == 200
    time.sleep(3.2)
    err = assert_error(client.get("/api/users/me"), 401, "UNAUTHORIZED")
    assert "만료" in err["message"]
    # the refresh token still gets a new pair
    assert client.post("/api/users/refresh", {"refreshToken": body["refreshToken"]}, token="").status == 200


@pytest.fixture(scope="module")
def limited_api(snapshot_database_url, redis_url, output_dir):
    server = start_api(
        snapshot_database_url,
        redis_url,
        output_dir / "api_limited.log",
        RATE_LIMIT_PER_MINUTE="30",
        AUTH_RATE_LIMIT_PER_MINUTE="3",
    )
    yield server
    server.stop()


def _until_429(send, limit: int):
    """Requests until the first 429; a window boundary can reset the count once."""
    for _ in range(2 * limit + 2):
        resp = send()
        if resp.status == 429:
            return resp
    raise AssertionError("no 429 within two windows")


def test_signed_in_requests_count_per_user_too(limited_api, redis_url):
    r = redis.Redis.from_url(redis_url)
    r.flushall()
    client, _ = new_user(limited_api.url)
    assert client.get("/api/users/me").status == 200
    user_keys = r.keys("ratelimit:user:*")
    assert len(user_keys) == 1 and int(r.get(user_keys[0])) >= 1
    assert r.keys("ratelimit:auth:*") and r.keys("ratelimit:ip:*")
    assert 0 < r.ttl(user_keys[0]) <= 61


def test_login_is_rate_limited_per_ip_with_retry_after(limited_api, redis_url):
    redis.Redis.from_url(redis_url).flushall()
    client = Client(limited_api.url)
    resp = _until_429(lambda: client.post("/api/users/login", {"email": "x@example.com", "password": PASSWORD}), 3)
    err = assert_error(resp, 429, "TOO_MANY_REQUESTS")
    retry = int(resp.headers["retry-after"])
    assert 1 <= retry <= 60 and err["retryAfter"] == retry
    # other endpoints still have budget
    assert client.get("/api/companies/1").status == 200


def test_general_requests_are_rate_limited_per_ip(limited_api, redis_url):
    redis.Redis.from_url(redis_url).flushall()
    client = Client(limited_api.url)
    resp = _until_429(lambda: client.get("/api/rankings/companies?size=1"), 30)
    assert resp.headers["retry-after"].isdigit()
    # health stays reachable for probes
    assert client.get("/api/health").status in (200, 503)


def test_passwords_are_stored_as_bcrypt_hashes(api, snapshot_database_url):
    import asyncio

    import asyncpg
    import bcrypt

    _, body = new_user(api.url)

    async def stored():
        conn = await asyncpg.connect(snapshot_database_url)
        try:
            return await conn.fetchval("SELECT password_hash FROM users WHERE email = $1", body["email"])
        finally:
            await conn.close()

    hashed = asyncio.run(stored())
    assert hashed.startswith("$2b$") and PASSWORD not in hashed
    assert bcrypt.checkpw(PASSWORD.encode(), hashed.encode())
