"""The success envelope: `{"status": 200, "message": "…", "data": …}`."""

from __future__ import annotations

from typing import Any

from sanic.response import HTTPResponse, json


def ok(data: Any = None, message: str = "요청을 완료했습니다.", status: int = 200, **top_level: Any) -> HTTPResponse:
    """`top_level` fields sit beside `data` (the PRD shows e.g. `userId` at the top level)."""
    return json({"status": status, "message": message, **top_level, "data": data}, status=status)
