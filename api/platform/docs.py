"""OpenAPI 3.1 document (GET /api/openapi.json), built from the declared operations, and Swagger UI
(GET /api/docs) served from the `swagger-ui-bundle` package (no CDN).

Every path, parameter, body and response schema comes from `api.http.operations.OPERATIONS`
and the pydantic models / TypedDicts they name, so the document states what the server
validates; tests/api/test_platform.py checks that every route the app serves is documented.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, file, html, json, raw

from api.http.errors import STATUS, ApiError
from api.http.operations import MAX_ID, OPERATIONS, Envelope, Operation, Raw, camel, operation

bp = Blueprint("docs", url_prefix="/api")

try:  # the swagger-ui static files, vendored in a pip package
    import swagger_ui_bundle

    SWAGGER_DIR: str | None = swagger_ui_bundle.swagger_ui_path
except ImportError:  # pragma: no cover - the plain page below lists the operations instead
    SWAGGER_DIR = None

REF = "#/components/schemas/{model}"
TAGS = (
    "users",
    "companies",
    "comparisons",
    "industries",
    "indices",
    "market",
    "rankings",
    "news",
    "streaming",
    "platform",
)
ERROR_SCHEMA = {
    "type": "object",
    "required": ["status", "code", "message"],
    "properties": {
        "status": {"type": "integer"},
        "code": {"type": "string", "enum": sorted(STATUS)},
        "message": {"type": "string"},
        "field": {"type": "string"},
        "retryAfter": {"type": "integer"},
    },
    "example": {
        "status": 400,
        "code": "MISSING_FIELD",
        "message": "필수 필드가 누락되었습니다: email",
        "field": "email",
    },
}


class _Schemas:
    """JSON schemas of the declared types; named ones collected as components."""

    def __init__(self) -> None:
        self.components: dict[str, Any] = {"Error": ERROR_SCHEMA}

    def of(self, annotation: Any) -> dict[str, Any]:
        schema = TypeAdapter(annotation).json_schema(ref_template=REF, mode="serialization")
        self.components.update(schema.pop("$defs", {}))
        return schema

    def model(self, model: Any) -> dict[str, Any]:
        schema = model.model_json_schema(ref_template=REF, mode="validation")
        self.components.update(schema.pop("$defs", {}))
        name = model.__name__
        self.components[name] = schema
        return {"$ref": REF.format(model=name)}


def _parameters(op: Operation, schemas: _Schemas) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = []
    for name, kind in op.path_params:
        schema: dict[str, Any] = {"type": "string"}
        if kind == "int":
            schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        params.append({"name": camel(name), "in": "path", "required": True, "schema": schema})
    if op.query is not None:
        model_schema = op.query.model_json_schema(ref_template=REF, mode="validation")
        schemas.components.update(model_schema.pop("$defs", {}))
        required = set(model_schema.get("required", ()))
        for name, prop in model_schema["properties"].items():
            prop = dict(prop)
            prop.pop("title", None)
            param = {"name": name, "in": "query", "required": name in required, "schema": prop}
            if "description" in prop:
                param["description"] = prop.pop("description")
            params.append(param)
    return params


def _response_schema(response: Envelope, schemas: _Schemas) -> dict[str, Any]:
    props: dict[str, Any] = {"status": {"type": "integer"}, "message": {"type": "string"}}
    props.update({name: schemas.of(kind) for name, kind in response.extra.items()})
    props["data"] = schemas.of(response.data) if response.data is not None else {"type": "null"}
    schema: dict[str, Any] = {"type": "object", "required": ["status", "message", "data"], "properties": props}
    if response.example is not None:
        schema["example"] = response.example
    return schema


def _errors(op: Operation) -> dict[str, Any]:
    """The error responses an operation can give: its declared codes, plus what the plumbing adds —
    401 with auth, 400 for a query (not UTF-8), 415 for a body, 414 for a URL over 8 KB, 429 (rate
    limits) and 503 while PostgreSQL or Redis is away (both with Retry-After)."""
    codes = list(op.errors)
    extra = [
        *(["UNAUTHORIZED"] if op.auth else []),
        *(["INVALID_REQUEST"] if op.query is not None else []),
        *(["UNSUPPORTED_MEDIA_TYPE"] if op.body is not None else []),
        "URI_TOO_LONG",
        "TOO_MANY_REQUESTS",
        *([] if 503 in op.same_shape_statuses else ["SERVICE_UNAVAILABLE"]),
    ]
    codes += [code for code in extra if code not in codes]
    out: dict[str, Any] = {}
    for code in codes:
        status = str(STATUS[code])
        entry = out.setdefault(
            status,
            {"description": "", "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}}},
        )
        entry["description"] = f"{entry['description']}, {code}" if entry["description"] else code
    for status, meaning in (("429", "다음 창까지 남은 초"), ("503", "다시 시도해 볼 때까지의 초")):
        if status in out:
            out[status]["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": meaning}}
    return out


def _operation(op: Operation, schemas: _Schemas) -> dict[str, Any]:
    out: dict[str, Any] = {"summary": op.summary, "tags": [op.tag], "operationId": f"{op.tag}_{op.name}"}
    params = _parameters(op, schemas)
    if params:
        out["parameters"] = params
    if op.body is not None:
        out["requestBody"] = {
            "required": op.body_required,
            "content": {"application/json": {"schema": schemas.model(op.body)}},
        }
    if op.auth:
        out["security"] = [{"bearerAuth": []}]
    if isinstance(op.response, Raw):
        content = {op.response.content_type: {"schema": dict(op.response.schema)}}
    else:
        content = {"application/json": {"schema": _response_schema(op.response, schemas)}}
    responses = {str(op.status): {"description": op.summary, "content": content}}
    for status in op.same_shape_statuses:
        responses[str(status)] = {"description": op.summary, "content": content}
    out["responses"] = {**responses, **_errors(op)}
    return out


@cache
def build_spec() -> dict[str, Any]:
    schemas = _Schemas()
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.openapi_path, {})[op.method.lower()] = _operation(op, schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "KRX 주식 정보 플랫폼 API",
            "version": "1.0.0",
            "description": "응답 봉투: {status, message, data}; 오류: {status, code, message}. 시세 데이터는 "
            "asOf와 source(krx 스냅샷, kis 실시간, kissim 시뮬레이션)를 함께 보냅니다.",
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": t} for t in TAGS],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.components.items())),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


# No inline script: the Content-Security-Policy (api/http/headers.py) allows only our own files.
_SWAGGER_PAGE = """<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>KRX API 문서</title>
<link rel="stylesheet" href="/api/docs/static/swagger-ui.css"></head><body><div id="swagger-ui"></div>
<script src="/api/docs/static/swagger-ui-bundle.js"></script>
<script src="/api/docs/static/swagger-init.js"></script>
</body></html>"""
_SWAGGER_INIT = b"""window.ui = SwaggerUIBundle({url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true});
"""

_PLAIN_PAGE = """<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>KRX API 문서</title></head>
<body><h1>KRX API</h1><p><a href="/api/openapi.json">openapi.json</a></p></body></html>"""
_STATIC = {"swagger-ui.css": "text/css", "swagger-ui-bundle.js": "application/javascript"}


@operation(
    bp,
    "GET",
    "/openapi.json",
    tag="platform",
    summary="이 OpenAPI 문서",
    response=Raw("application/json", {"type": "object"}),
)
async def openapi(request: Request) -> HTTPResponse:
    return json(build_spec())


@operation(bp, "GET", "/docs", tag="platform", summary="Swagger UI", response=Raw("text/html"))
async def docs(request: Request) -> HTTPResponse:
    return html(_SWAGGER_PAGE if SWAGGER_DIR else _PLAIN_PAGE)


@operation(
    bp,
    "GET",
    "/docs/static/<name:str>",
    tag="platform",
    summary="Swagger UI 정적 파일",
    response=Raw("text/plain"),
    errors=("NOT_FOUND",),
)
async def static(request: Request, name: str) -> HTTPResponse:
    if name == "swagger-init.js" and SWAGGER_DIR:
        return raw(_SWAGGER_INIT, content_type="application/javascript", headers={"Cache-Control": "no-cache"})
    if not SWAGGER_DIR or name not in _STATIC:
        raise ApiError("NOT_FOUND")
    response = await file(Path(SWAGGER_DIR) / name, mime_type=_STATIC[name])
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
