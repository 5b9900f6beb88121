"""yfinance adapter (external-apis.md §8): daily bars for `.KS`/`.KQ` stocks and `^KS11`/`^KQ11`.

yfinance scrapes Yahoo (cookie + crumb), so it sits behind this adapter: `history` is a function
with yfinance's `Ticker(symbol).history(...)` signature and output (a DataFrame indexed by a
tz-aware Asia/Seoul `Date`, columns Open/High/Low/Close/Volume…). `end` is exclusive in yfinance;
the adapter takes an inclusive end and adds a day. An empty frame means no data; a rate limit
raises (yfinance's YFRateLimitError) and is reported as RateLimited.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from core.services import RateLimited, Unavailable
from kis.rest import Candle

INDEX_SYMBOLS = {"KOSPI": "^KS11", "KOSDAQ": "^KQ11", "KOSPI200": "^KS200"}


def yahoo_symbol(symbol: str, market: str) -> str:
    return f"{symbol}.{'KS' if market == 'KOSPI' else 'KQ'}"


def _yfinance_history(symbol: str, start: str, end: str):
    import yfinance as yf

    return yf.Ticker(symbol).history(start=start, end=end, interval="1d", auto_adjust=False, actions=False, timeout=20)


class YFinanceSource:
    def __init__(self, history: Callable[[str, str, str], Any] = _yfinance_history) -> None:
        self.history = history

    async def daily(self, yahoo: str, start: dt.date, end: dt.date) -> list[Candle]:
        try:
            frame = await asyncio.to_thread(
                self.history, yahoo, start.isoformat(), (end + dt.timedelta(days=1)).isoformat()
            )
        except Exception as exc:  # noqa: BLE001 - yfinance's own exception classes, recognised by name
            if type(exc).__name__ == "YFRateLimitError":
                raise RateLimited("yfinance", "rate-limit", str(exc)) from None
            raise Unavailable("yfinance", type(exc).__name__, str(exc)) from None
        if frame is None or len(frame) == 0:
            return []
        out = []
        for ts, row in frame.iterrows():
            day = ts.tz_convert("Asia/Seoul").date() if getattr(ts, "tzinfo", None) else ts.date()
            values = [row.get(k) for k in ("Open", "High", "Low", "Close")]
            if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values) or values[3] <= 0:
                continue
            volume = row.get("Volume")
            out.append(
                Candle(
                    day,
                    float(values[0]),
                    float(values[1]),
                    float(values[2]),
                    float(values[3]),
                    int(volume) if volume is not None and not math.isnan(float(volume)) else None,
                    None,
                )
            )
        return [c for c in out if start <= c.day <= end]
