"""GET /api/market/status: the KRX market's state now (장 시작 전 / 동시호가 / 장중 / 장 마감 /
시간외 / 휴장).

By the KRX calendar and the clock (core/market.py); with KIS, the 장운영 code of the latest
streamed trade (`market:feed`, written by ingest, expires after two minutes) wins when it names a
different state during the trading day — an unscheduled halt or a late open the calendar does not
know — and `basis` says which one answered. The calendar loads once per worker, in a thread.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Literal

import orjson
from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse

from api.http.operations import Envelope, operation
from api.http.responses import ok
from api.market.shapes import Feed, MarketStatus, SessionTimes
from core import market
from core.contract import keys
from core.time import iso_ms

log = logging.getLogger("api")

bp = Blueprint("market", url_prefix="/api/market")


def _iso(moment: dt.datetime) -> str:
    return iso_ms(int(moment.timestamp() * 1_000_000))


def _session(session: market.Session) -> SessionTimes:
    return {
        "date": session.day.isoformat(),
        "open": _iso(session.open),
        "close": _iso(session.close),
        "lateOpen": session.late_open,
    }


async def _feed(request: Request) -> Feed | None:
    try:
        raw = await request.app.ctx.redis.get(keys.MARKET_FEED)
    except Exception as exc:  # noqa: BLE001 - the calendar answers alone while Redis is away
        log.debug("market feed unavailable: %s", exc)
        return None
    if not raw:
        return None
    feed = orjson.loads(raw)
    return {
        "code": feed["code"],
        "state": market.phase_from_feed(feed["code"]),
        "at": feed["at"],
        "source": feed["source"],
    }


def market_status(phase: market.Phase, feed: Feed | None, now: dt.datetime) -> MarketStatus:
    state = phase.state
    basis: Literal["calendar", "feed"] = "calendar"
    if feed is not None and feed["state"] and phase.session is not None and feed["state"] != state:
        # auctions are not in the feed's first character: keep the clock's auction phases
        if not (feed["state"] == "open" and state in ("opening_auction", "closing_auction")):
            state, basis = feed["state"], "feed"
    return {
        "state": state,
        "label": market.LABELS[state],
        "tradingDay": phase.session is not None,
        "until": _iso(phase.until),
        "session": _session(phase.session) if phase.session else None,
        "nextSession": _session(phase.next_session),
        "basis": basis,
        "feed": feed,
        "now": _iso(now),
    }


@operation(
    bp,
    "GET",
    "/status",
    tag="market",
    summary="시장 상태 (장 시작 전 / 동시호가 / 장중 / 장 마감 / 시간외 / 휴장)",
    response=Envelope(MarketStatus),
)
async def status(request: Request) -> HTTPResponse:
    calendar = await asyncio.to_thread(market.calendar)
    now = dt.datetime.now(dt.UTC)
    body = market_status(calendar.phase(now), await _feed(request), now)
    return ok(body, f"시장 상태: {body['label']}")


@bp.before_server_start
async def load_calendar(app: Sanic) -> None:
    """Load the calendar in the background so the first request does not wait for it."""
    app.add_task(asyncio.to_thread(market.warm_up), name="market-calendar")
