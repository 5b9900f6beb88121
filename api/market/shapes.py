"""Shapes of /api/market."""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict

from core.market import State


class SessionTimes(TypedDict):
    date: str
    open: str  # ISO 8601 UTC
    close: str
    lateOpen: bool


class Feed(TypedDict):
    code: str
    state: State | None
    at: str
    source: str


class MarketStatus(TypedDict):
    state: State
    label: str
    tradingDay: bool
    until: str  # when this state ends by the calendar (ISO 8601 UTC)
    session: SessionTimes | None
    nextSession: SessionTimes
    basis: Literal["calendar", "feed"]
    feed: Feed | None
    now: str
