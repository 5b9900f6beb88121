"""Time on the Korea Exchange: KST, bar intervals, and the epochs of the wire formats.

Every instant inside the platform is UTC (`timestamptz`, Unix microseconds at the tickcore
boundary); trading days, daily bars and the bar grid follow Asia/Seoul (UTC+9, no daylight
saving), so the grid is plain arithmetic on a fixed offset.
"""

from __future__ import annotations

import datetime as dt
import time

KST = dt.timezone(dt.timedelta(hours=9), "KST")
KST_OFFSET_US = 9 * 3_600_000_000
PG_EPOCH_US = 946_684_800_000_000  # 2000-01-01 UTC, PostgreSQL's epoch, in Unix microseconds

INTERVALS = ("1m", "15m", "1h", "1d")  # the intervals ingest builds, finest first
INTERVAL_US = {"1m": 60_000_000, "15m": 900_000_000, "1h": 3_600_000_000, "1d": 86_400_000_000}
BAR_TABLES = {iv: f"stock_prices_{iv}" for iv in INTERVALS}


def now_us() -> int:
    return time.time_ns() // 1000


def bucket_us(interval: str, t_us: int) -> int:
    """Start of the KST-aligned bar of `interval` holding the instant `t_us`."""
    size = INTERVAL_US[interval]
    return (t_us + KST_OFFSET_US) // size * size - KST_OFFSET_US


def iso_ms(t_us: int) -> str:
    """`2026-01-11T09:30:00.123Z`: the wire form of an instant (tick `timestamp`, `receivedAt`)."""
    moment = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=t_us)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_iso_ms(value: object) -> int | None:
    """Epoch milliseconds of an ISO 8601 instant, or None."""
    if not isinstance(value, str):
        return None
    try:
        return int(dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return None


def kst_today() -> dt.date:
    return dt.datetime.now(KST).date()


def kst_midnight(day: dt.date) -> dt.datetime:
    """00:00 KST of `day`: the bucket of its daily bar."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=KST)


def in_krx_hours(now: float | None = None) -> bool:
    """Weekdays 08:30–16:00 KST (pre-market through the after-hours closing auction)."""
    kst = dt.datetime.fromtimestamp(time.time() if now is None else now, KST)
    minutes = kst.hour * 60 + kst.minute
    return kst.weekday() < 5 and 8 * 60 + 30 <= minutes < 16 * 60
