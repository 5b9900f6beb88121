"""Comparisons: PRD create shape, validation, detail with a fixed rebase date, isolation between users."""

from __future__ import annotations

import asyncio
import datetime as dt

import asyncpg
import pytest

from tests.api.conftest import assert_error, new_user

KST = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture(scope="module")
def alice(api):
    return new_user(api.url)[0]


@pytest.fixture(scope="module")
def bob(api):
    return new_user(api.url)[0]


@pytest.fixture(scope="module")
def semis(alice):
    resp = alice.post("/api/comparisons", {"name": "반도체 기업 비교", "companies": [1, 2, 3]})
    assert resp.status == 201, resp.body
    return resp.json()


def test_create_has_the_prd_shape(semis):
    assert semis["status"] == 201 and isinstance(semis["comparisonId"], int)
    assert semis["name"] == "반도체 기업 비교"
    assert semis["companies"][:2] == [
        {"companyId": 1, "companyName": "삼성전자", "symbol": "005930"},
        {"companyId": 2, "companyName": "SK하이닉스", "symbol": "000660"},
    ]
    assert dt.date.fromisoformat(semis["createdAt"])
    assert semis["data"] == {k: semis[k] for k in ("comparisonId", "name", "companies", "createdAt")}


def test_list_shows_own_comparisons_only(alice, bob, semis):
    listed = alice.get("/api/comparisons").json()["data"]
    assert [c["comparisonId"] for c in listed] == [semis["comparisonId"]]
    assert listed[0]["companies"] == semis["companies"]
    assert bob.get("/api/comparisons").json()["data"] == []


def test_detail_key_figures_and_fixed_rebase(alice, semis, snapshot_database_url):
    cid = semis["comparisonId"]
    data = alice.get(f"/api/comparisons/{cid}?period=3m").json()["data"]
    assert data["period"] == "3m" and data["endDate"] == "2026-08-21"
    base = dt.date.fromisoformat(data["baseDate"])
    assert dt.date(2026, 5, 21) <= base <= dt.date(2026, 5, 26)
    samsung = data["companies"][0]
    assert samsung["symbol"] == "005930" and samsung["price"] > 0 and samsung["marketCap"] > 0
    assert samsung["revenue"] == 300870903000000 and samsung["fiscalYear"] == 2024
    assert samsung["operatingMargin"] == round(32725961000000 * 100 / 300870903000000, 2)
    assert samsung["revenueGrowth"] is not None and samsung["per"] > 0
    perf = {p["companyId"]: p for p in data["performance"]}
    assert set(perf) == {1, 2, 3}

    async def closes():
        conn = await asyncpg.connect(snapshot_database_url)
        rows = await conn.fetch(
            "SELECT bucket, close FROM stock_prices_1d WHERE symbol = '005930' AND bucket >= $1 ORDER BY bucket",
            dt.datetime(base.year, base.month, base.day, tzinfo=KST),
        )
        await conn.close()
        return rows

    rows = asyncio.run(closes())
    points = perf[1]["points"]
    assert points[0]["value"] == 0.0 and points[0]["time"] == int(rows[0]["bucket"].timestamp())
    assert len(points) == len(rows)
    assert points[-1]["value"] == round((rows[-1]["close"] / rows[0]["close"] - 1) * 100, 2)
    # the rebase date is a property of the period, not of what the client draws: same answer again
    again = alice.get(f"/api/comparisons/{cid}?period=3m").json()["data"]
    assert again["baseDate"] == data["baseDate"] and again["performance"] == data["performance"]
    # an explicit start moves the baseline to the first trading day on/after it
    explicit = alice.get(f"/api/comparisons/{cid}?start=2026-08-01").json()["data"]
    assert explicit["baseDate"] == "2026-08-03" and explicit["performance"][0]["points"][0]["value"] == 0.0


def test_default_period_is_one_year(alice, semis):
    data = alice.get(f"/api/comparisons/{semis['comparisonId']}").json()["data"]
    assert data["period"] == "1y" and data["baseDate"].startswith("2025-08")


@pytest.mark.parametrize(
    "body,code,field",
    [
        ({"companies": [1, 2]}, "MISSING_FIELD", "name"),
        ({"name": "x"}, "MISSING_FIELD", "companies"),
        ({"name": "x", "companies": [1]}, "INVALID_REQUEST", "companies"),
        ({"name": "x", "companies": list(range(1, 12))}, "INVALID_REQUEST", "companies"),
        ({"name": "x", "companies": [1, 1]}, "INVALID_REQUEST", "companies"),
        ({"name": "x", "companies": "1,2"}, "INVALID_REQUEST", "companies"),
        ({"name": "x", "companies": [1, "2"]}, "INVALID_REQUEST", "companies"),
        ({"name": 5, "companies": [1, 2]}, "INVALID_REQUEST", "name"),
    ],
)
def test_create_validation(alice, body, code, field):
    err = assert_error(alice.post("/api/comparisons", body), 400, code)
    assert err.get("field") == field


def test_create_with_unknown_company_is_404(alice):
    err = assert_error(alice.post("/api/comparisons", {"name": "x", "companies": [1, 999999]}), 404, "NOT_FOUND")
    assert err["companyIds"] == [999999]


def test_bad_period_is_400(alice, semis):
    assert_error(alice.get(f"/api/comparisons/{semis['comparisonId']}?period=2y"), 400, "INVALID_REQUEST")


def test_other_users_comparison_is_404_for_read_and_delete(alice, bob, semis):
    cid = semis["comparisonId"]
    err = assert_error(bob.get(f"/api/comparisons/{cid}"), 404, "NOT_FOUND")
    assert "comparisonId" not in err and "companies" not in err
    assert_error(bob.delete(f"/api/comparisons/{cid}"), 404, "NOT_FOUND")
    assert alice.get(f"/api/comparisons/{cid}").status == 200


def test_delete(alice):
    cid = alice.post("/api/comparisons", {"name": "지울 비교", "companies": [4, 5]}).json()["comparisonId"]
    assert alice.delete(f"/api/comparisons/{cid}").status == 200
    assert_error(alice.get(f"/api/comparisons/{cid}"), 404, "NOT_FOUND")
    assert_error(alice.delete(f"/api/comparisons/{cid}"), 404, "NOT_FOUND")
    assert_error(alice.get("/api/comparisons/99999999999"), 404, "NOT_FOUND")
