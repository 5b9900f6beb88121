"""The api process itself: envelope, errors, request ids, health and the SPA shell."""

import time

import orjson
import pytest
import redis

from tests.support import harness
from tests.support.harness import http


@pytest.fixture(scope="module")
def spa_dist(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    (dist / "index.html").write_text("<!doctype html><title>KRX</title><div id=root></div>")
    (dist / "assets").mkdir()
    (dist / "assets" / "app-1234.js").write_text("console.log(1)")
    return dist


@pytest.fixture(scope="module")
def server(snapshot_database_url, redis_url, output_dir, spa_dist):
    env = harness.platform_env(snapshot_database_url, redis_url, FRONTEND_DIST=str(spa_dist))
    api = harness.ApiServer(env, output_dir / "api_shell.log")
    yield api
    api.stop()


def test_health_is_503_until_ingest_reports_then_200(server, redis_url):
    client = redis.Redis.from_url(redis_url)
    client.delete("ingest:status")
    resp = http("GET", server.url + "/api/health")
    assert resp.status == 503
    body = resp.json()
    assert body["status"] == 503 and body["data"]["status"] == "degraded"
    assert body["data"]["database"]["ok"] and body["data"]["redis"]["ok"]
    assert body["data"]["ingest"]["ok"] is False

    now_ms = int(time.time() * 1000)
    client.hset(
        "ingest:status",
        mapping={
            "updatedAt": now_ms,
            "lastTickAt": now_ms - 1500,
            "source": "kissim",
            "mode": "demo",
            "connected": "1",
        },
    )
    resp = http("GET", server.url + "/api/health")
    assert resp.status == 200, resp.body
    ingest = resp.json()["data"]["ingest"]
    assert ingest["ok"] and ingest["source"] == "kissim" and 1.0 <= ingest["lastTickAgeSeconds"] < 30

    client.hset("ingest:status", "updatedAt", now_ms - 120_000)  # a stale heartbeat
    assert http("GET", server.url + "/api/health").status == 503
    client.close()


def test_request_id_is_echoed_or_generated(server):
    resp = http("GET", server.url + "/api/health", headers={"X-Request-Id": "abc-123"})
    assert resp.headers["x-request-id"] == "abc-123"
    generated = http("GET", server.url + "/api/health", headers={"X-Request-Id": "bad id with spaces"})
    assert generated.headers["x-request-id"] != "bad id with spaces" and len(generated.headers["x-request-id"]) == 32


def test_unknown_api_path_is_a_json_404(server):
    resp = http("GET", server.url + "/api/no-such-thing")
    assert resp.status == 404
    assert resp.json() == {"status": 404, "code": "NOT_FOUND", "message": "리소스를 찾을 수 없습니다."}


def test_huge_body_is_400_not_500(server):
    resp = http(
        "POST", server.url + "/api/health", body=b"x" * (70 * 1024), headers={"Content-Type": "application/json"}
    )
    assert resp.status in (400, 405)
    assert resp.json()["code"] in ("INVALID_REQUEST", "METHOD_NOT_ALLOWED")
    assert b"Traceback" not in resp.body


def test_spa_shell_assets_and_client_routes(server):
    index = http("GET", server.url + "/")
    assert index.status == 200 and b"<div id=root>" in index.body
    route = http("GET", server.url + "/companies/1")
    assert route.status == 200 and route.body == index.body
    asset = http("GET", server.url + "/assets/app-1234.js")
    assert asset.status == 200 and "immutable" in asset.headers["cache-control"]
    assert http("GET", server.url + "/assets/missing.js").status == 404
    assert http("GET", server.url + "/..%2f..%2fetc%2fpasswd").status in (404, 400)


def test_logs_are_json_lines(server):
    http("GET", server.url + "/api/health", headers={"X-Request-Id": "log-check-1"})
    time.sleep(0.3)
    lines = [line for line in server.output().splitlines() if line.startswith("{")]
    assert lines, server.output()
    for line in lines:
        orjson.loads(line)
