"""Fake Gemini Developer API: `POST /{v1,v1beta}/models/{model}:generateContent` (external-apis.md §6)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import orjson
from aiohttp import web

API_KEY = "fake-gemini-key"
VALID = {
    "growth_score": 72,
    "outlook": "다소 긍정적",
    "summary": "메모리 가격 반등과 HBM 수주로 실적 개선이 예상됩니다. 다만 업황 변동성은 남아 있습니다.",
    "drivers": ["FY2024 매출 300조원, 전년 대비 +16.2%", "영업이익률 10.9%로 업종 중앙값 상회", "HBM 수주 확대 뉴스"],
    "risks": ["메모리 가격 변동성", "3개월 주가 +25%로 기대 선반영", "환율 변동"],
}


@dataclass
class GeminiState:
    mode: str = "valid"  # valid | invalid_json | max_tokens | quota | unavailable | slow | few_items
    fail_next: int = 0  # with quota/unavailable: how many calls fail before valid answers (0 = all)
    slow_seconds: float = 3.0
    requests: list[dict] = field(default_factory=list)


def _error(status: int, code: str, message: str) -> web.Response:
    return web.Response(
        status=status,
        body=orjson.dumps({"error": {"code": status, "message": message, "status": code}}),
        content_type="application/json",
        charset="UTF-8",
    )


def _answer(text: str, finish: str = "STOP") -> web.Response:
    body = {
        "candidates": [{"content": {"parts": [{"text": text}], "role": "model"}, "finishReason": finish, "index": 0}],
        "usageMetadata": {"promptTokenCount": 812, "candidatesTokenCount": 240, "totalTokenCount": 1052},
        "modelVersion": "gemini-2.5-flash",
        "responseId": "fake-response-1",
    }
    return web.Response(body=orjson.dumps(body), content_type="application/json", charset="UTF-8")


def make_app(state: GeminiState | None = None) -> web.Application:
    state = state or GeminiState()
    app = web.Application()

    async def generate(request: web.Request) -> web.Response:
        version, target = request.match_info["version"], request.match_info["target"]
        if version not in ("v1", "v1beta") or not target.endswith(":generateContent"):
            return _error(404, "NOT_FOUND", f"unknown method {request.path}")
        body = await request.json()
        state.requests.append({"path": request.path, "headers": dict(request.headers), "body": body})
        if request.headers.get("x-goog-api-key") != API_KEY:
            return _error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.")
        if not body.get("contents"):
            return _error(400, "INVALID_ARGUMENT", "contents is not specified")
        mode = state.mode
        if mode in ("quota", "unavailable") and state.fail_next:
            state.fail_next -= 1
            if state.fail_next == 0:
                state.mode = "valid"
        if mode == "quota":
            return _error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).")
        if mode == "unavailable":
            return _error(503, "UNAVAILABLE", "The model is overloaded. Please try again later.")
        if mode == "slow":
            await asyncio.sleep(state.slow_seconds)
        text = orjson.dumps(VALID).decode()
        if mode == "invalid_json":
            return _answer("전망: 긍정적 {growth_score: 72,")
        if mode == "max_tokens":
            return _answer(text[: len(text) // 2], "MAX_TOKENS")
        if mode == "few_items":
            return _answer(orjson.dumps({**VALID, "drivers": ["하나"]}).decode())
        return _answer(text)

    app.router.add_post("/{version}/models/{target}", generate)
    return app
