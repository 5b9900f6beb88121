"""`python -m ingest`: the ingest process (KIS or kissim WebSocket → tickcore → Redis + PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from core import logs, settings


def require_writable(folder: Path) -> None:
    """Stop at start, with the reason, when the journal, spill and token folder cannot be written:
    finding out inside the pipeline would lose the rows it was about to journal or spill."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-check-"):
            pass
    except OSError as exc:
        sys.exit(
            f"설정 오류 (configuration error): DATA_DIR: {folder} is not writable by uid {os.getuid()} "
            f"({exc.strerror or exc}); ingest journals its batches there and spills rows while PostgreSQL is away"
        )


def main() -> None:
    config = settings.load_or_exit()
    logs.configure("ingest", config.log_level, config.log_format)
    require_writable(Path(config.data_dir) / "ingest" / "spool")
    from ingest.service import IngestService

    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(IngestService(config).run())


if __name__ == "__main__":
    main()
