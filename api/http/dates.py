"""Dates and instants at the HTTP boundary: how the API reads `start`/`end` and writes dates."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from core.time import KST


def parse_instant(raw: Any) -> dt.datetime:
    """ISO 8601 date (KST midnight), ISO datetime (KST when naive), or epoch seconds."""
    if isinstance(raw, dt.datetime):
        return raw
    text = str(raw).strip()
    try:
        if text.lstrip("-").isdigit():
            return dt.datetime.fromtimestamp(int(text), tz=dt.UTC)
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime(day.year, day.month, day.day, tzinfo=KST)
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        raise PydanticCustomError("instant", "ISO 8601 날짜/시각 또는 epoch 초여야 합니다") from None
    return value if value.tzinfo else value.replace(tzinfo=KST)


Instant = Annotated[
    dt.datetime,
    BeforeValidator(parse_instant),
    WithJsonSchema({"type": "string", "description": "ISO 8601 날짜(2026-01-11)/시각 또는 epoch 초"}),
]


def iso_date(value: dt.datetime | dt.date | None) -> str | None:
    """The KST calendar date of a timestamp (bars are stamped 00:00 KST)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(KST).date().isoformat()
    return value.isoformat()
