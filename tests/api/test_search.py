"""Company search relevance over HTTP, as one suite run against every available backend.

PostgreSQL always runs; OpenSearch runs when OPENSEARCH_URL is set in the environment (the api
is then started with it and must serve the same relevance)."""

from __future__ import annotations

import os
import urllib.parse

import pytest

from tests.api import search_cases
from tests.api.conftest import Client, assert_error, start_api

BACKENDS = ["postgres"] + (["opensearch"] if os.environ.get("OPENSEARCH_URL") else [])


@pytest.fixture(scope="module", params=BACKENDS)
def backend_api(request, snapshot_database_url, redis_url, output_dir):
    extra = {"OPENSEARCH_URL": os.environ["OPENSEARCH_URL"]} if request.param == "opensearch" else {}
    server = start_api(snapshot_database_url, redis_url, output_dir / f"api_search_{request.param}.log", **extra)
    server.backend = request.param
    yield server
    server.stop()


def _search_fn(server) -> search_cases.Search:
    client = Client(server.url)

    def search(keyword: str, page: int, size: int) -> tuple[int, list[str]]:
        query = urllib.parse.urlencode({"keyword": keyword, "page": page, "size": size})
        resp = client.get(f"/api/companies?{query}")
        assert resp.status == 200, resp.body
        body = resp.json()
        assert body["page"] == page and body["size"] == size
        return body["total"], [item["name"] for item in body["data"]]

    return search


@pytest.mark.parametrize("case", search_cases.CASES, ids=lambda c: c.id)
def test_relevance(backend_api, case):
    search_cases.check(case, _search_fn(backend_api))


def test_paging(backend_api):
    search_cases.check_paging(_search_fn(backend_api))


def test_health_reports_the_backend(backend_api):
    search = Client(backend_api.url).get("/api/health").json()["data"]["search"]
    assert search["ok"] and search["backend"] == backend_api.backend


def test_result_shape(backend_api):
    body = Client(backend_api.url).get("/api/companies?keyword=005930").json()
    assert body["status"] == 200 and body["message"] == "기업 검색을 완료하였습니다."
    item = body["data"][0]
    for key in (
        "companyId",
        "symbol",
        "name",
        "nameEn",
        "market",
        "industryId",
        "industryName",
        "logo",
        "price",
        "changePercent",
        "marketCap",
        "asOf",
        "source",
    ):
        assert key in item
    assert item["symbol"] == "005930" and item["marketCap"] > 0


def test_search_validation(backend_api):
    client = Client(backend_api.url)
    err = assert_error(client.get("/api/companies"), 400, "MISSING_FIELD")
    assert err["field"] == "keyword"
    assert_error(client.get("/api/companies?keyword=%20%20"), 400, "MISSING_FIELD")
    assert_error(client.get("/api/companies?keyword=a&size=0"), 400, "INVALID_REQUEST")
    assert_error(client.get("/api/companies?keyword=a&size=101"), 400, "INVALID_REQUEST")
    assert_error(client.get("/api/companies?keyword=a&page=x"), 400, "INVALID_REQUEST")
    assert_error(client.get("/api/companies?keyword=" + "a" * 101), 400, "INVALID_REQUEST")
    # LIKE wildcards are literal
    assert client.get("/api/companies?keyword=%25").json()["total"] == 0
    assert client.get("/api/companies?keyword=_").json()["total"] == 0
