"""Fake KIS REST (tokenP, period quotes) and master-file download host (external-apis.md §2, §3)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

import orjson
from aiohttp import web

APP_KEY = "PS" + "a" * 34
APP_SECRET = "s" * 180
TAIL = {"KOSPI": 227, "KOSDAQ": 221}
# tail offsets: group, spac, halted, listing date, shares (thousands), fiscal month, preferred
LAYOUT = {
    "KOSPI": {"spac": 29, "halted": 60, "date": 105, "shares": 113, "month": 149, "pref": 158},
    "KOSDAQ": {"spac": 24, "halted": 55, "date": 100, "shares": 108, "month": 144, "pref": 153},
}


def master_line(
    market: str,
    code: str,
    isin: str,
    name: str,
    *,
    group: str = "ST",
    spac: bool = False,
    listing: str = "19750611",
    shares_k: int = 5919638,
    month: int = 12,
    preferred: str = "0",
) -> bytes:
    head = code.encode().ljust(9) + isin.encode().ljust(12)
    encoded = name.encode("cp949")
    head += encoded[:40].ljust(40)
    tail = bytearray(b"0" * TAIL[market])
    lay = LAYOUT[market]
    tail[0:2] = group.encode()
    tail[lay["spac"] : lay["spac"] + 1] = b"Y" if spac else b"N"
    tail[lay["halted"] : lay["halted"] + 1] = b"N"
    tail[lay["date"] : lay["date"] + 8] = listing.encode()
    tail[lay["shares"] : lay["shares"] + 15] = str(shares_k).zfill(15).encode()
    tail[lay["month"] : lay["month"] + 2] = str(month).zfill(2).encode()
    tail[lay["pref"] : lay["pref"] + 1] = preferred.encode()
    assert len(head) == 61 and len(tail) == TAIL[market]
    return head + bytes(tail)


def master_zip(member: str, lines: list[bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, b"\n".join(lines) + b"\n")
    return buf.getvalue()


@dataclass
class KisState:
    masters: dict[str, bytes] = field(default_factory=dict)  # zip file name → bytes
    candles: dict[str, list[dict]] = field(default_factory=dict)  # symbol or index code → rows, any order
    rate_limit_next: int = 0
    expire_token_next: int = 0
    tokens_issued: int = 0
    calls: list[dict] = field(default_factory=list)


def _kis(data: dict, status: int = 200, tr_cont: str = "D") -> web.Response:
    return web.Response(
        status=status,
        body=orjson.dumps(data),
        content_type="application/json",
        charset="UTF-8",
        headers={"tr_cont": tr_cont, "gt_uid": "fake"},
    )


def make_app(state: KisState | None = None) -> web.Application:
    state = state or KisState()
    app = web.Application()

    async def token(request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("appkey") != APP_KEY or body.get("appsecret") != APP_SECRET:
            return web.Response(
                status=403,
                body=orjson.dumps({"error_description": "유효하지 않은 AppKey입니다.", "error_code": "EGW00103"}),
                content_type="application/json",
            )
        state.tokens_issued += 1
        expires = dt.datetime.now() + dt.timedelta(days=1)
        return web.json_response(
            {
                "access_token": f"token-{state.tokens_issued}",
                "access_token_token_expired": f"{expires:%Y-%m-%d %H:%M:%S}",
                "token_type": "Bearer",
                "expires_in": 86400,
            }
        )

    def check(request: web.Request, tr_id: str) -> web.Response | None:
        h = request.headers
        state.calls.append({"path": request.path, **request.query})
        if h.get("appkey") != APP_KEY or h.get("appsecret") != APP_SECRET or h.get("tr_id") != tr_id:
            return _kis({"rt_cd": "1", "msg_cd": "EGW00103", "msg1": "유효하지 않은 AppKey입니다."}, 403)
        if not h.get("authorization", "").startswith("Bearer token-"):
            return _kis({"rt_cd": "1", "msg_cd": "EGW00123", "msg1": "기간이 만료된 token 입니다."}, 500)
        if state.expire_token_next > 0 and h["authorization"] == f"Bearer token-{state.tokens_issued}":
            state.expire_token_next -= 1
            state.tokens_issued += 0
            return _kis({"rt_cd": "1", "msg_cd": "EGW00123", "msg1": "기간이 만료된 token 입니다."}, 500)
        if state.rate_limit_next > 0:
            state.rate_limit_next -= 1
            return _kis({"rt_cd": "1", "msg_cd": "EGW00201", "msg1": "초당 거래건수를 초과하였습니다."}, 500)
        return None

    def page(key: str, q, cap: int) -> list[dict]:
        lo, hi = q.get("FID_INPUT_DATE_1", ""), q.get("FID_INPUT_DATE_2", "")
        rows = sorted(
            (r for r in state.candles.get(key, []) if lo <= r["stck_bsop_date"] <= hi),
            key=lambda r: r["stck_bsop_date"],
            reverse=True,
        )
        return rows[:cap]

    async def daily(request: web.Request) -> web.Response:
        err = check(request, "FHKST03010100")
        if err:
            return err
        q = request.query
        rows = page(q.get("FID_INPUT_ISCD", ""), q, 100)
        return _kis(
            {
                "output1": {"stck_shrn_iscd": q.get("FID_INPUT_ISCD", ""), "hts_kor_isnm": ""},
                "output2": rows,
                "rt_cd": "0",
                "msg_cd": "MCA00000",
                "msg1": "정상처리 되었습니다.",
            }
        )

    async def index(request: web.Request) -> web.Response:
        err = check(request, "FHKUP03500100")
        if err:
            return err
        q = request.query
        rows = page(q.get("FID_INPUT_ISCD", ""), q, 50)
        return _kis(
            {
                "output1": {"hts_kor_isnm": "종합"},
                "output2": rows,
                "rt_cd": "0",
                "msg_cd": "MCA00000",
                "msg1": "정상처리 되었습니다.",
            },
            tr_cont="M" if len(rows) == 50 else "D",
        )

    async def master(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in state.masters:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=state.masters[name], content_type="application/zip")

    app.router.add_post("/oauth2/tokenP", token)
    app.router.add_get("/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice", daily)
    app.router.add_get("/uapi/domestic-stock/v1/quotations/inquire-daily-indexchartprice", index)
    app.router.add_get("/common/master/{name}", master)
    return app


def stock_row(day: dt.date, close: int) -> dict:
    return {
        "stck_bsop_date": f"{day:%Y%m%d}",
        "stck_clpr": str(close),
        "stck_oprc": str(close - 100),
        "stck_hgpr": str(close + 200),
        "stck_lwpr": str(close - 300),
        "acml_vol": "12734561",
        "acml_tr_pbmn": "896123456789",
        "flng_cls_code": "00",
        "prtt_rate": "0.00",
        "mod_yn": "N",
        "prdy_vrss_sign": "2",
        "prdy_vrss": "500",
        "revl_issu_reas": "",
    }


def index_row(day: dt.date, close: float) -> dict:
    return {
        "stck_bsop_date": f"{day:%Y%m%d}",
        "bstp_nmix_prpr": f"{close:.2f}",
        "bstp_nmix_oprc": f"{close - 5:.2f}",
        "bstp_nmix_hgpr": f"{close + 10:.2f}",
        "bstp_nmix_lwpr": f"{close - 12:.2f}",
        "acml_vol": "412345678",
        "acml_tr_pbmn": "9876543210000",
        "mod_yn": "N",
    }
