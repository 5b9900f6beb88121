"""Market indices: GET /api/indices/kospi | /kosdaq ?start=&end=&interval=1d|1w|1mo.

Weekly and monthly bars come from `index_data_1w` / `index_data_1mo` (first open, max high, min
low, last close, summed volume/amount): TimescaleDB continuous aggregates, or plain views of the
same columns on plain PostgreSQL (sql/0015, sql/timescale/0002). `change` is vs the previous bar's
close (the bar before the range for the first one). Defaults: 1d → one year back from the newest
day, 1w → 3 years, 1mo → 10 years.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from api.http import cache
from api.http.dates import iso_date
from api.http.errors import ApiError
from api.http.operations import AS_OF, Envelope, operation
from api.indices.shapes import IndexBar, IndexQuery, Latest
from core.contract import keys
from core.time import KST, kst_midnight

bp = Blueprint("indices", url_prefix="/api/indices")

MAX_ROWS = 5000
_SPANS = {"1d": dt.timedelta(days=365), "1w": dt.timedelta(days=3 * 365), "1mo": dt.timedelta(days=3653)}
_ROLLUPS = {"1w": "index_data_1w", "1mo": "index_data_1mo"}

_DAILY_SQL = """
    SELECT time, open::float8, high::float8, low::float8, close::float8, volume, amount,
           change::float8, change_pct::float8, source
    FROM index_data WHERE index_type = $1 AND time >= $2 AND time <= $3
    ORDER BY time LIMIT $4"""
# The bars of the range plus the one before it (for the first bar's change).
_ROLLUP_SQL = """
    SELECT * FROM (
        SELECT time, open::float8, high::float8, low::float8, close::float8, volume, amount, source,
               lag(close) OVER (ORDER BY time)::float8 AS prev_close
        FROM {rollup} WHERE index_type = $1 AND time <= $3
          AND time >= coalesce((SELECT max(p.time) FROM {rollup} p WHERE p.index_type = $1 AND p.time < $2), $2)
    ) x WHERE time >= $2 ORDER BY time LIMIT $4"""
_NEWEST_SQL = """
    SELECT time, close::float8, change::float8, change_pct::float8, source FROM index_data
    WHERE index_type = $1 ORDER BY time DESC LIMIT 1"""


def period_start(interval: str, moment: dt.datetime) -> dt.datetime:
    """Start of the week (Monday) or month holding `moment`, 00:00 KST: a bar is a whole period."""
    day = moment.astimezone(KST).date()
    first = day - dt.timedelta(days=day.weekday()) if interval == "1w" else day.replace(day=1)
    return kst_midnight(first)


def _change(close: float, prev: float | None) -> tuple[float | None, float | None]:
    if prev is None or not prev:
        return None, None
    return round(close - prev, 2), round((close / prev - 1) * 100, 2)


async def _index_body(
    request: Request, index_type: str, interval: str, start: dt.datetime | None, end: dt.datetime | None
) -> dict[str, Any]:
    db = request.app.ctx.db
    newest = await db.fetchrow(_NEWEST_SQL, index_type)
    if newest is None:
        raise ApiError("NOT_FOUND", "지수 데이터가 없습니다.")
    end = end or newest["time"]
    start = start or end - _SPANS[interval]
    data: list[IndexBar] = []
    if interval == "1d":
        for r in await db.fetch(_DAILY_SQL, index_type, start, end, MAX_ROWS):
            data.append(
                {
                    "time": int(r["time"].timestamp()),
                    "open": r["open"],
                    "high": r["high"],
                    "low": r["low"],
                    "close": r["close"],
                    "volume": r["volume"],
                    "amount": r["amount"],
                    "change": r["change"],
                    "changePercent": r["change_pct"],
                }
            )
    else:
        sql = _ROLLUP_SQL.format(rollup=_ROLLUPS[interval])
        for r in await db.fetch(sql, index_type, period_start(interval, start), end, MAX_ROWS):
            change, pct = _change(r["close"], r["prev_close"])
            data.append(
                {
                    "time": int(r["time"].timestamp()),
                    "open": r["open"],
                    "high": r["high"],
                    "low": r["low"],
                    "close": r["close"],
                    "volume": r["volume"],
                    "amount": r["amount"],
                    "change": change,
                    "changePercent": pct,
                }
            )
    latest: Latest = {
        "close": newest["close"],
        "change": newest["change"],
        "changePercent": newest["change_pct"],
        "time": int(newest["time"].timestamp()),
        "date": iso_date(newest["time"]),
    }
    return {
        "status": 200,
        "message": f"{index_type} 지수 조회를 완료했습니다.",
        "index": index_type,
        "interval": interval,
        "asOf": iso_date(newest["time"]),
        "source": newest["source"],
        "latest": latest,
        "data": data,
    }


async def _serve(request: Request, index_type: str, query: IndexQuery) -> HTTPResponse:
    interval, start, end = query.interval, query.start, query.end
    if start and end and start > end:
        raise ApiError("INVALID_REQUEST", "start가 end보다 늦습니다.", field="start")
    key = keys.cache_indices(index_type, interval, start.timestamp() if start else "", end.timestamp() if end else "")
    return await cache.cached_response(
        request.app, key, cache.RANKINGS_TTL_S, lambda: _index_body(request, index_type, interval, start, end)
    )


RESPONSE = Envelope(list[IndexBar], {"index": str, "interval": str, **AS_OF, "latest": Latest})


@operation(
    bp,
    "GET",
    "/kospi",
    tag="indices",
    summary="KOSPI 지수",
    query=IndexQuery,
    response=RESPONSE,
    errors=("INVALID_REQUEST", "NOT_FOUND"),
)
async def kospi(request: Request, query: IndexQuery) -> HTTPResponse:
    return await _serve(request, "KOSPI", query)


@operation(
    bp,
    "GET",
    "/kosdaq",
    tag="indices",
    summary="KOSDAQ 지수",
    query=IndexQuery,
    response=RESPONSE,
    errors=("INVALID_REQUEST", "NOT_FOUND"),
)
async def kosdaq(request: Request, query: IndexQuery) -> HTTPResponse:
    return await _serve(request, "KOSDAQ", query)
