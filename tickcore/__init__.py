"""tickcore: the Rust tick engine of ingest (KIS frame parser, bar builder, JSON/COPY encoders).

Feed raw KIS WebSocket frames in batches to an :class:`Engine`; each call returns a
:class:`Batch` with the tick messages to PUBLISH, binary COPY buffers for ``stock_ticks`` and
the ``stock_prices_*`` tables, closed bars, control messages and parse errors.

Every time crosses the boundary as an ``int`` of Unix microseconds (UTC).
"""

from tickcore._tickcore import (
    BAR_COLUMNS,
    BAR_TABLES,
    DEFAULT_MAX_FRAME_BYTES,
    DEFAULT_MAX_RECORDS_PER_FRAME,
    INTERVALS,
    TICK_COLUMNS,
    TICK_TABLE,
    TRADE_KIS_FIELDS,
    Batch,
    ConfigError,
    Engine,
    FrameError,
    TickcoreError,
    __version__,
    parse_frame,
)

__all__ = [
    "BAR_COLUMNS",
    "BAR_TABLES",
    "DEFAULT_MAX_FRAME_BYTES",
    "DEFAULT_MAX_RECORDS_PER_FRAME",
    "INTERVALS",
    "TICK_COLUMNS",
    "TICK_TABLE",
    "TRADE_KIS_FIELDS",
    "Batch",
    "ConfigError",
    "Engine",
    "FrameError",
    "TickcoreError",
    "__version__",
    "parse_frame",
]
