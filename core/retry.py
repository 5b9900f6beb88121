"""The one back-off of the platform: exponential, capped, with jitter — and `retry` built on it.

Reconnect loops (the KIS session, the stream hub's pub/sub, the PostgreSQL writer, the `make
run` supervisor) keep a `Backoff` and ask it for the next delay, resetting it after a healthy
spell; request-level retries call `retry(...)`. Both share one delay rule so a fix or a tuning
lands everywhere at once. (The libraries we looked at, stamina and tenacity, retry calls that
raise; the reconnect loops end sessions by cause, with a cause-specific wait and a reset after
a long healthy connection, which neither models without more code than this module.)
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class Backoff:
    """Delays `initial · 2^n`, capped at `cap`, each drawn from [½, 1] of that ("equal jitter")."""

    def __init__(self, initial: float, cap: float, *, jitter: bool = True) -> None:
        self.initial, self.cap, self.jitter = initial, cap, jitter
        self.attempt = 0

    def peek(self) -> float:
        return float(min(self.cap, self.initial * 2.0**self.attempt))

    def next(self) -> float:
        base = self.peek()
        self.attempt += 1
        return base * random.uniform(0.5, 1.0) if self.jitter else base

    def reset(self) -> None:
        self.attempt = 0


async def retry(
    call: Callable[[], Awaitable[T]],
    *,
    attempts: int,
    base_delay: float,
    retry_if: Callable[[BaseException], bool],
    what: str,
) -> T:
    """`await call()`, again after a back-off while `retry_if(error)` holds, at most `attempts` times."""
    backoff = Backoff(base_delay, cap=base_delay * 2 ** max(0, attempts - 1), jitter=False)
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except Exception as exc:
            if attempt == attempts or not retry_if(exc):
                raise
            delay = backoff.next()
            log.warning("%s: %s; retry %d/%d in %.1fs", what, exc, attempt, attempts - 1, delay)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")
