"""KIS REST quotations (external-apis.md §2): current price, daily and index period quotes, and
today's minute bars.

Period quotes come at most 100 (stocks) / 50 (indices) rows per call, newest first; older rows
are fetched by moving the end date before the oldest row returned. Minute bars (주식당일분봉조회)
come at most 30 per call, newest first, today only; earlier rows are fetched by moving the end
time before the oldest minute returned. `rt_cd` is checked on every
answer: EGW00201 (per-second limit) is retried with back-off, EGW00123 (token expired) gets a
new token once. Calls are paced per app key (KIS_REST_RATE_PER_SECOND).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson

from core.services import AuthError, MalformedResponse, Pacer, RateLimited, ServiceError, Unavailable, with_retries
from kis.auth import KisAuth

QUOTE_PATH = "/uapi/domestic-stock/v1/quotations/inquire-price"
MINUTE_BARS_PATH = "/uapi/domestic-stock/v1/quotations/inquire-time-itemchartprice"
MINUTE_BARS_TR = "FHKST03010200"
KST = dt.timezone(dt.timedelta(hours=9))


def _int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


@dataclass(frozen=True)
class Candle:
    day: dt.date
    open: float
    high: float
    low: float
    close: float
    volume: int | None
    amount: int | None


@dataclass(frozen=True)
class MinuteBar:
    """One 1-minute bar of today. `start` is the minute `stck_cntg_hour` names, read as the bar's
    start like our own buckets (whether KIS labels the start or the end is [UNCONFIRMED])."""

    start: dt.datetime  # KST
    open: int
    high: int
    low: int
    close: int
    volume: int
    acc_amount: int | None  # the day's traded amount up to the end of this minute, won


def _minute_bar(row: dict[str, Any]) -> MinuteBar | None:
    try:
        day = dt.datetime.strptime(str(row["stck_bsop_date"]) + str(row["stck_cntg_hour"]), "%Y%m%d%H%M%S")
        o, h, lo, c, v = (int(str(row[k])) for k in ("stck_oprc", "stck_hgpr", "stck_lwpr", "stck_prpr", "cntg_vol"))
    except (KeyError, ValueError):
        return None
    if min(o, h, lo, c) <= 0 or v < 0:
        return None
    start = day.replace(second=0, tzinfo=KST)
    return MinuteBar(start, o, h, lo, c, v, _int(str(row.get("acml_tr_pbmn", ""))))


class KisRestClient:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        auth: KisAuth,
        *,
        attempts: int = 4,
        retry_delay: float = 0.5,
        per_second: float = 15.0,
        timeout: float = 15.0,
        custtype: str = "P",
    ) -> None:
        self.session, self.auth, self.custtype = session, auth, custtype
        self.attempts, self.retry_delay = attempts, retry_delay
        self.pacer = Pacer(1.0 / per_second)
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    async def _get(self, path: str, tr_id: str, params: dict[str, str]) -> dict[str, Any]:
        async def call() -> dict[str, Any]:
            await self.pacer.wait()
            token = await self.auth.access_token()
            headers = {
                "content-type": "application/json; charset=utf-8",
                "authorization": f"Bearer {token}",
                "appkey": self.auth.app_key,
                "appsecret": self.auth.app_secret,
                "tr_id": tr_id,
                "custtype": self.custtype,
                "tr_cont": "",
            }
            try:
                async with self.session.get(
                    self.auth.rest_url + path, params=params, headers=headers, timeout=self.timeout
                ) as resp:
                    body, status = await resp.read(), resp.status
            except TimeoutError:
                raise Unavailable("kis", "timeout", path) from None
            except aiohttp.ClientError as exc:
                raise Unavailable("kis", "connection", str(exc)) from None
            try:
                data = orjson.loads(body)
            except orjson.JSONDecodeError:
                raise MalformedResponse("kis", "malformed", f"{path}: HTTP {status}, not JSON") from None
            if not isinstance(data, dict):
                raise MalformedResponse("kis", "malformed", f"{path}: not an object")
            if data.get("rt_cd") != "0":
                code, message = str(data.get("msg_cd", status)), str(data.get("msg1", ""))
                if code == "EGW00201":
                    raise RateLimited("kis", code, message, status)
                if code == "EGW00123":
                    self.auth.drop_token()
                    raise Unavailable("kis", code, message, status)  # retried with a new token
                if code in ("EGW00103", "EGW00105", "EGW02004") or status in (401, 403):
                    raise AuthError("kis", code, message, status)
                if status >= 500:
                    raise Unavailable("kis", code, message, status)
                raise ServiceError("kis", code, message, status)
            return data

        return await with_retries(call, attempts=self.attempts, base_delay=self.retry_delay, what=f"kis {path}")

    async def _paged(
        self,
        path: str,
        tr_id: str,
        params: dict[str, str],
        start: dt.date,
        end: dt.date,
        date_key: str,
        fields: tuple[str, str, str, str],
    ) -> list[Candle]:
        out: dict[dt.date, Candle] = {}
        cursor = end
        while cursor >= start:
            data = await self._get(
                path,
                tr_id,
                {**params, "FID_INPUT_DATE_1": start.strftime("%Y%m%d"), "FID_INPUT_DATE_2": cursor.strftime("%Y%m%d")},
            )
            rows = [r for r in (data.get("output2") or []) if isinstance(r, dict) and r.get(date_key)]
            if not rows:
                break
            oldest = cursor
            for r in rows:
                try:
                    day = dt.datetime.strptime(r[date_key], "%Y%m%d").date()
                    o, h, lo, c = (float(r[k]) for k in fields)
                except (KeyError, ValueError):
                    continue
                oldest = min(oldest, day)
                if start <= day <= end and c > 0:
                    out[day] = Candle(day, o, h, lo, c, _int(r.get("acml_vol", "")), _int(r.get("acml_tr_pbmn", "")))
            if oldest >= cursor:
                break
            cursor = oldest - dt.timedelta(days=1)
        return [out[d] for d in sorted(out)]

    async def daily_candles(self, symbol: str, start: dt.date, end: dt.date) -> list[Candle]:
        return await self._paged(
            "/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice",
            "FHKST03010100",
            {
                "FID_COND_MRKT_DIV_CODE": "J",
                "FID_INPUT_ISCD": symbol,
                "FID_PERIOD_DIV_CODE": "D",
                "FID_ORG_ADJ_PRC": "0",
            },
            start,
            end,
            "stck_bsop_date",
            ("stck_oprc", "stck_hgpr", "stck_lwpr", "stck_clpr"),
        )

    async def index_candles(self, code: str, start: dt.date, end: dt.date) -> list[Candle]:
        return await self._paged(
            "/uapi/domestic-stock/v1/quotations/inquire-daily-indexchartprice",
            "FHKUP03500100",
            {"FID_COND_MRKT_DIV_CODE": "U", "FID_INPUT_ISCD": code, "FID_PERIOD_DIV_CODE": "D"},
            start,
            end,
            "stck_bsop_date",
            ("bstp_nmix_oprc", "bstp_nmix_hgpr", "bstp_nmix_lwpr", "bstp_nmix_prpr"),
        )

    async def minute_bars(
        self, symbol: str, start: dt.time | None = None, end: dt.time | None = None
    ) -> list[MinuteBar]:
        """Today's 1-minute bars of `symbol` from `start` to `end` (KST, inclusive; default: the whole
        day so far), oldest first — 주식당일분봉조회 (FHKST03010200), 30 rows a call, paced."""
        out: dict[dt.datetime, MinuteBar] = {}
        cursor = end or dt.time(23, 59, 59)
        previous_oldest: dt.datetime | None = None
        while True:
            data = await self._get(
                MINUTE_BARS_PATH,
                MINUTE_BARS_TR,
                {
                    "FID_ETC_CLS_CODE": "",
                    "FID_COND_MRKT_DIV_CODE": "J",
                    "FID_INPUT_ISCD": symbol,
                    "FID_INPUT_HOUR_1": cursor.strftime("%H%M%S"),
                    "FID_PW_DATA_INCU_YN": "Y",
                },
            )
            rows = [b for b in map(_minute_bar, data.get("output2") or []) if b is not None]
            if not rows:
                break
            for bar in rows:
                if (start is None or bar.start.time() >= start) and (end is None or bar.start.time() <= end):
                    out.setdefault(bar.start, bar)
            oldest = min(bar.start for bar in rows)
            reached_start = start is not None and oldest.time() <= start
            if reached_start or oldest.time() == dt.time(0) or (previous_oldest and oldest >= previous_oldest):
                break
            previous_oldest = oldest
            cursor = (oldest - dt.timedelta(minutes=1)).time().replace(second=59)
        return [out[k] for k in sorted(out)]

    async def current_price(self, symbol: str) -> dict[str, Any]:
        """주식현재가 시세 (FHKST01010100): the `output` object (lower-case keys, string values)."""
        data = await self._get(QUOTE_PATH, "FHKST01010100", {"FID_COND_MRKT_DIV_CODE": "J", "FID_INPUT_ISCD": symbol})
        output = data.get("output")
        if not isinstance(output, dict) or "stck_prpr" not in output:
            raise MalformedResponse("kis", "malformed", f"inquire-price {symbol}: no output")
        return output
