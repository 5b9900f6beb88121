"""Fixtures of the REST api tests: a real `python -m api` per module (tests/conftest.py gives the
database and Redis), with generous rate limits and cheap bcrypt unless a module asks otherwise."""

from __future__ import annotations

import itertools
import uuid

import pytest

from tests.support import harness

FAST_ENV = {
    "BCRYPT_ROUNDS": "4",
    "RATE_LIMIT_PER_MINUTE": "100000",
    "AUTH_RATE_LIMIT_PER_MINUTE": "100000",
    "SIGNUP_RATE_LIMIT_PER_HOUR": "100000",
    "SIGNUP_ADDRESS_RATE_LIMIT_PER_HOUR": "100000",
}
PASSWORD = "SecurePass123!"
_counter = itertools.count(1)


def start_api(database_url: str, redis_url: str, log_path, **overrides: str) -> harness.ApiServer:
    env = harness.platform_env(database_url, redis_url, **{**FAST_ENV, **overrides})
    return harness.ApiServer(env, log_path)


@pytest.fixture(scope="module")
def api(snapshot_database_url, redis_url, output_dir, request):
    server = start_api(
        snapshot_database_url, redis_url, output_dir / f"{request.module.__name__.rsplit('.', 1)[-1]}.log"
    )
    yield server
    server.stop()


class Client:
    """Real HTTP against one api server, optionally signed in."""

    def __init__(self, base: str, token: str | None = None) -> None:
        self.base = base
        self.token = token

    def request(self, method: str, path: str, *, json=None, body=None, headers=None, token: str | None = None):
        all_headers = dict(headers or {})
        bearer = token or self.token
        if bearer:
            all_headers["Authorization"] = f"Bearer {bearer}"
        return harness.http(method, self.base + path, json=json, body=body, headers=all_headers)

    def get(self, path: str, **kw):
        return self.request("GET", path, **kw)

    def post(self, path: str, json=None, **kw):
        return self.request("POST", path, json=json, **kw)

    def delete(self, path: str, **kw):
        return self.request("DELETE", path, **kw)


def new_user(base: str) -> tuple[Client, dict]:
    """Sign up and log in a fresh user; returns the signed-in client and the login body."""
    email = f"user{next(_counter)}-{uuid.uuid4().hex[:8]}@example.com"
    client = Client(base)
    resp = client.post("/api/users/signup", {"email": email, "username": "tester", "password": PASSWORD})
    assert resp.status == 201, resp.body
    resp = client.post("/api/users/login", {"email": email, "password": PASSWORD})
    assert resp.status == 200, resp.body
    body = resp.json()
    client.token = body["accessToken"]
    body["email"] = email
    return client, body


def assert_error(resp, status: int, code: str) -> dict:
    assert resp.status == status, (resp.status, resp.body)
    body = resp.json()
    assert body["status"] == status and body["code"] == code and body["message"], body
    assert "Traceback" not in resp.body.decode(errors="replace")
    return body
