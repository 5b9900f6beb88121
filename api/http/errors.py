"""API errors: one exception type with a code, mapped once to the JSON error envelope.

Everything a handler or Sanic raises ends here (`install`): an `ApiError` becomes its envelope;
Sanic's own exceptions (routing, sizes, encodings) get their code; a failure to reach PostgreSQL
or Redis (outages.py) is 503 SERVICE_UNAVAILABLE with `Retry-After`, logged once per outage;
anything else is 500 INTERNAL_ERROR, logged with its traceback. No traceback reaches a client.
"""

from __future__ import annotations

import logging
from typing import Any

from sanic import Request, Sanic
from sanic.exceptions import MethodNotAllowed, SanicException
from sanic.response import HTTPResponse, json

from api.http import outages

log = logging.getLogger(__name__)

DEFAULT_MESSAGES = {
    "MISSING_FIELD": "필수 필드가 누락되었습니다.",
    "INVALID_REQUEST": "잘못된 요청 형식입니다.",
    "INVALID_PASSWORD": "비밀번호는 영문, 숫자, 특수문자를 모두 포함한 8–72자(ASCII)여야 합니다.",
    "UNAUTHORIZED": "인증이 필요합니다.",
    "FORBIDDEN": "권한이 없습니다.",
    "NOT_FOUND": "리소스를 찾을 수 없습니다.",
    "METHOD_NOT_ALLOWED": "허용되지 않은 메서드입니다.",
    "URI_TOO_LONG": "요청 URL이 너무 깁니다. (최대 8KB)",
    "UNSUPPORTED_MEDIA_TYPE": "요청 본문은 JSON이어야 합니다. (Content-Type: application/json)",
    "UPGRADE_REQUIRED": "WebSocket 연결이 필요합니다. (Upgrade: websocket)",
    "HEADERS_TOO_LARGE": "요청 헤더가 너무 큽니다. (최대 8KB)",
    "ALREADY_EXISTS": "이미 존재하는 리소스입니다.",
    "TOO_MANY_REQUESTS": "요청 한도를 초과했습니다. 잠시 후 다시 시도해 주세요.",
    "STREAM_UNAVAILABLE": "실시간 스트림을 사용할 수 없습니다.",
    "SERVICE_UNAVAILABLE": "일시적으로 서비스를 사용할 수 없습니다. 잠시 후 다시 시도해 주세요.",
    "INTERNAL_ERROR": "서버 내부 오류가 발생했습니다.",
}
STATUS = {
    "MISSING_FIELD": 400,
    "INVALID_REQUEST": 400,
    "INVALID_PASSWORD": 400,
    "UNAUTHORIZED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "ALREADY_EXISTS": 409,
    "URI_TOO_LONG": 414,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "UPGRADE_REQUIRED": 426,
    "TOO_MANY_REQUESTS": 429,
    "HEADERS_TOO_LARGE": 431,
    "INTERNAL_ERROR": 500,
    "STREAM_UNAVAILABLE": 503,
    "SERVICE_UNAVAILABLE": 503,
}


class ApiError(Exception):
    """Raise anywhere in a handler; becomes `{"status", "code", "message", ...extra}`."""

    def __init__(
        self, code: str, message: str | None = None, *, headers: dict[str, str] | None = None, **extra: object
    ) -> None:
        super().__init__(code)
        self.code = code
        self.status = STATUS[code]
        self.message = message or DEFAULT_MESSAGES[code]
        self.headers = headers or {}
        self.extra = extra


def error_response(error: ApiError) -> HTTPResponse:
    body = {"status": error.status, "code": error.code, "message": error.message, **error.extra}
    return json(body, status=error.status, headers=error.headers)


# Sanic's own exceptions (routing, bad encoding) by status.
_SANIC_STATUS_CODES = {
    400: "INVALID_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    503: "SERVICE_UNAVAILABLE",
}
MAX_REQUEST_LINE = 8 * 1024


def unavailable() -> ApiError:
    """503 SERVICE_UNAVAILABLE with `Retry-After` (a dependency is away)."""
    seconds = outages.RETRY_AFTER_S
    return ApiError("SERVICE_UNAVAILABLE", headers={"Retry-After": str(seconds)}, retryAfter=seconds)


def _oversized_head(request: Request) -> ApiError:
    """The request head passed Sanic's 8 KB limit: a long URL (414) or large headers (431).

    Sanic answers with a stand-in request; the bytes received are still in the protocol's buffer."""
    buffer: Any = getattr(getattr(request.transport, "get_protocol", lambda: None)(), "recv_buffer", None)
    if buffer is not None:
        line_end = bytes(buffer[: MAX_REQUEST_LINE + 2]).find(b"\r\n")
        if line_end == -1 or line_end > MAX_REQUEST_LINE:
            return ApiError("URI_TOO_LONG")
    return ApiError("HEADERS_TOO_LARGE")


def install(app: Sanic) -> None:
    probes = {
        "redis": lambda: app.ctx.redis.ping(),
        "database": lambda: app.ctx.db.fetchval("SELECT 1"),
    }

    @app.exception(ApiError)
    async def on_api_error(request: Request, exc: ApiError) -> HTTPResponse:
        return error_response(exc)

    @app.exception(Exception)
    async def on_unexpected(request: Request, exc: Exception) -> HTTPResponse:
        if isinstance(exc, SanicException) and exc.status_code == 413:
            if "header" in str(exc).lower():
                return error_response(_oversized_head(request))
            return error_response(ApiError("INVALID_REQUEST", "요청 본문이 너무 큽니다. (최대 64KB)"))
        if isinstance(exc, MethodNotAllowed):
            allowed = sorted(exc.allowed_methods or ())
            return error_response(ApiError("METHOD_NOT_ALLOWED", headers={"Allow": ", ".join(allowed)}))
        if isinstance(exc, SanicException) and exc.status_code in _SANIC_STATUS_CODES:
            return error_response(ApiError(_SANIC_STATUS_CODES[exc.status_code]))
        dependency = outages.dependency_of(exc)
        if dependency is not None:
            outages.report_down(dependency, exc, probes[dependency])
            return error_response(unavailable())
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(ApiError("INTERNAL_ERROR"))
