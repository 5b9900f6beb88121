"""Type stubs of the tickcore extension (Rust, PyO3).

Boundary conventions:
* every instant is an ``int`` of Unix microseconds (UTC): ``received_at_us``, ``now_us``,
  ``time_us``, ``bucket_us``, ``first_trade_us``, ``last_trade_us``;
* KIS wall-clock fields keep their KIS form as ints: times ``HHMMSS`` (09:30:00 -> 93000),
  dates ``YYYYMMDD``;
* prices, volumes and amounts are ``int`` (whole won / shares); two-decimal rates are ``float``;
* intervals are the labels ``"1m"``, ``"15m"``, ``"1h"``, ``"1d"``.
"""

from collections.abc import Iterable
from typing import Final, Literal, Self, TypedDict, final

__all__ = [
    "__version__",
    "Engine",
    "Batch",
    "parse_frame",
    "TickcoreError",
    "FrameError",
    "ConfigError",
    "INTERVALS",
    "BAR_TABLES",
    "TICK_TABLE",
    "TICK_COLUMNS",
    "BAR_COLUMNS",
    "TRADE_KIS_FIELDS",
    "DEFAULT_MAX_FRAME_BYTES",
    "DEFAULT_MAX_RECORDS_PER_FRAME",
]

__version__: Final[str]

Interval = Literal["1m", "15m", "1h", "1d"]

INTERVALS: Final[tuple[Interval, ...]]
"""("1m", "15m", "1h", "1d"), finest first."""
BAR_TABLES: Final[dict[Interval, str]]
"""Table per interval: {"1m": "stock_prices_1m", ...}."""
TICK_TABLE: Final[str]
"""'stock_ticks'."""
TICK_COLUMNS: Final[tuple[str, ...]]
"""Column order of Batch.ticks_copy; pass as asyncpg copy_to_table(columns=...)."""
BAR_COLUMNS: Final[tuple[str, ...]]
"""Column order of every bar COPY buffer."""
TRADE_KIS_FIELDS: Final[tuple[str, ...]]
"""The 46 KIS field names of an H0STCNT0 record, in order."""
DEFAULT_MAX_FRAME_BYTES: Final[int]
DEFAULT_MAX_RECORDS_PER_FRAME: Final[int]

class TickcoreError(ValueError):
    """Base class of tickcore errors."""

class FrameError(TickcoreError):
    """A KIS frame could not be parsed."""

    kind: str
    """Stable snake_case code, e.g. 'invalid_field', 'too_few_fields', 'frame_too_large'."""
    reason: str
    """Human-readable reason (without the offset)."""
    offset: int
    """Byte offset in the frame where the problem was found."""

class ConfigError(TickcoreError):
    """An engine setting is invalid or unsupported."""

    setting: str
    """The keyword argument at fault."""

class TradeDict(TypedDict):
    """One H0STCNT0 record: all 46 fields, plus ``time_us`` and ``sequence``."""

    symbol: str
    time_us: int
    trade_time: int
    price: int
    change_sign: int
    change: int
    change_rate: float
    weighted_average_price: float
    open: int
    high: int
    low: int
    ask_price1: int
    bid_price1: int
    volume: int
    acc_volume: int
    acc_amount: int
    sell_trade_count: int
    buy_trade_count: int
    net_buy_trade_count: int
    trade_strength: float
    total_sell_volume: int
    total_buy_volume: int
    side: int
    buy_ratio: float
    volume_change_rate: float
    open_time: int
    open_vs_price_sign: int
    open_vs_price: int
    high_time: int
    high_vs_price_sign: int
    high_vs_price: int
    low_time: int
    low_vs_price_sign: int
    low_vs_price: int
    business_date: int
    market_operation_code: str
    trading_halted: bool
    ask_size1: int
    bid_size1: int
    total_ask_size: int
    total_bid_size: int
    volume_turnover_rate: float
    prev_day_same_time_acc_volume: int
    prev_day_same_time_acc_volume_rate: float
    hour_class_code: str
    market_termination_code: str
    vi_standard_price: int
    sequence: int

class OrderBookDict(TypedDict):
    """One H0STASP0 record (10 levels per side)."""

    symbol: str
    business_time: int
    hour_class_code: str
    ask_prices: list[int]
    bid_prices: list[int]
    ask_sizes: list[int]
    bid_sizes: list[int]
    total_ask_size: int
    total_bid_size: int
    overtime_total_ask_size: int
    overtime_total_bid_size: int
    expected_price: int
    expected_quantity: int
    expected_volume: int
    expected_change: int
    expected_change_sign: int
    expected_change_rate: float
    acc_volume: int
    total_ask_size_change: int
    total_bid_size_change: int
    overtime_total_ask_size_change: int
    overtime_total_bid_size_change: int
    deal_class_code: str

class BarDict(TypedDict):
    symbol: str
    interval: Interval
    bucket_us: int
    open: int
    high: int
    low: int
    close: int
    volume: int
    amount: int
    trade_count: int
    first_trade_us: int
    last_trade_us: int

class ControlDict(TypedDict, total=False):
    """kind 'ack' / 'error': tr_id, tr_key, encrypted, rt_cd, msg_cd, msg1, key, iv.
    kind 'pingpong': datetime, raw (send raw back unchanged as a text frame).
    kind 'request' (a client's subscribe message): tr_type, customer_type, tr_id, tr_key."""

    kind: Literal["ack", "error", "pingpong", "request"]
    tr_id: str
    tr_key: str
    encrypted: bool | None
    rt_cd: str
    msg_cd: str
    msg1: str
    key: str | None
    iv: str | None
    datetime: str
    raw: str
    tr_type: str
    customer_type: str

class EncryptedDict(TypedDict):
    kind: Literal["encrypted"]
    tr_id: str
    record_count: int
    payload_bytes: int
    records: list[list[str]] | None
    """Decrypted records split into fields, or None when no cipher was available."""

class FrameErrorDict(TypedDict):
    frame_index: int
    kind: str
    reason: str
    offset: int

class LateTradeDict(TypedDict):
    frame_index: int
    symbol: str
    time_us: int
    acc_volume: int

class Counters(TypedDict):
    frames: int
    trades: int
    """Trade records parsed (before duplicate and late handling)."""
    published: int
    """Trades in messages and ticks_copy."""
    duplicates: int
    late: int
    extra_field_records: int
    errors: int
    order_books: int
    controls: int
    encrypted_frames: int
    closed_bars: int

class TradesFrameDict(TypedDict):
    kind: Literal["trades", "order_books"]
    tr_id: str
    extra_fields_per_record: int
    records: list[TradeDict] | list[OrderBookDict]

@final
class Batch:
    """Everything one Engine.feed or Engine.flush produced. Immutable."""

    @property
    def messages(self) -> list[tuple[str, bytes]]:
        """Tick messages to PUBLISH on stock:realtime:{symbol}: (symbol, compact JSON bytes)."""
    @property
    def ticks_copy(self) -> bytes | None:
        """Binary COPY for stock_ticks (columns TICK_COLUMNS), None when there are no rows."""
    @property
    def tick_count(self) -> int:
        """Rows in ticks_copy."""
    @property
    def bar_copies(self) -> dict[Interval, bytes]:
        """Binary COPY per interval that closed bars (table BAR_TABLES[interval], columns BAR_COLUMNS)."""
    def bar_copy(self, interval: Interval) -> bytes | None:
        """Binary COPY of the closed bars of one interval, or None. Raises ValueError for an unknown interval."""
    @property
    def bar_counts(self) -> dict[Interval, int]:
        """Closed bars per interval, all four intervals."""
    def closed_bars(self, interval: Interval | None = None) -> list[BarDict]:
        """Closed bars as dicts: of one interval, or of all (finest interval first)."""
    @property
    def controls(self) -> list[ControlDict]:
        """Control messages in frame order."""
    @property
    def errors(self) -> list[FrameErrorDict]:
        """Frames that failed to parse (the rest of the batch is processed normally)."""
    @property
    def late_trades(self) -> list[LateTradeDict]:
        """Trades kept out of bars because their bucket was already closed or older than the open bar."""
    @property
    def order_books(self) -> list[OrderBookDict]: ...
    @property
    def encrypted(self) -> list[EncryptedDict]: ...
    @property
    def trades(self) -> list[TradeDict]:
        """Accepted trades (empty unless the engine was built with keep_trades=True)."""
    @property
    def counters(self) -> Counters:
        """Counts of this batch."""

@final
class Engine:
    """Parses KIS frames, drops replays, builds 1m/15m/1h/1d bars aligned to KST, and encodes
    tick JSON and binary COPY buffers. One engine per feed; calls must not overlap (the GIL is
    released inside feed/flush, so an overlapping call from another thread raises RuntimeError).

    Policies:
    * replays: a trade whose (business date, accumulated volume) is not greater than the last
      accepted one of its symbol is a duplicate: counted, and dropped before bars, messages and
      COPY (drop_replayed_trades);
    * late trades: a trade whose bucket was already closed, or is older than an open bar, enters
      no bar; late_trades="publish" still publishes and stores it as a tick, "drop" does not;
      a trade in the bucket of the open bar is counted into it;
    * empty buckets produce no bar (emit_empty_bars=True is refused with ConfigError);
    * bars are stamped with their bucket start; open/close are the prices of the earliest/latest
      trade by trade time (arrival order for equal times).
    """

    def __new__(
        cls,
        source: Literal["kis", "kissim", "poll"] = "kis",
        *,
        max_frame_bytes: int = ...,
        max_records_per_frame: int = ...,
        late_trades: Literal["publish", "drop"] = "publish",
        drop_replayed_trades: bool = True,
        emit_empty_bars: bool = False,
        keep_trades: bool = False,
        learn_notice_ciphers: bool = False,
    ) -> Self:
        """Raises ConfigError for an unknown source or policy, a zero limit, or emit_empty_bars=True.

        learn_notice_ciphers: take the AES key/iv of subscribe acks seen in fed frames and use
        them to decrypt later '1|' frames of the same TR (otherwise they are only reported).
        """
    def feed(self, frames: Iterable[str | bytes], received_at_us: int) -> Batch:
        """Processes a batch of raw frames, all read at received_at_us. Releases the GIL.

        Malformed frames do not raise: they are listed in Batch.errors. Raises TypeError when
        frames is a single str/bytes or contains anything else.
        """
    def flush(self, now_us: int) -> Batch:
        """Closes every open bar whose bucket ended at or before now_us (pass now minus a small
        grace period so trades still in flight are not made late). Releases the GIL."""
    def open_bars(self, symbol: str) -> dict[Interval, BarDict]:
        """The unfinished bars of a symbol (only intervals that have one)."""
    def mark_stored(self, marks: dict[str, tuple[int, int]]) -> None:
        """Trades already stored by an earlier run, {symbol: (business date YYYYMMDD, accumulated
        volume)}: when the broker sends them again they are dropped as replays (``duplicates``).
        A mark below what the engine already accepted changes nothing. Raises ValueError for a
        malformed symbol or date."""
    def set_cipher(self, tr_id: str, key: str, iv: str) -> None:
        """Decrypt '1|' frames of tr_id with this AES-256 key (32 chars) and IV (16 chars)."""
    def symbols(self) -> list[str]:
        """Symbols seen so far."""
    @property
    def totals(self) -> Counters:
        """Counters summed over every batch so far."""
    @property
    def source(self) -> str: ...
    @property
    def settings(self) -> dict[str, str | int | bool]:
        """Every setting by its keyword name."""

def parse_frame(
    frame: str | bytes,
    *,
    key: str | None = None,
    iv: str | None = None,
    max_frame_bytes: int = ...,
    max_records_per_frame: int = ...,
) -> TradesFrameDict | ControlDict | EncryptedDict:
    """Parses one raw KIS message into a dict with a 'kind' of 'trades', 'order_books',
    'encrypted', 'ack', 'error', 'pingpong' or 'request'. key/iv decrypt a '1|' frame.

    Record length: a payload of N '^'-separated pieces holds COUNT records of N / COUNT fields
    when that divides evenly and is at least the documented 46 (H0STCNT0) / 59 (H0STASP0); the
    known prefix of each record is parsed and the extras counted (extra_fields_per_record).
    Fewer pieces -> FrameError kind 'too_few_fields'; an uneven division -> 'ambiguous_record_length'.

    Raises FrameError (with kind, reason, offset) on malformed input; never crashes.
    """
