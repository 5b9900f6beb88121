"""The hot Redis path of ingest: PUBLISH (and SET/HSET) pipelined over one raw connection.

redis-py builds and parses every command in Python, which costs more than the whole tick
engine at tens of thousands of ticks per second. Here the RESP bytes are joined directly and
the replies — all single-line (`:n`, `+OK`, `-ERR …`) for these commands — are only counted.
A broken connection is dropped and opened again on the next batch; the caller decides what a
failed batch means (ticks are not buffered for pub/sub: subscribers want the present).
"""
from __future__ import annotations

import asyncio
from urllib.parse import unquote, urlparse


def command(*args: bytes | str) -> bytes:
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        raw = arg.encode() if isinstance(arg, str) else arg
        parts.append(b"$%d\r\n%s\r\n" % (len(raw), raw))
    return b"".join(parts)


class RawRedis:
    def __init__(self, url: str, timeout: float = 3.0) -> None:
        parsed = urlparse(url)
        self.unix_path = parsed.path if parsed.scheme == "unix" else None
        self.host = parsed.hostname or "127.0.0.1"
        self.port = parsed.port or 6379
        self.password = unquote(parsed.password) if parsed.password else None
        self.username = unquote(parsed.username) if parsed.username else None
        db = (parsed.path or "/0").lstrip("/") if parsed.scheme != "unix" else "0"
        self.db = int(db or 0)
        self.ssl = parsed.scheme == "rediss"
        self.timeout = timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._lock = asyncio.Lock()
        self._prefix_cache: dict[str, bytes] = {}
        self.errors = 0
        self.last_error = ""

    async def _connect(self) -> None:
        if self.unix_path:
            self._reader, self._writer = await asyncio.open_unix_connection(self.unix_path)
        else:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port, ssl=self.ssl or None)
        setup = []
        if self.password:
            setup.append(command("AUTH", *( [self.username] if self.username else []), self.password))
        if self.db:
            setup.append(command("SELECT", str(self.db)))
        if setup:
            await self._roundtrip(b"".join(setup), len(setup))

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None

    async def _roundtrip(self, data: bytes, replies: int) -> int:
        assert self._writer is not None and self._reader is not None
        self._writer.write(data)
        await self._writer.drain()
        seen = 0
        errors = 0
        tail = b""
        while seen < replies:
            chunk = await self._reader.read(1 << 16)
            if not chunk:
                raise ConnectionError("Redis closed the connection")
            buf = tail + chunk
            seen += buf.count(b"\r\n")
            if b"\r\n-" in b"\r\n" + buf:
                errors += sum(1 for line in buf.split(b"\r\n") if line.startswith(b"-"))
                self.last_error = next(line for line in buf.split(b"\r\n") if line.startswith(b"-")).decode(errors="replace")
            tail = buf[-1:] if buf.endswith(b"\r") else b""
        return errors

    async def execute(self, data: bytes, replies: int) -> int:
        """Send pipelined commands; wait for all replies; return how many were errors."""
        if not replies:
            return 0
        async with self._lock:
            try:
                async with asyncio.timeout(self.timeout):
                    if self._writer is None:
                        await self._connect()
                    errors = await self._roundtrip(data, replies)
            except BaseException:
                self.close()
                raise
        self.errors += errors
        return errors

    def publish_prefix(self, symbol: str) -> bytes:
        prefix = self._prefix_cache.get(symbol)
        if prefix is None:
            channel = f"stock:realtime:{symbol}".encode()
            prefix = b"*3\r\n$7\r\nPUBLISH\r\n$%d\r\n%s\r\n" % (len(channel), channel)
            self._prefix_cache[symbol] = prefix
        return prefix
