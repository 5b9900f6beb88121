"""Gemini analyser (google-genai SDK, pinned) against the fake generateContent endpoint."""

from __future__ import annotations

import asyncio
import datetime as dt

import asyncpg
import google.genai
import orjson
import pytest

from jobs import analysis, registry
from jobs.gemini import API_VERSION, GeminiAnalyzer
from tests.jobs.util import FakeServer, make_settings
from tests.support.fakes import gemini as fake

SUBJECT = analysis.Subject(
    "company",
    1,
    "삼성전자",
    {
        "fiscal_year": 2024,
        "revenue": 300e12,
        "revenue_growth": 16.2,
        "operating_profit": 32e12,
        "operating_profit_prev": 6.5e12,
        "operating_margin": 10.9,
        "net_income": 34e12,
        "per": 12.0,
        "return_3m": 25.0,
        "return_12m": 40.0,
    },
    {"label": "업종", "operating_margin": 5.0, "per": 15.0},
)


@pytest.fixture(scope="module")
def gemini():
    state = fake.GeminiState()
    server = FakeServer(fake.make_app(state))
    yield server, state
    server.stop()


def _settings(server, key=fake.API_KEY, database_url="postgresql://x/y", redis_url="redis://x"):
    return make_settings(database_url, redis_url, GEMINI_API_KEY=key, GEMINI_BASE_URL=server.url)


def _analyse(server, state, mode, key=fake.API_KEY, **kw):
    state.mode = mode
    analyzer = GeminiAnalyzer(_settings(server, key), timeout_s=kw.pop("timeout_s", 10), initial_delay_s=0.05, **kw)
    return asyncio.run(analyzer.analyse(SUBJECT))


def test_sdk_is_pinned_and_calls_v1():
    assert google.genai.__version__.startswith("3.3.")
    assert API_VERSION == "v1"


def test_valid_structured_answer(gemini):
    server, state = gemini
    state.requests.clear()
    out = _analyse(server, state, "valid")
    assert out.mode == "gemini" and out.model == "gemini-2.5-flash"
    assert out.growth_score == 72 and out.outlook == "다소 긍정적"
    assert len(out.drivers) == 3 and len(out.risks) == 3
    assert out.usage["totalTokens"] == 1052 and out.usage["costUsd"] > 0
    req = state.requests[-1]
    assert req["path"] == "/v1/models/gemini-2.5-flash:generateContent"
    assert req["headers"]["x-goog-api-key"] == fake.API_KEY
    cfg = req["body"]["generationConfig"]
    assert cfg["responseMimeType"] == "application/json"
    assert set(cfg["responseSchema"]["properties"]) == {"growth_score", "outlook", "summary", "drivers", "risks"}
    assert "삼성전자" in req["body"]["contents"][0]["parts"][0]["text"]
    assert "16.2" in req["body"]["contents"][0]["parts"][0]["text"]  # grounded in the figures given
    assert req["body"]["systemInstruction"]["parts"][0]["text"]


@pytest.mark.parametrize("mode", ["invalid_json", "max_tokens", "few_items", "quota", "unavailable"])
def test_failures_fall_back_to_rule(gemini, mode):
    server, state = gemini
    out = _analyse(server, state, mode, attempts=2)
    assert out.mode == "rule" and out.model == "rule-based-v1"
    assert "geminiError" in out.inputs
    assert (
        out == analysis.RuleAnalyzer().analyse_sync(SUBJECT)
        or out.growth_score == analysis.RuleAnalyzer().analyse_sync(SUBJECT).growth_score
    )


def test_retry_then_success(gemini):
    server, state = gemini
    state.fail_next = 1
    out = _analyse(server, state, "unavailable", attempts=3)
    assert out.mode == "gemini"


def test_bad_key_and_timeout(gemini):
    server, state = gemini
    out = _analyse(server, state, "valid", key="wrong")
    assert out.mode == "rule" and "API key not valid" in out.inputs["geminiError"]
    state.slow_seconds = 3.0
    out = _analyse(server, state, "slow", timeout_s=0.5, attempts=1)
    assert out.mode == "rule"


def test_analysis_job_uses_gemini_once_per_day(gemini, snapshot_database_url, redis_url):
    server, state = gemini
    state.mode = "valid"
    state.requests.clear()
    settings = make_settings(snapshot_database_url, redis_url, GEMINI_API_KEY=fake.API_KEY, GEMINI_BASE_URL=server.url)
    day = dt.date(2026, 8, 25)
    result = asyncio.run(registry.run_job("analysis", settings, as_of=day, limit=8, gemini_limit=5))
    assert result["gemini"] == 5 and result["rule"] == 3 and len(state.requests) == 5
    again = asyncio.run(registry.run_job("analysis", settings, as_of=day, limit=8, gemini_limit=5))
    assert again["kept"] == 5 and again["gemini"] == 3 and len(state.requests) == 8
    third = asyncio.run(registry.run_job("analysis", settings, as_of=day, limit=8, gemini_limit=5))
    assert third["kept"] == 8 and len(state.requests) == 8  # no second call for a subject on the same day

    async def rows():
        conn = await asyncpg.connect(snapshot_database_url)
        try:
            return await conn.fetch("SELECT mode, usage FROM analyses WHERE as_of_date = $1", day)
        finally:
            await conn.close()

    got = asyncio.run(rows())
    assert sorted(r["mode"] for r in got) == ["gemini"] * 8
    assert all(orjson.loads(r["usage"])["totalTokens"] == 1052 for r in got if r["mode"] == "gemini")
