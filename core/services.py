"""Plumbing shared by the clients of outside services (KIS, DART, Naver, Jina, Gemini): the errors
they raise, by what a caller can do about them, the pacer, and `with_retries`."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from core.retry import retry

log = logging.getLogger(__name__)
T = TypeVar("T")


class ServiceError(Exception):
    """A service answered with an error (code and message as the service gave them)."""

    retryable = False

    def __init__(self, service: str, code: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{service} {code}: {message}")
        self.service, self.code, self.message, self.status = service, code, message, status


class RateLimited(ServiceError):
    """Too many calls in a short interval: retry after a pause."""

    retryable = True


class QuotaExceeded(ServiceError):
    """The daily quota is used up: stop until tomorrow."""


class AuthError(ServiceError):
    """Missing, wrong or expired key."""


class MalformedResponse(ServiceError):
    """The answer could not be understood (not JSON, missing fields, truncated zip…)."""

    retryable = True


class Unavailable(ServiceError):
    """Server error or timeout."""

    retryable = True


class Pacer:
    """At most one call every `interval` seconds (per client)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            if now < self._next:
                await asyncio.sleep(self._next - now)
            self._next = max(now, self._next) + self.interval


async def with_retries(call: Callable[[], Awaitable[T]], *, attempts: int, base_delay: float, what: str) -> T:
    """`call()` again with exponential back-off while it raises a retryable `ServiceError`."""
    return await retry(
        call,
        attempts=attempts,
        base_delay=base_delay,
        retry_if=lambda exc: isinstance(exc, ServiceError) and exc.retryable,
        what=what,
    )
