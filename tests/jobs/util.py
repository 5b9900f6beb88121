"""Helpers for the jobs tests: settings for a test database/Redis, and fake servers in threads."""

from __future__ import annotations

import asyncio
import threading

from aiohttp import web

from core import settings as settings_mod
from devtools.embedded import free_port
from tests.support import harness


def make_settings(database_url: str, redis_url: str, **env: str):
    return settings_mod.load(harness.platform_env(database_url, redis_url, **env))


class FakeServer:
    """Runs an aiohttp application on 127.0.0.1:<free port> in a background thread."""

    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._runner = web.AppRunner(self.app)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        self._loop.run_until_complete(site.start())
        self._ready.set()
        self._loop.run_forever()

    def stop(self) -> None:
        async def cleanup() -> None:
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
