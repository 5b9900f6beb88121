"""DART OpenAPI client (external-apis.md §5): corpCode.xml, list.json, fnlttSinglAcnt.json.

DART answers HTTP 200 for application errors; the outcome is the `status` field: `000` ok,
`013` no data (an empty result, not an error), `020` request limit (retried with back-off,
then raised), `010`/`011`/`901` bad or expired key, `800`/`900` service trouble (retried).
corpCode.xml is a zip on success and an XML error document otherwise (sniffed by the `PK` magic).
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

import aiohttp
import orjson

from core.services import AuthError, MalformedResponse, Pacer, RateLimited, ServiceError, Unavailable, with_retries

VIEWER_URL = "https://dart.fss.or.kr/dsaf001/main.do?rcpNo={}"
REPORT_CODES = {"11013": "Q1", "11012": "Q2", "11014": "Q3", "11011": "FY"}


@dataclass(frozen=True)
class CorpCode:
    corp_code: str
    corp_name: str
    corp_eng_name: str
    stock_code: str  # "" for unlisted companies
    modify_date: str


def _raise_for_status(status: str, message: str) -> None:
    if status in ("000", "013"):
        return
    if status == "020":
        raise RateLimited("dart", status, message)
    if status in ("010", "011", "012", "901"):
        raise AuthError("dart", status, message)
    if status in ("800", "900"):
        raise Unavailable("dart", status, message)
    raise ServiceError("dart", status, message)


def parse_corp_codes(body: bytes) -> list[CorpCode]:
    if not body.startswith(b"PK"):
        try:
            root = ET.fromstring(body)
        except ET.ParseError:
            raise MalformedResponse("dart", "malformed", "corpCode.xml: neither zip nor XML") from None
        _raise_for_status(root.findtext("status", "900"), root.findtext("message", ""))
        raise MalformedResponse("dart", "malformed", "corpCode.xml: XML without an error status")
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            xml = zf.read("CORPCODE.xml")
    except (zipfile.BadZipFile, KeyError) as exc:
        raise MalformedResponse("dart", "malformed", f"corpCode.xml zip: {exc}") from None
    out = []
    try:
        for el in ET.fromstring(xml).iter("list"):
            out.append(
                CorpCode(
                    el.findtext("corp_code", "").strip(),
                    el.findtext("corp_name", "").strip(),
                    el.findtext("corp_eng_name", "").strip(),
                    el.findtext("stock_code", "").strip(),
                    el.findtext("modify_date", "").strip(),
                )
            )
    except ET.ParseError as exc:
        raise MalformedResponse("dart", "malformed", f"CORPCODE.xml: {exc}") from None
    return out


def amount(text: str | None) -> int | None:
    """'174,697,424,000,000' → 174697424000000; '' / '-' → None."""
    if text is None:
        return None
    t = text.replace(",", "").strip()
    if t in ("", "-"):
        return None
    try:
        return int(t)
    except ValueError:
        try:
            return int(float(t))
        except ValueError:
            return None


class DartClient:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 30.0,
        attempts: int = 4,
        retry_delay: float = 2.0,
        interval: float = 0.1,
    ) -> None:
        self.session = session
        self.base = base_url.rstrip("/") + "/api/"
        self.key = api_key
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.attempts, self.retry_delay = attempts, retry_delay
        self.pacer = Pacer(interval)

    async def _get(self, path: str, params: dict) -> bytes:
        await self.pacer.wait()
        try:
            async with self.session.get(
                self.base + path, params={"crtfc_key": self.key, **params}, timeout=self.timeout
            ) as resp:
                body = await resp.read()
                if resp.status >= 500:
                    raise Unavailable("dart", str(resp.status), "server error", resp.status)
                if resp.status != 200:
                    raise ServiceError("dart", str(resp.status), body[:200].decode(errors="replace"), resp.status)
                return body
        except TimeoutError:
            raise Unavailable("dart", "timeout", f"no answer within {self.timeout.total}s") from None
        except aiohttp.ClientError as exc:
            raise Unavailable("dart", "connection", str(exc)) from None

    async def _json(self, path: str, params: dict) -> dict:
        async def call() -> dict:
            body = await self._get(path, params)
            try:
                data = orjson.loads(body)
            except orjson.JSONDecodeError:
                raise MalformedResponse("dart", "malformed", f"{path}: not JSON ({body[:60]!r})") from None
            if not isinstance(data, dict) or "status" not in data:
                raise MalformedResponse("dart", "malformed", f"{path}: no status")
            _raise_for_status(str(data["status"]), str(data.get("message", "")))
            return data

        return await with_retries(call, attempts=self.attempts, base_delay=self.retry_delay, what=f"dart {path}")

    async def corp_codes(self) -> list[CorpCode]:
        async def call():
            return parse_corp_codes(await self._get("corpCode.xml", {}))

        return await with_retries(call, attempts=self.attempts, base_delay=self.retry_delay, what="dart corpCode")

    async def single_accounts(self, corp_code: str, year: int, reprt_code: str) -> list[dict]:
        data = await self._json(
            "fnlttSinglAcnt.json", {"corp_code": corp_code, "bsns_year": str(year), "reprt_code": reprt_code}
        )
        return data.get("list") or [] if data["status"] == "000" else []

    async def filings(
        self,
        *,
        bgn_de: str,
        end_de: str,
        corp_code: str | None = None,
        pblntf_ty: str = "A",
        page_count: int = 100,
        max_pages: int = 200,
    ) -> list[dict]:
        """All pages of list.json for the range (periodic reports by default)."""
        out: list[dict] = []
        page = 1
        while page <= max_pages:
            params = {
                "bgn_de": bgn_de,
                "end_de": end_de,
                "pblntf_ty": pblntf_ty,
                "page_no": str(page),
                "page_count": str(page_count),
            }
            if corp_code:
                params["corp_code"] = corp_code
            data = await self._json("list.json", params)
            if data["status"] == "013":
                break
            rows = data.get("list") or []
            out.extend(rows)
            total_page = int(data.get("total_page") or 1)
            if page >= total_page or not rows:
                break
            page += 1
        return out


ACCOUNTS = {
    "revenue": ("매출액", "수익(매출액)", "영업수익", "매출"),
    "operating_profit": ("영업이익", "영업이익(손실)"),
    "net_income": (
        "당기순이익",
        "당기순이익(손실)",
        "분기순이익",
        "반기순이익",
        "분기순이익(손실)",
        "반기순이익(손실)",
    ),
}


def key_accounts(rows: list[dict]) -> dict | None:
    """Revenue / operating profit / net income of one report, consolidated (CFS) preferred.

    Returns {"fs_basis", "rcept_no", "current": {...}, "cumulative": {...}} or None without figures.
    `current` is the report's own period (a quarter for quarterly reports), `cumulative` the
    year-to-date figures (thstrm_add_amount) where the report has them.
    """
    for fs_div, basis in (("CFS", "consolidated"), ("OFS", "separate")):
        picked = [r for r in rows if r.get("fs_div") == fs_div and r.get("sj_div") in ("IS", "CIS")]
        if not picked:
            continue
        current: dict[str, int | None] = {}
        cumulative: dict[str, int | None] = {}
        for field, names in ACCOUNTS.items():
            for r in picked:
                if r.get("account_nm", "").replace(" ", "") in {n.replace(" ", "") for n in names}:
                    current[field] = amount(r.get("thstrm_amount"))
                    cumulative[field] = amount(r.get("thstrm_add_amount"))
                    break
        if any(v is not None for v in current.values()):
            return {
                "fs_basis": basis,
                "rcept_no": picked[0].get("rcept_no"),
                "current": current,
                "cumulative": cumulative,
                "currency": picked[0].get("currency") or "KRW",
            }
    return None
