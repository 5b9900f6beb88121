"""`python -m ingest`: the ingest process (KIS or kissim WebSocket → tickcore → Redis + PostgreSQL)."""

from __future__ import annotations

import asyncio

from core import logs, settings


def main() -> None:
    config = settings.load_or_exit()
    logs.configure("ingest", config.log_level, config.log_format)
    from ingest.service import IngestService

    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(IngestService(config).run())


if __name__ == "__main__":
    main()
