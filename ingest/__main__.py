"""`python -m ingest`: the ingest process (KIS or kissim WebSocket → tickcore → Redis + PostgreSQL)."""
from __future__ import annotations

import argparse
import asyncio
import os


def main(argv: list[str] | None = None) -> None:
    from api import logs, settings

    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    parser.add_argument("--engine", choices=("auto", "tickcore", "python"),
                        default=os.environ.get("INGEST_ENGINE", "auto"),
                        help="tick engine: tickcore (Rust) when built, or the pure-Python baseline")
    args = parser.parse_args(argv)
    s = settings.load_or_exit()
    logs.configure("ingest", s.log_level, s.log_format)
    from ingest.service import IngestService

    try:
        import uvloop  # noqa: F401

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(IngestService(s, args.engine).run())


if __name__ == "__main__":
    main()
