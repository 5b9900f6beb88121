"""KIS master files and period quotes against the fake KIS server; the yfinance adapter."""

from __future__ import annotations

import asyncio
import datetime as dt

import aiohttp
import asyncpg
import pandas as pd
import pytest

from core.services import MalformedResponse, RateLimited, ServiceError
from jobs import registry
from jobs.clients.yfinance_source import YFinanceSource
from kis.master import is_stock, parse_master
from kis.rest import KisRestClient
from tests.jobs.util import FakeServer, make_settings
from tests.support.fakes import kis as fake

DAYS = [dt.date(2026, 1, 2) + dt.timedelta(days=i) for i in range(240)]
WEEKDAYS = [d for d in DAYS if d.weekday() < 5]


@pytest.fixture(scope="module")
def kis():
    state = fake.KisState()
    state.candles["005930"] = [fake.stock_row(d, 70000 + i * 10) for i, d in enumerate(WEEKDAYS)]
    state.candles["000660"] = [fake.stock_row(d, 200000 + i) for i, d in enumerate(WEEKDAYS)]
    state.candles["0001"] = [fake.index_row(d, 2600 + i / 10) for i, d in enumerate(WEEKDAYS)]
    state.candles["1001"] = [fake.index_row(d, 800 + i / 10) for i, d in enumerate(WEEKDAYS)]
    server = FakeServer(fake.make_app(state))
    yield server, state
    server.stop()


def test_parse_master_lines():
    lines = [
        fake.master_line("KOSPI", "005930", "KR7005930003", "삼성전자"),
        fake.master_line("KOSPI", "005935", "KR7005931001", "삼성전자우", preferred="1"),
        fake.master_line("KOSPI", "069500", "KR7069500007", "KODEX 200", group="EF"),
        fake.master_line("KOSPI", "F70100022", "KR5701000224", "펀드형상품", group="BC"),
        fake.master_line("KOSPI", "123450", "KR7123450001", "가나다라마바사아자차카타파하가나다라마바"),  # 40 bytes
        fake.master_line("KOSPI", "900001", "KR7900001000", "똠방각하", spac=True),
    ]  # cp949-only 똠
    rows = parse_master(b"\r\n".join(lines) + b"\r\n", "KOSPI")
    assert [r.symbol for r in rows] == ["005930", "005935", "069500", "F70100022", "123450", "900001"]
    samsung = rows[0]
    assert samsung.name == "삼성전자" and samsung.isin == "KR7005930003" and samsung.shares == 5919638000
    assert samsung.listing_date == dt.date(1975, 6, 11) and samsung.fiscal_month == 12 and not samsung.preferred
    assert (
        rows[1].preferred and rows[4].name == "가나다라마바사아자차카타파하가나다라마바" and rows[5].name == "똠방각하"
    )
    assert rows[5].is_spac
    assert [is_stock(r) for r in rows] == [True, True, False, False, True, True]
    kosdaq = parse_master(
        fake.master_line("KOSDAQ", "086520", "KR7086520004", "에코프로", listing="20070705"), "KOSDAQ"
    )
    assert kosdaq[0].listing_date == dt.date(2007, 7, 5)
    with pytest.raises(MalformedResponse):
        parse_master(b"005930   short line", "KOSPI")


def _client(server, fn, **kw):
    import tempfile
    from pathlib import Path

    from kis.auth import KisAuth

    async def go():
        async with aiohttp.ClientSession() as session:
            auth = KisAuth(fake.APP_KEY, fake.APP_SECRET, server.url, Path(tempfile.mkdtemp()), session, 0.0)
            return await fn(KisRestClient(session, auth, retry_delay=0.01, per_second=1000, **kw))

    return asyncio.run(go())


def test_daily_candles_paginate_newest_first(kis):
    server, state = kis
    state.calls.clear()
    candles = _client(server, lambda c: c.daily_candles("005930", WEEKDAYS[0], WEEKDAYS[-1]))
    assert [c.day for c in candles] == WEEKDAYS and len(WEEKDAYS) > 100
    calls = [c for c in state.calls if c["FID_INPUT_ISCD"] == "005930"]
    assert len(calls) == 2 and calls[1]["FID_INPUT_DATE_2"] < calls[0]["FID_INPUT_DATE_2"]
    assert candles[0].close == 70000 and candles[0].open == 69900 and candles[0].amount == 896123456789


def test_index_candles_50_per_call(kis):
    server, state = kis
    state.calls.clear()
    candles = _client(server, lambda c: c.index_candles("0001", WEEKDAYS[0], WEEKDAYS[119]))
    assert len(candles) == 120 and len(state.calls) == 3 and candles[0].close == 2600.0


def test_rate_limit_and_expired_token(kis):
    server, state = kis
    state.rate_limit_next = 2
    assert len(_client(server, lambda c: c.daily_candles("005930", WEEKDAYS[0], WEEKDAYS[5]))) == 6
    state.rate_limit_next = 10
    with pytest.raises(RateLimited):
        _client(server, lambda c: c.daily_candles("005930", WEEKDAYS[0], WEEKDAYS[5]), attempts=3)
    state.rate_limit_next = 0
    state.expire_token_next = 1
    issued = state.tokens_issued
    assert len(_client(server, lambda c: c.daily_candles("005930", WEEKDAYS[0], WEEKDAYS[5]))) == 6
    assert state.tokens_issued >= issued + 2  # a new token after EGW00123


def test_empty_range(kis):
    server, _ = kis
    assert _client(server, lambda c: c.daily_candles("999999", WEEKDAYS[0], WEEKDAYS[5])) == []


# --------------------------------------------------------------------------- collectors on the snapshot


@pytest.fixture(scope="module")
def settings(kis, snapshot_database_url, redis_url, tmp_path_factory):
    server, _ = kis
    return make_settings(
        snapshot_database_url,
        redis_url,
        KIS_APP_KEYS=f"{fake.APP_KEY}:{fake.APP_SECRET}",
        INGEST_SOURCE="kis",
        KIS_REST_URL=server.url,
        KIS_MASTER_URL=server.url + "/common/master",
        DATA_DIR=str(tmp_path_factory.mktemp("kisdata")),
    )


def _fetch(url, sql, *args):
    async def go():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(sql, *args)
        finally:
            await conn.close()

    return asyncio.run(go())


def test_master_sync_upserts_and_marks_delisted(kis, settings, snapshot_database_url):
    _, state = kis
    companies = _fetch(snapshot_database_url, "SELECT symbol, name, market, isin FROM companies ORDER BY symbol")
    lines = {"KOSPI": [], "KOSDAQ": []}
    for c in companies:
        if c["symbol"] == "000020":
            continue  # delisted
        lines[c["market"]].append(fake.master_line(c["market"], c["symbol"], c["isin"] or "", c["name"]))
    lines["KOSDAQ"].append(fake.master_line("KOSDAQ", "999990", "KR7999990009", "신규상장", listing="20261120"))
    lines["KOSPI"].append(fake.master_line("KOSPI", "069500", "KR7069500007", "KODEX 200", group="EF"))
    state.masters = {
        "kospi_code.mst.zip": fake.master_zip("kospi_code.mst", lines["KOSPI"]),
        "kosdaq_code.mst.zip": fake.master_zip("kosdaq_code.mst", lines["KOSDAQ"]),
    }
    today = dt.date(2026, 11, 26)
    result = asyncio.run(registry.run_job("kis_master", settings, today=today))
    assert result == {"listed": len(companies), "new": 1, "delisted": 1}
    rows = {
        r["symbol"]: r
        for r in _fetch(
            snapshot_database_url,
            "SELECT symbol, delisted_at, name_initials, market FROM companies "
            "WHERE symbol IN ('000020', '999990', '005930', '069500')",
        )
    }
    assert rows["000020"]["delisted_at"] == today  # kept, marked
    assert rows["999990"]["name_initials"] == "ㅅㄱㅅㅈ" and rows["999990"]["market"] == "KOSDAQ"
    assert rows["005930"]["delisted_at"] is None and "069500" not in rows  # ETFs are not companies
    again = asyncio.run(registry.run_job("kis_master", settings, today=today))
    assert again == {"listed": len(companies), "new": 0, "delisted": 0}


def test_master_sync_refuses_a_truncated_market(kis, settings):
    _, state = kis
    saved = dict(state.masters)
    state.masters = {
        "kospi_code.mst.zip": fake.master_zip("kospi_code.mst", [fake.master_line("KOSPI", "005930", "", "삼성전자")]),
        "kosdaq_code.mst.zip": fake.master_zip("kosdaq_code.mst", []),
    }
    with pytest.raises(ServiceError) as err:
        asyncio.run(registry.run_job("kis_master", settings))
    assert err.value.code == "too-small"
    state.masters = saved


def test_price_backfill_fills_gaps(kis, settings, snapshot_database_url):
    today = dt.date(2026, 8, 28)  # the snapshot's bars end on 2026-08-21
    _fetch(
        snapshot_database_url, "DELETE FROM stock_prices_1d WHERE symbol = '000660' AND bucket = '2026-08-19 00:00+09'"
    )
    result = asyncio.run(registry.run_job("prices", settings, today=today, days=14, symbols=["005930", "000660"]))
    assert result["symbols"] == 2 and result["kis"] == 2 and result["failed"] == 0
    rows = _fetch(
        snapshot_database_url,
        """
        SELECT symbol, (bucket AT TIME ZONE 'Asia/Seoul')::date AS day, close, source FROM stock_prices_1d
        WHERE symbol IN ('005930', '000660') AND bucket >= '2026-08-18 00:00+09' ORDER BY symbol, bucket""",
    )
    by = {(r["symbol"], r["day"]): r for r in rows}
    for sym in ("005930", "000660"):
        for d in (dt.date(2026, 8, 24), dt.date(2026, 8, 28)):
            assert by[(sym, d)]["source"] == "kis"
        assert by[(sym, dt.date(2026, 8, 21))]["source"] == "krx"  # existing bars are kept
    assert by[("000660", dt.date(2026, 8, 19))]["source"] == "kis"  # the gap is filled
    idx = _fetch(snapshot_database_url, "SELECT count(*) AS n FROM index_data WHERE source = 'kis'")[0]["n"]
    assert idx == result["index_rows"] > 0
    again = asyncio.run(registry.run_job("prices", settings, today=today, days=14, symbols=["005930", "000660"]))
    assert again["symbols"] == 0 and again["bars"] == 0


# --------------------------------------------------------------------------- yfinance adapter


def _frame(days, start=70000.0):
    index = pd.DatetimeIndex([pd.Timestamp(d).tz_localize("Asia/Seoul") for d in days], name="Date")
    n = len(days)
    return pd.DataFrame(
        {
            "Open": [start + i for i in range(n)],
            "High": [start + 500 + i for i in range(n)],
            "Low": [start - 500 + i for i in range(n)],
            "Close": [start + 100 + i for i in range(n)],
            "Adj Close": [start + 90 + i for i in range(n)],
            "Volume": [11873456] * n,
        },
        index=index,
    )


def test_yfinance_adapter_reads_yfinance_frames():
    calls = []

    def history(symbol, start, end):
        calls.append((symbol, start, end))
        days = [d for d in WEEKDAYS if dt.date.fromisoformat(start) <= d < dt.date.fromisoformat(end)]
        return _frame(days) if symbol == "005930.KS" else _frame([])[0:0]

    source = YFinanceSource(history)
    candles = asyncio.run(source.daily("005930.KS", WEEKDAYS[0], WEEKDAYS[4]))
    assert [c.day for c in candles] == WEEKDAYS[:5]  # end inclusive for us, exclusive for yfinance
    assert calls[0] == ("005930.KS", WEEKDAYS[0].isoformat(), (WEEKDAYS[4] + dt.timedelta(days=1)).isoformat())
    assert candles[0].close == 70100.0 and candles[0].volume == 11873456
    assert asyncio.run(source.daily("000000.KS", WEEKDAYS[0], WEEKDAYS[4])) == []

    class YFRateLimitError(Exception):
        pass

    def limited(*_):
        raise YFRateLimitError("Too Many Requests. Rate limited. Try after a while.")

    with pytest.raises(RateLimited):
        asyncio.run(YFinanceSource(limited).daily("005930.KS", WEEKDAYS[0], WEEKDAYS[4]))


def test_backfill_with_yfinance_when_kis_is_missing(snapshot_database_url, redis_url):
    settings = make_settings(snapshot_database_url, redis_url, YFINANCE_ENABLED="true")
    assert registry.JOBS["prices"].requires(settings) is None
    source = YFinanceSource(lambda s, a, b: _frame([d for d in WEEKDAYS if a <= d.isoformat() < b], 150000.0))
    today = dt.date(2026, 9, 4)
    result = asyncio.run(
        registry.run_job("prices", settings, today=today, days=21, symbols=["035420"], yfinance=source)
    )
    assert result["yfinance"] == 1 and result["bars"] >= 5
    rows = _fetch(
        snapshot_database_url,
        "SELECT count(*) AS n FROM stock_prices_1d WHERE symbol = '035420' AND source = 'yfinance'",
    )
    assert rows[0]["n"] == result["bars"]
