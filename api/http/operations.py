"""Operations: each route declared once — path, query, body and response shapes, error codes —
and from that one declaration both the request validation and the OpenAPI document.

    @operation(bp, "GET", "/companies/<company_id:int>/news", tag="companies", summary="기업 뉴스",
               query=Paging, response=Envelope(list[NewsItem], PAGE), errors=("NOT_FOUND",))
    async def company_news(request: Request, company_id: int, query: Paging) -> HTTPResponse: ...

Query parameters and JSON bodies are pydantic models (`api/<domain>/shapes.py`); response data
are `TypedDict`s, so the dicts a handler builds are type-checked against the same declaration
the document shows. Validation happens before the handler runs: a missing or blank required
field is 400 MISSING_FIELD naming it, anything malformed 400 INVALID_REQUEST naming the field,
a query string that is not UTF-8 400 INVALID_REQUEST, a body that is not declared
`application/json` 415 UNSUPPORTED_MEDIA_TYPE, an integer path id outside 1…2³¹−1 404 NOT_FOUND.
A GET route answers HEAD too. `api/platform/docs.py` turns
`OPERATIONS` into `/api/openapi.json`; a test checks every route the app serves is declared.

Measured (bench/RESULTS.md, api): pydantic's validation of a query costs ~2 µs of the ~0.3 ms
a cached request takes on the server.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from functools import wraps
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Strict,
    ValidationError,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema
from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from api.http.auth import require_user
from api.http.errors import STATUS, ApiError

MAX_ID = 2**31 - 1
_PATH_PARAM = re.compile(r"<(\w+)(?::(\w+))?>")

Handler = Callable[..., Awaitable[HTTPResponse | None]]  # None: a streamed response
H = TypeVar("H", bound=Handler)


# ------------------------------------------------------------------------------ field types


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "blank")
    if "\x00" in value:
        raise PydanticCustomError("nul", "NUL character")
    return value


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("nul", "NUL character")
    return value


NOT_BLANK_PATTERN = r"^[^\x00]*[^\s\x00][^\x00]*$"
r"""The same rule for the document: a non-space character, no NUL (`\s` as Python reads it, which is
what `str.strip` strips)."""
NO_NUL_PATTERN = r"^[^\x00]*$"


class _Checked:
    """A validator that also states its rule in the JSON schema as a `pattern` (unless the field
    declares a stricter one), so the OpenAPI document says what the server enforces."""

    def __init__(self, check: Callable[[str], str], pattern: str) -> None:
        self.check, self.pattern = check, pattern

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        out = handler(schema)
        out.setdefault("pattern", self.pattern)
        return out


NotBlank = _Checked(_not_blank, NOT_BLANK_PATTERN)
"""A required string: present, not blank (a blank one is MISSING_FIELD), no NUL."""
NoNul = _Checked(_no_nul, NO_NUL_PATTERN)
IntText = BeforeValidator(lambda v: int(v) if isinstance(v, str) and v.isdigit() else v)
"""Lets an integer `Literal` accept its decimal text (query strings are text)."""


def _integral_float(value: Any) -> Any:
    """JSON's 5.0 is the integer 5 (as JSON Schema's `integer` says); 5.5 stays a float and is refused."""
    return int(value) if isinstance(value, float) and value.is_integer() and abs(value) <= 2**53 else value


Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID), BeforeValidator(_integral_float)]
"""A positive 32-bit id in a JSON body (booleans, strings and fractions refused)."""
QueryId = Annotated[int, Field(ge=1, le=MAX_ID)]
"""The same in a query string (a decimal string)."""


class Query(BaseModel):
    """Base of query-parameter models: unknown parameters are ignored, values parsed from text."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Body(BaseModel):
    """Base of JSON body models: unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Paging(Query):
    page: Annotated[int, Field(ge=1, le=100_000, description="1부터", examples=[1])] = 1
    size: Annotated[int, Field(ge=1, le=100, description="1–100", examples=[20])] = 20


# -------------------------------------------------------------------------------- responses


@dataclass(frozen=True)
class Envelope:
    """`{"status", "message", ...extra, "data": data}`; `data` None means `data: null`."""

    data: Any = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    example: Any = None


@dataclass(frozen=True)
class Raw:
    """A response that is not the JSON envelope (HTML, text, an event stream, a document)."""

    content_type: str
    schema: Mapping[str, Any] = field(default_factory=lambda: {"type": "string"})


PAGE: dict[str, Any] = {"page": int, "size": int, "total": int}
AS_OF: dict[str, Any] = {"asOf": str | None, "source": str | None}
# A list of companies priced on one market day (api/quotes.py): `excluded` counts the companies
# without a price that day (left out of rankings and totals, shown without figures elsewhere).
MARKET_AS_OF: dict[str, Any] = {**AS_OF, "excluded": int}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # Sanic form: /api/companies/<company_id:int>
    summary: str
    tag: str
    query: type[Query] | None
    body: type[Body] | None
    body_required: bool
    response: Envelope | Raw
    status: int
    errors: tuple[str, ...]
    auth: bool
    name: str
    same_shape_statuses: tuple[int, ...] = ()  # e.g. health's 503 carries the same body as its 200

    @property
    def openapi_path(self) -> str:
        return _PATH_PARAM.sub(lambda m: "{" + camel(m.group(1)) + "}", self.path)

    @property
    def path_params(self) -> list[tuple[str, str]]:
        return [(m.group(1), m.group(2) or "str") for m in _PATH_PARAM.finditer(self.path)]


OPERATIONS: list[Operation] = []


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def operation(
    bp: Blueprint,
    method: str,
    path: str,
    *,
    summary: str,
    tag: str,
    query: type[Query] | None = None,
    body: type[Body] | None = None,
    body_required: bool = True,
    response: Envelope | Raw | None = None,
    status: int = 200,
    errors: tuple[str, ...] = (),
    auth: bool = False,
    name: str | None = None,
    same_shape_statuses: tuple[int, ...] = (),
) -> Callable[[H], H]:
    """Declare and mount a route; the handler gets `user=` (auth), `query=` and `body=` already checked."""
    for code in errors:
        if code not in STATUS:
            raise ValueError(f"unknown error code {code}")
    prefix = bp.url_prefix or ""

    def decorate(handler: H) -> H:
        op = Operation(
            method,
            prefix + path,
            summary,
            tag,
            query,
            body,
            body_required,
            response or Envelope(),
            status,
            errors,
            auth,
            name or handler.__name__,
            same_shape_statuses,
        )
        OPERATIONS.append(op)
        int_params = [p for p, kind in op.path_params if kind == "int"]

        @wraps(handler)
        async def route(request: Request, **params: Any) -> HTTPResponse | None:
            for param in int_params:
                if not 0 < params[param] <= MAX_ID:
                    raise ApiError("NOT_FOUND")
            if auth:
                params["user"] = await require_user(request)  # 401 comes before any 400
            if query is not None:
                params["query"] = parse_query(request, query)
            if body is not None:
                params["body"] = parse_body(request, body, required=body_required)
            return await handler(request, **params)

        bp.add_route(route, path, methods=[method, "HEAD"] if method == "GET" else [method], name=op.name)
        return handler

    return decorate


def declare(op: Operation) -> None:
    """Document a route mounted another way (the WebSocket upgrade)."""
    OPERATIONS.append(op)


# ------------------------------------------------------------------------------ validation

_REASONS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "int_parsing": lambda c: "정수여야 합니다",
    "int_type": lambda c: "정수여야 합니다",
    "float_parsing": lambda c: "숫자여야 합니다",
    "bool_parsing": lambda c: "true 또는 false여야 합니다",
    "greater_than_equal": lambda c: f"{c['ge']} 이상이어야 합니다",
    "less_than_equal": lambda c: f"{c['le']} 이하여야 합니다",
    "greater_than": lambda c: f"{c['gt']}보다 커야 합니다",
    "less_than": lambda c: f"{c['lt']}보다 작아야 합니다",
    "string_too_long": lambda c: f"최대 {c['max_length']}자입니다",
    "string_too_short": lambda c: f"최소 {c['min_length']}자입니다",
    "string_type": lambda c: "문자열이어야 합니다",
    "string_pattern_mismatch": lambda c: "형식이 올바르지 않습니다",
    "literal_error": lambda c: f"{c['expected']} 중 하나여야 합니다",
    "enum": lambda c: f"{c['expected']} 중 하나여야 합니다",
    "list_type": lambda c: "목록이어야 합니다",
    "too_short": lambda c: f"최소 {c['min_length']}개여야 합니다",
    "too_long": lambda c: f"최대 {c['max_length']}개여야 합니다",
    "nul": lambda c: "허용되지 않는 문자가 있습니다",
    "instant": lambda c: "ISO 8601 날짜/시각 또는 epoch 초여야 합니다",
    "date_from_datetime_parsing": lambda c: "날짜 형식이 올바르지 않습니다",
    "day": lambda c: "YYYY-MM-DD 날짜여야 합니다",
}


def validation_error(exc: ValidationError, where: str) -> ApiError:
    """The first error as the API's error envelope: MISSING_FIELD or INVALID_REQUEST with `field`."""
    error = exc.errors(include_url=False)[0]
    kind, loc = error["type"], error["loc"]
    if kind in ("json_invalid", "json_type"):
        return ApiError("INVALID_REQUEST", "요청 본문이 올바른 JSON이 아닙니다.")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return ApiError("INVALID_REQUEST", "요청 본문은 JSON 객체여야 합니다.")
    name = str(loc[0]) if loc else where
    if kind in ("missing", "blank"):
        return ApiError("MISSING_FIELD", f"필수 필드가 누락되었습니다: {name}", field=name)
    reason = _REASONS.get(kind, lambda c: "올바르지 않습니다")(error.get("ctx") or {})
    return ApiError("INVALID_REQUEST", f"{name} {where}: {reason}.", field=name)


Q = TypeVar("Q", bound=Query)
B = TypeVar("B", bound=Body)


def _check_utf8(query_string: str) -> None:
    """400 unless every name and value of the query string is UTF-8 once percent-decoded
    (parsing would silently replace the bad bytes and go on with a different value)."""
    try:
        query_string.encode("utf-8")  # raw non-ASCII bytes arrive as surrogate escapes
        if "%" in query_string:
            for part in query_string.replace("+", " ").split("&"):
                for piece in part.split("=", 1):
                    urllib.parse.unquote_to_bytes(piece).decode("utf-8")
    except UnicodeError:
        raise ApiError("INVALID_REQUEST", "쿼리 문자열이 올바른 UTF-8이 아닙니다.") from None


def parse_query(request: Request, model: type[Q]) -> Q:
    _check_utf8(request.query_string)
    args = request.get_args(keep_blank_values=True)  # an empty value is a value: `?start=` is 400
    values = {key: args.get(key) for key in args}
    try:
        return model.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        raise validation_error(exc, "파라미터") from None


def is_json(content_type: str) -> bool:
    """`application/json`, with or without parameters such as `charset=utf-8`."""
    return content_type.split(";", 1)[0].strip().lower() == "application/json"


def parse_body(request: Request, model: type[B], *, required: bool = True) -> B | None:
    raw = request.body
    if not raw:
        if not required:
            return None
        raise ApiError("INVALID_REQUEST", "요청 본문이 비어 있습니다.")
    # A browser sends text/plain, form and multipart bodies cross-site without asking first (no
    # CORS preflight); refusing them keeps other sites from posting on a user's behalf.
    if not is_json(request.headers.get("content-type", "")):
        raise ApiError("UNSUPPORTED_MEDIA_TYPE")
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise validation_error(exc, "필드") from None
