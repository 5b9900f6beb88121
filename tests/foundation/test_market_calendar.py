"""The KRX calendar (core/market.py) against the bundled KRX index history, and the phases of a day."""

from __future__ import annotations

import csv
import datetime as dt
import gzip

import pytest

from core.market import LATE_CSAT_DAYS, calendar, phase_from_feed
from core.time import KST
from tests.support.harness import REPO_ROOT


def bundled_trading_days() -> list[dt.date]:
    """Every date with a KOSPI close in data/indices_daily.csv.gz (KRX's own record of its sessions)."""
    with gzip.open(REPO_ROOT / "data" / "indices_daily.csv.gz", "rt", encoding="utf-8") as f:
        return sorted({dt.date.fromisoformat(row["date"]) for row in csv.DictReader(f) if row["index"] == "KOSPI"})


def test_every_trading_day_of_the_bundled_history_and_no_other_is_a_session():
    history = [d for d in bundled_trading_days() if d >= dt.date(2000, 1, 4)]
    assert len(history) > 6000, "the bundled history should cover 2000 onwards"
    cal = calendar()
    assert cal.trading_days(history[0], history[-1]) == history


def at(day: str, hhmm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hhmm}:00").replace(tzinfo=KST)


def test_year_end_close_and_late_opens():
    cal = calendar()
    assert not cal.is_trading_day(dt.date(2025, 12, 31))  # 연말 휴장
    first = cal.session(dt.date(2026, 1, 2))
    assert first is not None and first.late_open and (first.open.hour, first.close.strftime("%H:%M")) == (10, "15:30")
    for day in LATE_CSAT_DAYS:  # 수능일: one hour later, open and close
        session = cal.session(day)
        assert session is not None and session.late_open
        assert (session.open.strftime("%H:%M"), session.close.strftime("%H:%M")) == ("10:00", "16:30")
    ordinary = cal.session(dt.date(2025, 11, 12))
    assert ordinary is not None and not ordinary.late_open and ordinary.open.strftime("%H:%M") == "09:00"
    assert not cal.is_trading_day(dt.date(2025, 10, 6))  # 추석


@pytest.mark.parametrize(
    ("moment", "state", "label"),
    [
        (at("2025-11-12", "08:00"), "pre_open", "장 시작 전"),
        (at("2025-11-12", "08:45"), "opening_auction", "동시호가"),
        (at("2025-11-12", "09:00"), "open", "장중"),
        (at("2025-11-12", "15:25"), "closing_auction", "동시호가"),
        (at("2025-11-12", "15:35"), "closed", "장 마감"),
        (at("2025-11-12", "16:30"), "after_hours", "시간외"),
        (at("2025-11-12", "18:30"), "closed", "장 마감"),
        (at("2025-11-13", "09:30"), "opening_auction", "동시호가"),  # 수능일: opens at 10:00
        (at("2025-11-13", "16:25"), "closing_auction", "동시호가"),
        (at("2025-11-15", "11:00"), "holiday", "휴장"),  # a Saturday
        (at("2025-12-31", "11:00"), "holiday", "휴장"),
    ],
)
def test_phase_by_the_clock(moment, state, label):
    phase = calendar().phase(moment)
    assert (phase.state, phase.label) == (state, label)
    assert phase.until > moment


def test_phase_edges_and_the_next_session():
    cal = calendar()
    friday_evening = cal.phase(at("2025-11-14", "20:00"))
    assert friday_evening.next_session.day == dt.date(2025, 11, 17)
    assert friday_evening.until == at("2025-11-17", "08:30")
    holiday = cal.phase(at("2025-12-31", "10:00"))
    assert holiday.session is None and holiday.next_session.day == dt.date(2026, 1, 2)
    assert holiday.until == at("2026-01-02", "09:30")  # the first day of the year opens at 10:00
    assert cal.previous_session(dt.date(2026, 1, 2)).day == dt.date(2025, 12, 30)


def test_the_feed_code_names_a_phase():
    assert phase_from_feed("20") == "open" and phase_from_feed("10") == "pre_open"
    assert phase_from_feed("31") == "closed" and phase_from_feed("40") == "after_hours"
    assert phase_from_feed("") is None and phase_from_feed("9") is None


def test_a_day_outside_the_calendar_is_an_error_not_a_guess():
    with pytest.raises(ValueError, match="outside the KRX calendar"):
        calendar().is_trading_day(dt.date(2099, 1, 2))
