"""REST polling of the symbols that got no real-time slot, published as ticks with `source: "poll"`.

Each polled symbol is asked for at most every INGEST_POLL_INTERVAL_SECONDS, round-robin over
the app keys this process holds, each key paced at KIS_REST_RATE_PER_SECOND (kis/rest.py). A
quote that did not change (same price and accumulated volume) publishes nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from core.contract.ticks import poll_tick
from core.services import RateLimited, ServiceError
from core.time import iso_ms, now_us
from ingest.metrics import Metrics
from ingest.publisher import Publisher
from kis.rest import KisRestClient

log = logging.getLogger("ingest")

RATE_LIMITED_PAUSE_S = 1.0
TOKEN_WAIT_PAUSE_S = 5.0  # EGW00133: a new token is allowed once a minute


class Poller:
    def __init__(
        self,
        interval: float,
        metrics: Metrics,
        publisher: Publisher,
        polled: Callable[[], list[str]],
        clients: Callable[[], list[KisRestClient]],
    ) -> None:
        self.interval = interval
        self.metrics = metrics
        self.publisher = publisher
        self.polled = polled  # the symbols to poll now (the allocator's list)
        self.clients = clients  # REST clients of the keys this process holds now
        self._last: dict[str, tuple[int, int]] = {}  # symbol → (price, acc volume) last published
        self._next: dict[str, float] = {}

    async def run(self) -> None:
        turn = 0
        while True:
            clients, polled = self.clients(), self.polled()
            if not polled or not clients:
                await asyncio.sleep(0.5)
                continue
            now = time.monotonic()
            due = [s for s in polled if self._next.get(s, 0.0) <= now]
            if not due:
                await asyncio.sleep(min(0.5, self.interval / 4))
                continue
            for symbol in due:
                if symbol not in self.polled():
                    continue
                client = clients[turn % len(clients)]
                turn += 1
                self._next[symbol] = time.monotonic() + self.interval
                await self._poll(client, symbol)

    async def _poll(self, client: KisRestClient, symbol: str) -> None:
        try:
            await self._publish(symbol, await client.current_price(symbol))
            self.metrics.inc("polls")
        except RateLimited:
            self.metrics.inc("poll_errors")
            await asyncio.sleep(RATE_LIMITED_PAUSE_S)
        except ServiceError as exc:
            self.metrics.inc("poll_errors")
            await asyncio.sleep(TOKEN_WAIT_PAUSE_S if exc.code == "EGW00133" else RATE_LIMITED_PAUSE_S)
        except Exception as exc:  # noqa: BLE001 - a failed poll is retried at the next interval
            self.metrics.inc("poll_errors")
            log.debug("poll %s failed: %s", symbol, exc)
            await asyncio.sleep(RATE_LIMITED_PAUSE_S)

    async def _publish(self, symbol: str, quote: dict[str, Any]) -> None:
        price, acc = int(quote["stck_prpr"]), int(quote.get("acml_vol") or 0)
        previous = self._last.get(symbol)
        if previous == (price, acc):
            return
        self._last[symbol] = (price, acc)
        volume = acc - previous[1] if previous and acc >= previous[1] else 0
        payload = poll_tick(
            symbol,
            price=price,
            volume=volume,
            change=int(quote.get("prdy_vrss") or 0),
            change_percent=float(quote.get("prdy_ctrt") or 0),
            acc_volume=acc,
            open_=int(quote.get("stck_oprc") or price),
            high=int(quote.get("stck_hgpr") or price),
            low=int(quote.get("stck_lwpr") or price),
            stamp=iso_ms(now_us()),
        )
        await self.publisher.publish_one(symbol, payload)
