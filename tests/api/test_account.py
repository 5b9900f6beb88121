"""Account control in /api/users: password change (other sessions signed out, this one renewed),
account deletion (everything of the user gone, every token void at once) and the data export —
each only ever about the signed-in user."""

from __future__ import annotations

import asyncio

import asyncpg
import orjson
import pytest
import redis

from tests.api.conftest import PASSWORD, Client, assert_error, new_user, start_api

NEW_PASSWORD = "Different-Pass456!"


def sql(url: str, statement: str, *args):
    async def run():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(statement, *args)
        finally:
            await conn.close()

    return asyncio.run(run())


def login(base: str, email: str, password: str = PASSWORD) -> tuple[Client, dict]:
    resp = Client(base).post("/api/users/login", {"email": email, "password": password})
    assert resp.status == 200, resp.body
    body = resp.json()
    return Client(base, body["accessToken"]), body


def change_password(client: Client, current: str, new: str):
    return client.request("PUT", "/api/users/me/password", json={"currentPassword": current, "newPassword": new})


def refresh(base: str, refresh_token: str):
    return Client(base).post("/api/users/refresh", {"refreshToken": refresh_token})


def with_data(client: Client) -> None:
    """Two favorites and one comparison."""
    for company_id in (1, 2):
        assert client.post("/api/users/favorites", {"companyId": company_id}).status == 201
    resp = client.post("/api/comparisons", {"name": "반도체 둘", "companies": [1, 2]})
    assert resp.status == 201, resp.body


# ---------------------------------------------------------------------------------------- password change


def test_password_change_signs_out_every_other_session_and_renews_this_one(api):
    this, first = new_user(api.url)
    other, second = login(api.url, first["email"])
    assert this.get("/api/users/me").status == 200 and other.get("/api/users/me").status == 200

    resp = change_password(this, PASSWORD, NEW_PASSWORD)
    assert resp.status == 200, resp.body
    body = resp.json()
    assert body["accessToken"] == body["data"]["accessToken"] and body["refreshToken"] and body["expiresIn"] == 900
    assert body["data"]["user"]["email"] == first["email"]

    # every token issued before the change is void at once: the other session's and this one's old pair
    for token in (first["accessToken"], second["accessToken"]):
        assert_error(Client(api.url, token).get("/api/users/me"), 401, "UNAUTHORIZED")
    for token in (first["refreshToken"], second["refreshToken"]):
        assert_error(refresh(api.url, token), 401, "UNAUTHORIZED")
    # this session goes on with the fresh pair
    renewed = Client(api.url, body["accessToken"])
    assert renewed.get("/api/users/me").status == 200
    assert refresh(api.url, body["refreshToken"]).status == 200
    # and the password is the new one
    assert_error(
        Client(api.url).post("/api/users/login", {"email": first["email"], "password": PASSWORD}), 401, "UNAUTHORIZED"
    )
    again, _ = login(api.url, first["email"], NEW_PASSWORD)
    assert again.get("/api/users/favorites").status == 200


def test_wrong_current_password_is_403_and_changes_nothing(api):
    client, body = new_user(api.url)
    err = assert_error(change_password(client, "Wrong-Pass999!", NEW_PASSWORD), 403, "FORBIDDEN")
    assert err["field"] == "currentPassword"
    assert client.get("/api/users/me").status == 200  # still signed in
    assert refresh(api.url, body["refreshToken"]).status == 200
    login(api.url, body["email"])  # the old password still works


def test_password_change_validation(api):
    client, _ = new_user(api.url)
    err = assert_error(change_password(client, PASSWORD, "short1!"), 400, "INVALID_PASSWORD")
    assert err["field"] == "newPassword"
    err = assert_error(change_password(client, PASSWORD, PASSWORD), 400, "INVALID_PASSWORD")
    assert err["field"] == "newPassword" and "달라야" in err["message"]
    for missing in ("currentPassword", "newPassword"):
        body = {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}
        del body[missing]
        err = assert_error(client.request("PUT", "/api/users/me/password", json=body), 400, "MISSING_FIELD")
        assert err["field"] == missing
    assert_error(
        client.request("PUT", "/api/users/me/password", json={"currentPassword": 1, "newPassword": NEW_PASSWORD}),
        400,
        "INVALID_REQUEST",
    )
    assert_error(change_password(Client(api.url), PASSWORD, NEW_PASSWORD), 401, "UNAUTHORIZED")
    assert client.get("/api/users/me").status == 200  # none of these changed anything


def test_old_refresh_tokens_stay_refused_when_redis_forgets(api, redis_url):
    """The cutoff is also kept in PostgreSQL, which the refresh route reads anyway."""
    this, first = new_user(api.url)
    _, other = login(api.url, first["email"])
    assert change_password(this, PASSWORD, NEW_PASSWORD).status == 200
    r = redis.Redis.from_url(redis_url)
    assert r.delete(f"auth:valid-after:{first['data']['user']['userId']}") == 1
    assert_error(refresh(api.url, other["refreshToken"]), 401, "UNAUTHORIZED")


# --------------------------------------------------------------------------------------- account deletion


def test_delete_account_removes_everything_and_voids_every_token(api, snapshot_database_url):
    client, first = new_user(api.url)
    user_id = first["data"]["user"]["userId"]
    with_data(client)
    other_session, second = login(api.url, first["email"])
    bystander, _ = new_user(api.url)
    with_data(bystander)

    err = assert_error(client.request("DELETE", "/api/users/me", json={"password": "Wrong-Pass999!"}), 403, "FORBIDDEN")
    assert err["field"] == "password"
    assert len(client.get("/api/users/favorites").json()["data"]) == 2  # nothing happened

    resp = client.request("DELETE", "/api/users/me", json={"password": PASSWORD})
    assert resp.status == 200, resp.body
    assert resp.json()["data"] == {"userId": user_id, "favoritesDeleted": 2, "comparisonsDeleted": 1}

    for session, tokens in ((client, first), (other_session, second)):
        assert_error(session.get("/api/users/favorites"), 401, "UNAUTHORIZED")
        assert_error(refresh(api.url, tokens["refreshToken"]), 401, "UNAUTHORIZED")
    assert_error(
        Client(api.url).post("/api/users/login", {"email": first["email"], "password": PASSWORD}), 401, "UNAUTHORIZED"
    )
    left = sql(
        snapshot_database_url,
        """SELECT (SELECT count(*) FROM users WHERE id = $1) AS users,
                  (SELECT count(*) FROM favorites WHERE user_id = $1) AS favorites,
                  (SELECT count(*) FROM comparisons WHERE user_id = $1) AS comparisons,
                  (SELECT count(*) FROM comparison_companies x
                   WHERE NOT EXISTS (SELECT 1 FROM comparisons c WHERE c.id = x.comparison_id)) AS orphans""",
        user_id,
    )[0]
    assert dict(left) == {"users": 0, "favorites": 0, "comparisons": 0, "orphans": 0}
    # another user's data is untouched
    assert len(bystander.get("/api/users/favorites").json()["data"]) == 2
    assert len(bystander.get("/api/comparisons").json()["data"]) == 1
    # the email can sign up again, as a new user
    resp = Client(api.url).post("/api/users/signup", {"email": first["email"], "username": "u", "password": PASSWORD})
    assert resp.status == 201 and resp.json()["userId"] != user_id


def test_delete_account_validation(api):
    client, _ = new_user(api.url)
    err = assert_error(client.request("DELETE", "/api/users/me", json={}), 400, "MISSING_FIELD")
    assert err["field"] == "password"
    assert_error(client.request("DELETE", "/api/users/me"), 400, "INVALID_REQUEST")  # no body at all
    assert_error(Client(api.url).request("DELETE", "/api/users/me", json={"password": PASSWORD}), 401, "UNAUTHORIZED")
    assert client.get("/api/users/me").status == 200


def test_one_users_password_never_acts_on_another(api):
    """The account routes act on the token's user only: another user's password is simply wrong."""
    alice, alice_login = new_user(api.url)
    bob, bob_login = new_user(api.url)
    assert change_password(alice, PASSWORD, NEW_PASSWORD).status == 200
    alice, _ = login(api.url, alice_login["email"], NEW_PASSWORD)
    # Bob's password (Alice's old one) does not delete Alice; Alice's new one does not change Bob's
    assert_error(alice.request("DELETE", "/api/users/me", json={"password": PASSWORD}), 403, "FORBIDDEN")
    assert_error(change_password(bob, NEW_PASSWORD, "Third-Pass789!"), 403, "FORBIDDEN")
    assert alice.get("/api/users/me").status == 200 and bob.get("/api/users/me").status == 200
    login(api.url, bob_login["email"], PASSWORD)


# -------------------------------------------------------------------------------------------- data export


def test_export_is_an_attachment_with_everything_but_the_password(api):
    client, first = new_user(api.url)
    with_data(client)
    bystander, _ = new_user(api.url)
    bystander.post("/api/users/favorites", {"companyId": 3})

    resp = client.get("/api/users/me/export")
    assert resp.status == 200, resp.body
    assert resp.headers["content-disposition"].startswith('attachment; filename="krx-my-data-')
    assert resp.headers["content-type"].startswith("application/json")
    assert resp.headers["cache-control"] == "no-store"
    raw = resp.body.decode()
    assert "password" not in raw.lower() and "$2b$" not in raw
    data = orjson.loads(resp.body)["data"]
    profile = data["profile"]
    assert profile["email"] == first["email"] and profile["username"] == "tester" and profile["createdAt"]
    assert profile["userId"] == first["data"]["user"]["userId"]
    assert [(f["companyId"], f["symbol"]) for f in data["favorites"]] == [(1, "005930"), (2, "000660")]
    assert all(f["createdAt"] for f in data["favorites"])
    (comparison,) = data["comparisons"]
    assert comparison["name"] == "반도체 둘" and comparison["createdAt"]
    assert [c["companyId"] for c in comparison["companies"]] == [1, 2]
    assert data["exportedAt"]
    # the other user's export holds only their own favorite
    theirs = bystander.get("/api/users/me/export").json()["data"]
    assert [f["companyId"] for f in theirs["favorites"]] == [3] and theirs["comparisons"] == []
    assert_error(Client(api.url).get("/api/users/me/export"), 401, "UNAUTHORIZED")


def test_openapi_declares_the_account_routes(api):
    paths = Client(api.url).get("/api/openapi.json").json()["paths"]
    assert "put" in paths["/api/users/me/password"] and "delete" in paths["/api/users/me"]
    assert "get" in paths["/api/users/me/export"]
    assert "403" in paths["/api/users/me"]["delete"]["responses"]


# ------------------------------------------------------------------------------------------- rate limits


@pytest.fixture()
def limited_api(snapshot_database_url, redis_url, output_dir):
    """A fresh server per test: each worker remembers a used-up window itself."""
    server = start_api(
        snapshot_database_url, redis_url, output_dir / "api_account_limited.log", AUTH_RATE_LIMIT_PER_MINUTE="3"
    )
    yield server
    server.stop()


@pytest.mark.parametrize(
    "method,path,body", [("PUT", "/api/users/me/password", True), ("DELETE", "/api/users/me", False)]
)
def test_password_checks_share_the_login_rate_limit(limited_api, redis_url, method, path, body):
    r = redis.Redis.from_url(redis_url)
    r.flushall()
    client, _ = new_user(limited_api.url)  # signup + login: two of the three
    r.delete(*r.keys("ratelimit:auth:*"))
    payload = {"currentPassword": "Wrong-Pass999!", "newPassword": NEW_PASSWORD} if body else {"password": "Wrong1!x"}
    statuses = []
    for _ in range(2 * 3 + 2):  # a window boundary can reset the count once
        resp = client.request(method, path, json=payload)
        statuses.append(resp.status)
        if resp.status == 429:
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {403}, statuses
    assert assert_error(resp, 429, "TOO_MANY_REQUESTS")["retryAfter"] >= 1
    assert client.get("/api/users/me").status == 200  # other routes keep their own budget
