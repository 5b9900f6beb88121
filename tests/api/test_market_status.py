"""GET /api/market/status: the calendar's phase now, corrected by the KIS feed's 장운영 code."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest
import redis

from api.market.routes import market_status
from core.contract import keys
from core.market import LABELS, calendar
from core.time import KST
from tests.api.conftest import Client


@pytest.fixture(scope="module")
def client(api):
    return Client(api.url)


@pytest.fixture
def r(redis_url):
    client = redis.Redis.from_url(redis_url)
    yield client
    client.delete(keys.MARKET_FEED)
    client.close()


def test_status_now_follows_the_calendar(client, r):
    r.delete(keys.MARKET_FEED)
    before = calendar().phase(dt.datetime.now(dt.UTC))
    body = client.get("/api/market/status").json()
    after = calendar().phase(dt.datetime.now(dt.UTC))
    data = body["data"]
    assert body["status"] == 200 and data["label"] in body["message"]
    assert data["state"] in {before.state, after.state} and data["label"] == LABELS[data["state"]]
    assert data["basis"] == "calendar" and data["feed"] is None
    assert data["tradingDay"] == (after.session is not None)
    assert data["nextSession"]["date"] == after.next_session.day.isoformat()
    assert dt.datetime.fromisoformat(data["until"]) > dt.datetime.fromisoformat(data["now"])


def test_the_feed_is_reported_and_expires(client, r):
    feed = {"code": "20", "session": "0", "at": "2026-11-30T01:00:00.000Z", "source": "kis"}
    r.set(keys.MARKET_FEED, orjson.dumps(feed), ex=keys.MARKET_FEED_TTL_S)
    data = client.get("/api/market/status").json()["data"]
    assert data["feed"] == {"code": "20", "state": "open", "at": feed["at"], "source": "kis"}
    assert 0 < r.ttl(keys.MARKET_FEED) <= keys.MARKET_FEED_TTL_S


def at(day: str, hhmm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hhmm}:00").replace(tzinfo=KST)


def feed(code: str) -> dict:
    return {"code": code, "state": {"1": "pre_open", "2": "open", "3": "closed", "4": "after_hours"}[code[0]],
            "at": "x", "source": "kis"}  # fmt: skip


def test_the_feed_wins_on_a_trading_day_but_not_over_the_auctions_or_a_holiday():
    cal = calendar()
    trading_morning = at("2025-11-12", "10:00")
    halted = market_status(cal.phase(trading_morning), feed("30"), trading_morning)  # closed early
    assert (halted["state"], halted["label"], halted["basis"]) == ("closed", "장 마감", "feed")
    agreeing = market_status(cal.phase(trading_morning), feed("20"), trading_morning)
    assert (agreeing["state"], agreeing["basis"]) == ("open", "calendar")
    auction = at("2025-11-12", "15:25")
    assert market_status(cal.phase(auction), feed("20"), auction)["state"] == "closing_auction"
    late_csat = at("2025-11-13", "09:40")  # the calendar knows the CSAT day opens at 10:00
    assert market_status(cal.phase(late_csat), None, late_csat)["state"] == "opening_auction"
    saturday = at("2025-11-15", "10:00")
    stale = market_status(cal.phase(saturday), feed("20"), saturday)
    assert (stale["state"], stale["tradingDay"], stale["session"]) == ("holiday", False, None)
