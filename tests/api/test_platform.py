"""OpenAPI completeness, Swagger UI, Prometheus metrics, error hygiene across the whole api."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from sanic import Sanic

from api import app as api_app
from core import settings
from tests.api.conftest import Client, assert_error


@pytest.fixture(scope="module")
def client(api):
    return Client(api.url)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def served_routes() -> set[tuple[str, str]]:
    """(METHOD, /openapi/path) of every route the app mounts, the catch-alls (SPA, unknown /api and /ws
    paths → 404) excluded."""
    config = settings.load(
        {"DATABASE_URL": "postgresql://x@localhost/x", "REDIS_URL": "redis://localhost", "JWT_SECRET": "x" * 40}
    )
    Sanic._app_registry.pop("krx_api", None)
    app = api_app.create_app(config)
    try:
        routes = set()
        for route in app.router.routes:
            path = route.path.rstrip("/")
            if path in ("", "<path:path>", "api/<path:path>", "ws/<path:path>"):
                continue
            path = "/" + re.sub(r"<(\w+)(:[^>]*)?>", lambda m: "{" + _camel(m.group(1)) + "}", path)
            for method in route.methods:
                if method not in ("HEAD", "OPTIONS"):
                    routes.add((method, path))
        return routes
    finally:
        Sanic._app_registry.pop("krx_api", None)


def test_openapi_documents_every_route(client):
    resp = client.get("/api/openapi.json")
    assert resp.status == 200
    spec = resp.json()
    assert spec["openapi"].startswith("3.")
    documented = {(method.upper(), path) for path, item in spec["paths"].items() for method in item}
    missing = served_routes() - documented
    assert not missing, f"routes without OpenAPI entries: {sorted(missing)}"
    for path, item in spec["paths"].items():
        for method, op in item.items():
            assert op["summary"] and op["responses"] and op["operationId"], (method, path)
            for param in re.findall(r"{(\w+)}", path):
                assert any(p["name"] == param and p["in"] == "path" for p in op.get("parameters", [])), (path, param)
    ops = [op for item in spec["paths"].values() for op in item.values()]
    assert len({op["operationId"] for op in ops}) == len(ops)
    # PRD examples are in the document
    signup = spec["paths"]["/api/users/signup"]["post"]
    assert signup["responses"]["201"]["content"]["application/json"]["schema"]["example"]["userId"] == 550
    assert "429" in signup["responses"] and "Retry-After" in signup["responses"]["429"]["headers"]
    assert spec["components"]["schemas"]["ComparisonRequest"]["example"]["companies"] == [1, 2, 3]
    # 주봉/월봉, and a chart says whether it is simulated; lists say their market day and exclusions
    ohlcv = spec["paths"]["/api/companies/{companyId}/ohlcv"]["get"]
    interval = next(p for p in ohlcv["parameters"] if p["name"] == "interval")
    assert interval["schema"]["enum"] == ["1m", "15m", "1h", "1d", "1w", "1mo"]
    assert "simulated" in str(ohlcv["responses"]["200"])
    assert "excluded" in str(spec["paths"]["/api/rankings/companies"]["get"]["responses"]["200"])


def _resolve_refs(spec: dict) -> None:
    names = set(spec["components"]["schemas"])
    text = str(spec)
    for ref in re.findall(r"#/components/schemas/(\w+)", text):
        assert ref in names, ref


def test_openapi_refs_resolve(client):
    _resolve_refs(client.get("/api/openapi.json").json())


def test_swagger_ui_page(client):
    resp = client.get("/api/docs")
    assert resp.status == 200 and resp.headers["content-type"].startswith("text/html")
    assert b"<script>" not in resp.body  # no inline script: the CSP allows only our files
    assets = re.findall(rb'(?:src|href)="(/api/docs/static/[^"]+)"', resp.body)
    assert len(assets) == 3
    for asset in assets:
        assert client.get(asset.decode()).status == 200
    assert b"/api/openapi.json" in client.get("/api/docs/static/swagger-init.js").body
    assert_error(client.get("/api/docs/static/../../etc/passwd"), 404, "NOT_FOUND")


def test_metrics_count_requests_per_route_and_status(client):
    client.get("/api/companies/1")
    client.get("/api/companies/999999")
    resp = client.get("/metrics")
    assert resp.status == 200 and resp.headers["content-type"].startswith("text/plain")
    text = resp.body.decode()
    assert re.search(
        r'api_http_requests_total\{method="GET",route="/api/companies/<company_id:int>",'
        r'status="200",worker="\d+"\} \d',
        text,
    )
    assert 'status="404"' in text
    assert "api_http_request_duration_seconds_bucket" in text
    # raw paths never become labels
    assert "/api/companies/999999" not in text
    # valid exposition format
    from prometheus_client.parser import text_string_to_metric_families

    families = {f.name: f for f in text_string_to_metric_families(text)}
    assert families["api_http_request_duration_seconds"].type == "histogram"
    counts = [
        s
        for s in families["api_http_requests"].samples
        if s.labels["route"] == "/api/companies/<company_id:int>" and s.labels["status"] == "200"
    ]
    assert counts and counts[0].value >= 1


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/api/nope"),
        ("GET", "/api/companies/1/nope"),
        ("GET", "/api/companies/x1"),
        ("DELETE", "/api/companies/1"),
        ("PUT", "/api/users/login"),
        ("GET", "/api/users/login"),
        ("GET", "/api/companies?keyword=" + urllib.parse.quote("'; DROP TABLE companies; --")),
        ("GET", "/api/companies?keyword=%00"),
        ("GET", "/api/companies/1/ohlcv?start=99999999999999999999"),
        ("GET", "/api/indices/kospi?start=-99999999999999"),
        ("GET", "/api/rankings/companies?page=999999"),
        ("GET", "/api/comparisons/1?period=1y"),
    ],
)
def test_no_500_and_no_internals_leak(client, method, path):
    resp = client.request(method, path)
    assert resp.status < 500, (resp.status, resp.body)
    text = resp.body.decode(errors="replace")
    for leak in ("Traceback", "asyncpg", "SELECT", 'File "'):
        assert leak not in text
    body = resp.json()
    assert body["status"] == resp.status


def test_envelope_and_request_id_everywhere(client):
    for path in ("/api/industries", "/api/rankings/industries", "/api/indices/kospi?interval=1mo"):
        resp = client.get(path)
        body = resp.json()
        assert resp.status == 200 and body["status"] == 200 and body["message"] and "data" in body
        assert resp.headers["x-request-id"]
