"""What hostile testing found at the HTTP edge, each against a real api process: security headers,
JSON-only bodies, a plain GET of the WebSocket path, 405/HEAD/404 routing, bad query encodings,
oversized URLs and headers, who may read /metrics, signup limits and login timing."""

from __future__ import annotations

import socket
import statistics
import time
import urllib.parse

import pytest
import redis

from api.http.peers import peer_allowed
from tests.api.conftest import PASSWORD, Client, assert_error, new_user, start_api


@pytest.fixture(scope="module")
def client(api):
    return Client(api.url)


def raw_request(base: str, request: bytes, timeout: float = 5.0) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are (urllib would quote them) and read one response."""
    parsed = urllib.parse.urlsplit(base)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=timeout) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        return int(lines[0].split()[1]), headers, body


# ------------------------------------------------------------------------------------ headers


@pytest.mark.parametrize("path", ["/", "/company/1", "/api/industries", "/api/nope", "/api/docs", "/api/openapi.json"])
def test_security_headers_on_every_kind_of_response(client, path):
    resp = client.get(path)
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["x-frame-options"] == "DENY"
    assert resp.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    csp = resp.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-eval" not in csp


# --------------------------------------------------------------------------------- JSON bodies


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
)
def test_json_endpoints_refuse_other_content_types(client, snapshot_database_url, content_type):
    """A cross-site form (text/plain, urlencoded, multipart: no CORS preflight) cannot sign anyone up."""
    email = f"csrf-{time.monotonic_ns()}@example.com"
    body = f'{{"email":"{email}","username":"x","password":"{PASSWORD}"}}'.encode()
    headers = {"Content-Type": content_type} if content_type else {}
    resp = client.request("POST", "/api/users/signup", body=body, headers=headers)
    assert_error(resp, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert client.post("/api/users/login", {"email": email, "password": PASSWORD}).status == 401  # nobody made


def test_application_json_with_parameters_is_json(client):
    body = b'{"email":"nobody@example.com","password":"SecurePass123!"}'
    resp = client.request(
        "POST", "/api/users/login", body=body, headers={"Content-Type": "Application/JSON; charset=utf-8"}
    )
    assert_error(resp, 401, "UNAUTHORIZED")


def test_an_optional_body_may_be_left_out(client, api):
    signed_in, _ = new_user(api.url)
    assert signed_in.request("POST", "/api/users/logout").status == 200


# --------------------------------------------------------------------------------- routing


@pytest.mark.parametrize("path", ["/ws/stocks/", "/ws/stocks"])
def test_plain_get_of_the_websocket_path_is_426_without_an_error_log(client, api, path):
    before = api.output().count('"ERROR"')
    resp = client.get(path)
    assert_error(resp, 426, "UPGRADE_REQUIRED")
    assert resp.headers["upgrade"].lower() == "websocket"
    time.sleep(0.2)
    assert api.output().count('"ERROR"') == before


@pytest.mark.parametrize(
    "method,path,allowed",
    [
        ("PUT", "/api/users/login", "POST"),
        ("GET", "/api/users/login", "POST"),
        ("DELETE", "/api/companies/1", "GET, HEAD"),
        ("PUT", "/api/users/favorites/5", "DELETE"),
        ("POST", "/api/industries", "GET, HEAD"),
    ],
)
def test_405_names_the_allowed_methods(client, method, path, allowed):
    resp = client.request(method, path)
    assert_error(resp, 405, "METHOD_NOT_ALLOWED")
    assert resp.headers["allow"] == allowed


@pytest.mark.parametrize("path", ["/", "/api/industries", "/api/companies/1", "/api/openapi.json", "/api/health"])
def test_head_answers_like_get_without_a_body(client, path):
    get, head = client.get(path), client.request("HEAD", path)
    assert head.status == get.status and head.body == b""
    assert head.headers["content-type"] == get.headers["content-type"]


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/api/users/favorites/abc", "/api/companies/x1", "/api/comparisons/1.5", "/api/nope"])
def test_unknown_paths_and_non_integer_ids_are_404_whatever_the_method(client, method, path):
    resp = client.request(method, path)
    assert resp.status == 404, (method, path, resp.status)
    if method != "HEAD":
        assert resp.json()["code"] == "NOT_FOUND"


# ---------------------------------------------------------------------------- query and sizes


@pytest.mark.parametrize("query", ["keyword=%FF%FE", "keyword=%EC%82", "%FF=1&keyword=ok"])
def test_query_strings_that_are_not_utf8_are_400(client, query):
    err = assert_error(client.get("/api/companies?" + query), 400, "INVALID_REQUEST")
    assert "UTF-8" in err["message"]


def test_raw_non_ascii_bytes_in_the_query_are_400(api):
    status, _, body = raw_request(
        api.url, b"GET /api/companies?keyword=\xff\xfe HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    )
    assert status == 400 and b"INVALID_REQUEST" in body


def test_utf8_queries_still_work(client):
    resp = client.get("/api/companies?keyword=" + urllib.parse.quote("삼성전자"))
    assert resp.status == 200 and resp.json()["data"][0]["symbol"] == "005930"


def test_a_10000_character_url_is_414(client):
    resp = client.get("/api/companies?keyword=" + "a" * 10_000)
    body = assert_error(resp, 414, "URI_TOO_LONG")
    assert "본문" not in body["message"]


def test_oversized_headers_are_431(client):
    resp = client.get("/api/industries", headers={"X-Big": "a" * 9000})
    assert_error(resp, 431, "HEADERS_TOO_LARGE")


# --------------------------------------------------------------------------------- /metrics


def test_metrics_only_for_allowed_peers(snapshot_database_url, redis_url, output_dir, client):
    assert client.get("/metrics").status == 200  # loopback, the default rule
    server = start_api(
        snapshot_database_url, redis_url, output_dir / "api_metrics_closed.log", API_METRICS_NETWORKS="192.0.2.0/24"
    )
    try:
        assert_error(Client(server.url).get("/metrics"), 404, "NOT_FOUND")
    finally:
        server.stop()


def test_peer_rule():
    loopback = ("127.0.0.0/8", "::1/128")
    assert peer_allowed("127.0.0.1", loopback) and peer_allowed("::1", loopback)
    assert peer_allowed("::ffff:127.0.0.1", loopback)  # IPv4-mapped
    assert not peer_allowed("10.1.2.3", loopback) and not peer_allowed("", loopback)
    assert not peer_allowed("not-an-ip", loopback)


# --------------------------------------------------------------------------------- signup limits


@pytest.fixture(scope="module")
def signup_limited_api(snapshot_database_url, redis_url, output_dir):
    server = start_api(
        snapshot_database_url,
        redis_url,
        output_dir / "api_signup_limited.log",
        SIGNUP_RATE_LIMIT_PER_HOUR="4",
        SIGNUP_ADDRESS_RATE_LIMIT_PER_HOUR="2",
    )
    yield server
    server.stop()


def _signup(client: Client, email: str):
    return client.post("/api/users/signup", {"email": email, "username": "x", "password": PASSWORD})


def test_signup_is_limited_per_address(signup_limited_api, redis_url):
    redis.Redis.from_url(redis_url).flushall()
    client = Client(signup_limited_api.url)
    email = f"taken-{time.monotonic_ns()}@example.com"
    assert _signup(client, email).status == 201
    assert_error(_signup(client, email), 409, "ALREADY_EXISTS")
    resp = _signup(client, email.upper())  # the same address, however spelled
    err = assert_error(resp, 429, "TOO_MANY_REQUESTS")
    assert 1 <= int(resp.headers["retry-after"]) <= 3600 and err["retryAfter"] == int(resp.headers["retry-after"])
    keys = [k.decode() for k in redis.Redis.from_url(redis_url).keys("ratelimit:signup-address:*")]
    assert keys and all(email.split("@")[0] not in k for k in keys)  # the address is not stored in the clear


def test_signup_is_limited_per_client(signup_limited_api, redis_url):
    redis.Redis.from_url(redis_url).flushall()
    client = Client(signup_limited_api.url)
    stamp = time.monotonic_ns()
    statuses = [_signup(client, f"probe-{stamp}-{i}@example.com").status for i in range(6)]
    assert statuses[:4] == [201] * 4 and statuses[4:] == [429, 429], statuses
    # login is not a signup
    assert (
        client.post("/api/users/login", {"email": f"probe-{stamp}-0@example.com", "password": PASSWORD}).status == 200
    )


# --------------------------------------------------------------------------------- login timing


@pytest.fixture(scope="module")
def real_cost_api(snapshot_database_url, redis_url, output_dir):
    """bcrypt at the production cost (BCRYPT_ROUNDS 12), where the difference used to be 50×."""
    server = start_api(snapshot_database_url, redis_url, output_dir / "api_bcrypt12.log", BCRYPT_ROUNDS="12")
    yield server
    server.stop()


def test_login_takes_as_long_for_unknown_emails_as_for_known_ones(real_cost_api):
    client, body = new_user(real_cost_api.url)
    anon = Client(real_cost_api.url)
    known = {"email": body["email"], "password": "Wrong-password-1!"}
    unknown = {"email": f"nobody-{time.monotonic_ns()}@example.com", "password": "Wrong-password-1!"}

    def timed(payload) -> float:
        started = time.perf_counter()
        resp = anon.post("/api/users/login", payload)
        elapsed = time.perf_counter() - started
        assert resp.status == 401
        return elapsed

    timed(known), timed(unknown)  # warm both paths
    samples: dict[str, list[float]] = {"known": [], "unknown": []}
    for _ in range(15):  # interleaved, so load on the machine hits both alike
        samples["known"].append(timed(known))
        samples["unknown"].append(timed(unknown))
    k, u = statistics.median(samples["known"]), statistics.median(samples["unknown"])
    print(f"login median: known email {k * 1000:.1f} ms, unknown email {u * 1000:.1f} ms")
    # a busy machine only adds time, and unevenly: the fastest of each is the work the server does
    k, u = min(samples["known"]), min(samples["unknown"])
    print(f"login fastest: known email {k * 1000:.1f} ms, unknown email {u * 1000:.1f} ms")
    assert k > 0.05  # the real cost is in play
    assert abs(k - u) / max(k, u) <= 0.10, (k, u)
