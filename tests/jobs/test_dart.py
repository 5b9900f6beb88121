"""DART client and collectors against the fake DART server."""

from __future__ import annotations

import asyncio
import datetime as dt

import aiohttp
import asyncpg
import pytest
import redis

from core.services import AuthError, MalformedResponse, RateLimited
from jobs import registry
from jobs.clients.dart import DartClient, amount, key_accounts
from tests.jobs.util import FakeServer, make_settings
from tests.support.fakes import dart as fake

SAMSUNG, HYNIX = "00126380", "00164779"


def _accounts(corp, stock, year, reprt, scale):
    rows = []
    for fs_div, f in (("CFS", 1.0), ("OFS", 0.6)):
        cum = reprt == "11014"
        for name, value in (("매출액", 300e12), ("영업이익", 32e12), ("당기순이익", 34e12)):
            v = int(value * scale * f)
            rows.append(
                fake.account_row(
                    corp, stock, str(year), reprt, fs_div, name, v, int(v * 0.9), cumulative=v * 3 if cum else None
                )
            )
    return rows


@pytest.fixture(scope="module")
def dart():
    state = fake.DartState()
    state.corps = [
        {
            "corp_code": SAMSUNG,
            "corp_name": "삼성전자",
            "corp_eng_name": "SAMSUNG ELECTRONICS CO,.LTD",
            "stock_code": "005930",
        },
        {"corp_code": HYNIX, "corp_name": "SK하이닉스", "corp_eng_name": "SK hynix Inc.", "stock_code": "000660"},
        {"corp_code": "00987654", "corp_name": "예시비상장", "corp_eng_name": "", "stock_code": ""},
    ]
    for corp, stock in ((SAMSUNG, "005930"), (HYNIX, "000660")):
        state.accounts[(corp, "2024", "11011")] = _accounts(corp, stock, 2024, "11011", 1.0)
        for reprt, scale in (("11013", 0.25), ("11012", 0.26), ("11014", 0.27)):
            state.accounts[(corp, "2025", reprt)] = _accounts(corp, stock, 2025, reprt, scale)
    for n in range(250):
        day = dt.date(2025, 11, 14) - dt.timedelta(days=n % 28)
        kind = ["분기보고서 (2025.09)", "[기재정정]반기보고서 (2025.06)", "사업보고서 (2024.12)", "주요사항보고서"][
            n % 4
        ]
        corp, stock = (SAMSUNG, "005930") if n % 2 == 0 else (HYNIX, "000660")
        state.filings.append(
            {
                "corp_code": corp,
                "corp_name": "x",
                "stock_code": stock,
                "corp_cls": "Y",
                "report_nm": kind + " ",
                "rcept_no": f"{day:%Y%m%d}{n:06d}",
                "flr_nm": "삼성전자",
                "rcept_dt": f"{day:%Y%m%d}",
                "rm": "",
            }
        )
    state.expired_keys.add("e" * 40)
    server = FakeServer(fake.make_app(state))
    yield server, state
    server.stop()


def _call(server, fn, key=fake.API_KEY):
    async def go():
        async with aiohttp.ClientSession() as session:
            return await fn(DartClient(session, server.url, key, retry_delay=0.01, interval=0))

    return asyncio.run(go())


def test_amount_parsing():
    assert amount("174,697,424,000,000") == 174697424000000
    assert amount("-6,566,976") == -6566976
    assert amount("") is None and amount("-") is None and amount(None) is None


def test_corp_codes_zip(dart):
    server, _ = dart
    codes = _call(server, lambda c: c.corp_codes())
    by_code = {c.corp_code: c for c in codes}
    assert by_code[SAMSUNG].stock_code == "005930" and by_code[SAMSUNG].corp_name == "삼성전자"
    assert by_code["00987654"].stock_code == ""  # unlisted: a single space in the XML


def test_bad_and_expired_keys(dart):
    server, _ = dart
    with pytest.raises(AuthError) as err:
        _call(server, lambda c: c.corp_codes(), key="x" * 40)  # XML error document instead of a zip
    assert err.value.code == "010"
    with pytest.raises(AuthError) as err:
        _call(server, lambda c: c.single_accounts(SAMSUNG, 2024, "11011"), key="e" * 40)
    assert err.value.code == "901"


def test_malformed_zip_and_json_are_retried(dart):
    server, state = dart
    state.malformed_next = 1
    assert len(_call(server, lambda c: c.corp_codes())) == 3
    state.malformed_next = 1
    assert len(_call(server, lambda c: c.single_accounts(SAMSUNG, 2024, "11011"))) == 6
    state.malformed_next = 99
    with pytest.raises(MalformedResponse):
        _call(server, lambda c: c.single_accounts(SAMSUNG, 2024, "11011"))
    state.malformed_next = 0


def test_request_limit_020(dart):
    server, state = dart
    state.limit_next = 2
    assert len(_call(server, lambda c: c.single_accounts(SAMSUNG, 2024, "11011"))) == 6
    state.limit_next = 99
    with pytest.raises(RateLimited) as err:
        _call(server, lambda c: c.single_accounts(SAMSUNG, 2024, "11011"))
    assert err.value.code == "020"
    state.limit_next = 0


def test_no_data_is_empty(dart):
    server, _ = dart
    assert _call(server, lambda c: c.single_accounts(SAMSUNG, 2019, "11011")) == []
    assert _call(server, lambda c: c.filings(bgn_de="20200101", end_de="20200201")) == []


def test_filings_pagination(dart):
    server, state = dart
    state.calls.clear()
    rows = _call(server, lambda c: c.filings(bgn_de="20251001", end_de="20251130"))
    assert len(rows) == 250 and len({r["rcept_no"] for r in rows}) == 250
    assert [q["page_no"] for p, q in state.calls if p == "list.json"] == ["1", "2", "3"]


def test_key_accounts_prefers_consolidated(dart):
    _, state = dart
    acc = key_accounts(state.accounts[(SAMSUNG, "2025", "11014")])
    assert acc["fs_basis"] == "consolidated"
    assert acc["current"]["revenue"] == int(300e12 * 0.27) and acc["cumulative"]["revenue"] == int(300e12 * 0.27) * 3
    ofs_only = [r for r in state.accounts[(SAMSUNG, "2024", "11011")] if r["fs_div"] == "OFS"]
    assert key_accounts(ofs_only)["fs_basis"] == "separate"
    assert key_accounts([]) is None


# --------------------------------------------------------------------------- the collectors


@pytest.fixture(scope="module")
def settings(dart, snapshot_database_url, redis_url):
    server, _ = dart
    return make_settings(snapshot_database_url, redis_url, DART_API_KEY=fake.API_KEY, DART_API_URL=server.url)


def _fetch(url, sql, *args):
    async def go():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(sql, *args)
        finally:
            await conn.close()

    return asyncio.run(go())


OPTS = {"today": dt.date(2025, 12, 1), "retry_delay": 0.01, "interval": 0}


def test_corp_codes_and_financials(settings, dart, snapshot_database_url, redis_url):
    _, state = dart
    res = asyncio.run(registry.run_job("dart_corp_codes", settings, **OPTS))
    assert res == {"corp_codes": 3, "matched_companies": 2}
    # The day's limit runs out part-way: the run stops with 020, the next one resumes.
    state.daily_limit = 3
    with pytest.raises(RateLimited):
        asyncio.run(registry.run_job("dart_financials", settings, **OPTS))
    status = redis.Redis.from_url(redis_url).hget("jobs:collectors", "dart")
    assert b'"error"' in status and b"020" in status
    state.daily_limit = None
    state.calls.clear()
    cache_client = redis.Redis.from_url(redis_url)
    cache_client.set("cache:company:1:financials", b"{}")  # what the api cached before the job ran
    res = asyncio.run(registry.run_job("dart_financials", settings, **OPTS))
    assert cache_client.exists("cache:company:1:financials") == 0  # the job invalidated it
    assert res["reports"] == 5 and res["written"] == 5  # 8 reports in all, 3 fetched before the stop
    rows = _fetch(
        snapshot_database_url,
        """
        SELECT f.fiscal_year, f.period, f.revenue, f.operating_profit, f.fs_basis, f.source FROM financials f
        JOIN companies c ON c.id = f.company_id WHERE c.symbol = '005930' AND f.source = 'dart'
        ORDER BY fiscal_year, period""",
    )
    got = {(r["fiscal_year"], r["period"]): r for r in rows}
    assert set(got) == {(2024, "FY"), (2025, "Q1"), (2025, "Q2"), (2025, "Q3"), (2025, "9M")}
    assert got[(2024, "FY")]["revenue"] == int(300e12) and got[(2024, "FY")]["fs_basis"] == "consolidated"
    assert got[(2025, "9M")]["revenue"] == int(300e12 * 0.27) * 3
    again = asyncio.run(registry.run_job("dart_financials", settings, **OPTS))
    assert again["reports"] == 0  # all done: nothing fetched twice


def test_filings(settings, snapshot_database_url):
    res = asyncio.run(registry.run_job("dart_filings", settings, days=60, **OPTS))
    assert res == {"listed": 250, "written": 188}  # 주요사항보고서 is not a periodic report
    rows = _fetch(
        snapshot_database_url, "SELECT report_type, url, report_name FROM filings ORDER BY rcept_no LIMIT 400"
    )
    assert {r["report_type"] for r in rows} == {"사업보고서", "반기보고서", "분기보고서"}
    assert all(r["url"].startswith("https://dart.fss.or.kr/dsaf001/main.do?rcpNo=") for r in rows)
    assert all(r["report_name"] == r["report_name"].strip() for r in rows)
    asyncio.run(registry.run_job("dart_filings", settings, days=60, **OPTS))
    assert len(_fetch(snapshot_database_url, "SELECT 1 FROM filings")) == len(rows)
