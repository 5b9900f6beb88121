"""Dates and instants at the HTTP boundary: how the API reads `start`/`end` and writes dates."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from core.time import KST

_EPOCH = re.compile(r"[0-9]{1,10}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Instants are clamped to this range (a year-1 start means "from the beginning"; the clamp keeps
# conversions between time zones inside what datetime can hold).
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)


def parse_instant(raw: Any) -> dt.datetime:
    """A date (`2026-01-11`, KST midnight), an ISO 8601 / RFC 3339 date-time (KST when it has no
    offset), or epoch seconds (up to 10 digits)."""
    if isinstance(raw, dt.datetime):
        return raw
    text = str(raw).strip()
    try:
        if _EPOCH.fullmatch(text):
            return dt.datetime.fromtimestamp(int(text), tz=dt.UTC)
        if _DATE.fullmatch(text):
            day = dt.date.fromisoformat(text)
            value = dt.datetime(day.year, day.month, day.day, tzinfo=KST)
        else:
            value = dt.datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        raise PydanticCustomError("instant", "ISO 8601 날짜/시각 또는 epoch 초여야 합니다") from None
    value = value if value.tzinfo else value.replace(tzinfo=KST)
    return EARLIEST if value < EARLIEST else LATEST if value > LATEST else value


Instant = Annotated[
    dt.datetime,
    BeforeValidator(parse_instant),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "format": "date-time"},
                {"type": "string", "pattern": "^[0-9]{1,10}$"},
            ],
            "description": "날짜(2026-01-11, KST 0시), 시각(RFC 3339; 오프셋이 없으면 KST) 또는 epoch 초",
        }
    ),
]


def _iso_day(raw: Any) -> Any:
    """Only `YYYY-MM-DD` is a day (pydantic would also read `0` as 1970-01-01, which the document,
    `format: date`, does not allow)."""
    if isinstance(raw, str) and not _DATE.fullmatch(raw.strip()):
        raise PydanticCustomError("day", "YYYY-MM-DD 날짜여야 합니다")
    return raw


Day = Annotated[dt.date, BeforeValidator(_iso_day)]
"""A KST calendar day in a query, `YYYY-MM-DD`."""


def iso_date(value: dt.datetime | dt.date | None) -> str | None:
    """The KST calendar date of a timestamp (bars are stamped 00:00 KST)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(KST).date().isoformat()
    return value.isoformat()
