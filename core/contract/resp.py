"""The RESP encoder of the hot Redis paths (ingest's PUBLISH pipeline, the api hub's PSUBSCRIBE).

redis-py builds every command in Python, which at tens of thousands of ticks per second cost
more than the whole tick engine (bench/RESULTS.md, ingest: with it, 50k trades/s was not
sustained); these paths write pre-joined RESP bytes instead. Everything else uses redis-py.
"""

from __future__ import annotations


def command(*args: bytes | str) -> bytes:
    """One RESP array of bulk strings: `*N\\r\\n$len\\r\\narg\\r\\n…`."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        raw = arg.encode() if isinstance(arg, str) else arg
        parts.append(b"$%d\r\n%s\r\n" % (len(raw), raw))
    return b"".join(parts)


def publish_head(channel: str) -> bytes:
    """`PUBLISH channel` without its payload: append `$len\\r\\npayload\\r\\n` to complete it."""
    raw = channel.encode()
    return b"*3\r\n$7\r\nPUBLISH\r\n$%d\r\n%s\r\n" % (len(raw), raw)
