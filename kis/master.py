"""KIS stock master files (external-apis.md §3): a zip with one cp949 member; each line is a
61-byte head (short code 9, ISIN 12, Korean name 40) and a fixed-width ASCII tail (227 bytes
KOSPI, 221 KOSDAQ), parsed by byte offset."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

import aiohttp

from core.services import MalformedResponse, Unavailable

MASTER_FILES = {
    "KOSPI": ("kospi_code.mst.zip", "kospi_code.mst", 227),
    "KOSDAQ": ("kosdaq_code.mst.zip", "kosdaq_code.mst", 221),
}
HEAD = 61
# (field, start, end) within the tail
_TAIL = {
    "KOSPI": {
        "group": (0, 2),
        "spac": (29, 30),
        "halted": (60, 61),
        "listing_date": (105, 113),
        "shares_k": (113, 128),
        "fiscal_month": (149, 151),
        "preferred": (158, 159),
    },
    "KOSDAQ": {
        "group": (0, 2),
        "spac": (24, 25),
        "halted": (55, 56),
        "listing_date": (100, 108),
        "shares_k": (108, 123),
        "fiscal_month": (144, 146),
        "preferred": (153, 154),
    },
}


@dataclass(frozen=True)
class MasterRow:
    symbol: str
    isin: str
    name: str
    market: str
    group: str  # ST common stock, EF ETF, …
    is_spac: bool
    halted: bool
    listing_date: dt.date | None
    shares: int | None
    fiscal_month: int | None
    preferred: bool


def _int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


def parse_master(data: bytes, market: str) -> list[MasterRow]:
    """Every line of a master file (cp949, LF or CRLF)."""
    tail_len = MASTER_FILES[market][2]
    fields = _TAIL[market]
    rows = []
    for raw in data.split(b"\n"):
        line = raw.rstrip(b"\r")
        if not line.strip():
            continue
        if len(line) < HEAD + tail_len:
            raise MalformedResponse("kis-master", "malformed", f"{market} line of {len(line)} bytes")
        head, tail = line[: len(line) - tail_len], line[len(line) - tail_len :].decode("ascii", "replace")
        if len(head) != HEAD:
            raise MalformedResponse("kis-master", "malformed", f"{market} head of {len(head)} bytes")

        def f(name: str, tail: str = tail) -> str:
            a, b = fields[name]
            return tail[a:b]

        listed = f("listing_date")
        try:
            listing = dt.datetime.strptime(listed, "%Y%m%d").date() if listed.strip("0 ") else None
        except ValueError:
            listing = None
        shares_k = _int(f("shares_k"))
        month = _int(f("fiscal_month"))
        rows.append(
            MasterRow(
                symbol=head[0:9].decode("ascii", "replace").strip(),
                isin=head[9:21].decode("ascii", "replace").strip(),
                name=head[21:61].decode("cp949", "replace").strip(),
                market=market,
                group=f("group"),
                is_spac=f("spac") == "Y",
                halted=f("halted") == "Y",
                listing_date=listing,
                shares=shares_k * 1000 if shares_k is not None else None,
                fiscal_month=month if month and 1 <= month <= 12 else None,
                preferred=f("preferred") not in ("0", " "),
            )
        )
    return rows


def is_stock(row: MasterRow) -> bool:
    """Common and preferred shares with a 6-digit code (no ETFs, ETNs, REITs, funds)."""
    return row.group == "ST" and len(row.symbol) == 6 and row.symbol.isalnum()


async def download_master(
    session: aiohttp.ClientSession, base_url: str, market: str, limit_s: float = 60
) -> list[MasterRow]:
    zip_name, member, _ = MASTER_FILES[market]
    url = f"{base_url.rstrip('/')}/{zip_name}"
    try:
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=limit_s)) as resp:
            body = await resp.read()
            if resp.status != 200:
                raise Unavailable("kis-master", str(resp.status), f"GET {url}", resp.status)
    except TimeoutError:
        raise Unavailable("kis-master", "timeout", f"GET {url}") from None
    except aiohttp.ClientError as exc:
        raise Unavailable("kis-master", "connection", str(exc)) from None
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            data = zf.read(member)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise MalformedResponse("kis-master", "malformed", f"{zip_name}: {exc}") from None
    return parse_master(data, market)
