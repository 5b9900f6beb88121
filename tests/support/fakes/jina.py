"""Fake Jina Reader (external-apis.md §7): GET /<url> and POST / {"url"}, JSON or text."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import orjson
from aiohttp import web

API_KEY = "jina_fake_key"


@dataclass
class JinaState:
    pages: dict[str, dict] = field(default_factory=dict)  # url → {"title","content","publishedTime"}
    require_key: bool = True
    rate_limit_next: int = 0
    slow_seconds: float = 0.0
    in_flight: int = 0
    max_in_flight: int = 0
    calls: list[str] = field(default_factory=list)


def _error(status: int, name: str, code: int, message: str, **extra) -> web.Response:
    body = {
        "data": None,
        "code": status,
        "name": name,
        "status": code,
        "message": message,
        "readableMessage": f"{name}: {message}",
        **extra,
    }
    return web.Response(status=status, body=orjson.dumps(body), content_type="application/json", charset="utf-8")


def make_app(state: JinaState | None = None) -> web.Application:
    state = state or JinaState()
    app = web.Application()

    async def read(request: web.Request, target: str) -> web.Response:
        state.calls.append(target)
        if state.require_key and request.headers.get("Authorization") != f"Bearer {API_KEY}":
            return _error(401, "AuthenticationRequiredError", 40103, "Invalid API key")
        if state.rate_limit_next > 0:
            state.rate_limit_next -= 1
            return _error(429, "RateLimitTriggeredError", 42903, "Per minute rate limit exceeded", retryAfter=0)
        state.in_flight += 1
        state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            if state.slow_seconds:
                await asyncio.sleep(state.slow_seconds)
        finally:
            state.in_flight -= 1
        if "blocked" in target:
            return _error(451, "SecurityCompromiseError", 45102, f"Domain {target} blocked until 2026-12-01")
        page = state.pages.get(target)
        if page is None:
            return _error(
                422,
                "AssertionFailureError",
                42206,
                f"Failed to goto {target}: TimeoutError: Navigation timeout of 30000 ms exceeded",
            )
        data = {
            "title": page["title"],
            "description": page.get("description", ""),
            "url": target,
            "content": page["content"],
            "publishedTime": page.get("publishedTime"),
            "metadata": {"lang": "ko"},
            "usage": {"tokens": len(page["content"]) // 2},
        }
        if page.get("httpStatus"):
            data.update(httpStatus=page["httpStatus"], warning="Target URL returned error 404: Not Found")
        if "application/json" in request.headers.get("Accept", ""):
            body = {"code": 200, "status": 20000, "data": data, "meta": {"usage": {"tokens": data["usage"]["tokens"]}}}
            return web.Response(body=orjson.dumps(body), content_type="application/json", charset="utf-8")
        text = f"Title: {data['title']}\n\nURL Source: {target}\n\n"
        if data.get("publishedTime"):
            text += f"Published Time: {data['publishedTime']}\n\n"
        return web.Response(
            text=text + "Markdown Content:\n" + data["content"], content_type="text/plain", charset="utf-8"
        )

    async def post(request: web.Request) -> web.Response:
        try:
            target = (await request.json())["url"]
        except Exception:  # noqa: BLE001 - any unreadable body is Jina's 400
            return _error(400, "ParamValidationError", 40001, "url is required")
        return await read(request, target)

    async def get(request: web.Request) -> web.Response:
        target = request.path_qs[1:]
        if not target.startswith(("http://", "https://")):
            return _error(400, "ParamValidationError", 40001, "url is required")
        return await read(request, target)

    app.router.add_post("/", post)
    app.router.add_get("/{tail:.+}", get)
    return app
