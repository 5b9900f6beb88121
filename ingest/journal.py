"""The writer's journal: every batch ingest accepts is on disk before its ticks are published.

The writer keeps batches in memory for up to INGEST_BATCH_MAX_MS before one COPY; a `kill -9`
in that window used to lose them (KIS sends a trade once). Each batch is therefore appended to
the current segment file under `<spool>/journal/` as it is queued, and a segment is deleted
once every batch in it is in PostgreSQL or in a spill file. The next start queues the batches
of the segments left behind again; writing one twice changes nothing (ticks go in with
`ON CONFLICT DO NOTHING`, bars are merged as replays).

Appends are not fsync'd: the journal survives the process, not the machine (the page cache
holds what was written). One record: a header (data length u32, rows u32, table length u16),
the table name, the COPY bytes. A record cut short by the kill is ignored.
"""

from __future__ import annotations

import logging
import os
import struct
import time
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger("ingest.store")

HEADER = struct.Struct("<IIH")
SEGMENT_SUFFIX = ".journal"
ROTATE_AFTER_S = 1.0
ROTATE_AFTER_BYTES = 16 << 20


class Journal:
    """Segments of appended batches; not thread-safe (the writer calls it under its lock)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.open_batches: dict[int, int] = {}  # segment → its batches not yet stored or spilled
        self.segment = max((int(p.stem) for p in self.segments()), default=0)
        self._fd: int | None = None
        self._opened = 0.0
        self._size = 0

    def segments(self) -> list[Path]:
        return sorted(self.folder.glob("*" + SEGMENT_SUFFIX)) if self.folder.is_dir() else []

    def path(self, segment: int) -> Path:
        return self.folder / f"{segment:012d}{SEGMENT_SUFFIX}"

    # -- what an earlier process left -------------------------------------------------------
    def recover(self) -> Iterator[tuple[int, str, bytes, int]]:
        """(segment, table, data, rows) of every complete record left behind; the caller
        `release`s each once it is stored, as for new batches."""
        for path in self.segments():
            segment = int(path.stem)
            records = list(self._records(path))
            self.open_batches[segment] = len(records)
            if not records:
                self._drop(segment)
            for table, data, rows in records:
                yield segment, table, data, rows

    @staticmethod
    def _records(path: Path) -> Iterator[tuple[str, bytes, int]]:
        blob = path.read_bytes()
        at = 0
        while at + HEADER.size <= len(blob):
            size, rows, name_len = HEADER.unpack_from(blob, at)
            start = at + HEADER.size
            end = start + name_len + size
            if end > len(blob):
                break
            yield blob[start : start + name_len].decode(), blob[start + name_len : end], rows
            at = end
        if at != len(blob):
            log.warning("journal %s: %d bytes of an unfinished record ignored", path.name, len(blob) - at)

    # -- new batches ------------------------------------------------------------------------
    def append(self, table: str, data: bytes, rows: int) -> int:
        """Write one batch (one write call); the segment it went to."""
        fd = self._open_next() if self._fd is None or self._rotate_due() else self._fd
        name = table.encode()
        os.write(fd, HEADER.pack(len(data), rows, len(name)) + name + data)
        self._size += HEADER.size + len(name) + len(data)
        self.open_batches[self.segment] = self.open_batches.get(self.segment, 0) + 1
        return self.segment

    def release(self, segment: int) -> None:
        """One batch of `segment` is stored (or spilled): a finished segment without any goes."""
        left = self.open_batches.get(segment, 0) - 1
        self.open_batches[segment] = left
        if left <= 0 and segment != self._current():
            self._drop(segment)

    def close(self) -> None:
        """At shutdown: close the current segment, deleted when nothing in it is waiting."""
        current = self._current()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if current is not None and self.open_batches.get(current, 0) <= 0:
            self._drop(current)

    # -- segments -----------------------------------------------------------------------------
    def _current(self) -> int | None:
        return self.segment if self._fd is not None else None

    def _rotate_due(self) -> bool:
        return self._size >= ROTATE_AFTER_BYTES or time.monotonic() - self._opened >= ROTATE_AFTER_S

    def _open_next(self) -> int:
        previous = self._current()
        if self._fd is not None:
            os.close(self._fd)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.segment += 1
        self._fd = fd = os.open(self.path(self.segment), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._opened, self._size = time.monotonic(), 0
        if previous is not None and self.open_batches.get(previous, 0) <= 0:
            self._drop(previous)
        return fd

    def _drop(self, segment: int) -> None:
        self.open_batches.pop(segment, None)
        self.path(segment).unlink(missing_ok=True)
