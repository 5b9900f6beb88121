"""KIS: stock master files (external-apis.md §3) and REST period quotes (§2.3, §2.5).

Master files: a zip with one cp949 member; each line is a 61-byte head (short code 9, ISIN 12,
Korean name 40) and a fixed-width ASCII tail (227 bytes KOSPI, 221 KOSDAQ), parsed by byte
offset. Period quotes: at most 100 (stocks) / 50 (indices) rows per call, newest first; older
rows are fetched by moving the end date before the oldest row returned. `rt_cd` is checked on
every answer: EGW00201 (per-second limit) is retried with back-off, EGW00123 (token expired)
gets a new token once. The access token is shared with ingest (ingest.kis.KisAuth, cached in
DATA_DIR), because KIS allows one issuance a minute and notifies the account holder each time.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import io
import zipfile
from dataclasses import dataclass

import aiohttp
import orjson

from jobs.clients.common import (AuthError, MalformedResponse, Pacer, RateLimited, ServiceError, Unavailable,
                                 with_retries)

MASTER_FILES = {"KOSPI": ("kospi_code.mst.zip", "kospi_code.mst", 227),
                "KOSDAQ": ("kosdaq_code.mst.zip", "kosdaq_code.mst", 221)}
HEAD = 61
# (field, start, end) within the tail
_TAIL = {
    "KOSPI": {"group": (0, 2), "spac": (29, 30), "halted": (60, 61), "listing_date": (105, 113),
              "shares_k": (113, 128), "fiscal_month": (149, 151), "preferred": (158, 159)},
    "KOSDAQ": {"group": (0, 2), "spac": (24, 25), "halted": (55, 56), "listing_date": (100, 108),
               "shares_k": (108, 123), "fiscal_month": (144, 146), "preferred": (153, 154)},
}


@dataclass(frozen=True)
class MasterRow:
    symbol: str
    isin: str
    name: str
    market: str
    group: str            # ST common stock, EF ETF, …
    is_spac: bool
    halted: bool
    listing_date: dt.date | None
    shares: int | None
    fiscal_month: int | None
    preferred: bool


def _int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


def parse_master(data: bytes, market: str) -> list[MasterRow]:
    """Every line of a master file (cp949, LF or CRLF)."""
    tail_len = MASTER_FILES[market][2]
    fields = _TAIL[market]
    rows = []
    for raw in data.split(b"\n"):
        line = raw.rstrip(b"\r")
        if not line.strip():
            continue
        if len(line) < HEAD + tail_len:
            raise MalformedResponse("kis-master", "malformed", f"{market} line of {len(line)} bytes")
        head, tail = line[:len(line) - tail_len], line[len(line) - tail_len:].decode("ascii", "replace")
        if len(head) != HEAD:
            raise MalformedResponse("kis-master", "malformed", f"{market} head of {len(head)} bytes")

        def f(name: str) -> str:
            a, b = fields[name]
            return tail[a:b]

        listed = f("listing_date")
        try:
            listing = dt.datetime.strptime(listed, "%Y%m%d").date() if listed.strip("0 ") else None
        except ValueError:
            listing = None
        shares_k = _int(f("shares_k"))
        month = _int(f("fiscal_month"))
        rows.append(MasterRow(
            symbol=head[0:9].decode("ascii", "replace").strip(), isin=head[9:21].decode("ascii", "replace").strip(),
            name=head[21:61].decode("cp949", "replace").strip(), market=market, group=f("group"),
            is_spac=f("spac") == "Y", halted=f("halted") == "Y", listing_date=listing,
            shares=shares_k * 1000 if shares_k is not None else None,
            fiscal_month=month if month and 1 <= month <= 12 else None, preferred=f("preferred") not in ("0", " ")))
    return rows


def is_stock(row: MasterRow) -> bool:
    """Common and preferred shares with a 6-digit code (no ETFs, ETNs, REITs, funds)."""
    return row.group == "ST" and len(row.symbol) == 6 and row.symbol.isalnum()


async def download_master(session: aiohttp.ClientSession, base_url: str, market: str, timeout: float = 60) -> list[MasterRow]:
    zip_name, member, _ = MASTER_FILES[market]
    url = f"{base_url.rstrip('/')}/{zip_name}"
    try:
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=timeout)) as resp:
            body = await resp.read()
            if resp.status != 200:
                raise Unavailable("kis-master", str(resp.status), f"GET {url}", resp.status)
    except asyncio.TimeoutError:
        raise Unavailable("kis-master", "timeout", f"GET {url}") from None
    except aiohttp.ClientError as exc:
        raise Unavailable("kis-master", "connection", str(exc)) from None
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            data = zf.read(member)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise MalformedResponse("kis-master", "malformed", f"{zip_name}: {exc}") from None
    return parse_master(data, market)


@dataclass(frozen=True)
class Candle:
    day: dt.date
    open: float
    high: float
    low: float
    close: float
    volume: int | None
    amount: int | None


class KisRestClient:
    def __init__(self, session: aiohttp.ClientSession, auth, *, attempts: int = 4, retry_delay: float = 0.5,
                 per_second: float = 15.0, timeout: float = 15.0) -> None:
        self.session, self.auth = session, auth
        self.attempts, self.retry_delay = attempts, retry_delay
        self.pacer = Pacer(1.0 / per_second)
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    async def _get(self, path: str, tr_id: str, params: dict) -> dict:
        async def call() -> dict:
            await self.pacer.wait()
            token = await self.auth.access_token()
            headers = {"content-type": "application/json; charset=utf-8", "authorization": f"Bearer {token}",
                       "appkey": self.auth.app_key, "appsecret": self.auth.app_secret, "tr_id": tr_id,
                       "custtype": "P", "tr_cont": ""}
            try:
                async with self.session.get(self.auth.rest_url + path, params=params, headers=headers,
                                            timeout=self.timeout) as resp:
                    body, status = await resp.read(), resp.status
            except asyncio.TimeoutError:
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

    async def _paged(self, path: str, tr_id: str, params: dict, start: dt.date, end: dt.date, date_key: str,
                     fields: tuple[str, str, str, str]) -> list[Candle]:
        out: dict[dt.date, Candle] = {}
        cursor = end
        while cursor >= start:
            data = await self._get(path, tr_id, {**params, "FID_INPUT_DATE_1": start.strftime("%Y%m%d"),
                                                 "FID_INPUT_DATE_2": cursor.strftime("%Y%m%d")})
            rows = [r for r in (data.get("output2") or []) if isinstance(r, dict) and r.get(date_key)]
            if not rows:
                break
            oldest = cursor
            for r in rows:
                try:
                    day = dt.datetime.strptime(r[date_key], "%Y%m%d").date()
                    o, h, l, c = (float(r[k]) for k in fields)
                except (KeyError, ValueError):
                    continue
                oldest = min(oldest, day)
                if start <= day <= end and c > 0:
                    out[day] = Candle(day, o, h, l, c, _int(r.get("acml_vol", "")), _int(r.get("acml_tr_pbmn", "")))
            if oldest >= cursor:
                break
            cursor = oldest - dt.timedelta(days=1)
        return [out[d] for d in sorted(out)]

    async def daily_candles(self, symbol: str, start: dt.date, end: dt.date) -> list[Candle]:
        return await self._paged("/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice", "FHKST03010100",
                                 {"FID_COND_MRKT_DIV_CODE": "J", "FID_INPUT_ISCD": symbol, "FID_PERIOD_DIV_CODE": "D",
                                  "FID_ORG_ADJ_PRC": "0"}, start, end, "stck_bsop_date",
                                 ("stck_oprc", "stck_hgpr", "stck_lwpr", "stck_clpr"))

    async def index_candles(self, code: str, start: dt.date, end: dt.date) -> list[Candle]:
        return await self._paged("/uapi/domestic-stock/v1/quotations/inquire-daily-indexchartprice", "FHKUP03500100",
                                 {"FID_COND_MRKT_DIV_CODE": "U", "FID_INPUT_ISCD": code, "FID_PERIOD_DIV_CODE": "D"},
                                 start, end, "stck_bsop_date",
                                 ("bstp_nmix_oprc", "bstp_nmix_hgpr", "bstp_nmix_lwpr", "bstp_nmix_prpr"))
