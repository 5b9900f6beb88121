"""Request validation at the boundary: JSON bodies, typed fields, query parameters, paging.

Every helper raises `ApiError` (MISSING_FIELD names the field; anything malformed is
INVALID_REQUEST), so handlers only ever see clean values.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
from sanic import Request

from api.errors import ApiError

KST = dt.timezone(dt.timedelta(hours=9))
MAX_PAGE_SIZE = 100


def json_body(request: Request) -> dict[str, Any]:
    """The body as a JSON object; bad JSON, non-UTF-8 or a non-object → 400 INVALID_REQUEST."""
    raw = request.body
    if not raw:
        raise ApiError("INVALID_REQUEST", "요청 본문이 비어 있습니다.")
    try:
        value = orjson.loads(raw)  # orjson rejects invalid UTF-8
    except orjson.JSONDecodeError:
        raise ApiError("INVALID_REQUEST", "요청 본문이 올바른 JSON이 아닙니다.") from None
    if not isinstance(value, dict):
        raise ApiError("INVALID_REQUEST", "요청 본문은 JSON 객체여야 합니다.")
    return value


def required_str(body: dict[str, Any], field: str, *, max_length: int = 200) -> str:
    value = body.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ApiError("MISSING_FIELD", f"필수 필드가 누락되었습니다: {field}", field=field)
    if not isinstance(value, str):
        raise ApiError("INVALID_REQUEST", f"{field} 필드는 문자열이어야 합니다.", field=field)
    if len(value) > max_length:
        raise ApiError("INVALID_REQUEST", f"{field} 필드가 너무 깁니다. (최대 {max_length}자)", field=field)
    if "\x00" in value:
        raise ApiError("INVALID_REQUEST", f"{field} 필드에 허용되지 않는 문자가 있습니다.", field=field)
    return value


def required_int(body: dict[str, Any], field: str) -> int:
    value = body.get(field)
    if value is None:
        raise ApiError("MISSING_FIELD", f"필수 필드가 누락되었습니다: {field}", field=field)
    return as_id(value, field)


def as_id(value: Any, field: str) -> int:
    """A positive 32-bit id; booleans and floats are refused."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise ApiError("INVALID_REQUEST", f"{field} 필드는 양의 정수여야 합니다.", field=field)
    return value


def query_str(request: Request, name: str, default: str | None = None) -> str | None:
    value = request.args.get(name)
    return default if value is None or value == "" else value


def query_int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError("INVALID_REQUEST", f"{name} 파라미터는 정수여야 합니다.", field=name) from None
    if not low <= value <= high:
        raise ApiError("INVALID_REQUEST", f"{name} 파라미터는 {low}~{high} 사이여야 합니다.", field=name)
    return value


def query_choice(request: Request, name: str, options: tuple[str, ...], default: str | None) -> str | None:
    value = query_str(request, name, default)
    if value is not None and value not in options:
        raise ApiError("INVALID_REQUEST", f"{name} 파라미터는 {', '.join(options)} 중 하나여야 합니다.", field=name)
    return value


def paging(request: Request, default_size: int = 20) -> tuple[int, int]:
    return (query_int(request, "page", 1, 1, 100_000),
            query_int(request, "size", default_size, 1, MAX_PAGE_SIZE))


def path_id(value: str | int, what: str = "리소스") -> int:
    """Path ids are routed as ints; anything out of range is simply unknown (404)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ApiError("NOT_FOUND", f"{what}를 찾을 수 없습니다.") from None
    if not 0 < number < 2**31:
        raise ApiError("NOT_FOUND", f"{what}를 찾을 수 없습니다.")
    return number


def parse_time(raw: str, name: str) -> dt.datetime:
    """ISO 8601 date (KST midnight), ISO datetime (KST when naive), or epoch seconds."""
    text = raw.strip()
    try:
        if text.lstrip("-").isdigit():
            return dt.datetime.fromtimestamp(int(text), tz=dt.timezone.utc)
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime(day.year, day.month, day.day, tzinfo=KST)
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        raise ApiError("INVALID_REQUEST", f"{name} 파라미터는 ISO 8601 날짜/시각 또는 epoch 초여야 합니다.",
                       field=name) from None
    return value if value.tzinfo else value.replace(tzinfo=KST)


def query_time(request: Request, name: str) -> dt.datetime | None:
    raw = request.args.get(name)
    return None if raw is None or raw == "" else parse_time(raw, name)


def iso_date(value: dt.datetime | dt.date | None) -> str | None:
    """The KST calendar date of a timestamp (bars are stamped 00:00 KST)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(KST).date().isoformat()
    return value.isoformat()
