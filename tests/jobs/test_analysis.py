"""Rule-based outlook analyser on the bundled KRX snapshot: determinism and sensible output."""

from __future__ import annotations

import asyncio
import datetime as dt

import asyncpg
import orjson
import pytest

from jobs import analysis, registry
from tests.jobs.util import make_settings

AS_OF = dt.date(2026, 8, 24)


@pytest.fixture(scope="module")
def settings(snapshot_database_url, redis_url):
    return make_settings(snapshot_database_url, redis_url)


def _fetch(url: str, sql: str, *args):
    async def go():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(sql, *args)
        finally:
            await conn.close()

    return asyncio.run(go())


@pytest.fixture(scope="module")
def first_run(settings):
    return asyncio.run(registry.run_job("analysis", settings, as_of=AS_OF))


def test_every_company_and_industry_is_analysed(first_run, snapshot_database_url):
    assert first_run["rule"] == first_run["companies"] + first_run["industries"]
    assert first_run["companies"] > 2000 and first_run["industries"] > 50
    rows = _fetch(
        snapshot_database_url,
        "SELECT subject_type, count(*) AS n, min(growth_score) AS lo, max(growth_score) AS hi "
        "FROM analyses WHERE as_of_date = $1 GROUP BY subject_type",
        AS_OF,
    )
    by_type = {r["subject_type"]: r for r in rows}
    assert by_type["company"]["n"] == first_run["companies"]
    assert by_type["industry"]["n"] == first_run["industries"]
    assert 0 <= by_type["company"]["lo"] < 40 < 60 < by_type["company"]["hi"] <= 100  # it discriminates


def test_samsung_electronics_is_sensible(first_run, snapshot_database_url):
    row = _fetch(
        snapshot_database_url,
        "SELECT a.* FROM analyses a JOIN companies c ON c.id = a.subject_id "
        "WHERE a.subject_type = 'company' AND c.symbol = '005930' AND a.as_of_date = $1",
        AS_OF,
    )[0]
    assert row["mode"] == "rule" and row["model"] == "rule-based-v1"
    assert row["outlook"] in analysis.OUTLOOKS
    assert row["outlook"] == analysis.outlook_label(row["growth_score"])
    drivers, risks, inputs = (orjson.loads(row[k]) for k in ("drivers", "risks", "inputs"))
    assert 3 <= len(drivers) <= 5 and 3 <= len(risks) <= 5
    assert "삼성전자" in row["summary"] and str(row["growth_score"]) in row["summary"]
    figures = inputs["figures"]
    assert figures["fiscal_year"] == 2024 and figures["revenue"] > 200e12
    assert figures["per"] > 0 and figures["market_cap"] > 100e12
    # Transparent: the score is 50 plus the stored points, clamped.
    assert row["growth_score"] == max(0, min(100, round(50 + sum(inputs["points"].values()))))
    assert all(isinstance(d, str) and d for d in drivers + risks)


def test_deterministic_and_idempotent(first_run, settings, snapshot_database_url):
    sql = (
        "SELECT subject_type, subject_id, growth_score, outlook, summary, drivers, risks, inputs "
        "FROM analyses WHERE as_of_date = $1 ORDER BY subject_type, subject_id"
    )
    before = [tuple(r) for r in _fetch(snapshot_database_url, sql, AS_OF)]
    again = asyncio.run(registry.run_job("analysis", settings, as_of=AS_OF))
    after = [tuple(r) for r in _fetch(snapshot_database_url, sql, AS_OF)]
    assert again["rule"] == first_run["rule"]
    assert before == after  # same inputs, same output, still one row per subject and day


def test_rule_analyzer_factors_push_the_right_way():
    rule = analysis.RuleAnalyzer()
    bench = {"label": "업종", "operating_margin": 5.0, "per": 12.0}
    strong = analysis.Subject(
        "company",
        1,
        "강한회사",
        {
            "fiscal_year": 2024,
            "revenue": 1e12,
            "revenue_growth": 30.0,
            "operating_profit": 2e11,
            "operating_profit_prev": 1e11,
            "operating_margin": 20.0,
            "net_income": 1.5e11,
            "per": 6.0,
            "return_3m": 25.0,
            "return_12m": 60.0,
            "news_positive": 8,
            "news_negative": 1,
        },
        bench,
    )
    weak = analysis.Subject(
        "company",
        2,
        "약한회사",
        {
            "fiscal_year": 2024,
            "revenue": 1e11,
            "revenue_growth": -25.0,
            "operating_profit": -1e10,
            "operating_profit_prev": 5e9,
            "operating_margin": -10.0,
            "net_income": -2e10,
            "return_3m": -30.0,
            "return_12m": -50.0,
            "news_positive": 0,
            "news_negative": 9,
        },
        bench,
    )
    empty = analysis.Subject("company", 3, "정보없음", {}, bench)
    a, b, c = (rule.analyse_sync(s) for s in (strong, weak, empty))
    assert a.growth_score >= 85 and a.outlook == "긍정적"
    assert b.growth_score <= 15 and b.outlook == "부정적"
    assert c.growth_score == 50 and c.outlook == "중립"
    for o in (a, b, c):
        assert 3 <= len(o.drivers) <= 5 and 3 <= len(o.risks) <= 5
    assert any("적자 전환" in r for r in b.risks)
    assert any("+30.0% 성장" in d for d in a.drivers)
    assert rule.analyse_sync(strong) == a
