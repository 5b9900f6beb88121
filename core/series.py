"""Where the price time series live in PostgreSQL: the relation of each bar interval, and the
schema that keeps simulated data apart from real history.

    real       public.stock_ticks, public.stock_prices_{1m,15m,1h,1d,1w,1mo}   (krx, kis, poll, yfinance)
    simulated  sim.stock_ticks, sim.stock_prices_{1m,15m,1h,1d}             (kissim)

Nothing real is ever computed from `sim`: quotes, rankings, industry totals and comparisons read
`public` only, and ingest empties `sim` when a real source starts. Which relations are tables and
which the database derives (TimescaleDB continuous aggregates, plain views) is the schema's
business (sql/README.md); ingest writes only to tables.
"""

from __future__ import annotations

from typing import Literal

from core.time import INTERVALS

ChartInterval = Literal["1m", "15m", "1h", "1d", "1w", "1mo"]
CHART_INTERVALS: tuple[ChartInterval, ...] = ("1m", "15m", "1h", "1d", "1w", "1mo")
SIMULATED_INTERVALS = INTERVALS  # no weekly/monthly bars of simulated days
SIMULATED_SOURCES = frozenset({"kissim"})
REAL_SCHEMA = "public"
SIMULATED_SCHEMA = "sim"


def is_simulated(source: str | None) -> bool:
    return source in SIMULATED_SOURCES


def schema_for(source: str) -> str:
    return SIMULATED_SCHEMA if is_simulated(source) else REAL_SCHEMA


def bar_table(interval: str, *, simulated: bool = False) -> str:
    """The schema-qualified relation holding the bars of `interval`."""
    if interval not in (SIMULATED_INTERVALS if simulated else CHART_INTERVALS):
        raise ValueError(f"no {'simulated ' if simulated else ''}bars of interval {interval!r}")
    return f"{SIMULATED_SCHEMA if simulated else REAL_SCHEMA}.stock_prices_{interval}"


def tick_table(*, simulated: bool = False) -> str:
    return f"{SIMULATED_SCHEMA if simulated else REAL_SCHEMA}.stock_ticks"
