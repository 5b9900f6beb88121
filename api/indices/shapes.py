"""Shapes of /api/indices."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from typing_extensions import TypedDict

from api.http.dates import Instant
from api.http.operations import Query


class IndexQuery(Query):
    interval: Literal["1d", "1w", "1mo"] = Field("1d", description="봉 간격")
    start: Instant | None = None
    end: Instant | None = None


class IndexBar(TypedDict):
    time: int
    open: float | None
    high: float | None
    low: float | None
    close: float
    volume: int | None
    amount: int | None
    change: float | None
    changePercent: float | None


class Latest(TypedDict):
    close: float
    change: float | None
    changePercent: float | None
    time: int
    date: str | None
