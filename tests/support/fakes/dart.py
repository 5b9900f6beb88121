"""Fake DART OpenAPI (external-apis.md §5): corpCode.xml (zip), list.json, fnlttSinglAcnt.json."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

import orjson
from aiohttp import web

API_KEY = "f" * 40
MESSAGES = {
    "000": "정상",
    "010": "등록되지 않은 키입니다.",
    "013": "조회된 데이타가 없습니다.",
    "020": "요청 제한을 초과하였습니다.",
    "100": "필드의 부적절한 값입니다.",
    "901": "사용기간이 만료된 키입니다.",
}


@dataclass
class DartState:
    corps: list[dict] = field(default_factory=list)  # corp_code, corp_name, corp_eng_name, stock_code
    accounts: dict[tuple[str, str, str], list[dict]] = field(default_factory=dict)  # (corp, year, reprt) → list
    filings: list[dict] = field(default_factory=list)  # list.json rows, newest first
    expired_keys: set[str] = field(default_factory=set)
    limit_next: int = 0  # answer the next N calls with status 020
    daily_limit: int | None = None
    malformed_next: int = 0
    calls: list[tuple[str, dict]] = field(default_factory=list)


def corp_xml(corps: list[dict]) -> bytes:
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<result>\n']
    for c in corps:
        parts.append(
            "    <list>\n"
            f"        <corp_code>{c['corp_code']}</corp_code>\n"
            f"        <corp_name>{c['corp_name']}</corp_name>\n"
            f"        <corp_eng_name>{c.get('corp_eng_name', '')}</corp_eng_name>\n"
            f"        <stock_code>{c.get('stock_code') or ' '}</stock_code>\n"
            f"        <modify_date>{c.get('modify_date', '20250101')}</modify_date>\n"
            "    </list>\n"
        )
    parts.append("</result>")
    return "".join(parts).encode()


def account_row(
    corp: str,
    stock: str,
    year: str,
    reprt: str,
    fs_div: str,
    name: str,
    cur: int,
    prev: int,
    cumulative: int | None = None,
) -> dict:
    """One fnlttSinglAcnt element in the real key order, amounts comma-formatted."""
    row = {
        "rcept_no": f"{int(year) + 1}0311001085",
        "reprt_code": reprt,
        "bsns_year": year,
        "corp_code": corp,
        "stock_code": stock,
        "fs_div": fs_div,
        "fs_nm": "연결재무제표" if fs_div == "CFS" else "재무제표",
        "sj_div": "IS",
        "sj_nm": "손익계산서",
        "account_nm": name,
        "thstrm_nm": "제 56 기",
        "thstrm_dt": f"{year}.01.01 ~ {year}.12.31",
        "thstrm_amount": f"{cur:,}",
    }
    if cumulative is not None:
        row["thstrm_add_amount"] = f"{cumulative:,}"
    row.update({"frmtrm_nm": "제 55 기", "frmtrm_dt": "", "frmtrm_amount": f"{prev:,}"})
    if reprt == "11011":
        row.update({"bfefrmtrm_nm": "제 54 기", "bfefrmtrm_dt": "", "bfefrmtrm_amount": ""})
    row.update({"ord": "19", "currency": "KRW"})
    return row


def _json(data: dict) -> web.Response:
    return web.Response(body=orjson.dumps(data), content_type="application/json", charset="utf-8")


def _status(code: str) -> web.Response:
    return _json({"status": code, "message": MESSAGES.get(code, "")})


def make_app(state: DartState | None = None) -> web.Application:
    state = state or DartState()
    app = web.Application()

    def check(request: web.Request, path: str) -> str | None:
        state.calls.append((path, dict(request.query)))
        key = request.query.get("crtfc_key", "")
        if key in state.expired_keys:
            return "901"
        if key != API_KEY:
            return "010"
        if state.daily_limit is not None:
            if state.daily_limit <= 0:
                return "020"
            state.daily_limit -= 1
        if state.limit_next > 0:
            state.limit_next -= 1
            return "020"
        return None

    async def corp_code(request: web.Request) -> web.Response:
        err = check(request, "corpCode.xml")
        if err:
            body = (
                f'<?xml version="1.0" encoding="UTF-8"?><result><status>{err}</status>'
                f"<message>{MESSAGES[err]}</message></result>"
            ).encode()
            return web.Response(body=body, content_type="application/xml", charset="UTF-8")
        if state.malformed_next > 0:
            state.malformed_next -= 1
            return web.Response(body=b"PK\x03\x04truncated", content_type="application/x-msdownload")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("CORPCODE.xml", corp_xml(state.corps))
        return web.Response(
            body=buf.getvalue(),
            content_type="application/x-msdownload",
            headers={"Content-Disposition": "attachment; filename=CORPCODE.zip"},
        )

    async def single(request: web.Request) -> web.Response:
        err = check(request, "fnlttSinglAcnt.json")
        if err:
            return _status(err)
        q = request.query
        if not q.get("corp_code") or q.get("reprt_code") not in ("11011", "11012", "11013", "11014"):
            return _status("100")
        if state.malformed_next > 0:
            state.malformed_next -= 1
            return web.Response(body=b'{"status":"000","message":"\xec\xa0\x95', content_type="application/json")
        rows = state.accounts.get((q["corp_code"], q.get("bsns_year", ""), q["reprt_code"]))
        if not rows:
            return _status("013")
        return _json({"status": "000", "message": "정상", "list": rows})

    async def listing(request: web.Request) -> web.Response:
        err = check(request, "list.json")
        if err:
            return _status(err)
        q = request.query
        try:
            page_no, page_count = int(q.get("page_no", "1")), int(q.get("page_count", "10"))
        except ValueError:
            return _status("100")
        if not 1 <= page_count <= 100:
            return _status("100")
        rows = [
            r
            for r in state.filings
            if q.get("bgn_de", "00000000") <= r["rcept_dt"] <= q.get("end_de", "99999999")
            and (not q.get("corp_code") or r["corp_code"] == q["corp_code"])
            and (not q.get("pblntf_ty") or r.get("_ty", "A") == q["pblntf_ty"])
        ]
        if not rows:
            return _status("013")
        total_page = (len(rows) + page_count - 1) // page_count
        page = [
            {k: v for k, v in r.items() if not k.startswith("_")}
            for r in rows[(page_no - 1) * page_count : page_no * page_count]
        ]
        return _json(
            {
                "status": "000",
                "message": "정상",
                "page_no": page_no,
                "page_count": page_count,
                "total_count": len(rows),
                "total_page": total_page,
                "list": page,
            }
        )

    app.router.add_get("/api/corpCode.xml", corp_code)
    app.router.add_get("/api/fnlttSinglAcnt.json", single)
    app.router.add_get("/api/list.json", listing)
    return app
