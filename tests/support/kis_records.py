"""KIS frames for the tests: the protocol reference's fixture lines, `TradeSpec` (a trade with the
values a test cares about; the rest from fixture line 7), KST time arithmetic and a decoder for
PostgreSQL binary COPY buffers — all independent of the Rust code they check. Records are written
by the one H0STCNT0 writer, devtools/kissim/records.py."""

from __future__ import annotations

import datetime as dt
import struct
from dataclasses import dataclass, replace
from pathlib import Path

from devtools.kissim import records
from devtools.kissim.records import parse_record, trade_record

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tickcore" / "tests" / "fixtures" / "kis-frames.txt"
KST = dt.timezone(dt.timedelta(hours=9))
PG_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
UNIX_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def fixture_lines() -> list[str]:
    return FIXTURES.read_text(encoding="utf-8").splitlines()


def fixture(line: int) -> str:
    """Line `line` (1-based, as in external-apis.md) of kis-frames.txt."""
    return fixture_lines()[line - 1]


def kst_us(date: int, hhmmss: int) -> int:
    """Unix microseconds of a KST date YYYYMMDD and time HHMMSS."""
    moment = dt.datetime(
        date // 10_000, date // 100 % 100, date % 100, hhmmss // 10_000, hhmmss // 100 % 100, hhmmss % 100, tzinfo=KST
    )
    return (moment - UNIX_EPOCH) // dt.timedelta(microseconds=1)


def iso_millis(us: int) -> str:
    moment = UNIX_EPOCH + dt.timedelta(microseconds=us)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class TradeSpec:
    """The values a generated H0STCNT0 record carries (the rest is filler from fixture line 7)."""

    symbol: str = "005930"
    date: int = 20250312
    hhmmss: int = 93000
    price: int = 70500
    change: int = 500
    change_rate: str = "0.71"
    open: int = 70200
    high: int = 70700
    low: int = 70100
    volume: int = 37
    acc_volume: int = 2345678
    sells: int = 8123
    buys: int = 9456
    side: int = 1

    def record(self) -> str:
        fields = parse_record(fixture(7).split("|", 3)[3])
        fields.update(
            mksc_shrn_iscd=self.symbol,
            stck_cntg_hour=f"{self.hhmmss:06d}",
            stck_prpr=str(self.price),
            prdy_vrss=str(self.change),
            prdy_ctrt=self.change_rate,
            stck_oprc=str(self.open),
            stck_hgpr=str(self.high),
            stck_lwpr=str(self.low),
            cntg_vol=str(self.volume),
            acml_vol=str(self.acc_volume),
            seln_cntg_csnu=str(self.sells),
            shnu_cntg_csnu=str(self.buys),
            ccld_dvsn=str(self.side),
            bsop_date=str(self.date),
        )
        return trade_record(fields)

    @property
    def time_us(self) -> int:
        return kst_us(self.date, self.hhmmss)


def trade_frame(*specs: TradeSpec) -> str:
    return records.trade_frame([spec.record() for spec in specs])


def at(spec: TradeSpec, **changes) -> TradeSpec:
    return replace(spec, **changes)


# ----------------------------------------------------------------------------- binary COPY

COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
TICK_TYPES = ("timestamptz", "text", "int8", "int8", "int8", "int8", "float8", "int2", "timestamptz", "text")
BAR_TYPES = (
    "text",
    "timestamptz",
    "int8",
    "int8",
    "int8",
    "int8",
    "int8",
    "int8",
    "int4",
    "timestamptz",
    "timestamptz",
    "text",
)


def decode_copy(buffer: bytes, types: tuple[str, ...]) -> list[tuple]:
    """Rows of a PostgreSQL binary COPY stream; timestamptz come back as Unix microseconds."""
    assert buffer[:11] == COPY_SIGNATURE, buffer[:11]
    flags, extension = struct.unpack_from(">ii", buffer, 11)
    assert flags == 0
    position = 19 + extension
    rows = []
    while True:
        (columns,) = struct.unpack_from(">h", buffer, position)
        position += 2
        if columns == -1:
            assert position == len(buffer), "bytes after the trailer"
            return rows
        assert columns == len(types), (columns, types)
        row = []
        for kind in types:
            (length,) = struct.unpack_from(">i", buffer, position)
            position += 4
            if length == -1:
                row.append(None)
                continue
            raw = buffer[position : position + length]
            position += length
            row.append(decode_value(kind, raw))
        rows.append(tuple(row))


def decode_value(kind: str, raw: bytes):
    if kind == "text":
        return raw.decode("utf-8")
    if kind == "float8":
        return struct.unpack(">d", raw)[0]
    if kind == "timestamptz":
        (pg_us,) = struct.unpack(">q", raw)
        return pg_us + (PG_EPOCH - UNIX_EPOCH) // dt.timedelta(microseconds=1)
    size = {"int2": 2, "int4": 4, "int8": 8}[kind]
    assert len(raw) == size, (kind, raw)
    return int.from_bytes(raw, "big", signed=True)
