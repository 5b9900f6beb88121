"""Shared client plumbing: errors, retry with exponential back-off, pacing."""
from __future__ import annotations

import asyncio
import logging
import time

log = logging.getLogger(__name__)


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


async def with_retries(call, *, attempts: int, base_delay: float, what: str):
    """Run `call()` (a coroutine factory); retry retryable errors with exponential back-off."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except ServiceError as exc:
            if not exc.retryable or attempt == attempts:
                raise
            delay = base_delay * 2 ** (attempt - 1)
            log.warning("%s: %s; retry %d/%d in %.1fs", what, exc, attempt, attempts - 1, delay)
            await asyncio.sleep(delay)
