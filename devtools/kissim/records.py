"""The one writer of KIS real-time frames in Python: trades (H0STCNT0) and order books (H0STASP0).

kissim sends what it builds here; the tests and benchmarks build their frames here too. The
field order is the protocol's (../shared/docs/external-apis.md §1.11, KIS's own field names), kept
apart from tickcore on purpose: tickcore parses what this writes, so the two check each other.

    record = trade_record(mksc_shrn_iscd="005930", stck_cntg_hour="093000", stck_prpr=70500, ...)
    frame = trade_frame([record, ...])          # "0|H0STCNT0|001|005930^093000^70500^..."

Values: ints and strings as they are, floats with two decimals, booleans Y/N, None empty.
Order books: `book_record(...)` with the 59 fields of §1.9 (levels given as lists of 10).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

TR_ID = "H0STCNT0"
BOOK_TR_ID = "H0STASP0"
LEVELS = 10
FIELDS = (
    "mksc_shrn_iscd", "stck_cntg_hour", "stck_prpr", "prdy_vrss_sign", "prdy_vrss", "prdy_ctrt",
    "wghn_avrg_stck_prc", "stck_oprc", "stck_hgpr", "stck_lwpr", "askp1", "bidp1", "cntg_vol", "acml_vol",
    "acml_tr_pbmn", "seln_cntg_csnu", "shnu_cntg_csnu", "ntby_cntg_csnu", "cttr", "seln_cntg_smtn",
    "shnu_cntg_smtn", "ccld_dvsn", "shnu_rate", "prdy_vol_vrss_acml_vol_rate", "oprc_hour",
    "oprc_vrss_prpr_sign", "oprc_vrss_prpr", "hgpr_hour", "hgpr_vrss_prpr_sign", "hgpr_vrss_prpr", "lwpr_hour",
    "lwpr_vrss_prpr_sign", "lwpr_vrss_prpr", "bsop_date", "new_mkop_cls_code", "trht_yn", "askp_rsqn1",
    "bidp_rsqn1", "total_askp_rsqn", "total_bidp_rsqn", "vol_tnrt", "prdy_smns_hour_acml_vol",
    "prdy_smns_hour_acml_vol_rate", "hour_cls_code", "mrkt_trtm_cls_code", "vi_stnd_prc",
)  # fmt: skip


FIELD_SET = frozenset(FIELDS)


def _text(value: object) -> str:
    kind = type(value)  # exact types first: kissim writes ~20,000 trades/s with this in benchmarks
    if kind is str:
        return value  # type: ignore[return-value]  # checked by exact type above (cheaper)
    if kind is int:
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def trade_record(fields: Mapping[str, object] | None = None, **values: object) -> str:
    """One record, every one of the 46 fields given by its KIS name (lower case)."""
    merged = {**fields, **values} if fields else values
    if len(merged) != len(FIELDS) or not FIELD_SET.issuperset(merged):
        unknown = set(merged) - FIELD_SET
        missing = [name for name in FIELDS if name not in merged]
        raise ValueError(f"H0STCNT0 record: unknown {sorted(unknown)}, missing {missing}")
    return "^".join([_text(merged[name]) for name in FIELDS])


def trade_frame(records: Sequence[str]) -> str:
    """A plain (unencrypted) data frame of these records."""
    return f"0|{TR_ID}|{len(records):03d}|" + "^".join(records)


def parse_record(record: str) -> dict[str, str]:
    """The fields of one record as text, by name (for tests that change one field of a record)."""
    values = record.split("^")
    if len(values) != len(FIELDS):
        raise ValueError(f"H0STCNT0 record of {len(values)} fields")
    return dict(zip(FIELDS, values, strict=True))


BOOK_FIELDS = (
    ("mksc_shrn_iscd", "bsop_hour", "hour_cls_code")
    + tuple(f"askp{i}" for i in range(1, LEVELS + 1))
    + tuple(f"bidp{i}" for i in range(1, LEVELS + 1))
    + tuple(f"askp_rsqn{i}" for i in range(1, LEVELS + 1))
    + tuple(f"bidp_rsqn{i}" for i in range(1, LEVELS + 1))
    + ("total_askp_rsqn", "total_bidp_rsqn", "ovtm_total_askp_rsqn", "ovtm_total_bidp_rsqn", "antc_cnpr",
       "antc_cnqn", "antc_vol", "antc_cntg_vrss", "antc_cntg_vrss_sign", "antc_cntg_prdy_ctrt", "acml_vol",
       "total_askp_rsqn_icdc", "total_bidp_rsqn_icdc", "ovtm_total_askp_icdc", "ovtm_total_bidp_icdc",
       "stck_deal_cls_code")
)  # fmt: skip


def book_record(
    *,
    symbol: str,
    hhmmss: str,
    hour_cls_code: str,
    asks: Sequence[tuple[int, int]],
    bids: Sequence[tuple[int, int]],
    **values: object,
) -> str:
    """One H0STASP0 record: `asks`/`bids` are 10 (price, size) levels from the touch outward; the
    totals default to their sums; the remaining fields (auction, volume, changes) by KIS name."""
    if len(asks) != LEVELS or len(bids) != LEVELS:
        raise ValueError("an order book has 10 levels on each side")
    fields: dict[str, object] = {"mksc_shrn_iscd": symbol, "bsop_hour": hhmmss, "hour_cls_code": hour_cls_code}
    for i, ((ask, ask_size), (bid, bid_size)) in enumerate(zip(asks, bids, strict=True), 1):
        fields.update({f"askp{i}": ask, f"bidp{i}": bid, f"askp_rsqn{i}": ask_size, f"bidp_rsqn{i}": bid_size})
    fields["total_askp_rsqn"] = sum(size for _, size in asks)
    fields["total_bidp_rsqn"] = sum(size for _, size in bids)
    defaults = dict.fromkeys(BOOK_FIELDS[len(fields) :], 0)
    merged = {**defaults, **fields, **values}
    unknown = set(merged) - set(BOOK_FIELDS)
    if unknown:
        raise ValueError(f"H0STASP0 record: unknown {sorted(unknown)}")
    return "^".join(_text(merged[name]) for name in BOOK_FIELDS)


def book_frame(records: Sequence[str]) -> str:
    return f"0|{BOOK_TR_ID}|{len(records):03d}|" + "^".join(records)
