"""OpenAPI 3 document (GET /api/openapi.json) and Swagger UI (GET /api/docs).

The document is written by hand next to the contract in api/README.md; tests/api/test_docs.py
checks that every route the app serves appears here. Swagger UI is served from the
`swagger-ui-bundle` package when installed (no CDN), else a minimal page lists the operations.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, file, html, json

from api.errors import ApiError

bp = Blueprint("docs", url_prefix="/api")

try:  # optional: the swagger-ui static files, vendored in a pip package
    from swagger_ui_bundle import swagger_ui_path as _SWAGGER_DIR  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover
    _SWAGGER_DIR = None

# ------------------------------------------------------------------------------------------ schemas


def _obj(props: dict[str, Any], required: tuple[str, ...] = (), example: Any = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        schema["required"] = list(required)
    if example is not None:
        schema["example"] = example
    return schema


S = {"type": "string"}
I = {"type": "integer"}
N = {"type": "number"}
B = {"type": "boolean"}
NS = {"type": "string", "nullable": True}
NI = {"type": "integer", "nullable": True}
NN = {"type": "number", "nullable": True}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _arr(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


SCHEMAS: dict[str, Any] = {
    "Error": _obj({"status": I, "code": {"type": "string", "enum": [
        "MISSING_FIELD", "INVALID_REQUEST", "INVALID_PASSWORD", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND",
        "METHOD_NOT_ALLOWED", "ALREADY_EXISTS", "TOO_MANY_REQUESTS", "STREAM_UNAVAILABLE", "SERVICE_UNAVAILABLE",
        "INTERNAL_ERROR"]}, "message": S, "field": S, "retryAfter": I}, ("status", "code", "message"),
        {"status": 400, "code": "MISSING_FIELD", "message": "필수 필드가 누락되었습니다: email", "field": "email"}),
    "SignupRequest": _obj({"email": S, "username": S, "password": S}, ("email", "username", "password"),
                          {"email": "user@example.com", "username": "username", "password": "SecurePass123!"}),
    "LoginRequest": _obj({"email": S, "password": S}, ("email", "password"),
                         {"email": "user@example.com", "password": "SecurePass123!"}),
    "RefreshRequest": _obj({"refreshToken": S}, ("refreshToken",)),
    "LogoutRequest": _obj({"refreshToken": S}),
    "User": _obj({"userId": I, "email": S, "username": S}),
    "Tokens": _obj({"accessToken": S, "refreshToken": S, "expiresIn": I, "user": _ref("User")}),
    "Quote": _obj({"companyId": I, "symbol": S, "name": S, "nameEn": NS, "market": S, "industryId": NI,
                   "industryName": NS, "logo": NS, "price": NI, "change": NI, "changePercent": NN, "marketCap": NI,
                   "asOf": NS, "source": NS},
                  example={"companyId": 1, "symbol": "005930", "name": "삼성전자", "nameEn": "Samsung Electronics Co., Ltd.",
                           "market": "KOSPI", "industryId": 1, "industryName": "통신 및 방송 장비 제조업",
                           "logo": None, "price": 71000, "change": 500, "changePercent": 0.71,
                           "marketCap": 420294292462000, "asOf": "2026-08-21", "source": "krx"}),
    "RankedCompany": {"allOf": [_ref("Quote"), _obj({"rank": I})]},
    "Favorite": _obj({"favoriteId": I, "companyId": I, "symbol": S, "name": S, "market": S, "price": NI,
                      "change": NI, "changePercent": NN, "marketCap": NI, "asOf": NS, "source": NS, "createdAt": S}),
    "FavoriteRequest": _obj({"companyId": I}, ("companyId",), {"companyId": 1}),
    "CompanyProfile": _obj({k: v for k, v in {
        "companyId": I, "symbol": S, "name": S, "nameEn": NS, "market": S, "marketSegment": NS, "industryId": NI,
        "industryName": NS, "ksicCode": NS, "themeSector": NS, "themeSubsector": NS, "description": NS,
        "logo": NS, "listingDate": NS, "homepage": NS, "ceo": NS, "region": NS, "isSpac": B, "delistedAt": NS,
        "sharesOutstanding": NI, "price": NI, "change": NI, "changePercent": NN, "open": NI, "high": NI,
        "low": NI, "volume": NI, "amount": NI, "prevClose": NI, "marketCap": NI, "week52High": NI,
        "week52Low": NI, "per": NN, "pbr": NN, "eps": NN, "perFiscalYear": NI, "asOf": NS, "source": NS,
        "listingAsOf": NS}.items()}),
    "Financials": _obj({
        "currency": S, "basis": NS, "mainProducts": NS,
        "yearly": _arr(_obj({"fiscalYear": I, "period": S, "periodEnd": NS, "basis": S, "revenue": NI,
                             "operatingProfit": NI, "netIncome": NI, "operatingMargin": NN, "netMargin": NN,
                             "revenueGrowth": NN, "operatingProfitGrowth": NN})),
        "quarterly": _arr(_obj({"fiscalQuarter": S, "basis": S, "revenue": NI, "operatingProfit": NI,
                                "operatingMargin": NN})),
        "segments": _arr(_obj({"segment": S, "revenue": NI, "sharePct": NN, "fiscalYear": I}))}),
    "Bar": _obj({"time": I, "open": N, "high": N, "low": N, "close": N, "volume": I, "amount": NI},
                example={"time": 1704067200, "open": 75000, "high": 76500, "low": 74800, "close": 76000,
                         "volume": 15234567, "amount": 1156789012345}),
    "News": _obj({"newsId": I, "title": S, "summary": NS, "url": S, "source": NS, "publishedAt": NS}),
    "Report": _obj({"reportId": I, "rceptNo": S, "reportName": S, "reportType": S, "filedAt": S,
                    "url": {"type": "string", "example": "https://dart.fss.or.kr/dsaf001/main.do?rcpNo=20250311001085"}}),
    "Analysis": _obj({"growthScore": I, "outlook": S, "summary": S, "drivers": _arr(S), "risks": _arr(S),
                      "model": S, "mode": {"type": "string", "enum": ["gemini", "rule"]}, "generatedAt": S,
                      "asOfDate": S}),
    "ComparisonCompany": _obj({"companyId": I, "companyName": S, "symbol": S}),
    "ComparisonSummary": _obj({"comparisonId": I, "name": S, "companies": _arr(_ref("ComparisonCompany")),
                               "createdAt": S},
                              example={"comparisonId": 1, "name": "반도체 기업 비교", "createdAt": "2026-01-11",
                                       "companies": [{"companyId": 1, "companyName": "삼성전자", "symbol": "005930"},
                                                     {"companyId": 2, "companyName": "SK하이닉스", "symbol": "000660"}]}),
    "ComparisonRequest": _obj({"name": S, "companies": {"type": "array", "items": I, "minItems": 2, "maxItems": 10}},
                              ("name", "companies"), {"name": "반도체 기업 비교", "companies": [1, 2, 3]}),
    "ComparisonDetail": _obj({
        "comparisonId": I, "name": S, "createdAt": S, "period": S, "baseDate": NS, "endDate": NS,
        "companies": _arr(_obj({"companyId": I, "companyName": S, "symbol": S, "market": S, "industryName": NS,
                                "price": NI, "change": NI, "changePercent": NN, "marketCap": NI, "revenue": NI,
                                "operatingProfit": NI, "operatingMargin": NN, "revenueGrowth": NN, "per": NN,
                                "fiscalYear": NI, "asOf": NS, "source": NS})),
        "performance": _arr(_obj({"companyId": I, "symbol": S, "baseClose": NI,
                                  "points": _arr(_obj({"time": I, "value": N}))}))}),
    "Industry": _obj({"industryId": I, "ksicCode": S, "name": S, "companyCount": I, "marketCap": I,
                      "changePercent": NN}),
    "IndustryDetail": _obj({"industryId": I, "ksicCode": S, "name": S, "companyCount": I, "marketCap": I,
                            "changePercent": NN, "marketCapRank": I, "topCompanies": _arr(_ref("RankedCompany")),
                            "asOf": NS, "source": NS}),
    "IndustryRank": _obj({"rank": I, "industryId": I, "ksicCode": S, "name": S, "companyCount": I,
                          "marketCap": I, "changePercent": NN}),
    "IndexBar": _obj({"time": I, "open": NN, "high": NN, "low": NN, "close": N, "volume": NI, "amount": NI,
                      "change": NN, "changePercent": NN}),
    "Keyword": _obj({"keyword": S, "count": I}, example={"keyword": "반도체", "count": 42}),
    "Health": _obj({"status": S, "database": _obj({}), "redis": _obj({}), "search": _obj({}), "ingest": _obj({}),
                    "collectors": _obj({})}),
}


def _envelope(data: dict[str, Any] | None, extra: dict[str, Any] | None = None, example: Any = None
              ) -> dict[str, Any]:
    props: dict[str, Any] = {"status": I, "message": S}
    props.update(extra or {})
    props["data"] = data if data is not None else {"nullable": True}
    schema = _obj(props, ("status", "message"))
    if example is not None:
        schema["example"] = example
    return schema


PAGE = {"page": I, "size": I, "total": I}
ASOF = {"asOf": NS, "source": NS}


def _err(*codes: str) -> dict[str, Any]:
    statuses = {"MISSING_FIELD": "400", "INVALID_REQUEST": "400", "INVALID_PASSWORD": "400", "UNAUTHORIZED": "401",
                "NOT_FOUND": "404", "ALREADY_EXISTS": "409", "TOO_MANY_REQUESTS": "429"}
    out: dict[str, Any] = {}
    for code in codes + ("TOO_MANY_REQUESTS",):
        status = statuses[code]
        entry = out.setdefault(status, {"description": "", "content": {"application/json": {"schema": _ref("Error")}}})
        entry["description"] = (entry["description"] + ", " if entry["description"] else "") + code
    out["429"]["headers"] = {"Retry-After": {"schema": I, "description": "seconds until the next window"}}
    return out


def _op(summary: str, tag: str, response: dict[str, Any], *, status: str = "200", params: list | None = None,
        body: str | None = None, auth: bool = False, errors: tuple[str, ...] = (), content: str | None = None
        ) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "tags": [tag], "operationId": None}
    if params:
        op["parameters"] = params
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(body)}}}
    if auth:
        op["security"] = [{"bearerAuth": []}]
    media = content or "application/json"
    op["responses"] = {status: {"description": summary, "content": {media: {"schema": response}}},
                       **_err(*(errors + (("UNAUTHORIZED",) if auth else ())))}
    return op


def _q(name: str, schema: dict[str, Any], desc: str = "", required: bool = False, example: Any = None) -> dict:
    p = {"name": name, "in": "query", "required": required, "schema": schema, "description": desc}
    if example is not None:
        p["example"] = example
    return p


def _p(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": I}


PAGING = [_q("page", I, "1부터", example=1), _q("size", I, "1–100", example=20)]
RANGE = [_q("start", S, "ISO 8601 날짜/시각 또는 epoch 초"), _q("end", S, "ISO 8601 날짜/시각 또는 epoch 초")]
TOKENS_RESPONSE = _envelope(_ref("Tokens"), {"accessToken": S, "refreshToken": S, "expiresIn": I},
                            {"status": 200, "message": "로그인 성공", "accessToken": "eyJhbGciOiJIUzI1NiIs...",
                             "refreshToken": "eyJhbGciOiJIUzI1NiIs...", "expiresIn": 900,
                             "data": {"accessToken": "eyJhbGciOiJIUzI1NiIs...", "refreshToken": "eyJ...",
                                      "expiresIn": 900, "user": {"userId": 550, "email": "user@example.com",
                                                                 "username": "username"}}})
NEWS = _envelope(_arr(_ref("News")), PAGE)


def build_spec() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {
        "/api/health": {"get": _op("구성 요소 상태 (200 정상, 503 일부 장애)", "platform", _envelope(_ref("Health")))},
        "/api/openapi.json": {"get": _op("이 OpenAPI 문서", "platform", {"type": "object"})},
        "/api/docs": {"get": _op("Swagger UI", "platform", S, content="text/html")},
        "/api/docs/static/{name}": {"get": {**_op("Swagger UI 정적 파일", "platform", S, content="text/plain"),
                                             "parameters": [{"name": "name", "in": "path", "required": True,
                                                             "schema": S}]}},
        "/metrics": {"get": _op("Prometheus 지표 (요청 수, 지연 히스토그램)", "platform", S, content="text/plain")},
        "/api/users/signup": {"post": _op(
            "회원가입", "users", _envelope(_obj({"userId": I}), {"userId": I},
                                       {"status": 201, "message": "회원가입이 완료되었습니다.", "userId": 550,
                                        "data": {"userId": 550}}),
            status="201", body="SignupRequest", errors=("MISSING_FIELD", "INVALID_REQUEST", "INVALID_PASSWORD",
                                                         "ALREADY_EXISTS"))},
        "/api/users/login": {"post": _op("로그인 (JWT 발급)", "users", TOKENS_RESPONSE, body="LoginRequest",
                                         errors=("MISSING_FIELD", "INVALID_REQUEST", "UNAUTHORIZED"))},
        "/api/users/refresh": {"post": _op("토큰 갱신 (refresh token 회전)", "users", TOKENS_RESPONSE,
                                           body="RefreshRequest",
                                           errors=("MISSING_FIELD", "INVALID_REQUEST", "UNAUTHORIZED"))},
        "/api/users/logout": {"post": {**_op("로그아웃 (토큰 폐기)", "users", _envelope(None), auth=True,
                                             errors=("INVALID_REQUEST",)),
                                       "requestBody": {"required": False, "content": {
                                           "application/json": {"schema": _ref("LogoutRequest")}}}}},
        "/api/users/me": {"get": _op("내 정보", "users", _envelope(_ref("User")), auth=True)},
        "/api/users/favorites": {
            "get": _op("즐겨찾기 목록", "users", _envelope(_arr(_ref("Favorite")), {"total": I}), auth=True),
            "post": _op("즐겨찾기 추가", "users", _envelope(_ref("Favorite")), status="201", body="FavoriteRequest",
                        auth=True, errors=("MISSING_FIELD", "INVALID_REQUEST", "NOT_FOUND", "ALREADY_EXISTS"))},
        "/api/users/favorites/{favoriteId}": {"delete": _op(
            "즐겨찾기 삭제", "users", _envelope(_obj({"favoriteId": I})), params=[_p("favoriteId")], auth=True,
            errors=("NOT_FOUND",))},
        "/api/companies": {"get": _op(
            "기업 검색 (이름, 6자리 코드, 영문명, 초성; exact > prefix > contains, 동률은 시가총액순)", "companies",
            _envelope(_arr(_ref("Quote")), PAGE),
            params=[_q("keyword", S, "검색어", True, "삼성"), *PAGING], errors=("MISSING_FIELD", "INVALID_REQUEST"))},
        "/api/companies/{companyId}": {"get": _op("기업 기본 정보", "companies", _envelope(_ref("CompanyProfile")),
                                                  params=[_p("companyId")], errors=("NOT_FOUND",))},
        "/api/companies/{companyId}/financials": {"get": _op(
            "기업 재무 지표", "companies", _envelope(_ref("Financials")), params=[_p("companyId")],
            errors=("NOT_FOUND",))},
        "/api/companies/{companyId}/ohlcv": {"get": _op(
            "주가 데이터 (OHLCV)", "companies",
            _envelope(_arr(_ref("Bar")), {"interval": S, "symbol": S, **ASOF, "openBar": {"nullable": True,
                                                                                         **_ref("Bar")},
                                          "truncated": B}),
            params=[_p("companyId"), _q("interval", {"type": "string", "enum": ["1m", "15m", "1h", "1d"]},
                                        "봉 간격 (기본 1d)", example="1d"), *RANGE],
            errors=("INVALID_REQUEST", "NOT_FOUND"))},
        "/api/companies/{companyId}/news": {"get": _op("기업 뉴스", "companies", NEWS,
                                                       params=[_p("companyId"), *PAGING],
                                                       errors=("INVALID_REQUEST", "NOT_FOUND"))},
        "/api/companies/{companyId}/reports": {"get": _op(
            "기업 보고서 (DART)", "companies", _envelope(_arr(_ref("Report")), PAGE),
            params=[_p("companyId"), *PAGING], errors=("INVALID_REQUEST", "NOT_FOUND"))},
        "/api/companies/{companyId}/analysis": {"get": _op(
            "기업 전망 분석 (없으면 404 '아직 전망 분석이 없습니다.')", "companies", _envelope(_ref("Analysis")),
            params=[_p("companyId")], errors=("NOT_FOUND",))},
        "/api/comparisons": {
            "get": _op("비교 목록", "comparisons", _envelope(_arr(_ref("ComparisonSummary")), {"total": I}),
                       auth=True),
            "post": _op("비교 생성", "comparisons",
                        _envelope(_ref("ComparisonSummary"), {"comparisonId": I, "name": S, "createdAt": S,
                                                              "companies": _arr(_ref("ComparisonCompany"))},
                                  {"status": 201, "message": "비교를 생성했습니다.", "comparisonId": 1,
                                   "name": "반도체 기업 비교", "createdAt": "2026-01-11",
                                   "companies": [{"companyId": 1, "companyName": "삼성전자", "symbol": "005930"}],
                                   "data": {"comparisonId": 1, "name": "반도체 기업 비교", "createdAt": "2026-01-11",
                                            "companies": [{"companyId": 1, "companyName": "삼성전자",
                                                           "symbol": "005930"}]}}),
                        status="201", body="ComparisonRequest", auth=True,
                        errors=("MISSING_FIELD", "INVALID_REQUEST", "NOT_FOUND"))},
        "/api/comparisons/{comparisonId}": {
            "get": _op("비교 상세 (기간 시작일 기준 수익률)", "comparisons", _envelope(_ref("ComparisonDetail")),
                       params=[_p("comparisonId"),
                               _q("period", {"type": "string", "enum": ["1m", "3m", "6m", "1y", "3y"]}, "기본 1y"),
                               _q("start", S, "기준 시작일 (period 대신)")],
                       auth=True, errors=("INVALID_REQUEST", "NOT_FOUND")),
            "delete": _op("비교 삭제", "comparisons", _envelope(_obj({"comparisonId": I})),
                          params=[_p("comparisonId")], auth=True, errors=("NOT_FOUND",))},
        "/api/industries": {"get": _op("산업 목록", "industries", _envelope(_arr(_ref("Industry")),
                                                                           {"total": I, **ASOF}))},
        "/api/industries/{industryId}": {"get": _op("산업 정보", "industries", _envelope(_ref("IndustryDetail")),
                                                    params=[_p("industryId")], errors=("NOT_FOUND",))},
        "/api/industries/{industryId}/news": {"get": _op("산업 뉴스", "industries", NEWS,
                                                         params=[_p("industryId"), *PAGING],
                                                         errors=("INVALID_REQUEST", "NOT_FOUND"))},
        "/api/industries/{industryId}/analysis": {"get": _op("산업 전망 분석", "industries",
                                                             _envelope(_ref("Analysis")), params=[_p("industryId")],
                                                             errors=("NOT_FOUND",))},
        "/api/rankings/companies": {"get": _op(
            "기업 시가총액 순위", "rankings", _envelope(_arr(_ref("RankedCompany")), {**PAGE, **ASOF, "market": NS}),
            params=[_q("market", {"type": "string", "enum": ["KOSPI", "KOSDAQ"]}), *PAGING],
            errors=("INVALID_REQUEST",))},
        "/api/rankings/industries": {"get": _op("산업 순위 (시가총액 합계, 등락률)", "rankings",
                                                _envelope(_arr(_ref("IndustryRank")), {"total": I, **ASOF}))},
        "/api/rankings/industries/{industryId}/companies": {"get": _op(
            "산업 내 기업 순위", "rankings",
            _envelope(_arr(_ref("RankedCompany")), {**PAGE, **ASOF, "industryId": I, "industryName": S}),
            params=[_p("industryId"), *PAGING], errors=("INVALID_REQUEST", "NOT_FOUND"))},
        "/api/news/keywords": {"get": _op(
            "뉴스 키워드 (워드 클라우드)", "news", _envelope(_arr(_ref("Keyword")), {"days": I}),
            params=[_q("companyId", I), _q("industryId", I), _q("days", {"type": "integer", "enum": [1, 7, 30]}),
                    _q("limit", I, "1–200")], errors=("INVALID_REQUEST", "NOT_FOUND"))},
        # streaming (api/streaming.py, see api/README.md)
        "/api/stream/stocks": {"get": _op("실시간 체결 SSE (event: tick)", "streaming", S,
                                          content="text/event-stream",
                                          params=[_q("symbols", S, "005930,000660", True), _q("token", S)],
                                          errors=("INVALID_REQUEST", "UNAUTHORIZED"))},
        "/api/asyncapi.json": {"get": _op("WebSocket/SSE 메시지 명세 (AsyncAPI)", "streaming", {"type": "object"})},
        "/ws/stocks": {"get": _op("실시간 체결 WebSocket (Upgrade; 메시지는 /api/asyncapi.json)", "streaming", S,
                                  status="101", params=[_q("token", S)])},
    }
    for index in ("kospi", "kosdaq"):
        paths[f"/api/indices/{index}"] = {"get": _op(
            f"{index.upper()} 지수", "indices",
            _envelope(_arr(_ref("IndexBar")), {"index": S, "interval": S, **ASOF,
                                               "latest": _obj({"close": N, "change": NN, "changePercent": NN,
                                                               "time": I, "date": S})}),
            params=[_q("interval", {"type": "string", "enum": ["1d", "1w", "1mo"]}, "기본 1d"), *RANGE],
            errors=("INVALID_REQUEST",))}
    for path, item in paths.items():
        for method, op in item.items():
            op["operationId"] = method + "".join(
                part.strip("{}").replace(".", "_").replace("-", "_").title() for part in path.split("/") if part)
    return {
        "openapi": "3.0.3",
        "info": {"title": "KRX 주식 정보 플랫폼 API", "version": "1.0.0",
                 "description": "응답 봉투: {status, message, data}; 오류: {status, code, message}. "
                                "시세 데이터는 asOf와 source(krx 스냅샷, kis 실시간, kissim 시뮬레이션)를 함께 보냅니다."},
        "servers": [{"url": "/"}],
        "tags": [{"name": t} for t in ("users", "companies", "comparisons", "industries", "indices", "rankings",
                                       "news", "streaming", "platform")],
        "paths": paths,
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
    }


SPEC = build_spec()

_SWAGGER_PAGE = """<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>KRX API 문서</title>
<link rel="stylesheet" href="/api/docs/static/swagger-ui.css"></head><body><div id="swagger-ui"></div>
<script src="/api/docs/static/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true});</script>
</body></html>"""

_PLAIN_PAGE = """<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>KRX API 문서</title></head>
<body><h1>KRX API</h1><p><a href="/api/openapi.json">openapi.json</a></p><ul id="ops"></ul><script>
fetch('/api/openapi.json').then(r => r.json()).then(spec => { const ul = document.getElementById('ops');
for (const [path, item] of Object.entries(spec.paths)) for (const [m, op] of Object.entries(item)) {
const li = document.createElement('li'); li.textContent = m.toUpperCase() + ' ' + path + ' — ' + op.summary;
ul.appendChild(li); } });</script></body></html>"""


@bp.get("/openapi.json")
async def openapi(request: Request) -> HTTPResponse:
    return json(SPEC)


@bp.get("/docs")
async def docs(request: Request) -> HTTPResponse:
    return html(_SWAGGER_PAGE if _SWAGGER_DIR else _PLAIN_PAGE)


_STATIC = {"swagger-ui.css": "text/css", "swagger-ui-bundle.js": "application/javascript"}


@bp.get("/docs/static/<name:str>")
async def static(request: Request, name: str) -> HTTPResponse:
    if not _SWAGGER_DIR or name not in _STATIC:
        raise ApiError("NOT_FOUND")
    response = await file(Path(_SWAGGER_DIR) / name, mime_type=_STATIC[name])
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
