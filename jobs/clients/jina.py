"""Jina Reader client (external-apis.md §7): `POST /` with {"url"}, JSON envelope.

401/402 → AuthError (stop the run), 429 → RateLimited (retried after `retryAfter`), 422/451 and
a 200 whose `data.httpStatus` ≥ 400 (the target page failed) → PageUnavailable (skip the page),
5xx/timeouts → retried.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp
import orjson

from core.services import AuthError, MalformedResponse, RateLimited, ServiceError, Unavailable, with_retries


class PageUnavailable(ServiceError):
    """Jina could not read this page (target error, blocked domain, navigation timeout)."""


@dataclass(frozen=True)
class Article:
    url: str
    title: str | None
    content: str
    published: str | None
    tokens: int | None


class JinaClient:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        api_key: str | None,
        *,
        timeout: float = 45.0,
        attempts: int = 3,
        retry_delay: float = 2.0,
    ) -> None:
        self.session = session
        self.url = base_url.rstrip("/") + "/"
        self.headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "X-Return-Format": "markdown",
            "X-Timeout": "30",
        }
        if api_key:
            self.headers["Authorization"] = f"Bearer {api_key}"
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.attempts, self.retry_delay = attempts, retry_delay

    async def _read(self, target: str) -> Article:
        try:
            async with self.session.post(
                self.url, data=orjson.dumps({"url": target}), headers=self.headers, timeout=self.timeout
            ) as resp:
                body, status = await resp.read(), resp.status
        except TimeoutError:
            raise Unavailable("jina", "timeout", f"no answer within {self.timeout.total}s") from None
        except aiohttp.ClientError as exc:
            raise Unavailable("jina", "connection", str(exc)) from None
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            if status >= 500:
                raise Unavailable("jina", str(status), "server error", status) from None
            raise MalformedResponse("jina", "malformed", f"HTTP {status}: not JSON") from None
        if not isinstance(data, dict):
            raise MalformedResponse("jina", "malformed", "not a JSON object")
        if status >= 400:
            code, message = str(data.get("code", status)), str(data.get("readableMessage") or data.get("message", ""))
            if status in (401, 402, 403):
                raise AuthError("jina", code, message, status)
            if status == 429:
                raise RateLimited("jina", code, message, status)
            if status >= 500:
                raise Unavailable("jina", code, message, status)
            raise PageUnavailable("jina", code, message, status)
        page = data.get("data")
        if not isinstance(page, dict) or not isinstance(page.get("content"), str):
            raise MalformedResponse("jina", "malformed", "no data.content")
        if (page.get("httpStatus") or 200) >= 400:
            raise PageUnavailable("jina", str(page["httpStatus"]), page.get("warning") or "target page error")
        usage = page.get("usage") or (data.get("meta") or {}).get("usage") or {}
        return Article(
            page.get("url") or target,
            page.get("title"),
            page["content"],
            page.get("publishedTime"),
            usage.get("tokens"),
        )

    async def read(self, target: str) -> Article:
        return await with_retries(
            lambda: self._read(target), attempts=self.attempts, base_delay=self.retry_delay, what=f"jina {target}"
        )
