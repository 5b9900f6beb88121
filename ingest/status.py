"""The ingest heartbeat `ingest:status` (core/contract/status.py), read by the api's health.

Only the process that holds the KIS keys reports; a standby process (another ingest waiting
for the keys) stays silent so it never overwrites the holder's view.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import orjson

from core.contract import keys
from core.settings import Settings
from ingest.allocator import Allocator
from ingest.gaps import GapRepair
from ingest.metrics import Metrics
from ingest.publisher import Publisher
from ingest.session import KeySession
from ingest.writer import PgWriter


class StatusReporter:
    def __init__(
        self,
        settings: Settings,
        redis: Any,
        instance_id: str,
        metrics: Metrics,
        sessions: list[KeySession],
        allocator: Allocator,
        publisher: Publisher,
        writer: PgWriter,
        gaps: GapRepair | None = None,
    ) -> None:
        self.settings = settings
        self.redis = redis
        self.instance_id = instance_id
        self.metrics = metrics
        self.sessions = sessions
        self.allocator = allocator
        self.publisher = publisher
        self.writer = writer
        self.gaps = gaps
        self.redis_ok = True
        self.engine_name = "tickcore"

    def mode(self) -> str:
        if not any(s.holds_lock for s in self.sessions):
            return "standby"
        if any(s.state == "connected" for s in self.sessions):
            return "stream"
        return "poll" if self.allocator.polled else "disconnected"

    def fields(self) -> dict[str, str]:
        connected = any(s.state == "connected" for s in self.sessions)
        source = self.settings.ingest.source
        snap: dict[str, Any] = self.metrics.snapshot()
        snap["rates"] = {
            "framesPerSecond": round(self.metrics.rate("frames"), 1),
            "ticksPerSecond": round(self.metrics.rate("published"), 1),
        }
        detail = {
            "engine": self.engine_name,
            "instance": self.instance_id,
            "kissimMode": self.settings.kissim.mode if source == "kissim" else None,
            "redis": self.publisher.available and self.redis_ok,
            "database": self.writer.available,
            "bufferRows": self.writer.pending_rows,
            "keys": [
                {
                    "key": s.id,
                    "state": s.state,
                    "detail": s.detail,
                    "slots": len(s.desired),
                    "registered": len(s.streaming()),
                    "bookSlots": len(s.desired_books),
                    "refused": sorted(f"{tr}:{symbol}" for tr, symbol in s.refused),
                    "reconnects": s.reconnects,
                }
                for s in self.sessions
            ],
            "polled": len(self.allocator.polled),
            "gap": self.gaps.summary() if self.gaps else None,
            "metrics": snap,
        }
        fields = {
            "updatedAt": str(int(time.time() * 1000)),
            "source": source,
            "mode": self.mode(),
            "connected": "1" if connected else "0",
            "detail": orjson.dumps(detail).decode(),
        }
        if self.publisher.last_tick_ms:
            fields["lastTickAt"] = str(self.publisher.last_tick_ms)
        return fields

    async def run(self) -> None:
        interval = self.settings.ingest.status_interval_seconds
        while True:
            if self.sessions and not any(s.holds_lock for s in self.sessions):
                await asyncio.sleep(interval)  # standby: the process holding the keys reports
                continue
            try:
                await self.redis.hset(keys.INGEST_STATUS, mapping=self.fields())
                if not self.redis_ok:
                    self.redis_ok = True
                    self.allocator.forget_published_modes()  # Redis may have restarted empty
                    self.allocator.request()
            except Exception:  # noqa: BLE001 - Redis away: report again next time
                self.redis_ok = False
            await asyncio.sleep(interval)

    async def report_stopped(self) -> None:
        if self.sessions and not any(s.holds_lock for s in self.sessions):
            return
        fields = self.fields()
        fields.update(connected="0", mode="stopped")
        await self.redis.hset(keys.INGEST_STATUS, mapping=fields)
