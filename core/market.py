"""The KRX trading calendar and the market's phase at any moment.

Trading days, holidays, the year-end close and the late opens come from `exchange_calendars`
(XKRX). It lists the CSAT-day delay (수능일: the whole schedule an hour later, 10:00–16:30) only
up to 2020; the later CSAT days are added here from KRX's notices. The calendar loads in about
two seconds (pandas), once per process, on first use: servers call `warm_up` in a thread at start.

Phases of a trading day with open O and close C (KST, normally 09:00 and 15:30):

    pre_open         장 시작 전   until O − 30 min
    opening_auction  동시호가     O − 30 min … O      (orders for the opening auction)
    open             장중         O … C − 10 min
    closing_auction  동시호가     C − 10 min … C
    closed           장 마감      C … C + 10 min, and from C + 2 h 30 min
    after_hours      시간외       C + 10 min … C + 2 h 30 min (시간외 종가, 시간외 단일가)

and `holiday` (휴장) on every other day. With KIS the feed's own 장운영 code (NEW_MKOP_CLS_CODE
on every trade) can correct the clock: see `phase_from_feed`.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import warnings
from dataclasses import dataclass
from typing import Literal

from core.time import KST

CALENDAR_START = "2000-01-01"
# 수능일 after 2020 (exchange_calendars stops there): KRX delays every session by one hour.
LATE_CSAT_DAYS = frozenset(
    dt.date.fromisoformat(d)
    for d in ("2021-11-18", "2022-11-17", "2023-11-16", "2024-11-14", "2025-11-13", "2026-11-19")
)
State = Literal["pre_open", "opening_auction", "open", "closing_auction", "closed", "after_hours", "holiday"]
LABELS: dict[State, str] = {
    "pre_open": "장 시작 전",
    "opening_auction": "동시호가",
    "open": "장중",
    "closing_auction": "동시호가",
    "closed": "장 마감",
    "after_hours": "시간외",
    "holiday": "휴장",
}
# NEW_MKOP_CLS_CODE's first character → phase (1 장개시전, 2 장중, 3 장종료후, 4 시간외단일가)
FEED_PHASES: dict[str, State] = {"1": "pre_open", "2": "open", "3": "closed", "4": "after_hours"}


@dataclass(frozen=True)
class Session:
    day: dt.date
    open: dt.datetime  # KST
    close: dt.datetime
    late_open: bool  # opens after 09:00 (the year's first day, 수능일)


@dataclass(frozen=True)
class Phase:
    state: State
    label: str
    session: Session | None  # today's session, None on a holiday
    until: dt.datetime  # when this phase ends (KST)
    next_session: Session


class KrxCalendar:
    """Sessions by date, from XKRX plus the later CSAT days."""

    def __init__(self, sessions: dict[dt.date, tuple[dt.datetime, dt.datetime]]) -> None:
        self._sessions = sessions
        self._days = sorted(sessions)
        self.first_day, self.last_day = self._days[0], self._days[-1]

    @classmethod
    def load(cls) -> KrxCalendar:
        import exchange_calendars  # heavy (pandas): imported only here

        with warnings.catch_warnings():  # the library's own pandas deprecations, not ours to fix
            warnings.simplefilter("ignore")
            schedule = exchange_calendars.get_calendar("XKRX", start=CALENDAR_START).schedule
        sessions: dict[dt.date, tuple[dt.datetime, dt.datetime]] = {}
        hour = dt.timedelta(hours=1)
        for label, opens, closes in zip(schedule.index, schedule["open"], schedule["close"], strict=True):
            day = label.date()
            open_, close = opens.to_pydatetime().astimezone(KST), closes.to_pydatetime().astimezone(KST)
            if day in LATE_CSAT_DAYS and open_.hour == 9:
                open_, close = open_ + hour, close + hour
            sessions[day] = (open_, close)
        return cls(sessions)

    def session(self, day: dt.date) -> Session | None:
        times = self._sessions.get(day)
        if times is None:
            return None
        open_, close = times
        return Session(day, open_, close, late_open=(open_.hour, open_.minute) > (9, 0))

    def is_trading_day(self, day: dt.date) -> bool:
        if not self.first_day <= day <= self.last_day:
            raise ValueError(f"{day} is outside the KRX calendar ({self.first_day} … {self.last_day})")
        return day in self._sessions

    def next_session(self, after: dt.date) -> Session:
        """The first session strictly after `after`."""
        day = after + dt.timedelta(days=1)
        while day not in self._sessions:
            if day > self.last_day:
                raise ValueError(f"no KRX session known after {after}")
            day += dt.timedelta(days=1)
        session = self.session(day)
        assert session is not None
        return session

    def previous_session(self, before: dt.date) -> Session:
        """The last session strictly before `before`."""
        day = before - dt.timedelta(days=1)
        while day not in self._sessions:
            if day < self.first_day:
                raise ValueError(f"no KRX session known before {before}")
            day -= dt.timedelta(days=1)
        session = self.session(day)
        assert session is not None
        return session

    def trading_days(self, first: dt.date, last: dt.date) -> list[dt.date]:
        return [d for d in self._days if first <= d <= last]

    def phase(self, moment: dt.datetime) -> Phase:
        """The phase at `moment` (an aware datetime) by the calendar and the clock."""
        kst = moment.astimezone(KST)
        today = self.session(kst.date())
        upcoming = self.next_session(kst.date())
        if today is None:
            return Phase("holiday", LABELS["holiday"], None, upcoming.open - dt.timedelta(minutes=30), upcoming)
        minutes = dt.timedelta(minutes=1)
        edges: list[tuple[dt.datetime, State]] = [
            (today.open - 30 * minutes, "pre_open"),
            (today.open, "opening_auction"),
            (today.close - 10 * minutes, "open"),
            (today.close, "closing_auction"),
            (today.close + 10 * minutes, "closed"),
            (today.close + 150 * minutes, "after_hours"),
        ]
        for edge, state in edges:
            if kst < edge:
                return Phase(state, LABELS[state], today, edge, upcoming)
        return Phase("closed", LABELS["closed"], today, upcoming.open - 30 * minutes, upcoming)


def phase_from_feed(code: str) -> State | None:
    """The phase named by KIS's NEW_MKOP_CLS_CODE (e.g. `20` 장중 보통), None when unknown."""
    return FEED_PHASES.get(code[:1]) if code else None


_lock = threading.Lock()


@functools.cache
def _loaded() -> KrxCalendar:
    return KrxCalendar.load()


def calendar() -> KrxCalendar:
    """The process's calendar, loaded on first use (thread-safe)."""
    with _lock:
        return _loaded()


def warm_up() -> None:
    calendar()


def loaded_calendar() -> KrxCalendar | None:
    """The calendar if this process has loaded it already (never blocks)."""
    return _loaded() if _loaded.cache_info().currsize else None
