"""parse_frame over every fixture of kis-frames.txt and over malformed frames."""

from __future__ import annotations

import pytest

import tickcore
from tests.support.kis_records import TradeSpec, fixture, fixture_lines, trade_frame

KEY = "qhzvnmtlkrdwpxajsgeybcofiuaxmwpl"
IV = "7c1e9a3b5d2f4e60"


def test_every_fixture_line_parses():
    kinds = [tickcore.parse_frame(line)["kind"] for line in fixture_lines()]
    assert kinds == [
        "request",
        "ack",
        "request",
        "ack",
        "request",
        "ack",
        "trades",
        "order_books",
        "trades",
        "trades",
        "pingpong",
        "request",
        "ack",
        "error",
        "error",
        "error",
        "error",
        "request",
        "ack",
        "encrypted",
    ]


def test_line7_all_fields():
    frame = tickcore.parse_frame(fixture(7))
    assert frame["tr_id"] == "H0STCNT0" and frame["extra_fields_per_record"] == 0
    [trade] = frame["records"]
    assert len(trade) == 46 + 2  # 46 KIS fields, time_us and sequence
    expected = {
        "symbol": "005930",
        "trade_time": 93000,
        "price": 70500,
        "change_sign": 2,
        "change": 500,
        "change_rate": 0.71,
        "weighted_average_price": 70412.02,
        "open": 70200,
        "high": 70700,
        "low": 70100,
        "ask_price1": 70500,
        "bid_price1": 70400,
        "volume": 37,
        "acc_volume": 2345678,
        "acc_amount": 165163915480,
        "sell_trade_count": 8123,
        "buy_trade_count": 9456,
        "net_buy_trade_count": 1333,
        "trade_strength": 115.87,
        "total_sell_volume": 1034567,
        "total_buy_volume": 1198765,
        "side": 1,
        "buy_ratio": 0.52,
        "volume_change_rate": 18.42,
        "open_time": 90001,
        "open_vs_price_sign": 2,
        "open_vs_price": 300,
        "high_time": 92714,
        "high_vs_price_sign": 5,
        "high_vs_price": -200,
        "low_time": 90153,
        "low_vs_price_sign": 2,
        "low_vs_price": 400,
        "business_date": 20250312,
        "market_operation_code": "20",
        "trading_halted": False,
        "ask_size1": 15234,
        "bid_size1": 48120,
        "total_ask_size": 612345,
        "total_bid_size": 834567,
        "volume_turnover_rate": 0.04,
        "prev_day_same_time_acc_volume": 2011234,
        "prev_day_same_time_acc_volume_rate": 116.63,
        "hour_class_code": "0",
        "market_termination_code": "",
        "vi_standard_price": 70200,
        "sequence": 17579,
        "time_us": 1741739400000000,
    }
    assert trade == expected
    assert len(tickcore.TRADE_KIS_FIELDS) == 46


def test_line9_has_two_records():
    records = tickcore.parse_frame(fixture(9))["records"]
    assert [(r["price"], r["volume"], r["acc_volume"], r["side"]) for r in records] == [
        (70500, 12, 2345690, 1),
        (70400, 150, 2345840, 5),
    ]


def test_line8_order_book():
    [book] = tickcore.parse_frame(fixture(8))["records"]
    assert book["ask_prices"] == list(range(70500, 71401, 100))
    assert book["bid_prices"] == list(range(70400, 69499, -100))
    assert sum(book["ask_sizes"]) == book["total_ask_size"] == 612345
    assert sum(book["bid_sizes"]) == book["total_bid_size"] == 834567
    assert (book["expected_change"], book["expected_change_sign"], book["expected_change_rate"]) == (-70000, 5, -100.0)


def test_control_messages():
    ack = tickcore.parse_frame(fixture(2))
    assert ack == {
        "kind": "ack",
        "tr_id": "H0STCNT0",
        "tr_key": "005930",
        "encrypted": False,
        "rt_cd": "0",
        "msg_cd": "OPSP0000",
        "msg1": "SUBSCRIBE SUCCESS",
        "key": KEY,
        "iv": IV,
    }
    error = tickcore.parse_frame(fixture(17))
    assert (error["kind"], error["tr_id"], error["rt_cd"], error["msg_cd"]) == ("error", "(null)", "9", "OPSP8996")
    ping = tickcore.parse_frame(fixture(11))
    assert ping == {"kind": "pingpong", "datetime": "20250312093015", "raw": fixture(11)}
    request = tickcore.parse_frame(fixture(1))
    assert "approval_key" not in request and request["tr_type"] == "1"


def test_encrypted_frame_with_and_without_key():
    assert tickcore.parse_frame(fixture(20))["records"] is None
    [record] = tickcore.parse_frame(fixture(20), key=KEY, iv=IV)["records"]
    assert len(record) == 26 and record[17] == "홍길동" and record[24] == "삼성전자"
    with pytest.raises(tickcore.FrameError) as error:
        tickcore.parse_frame(fixture(20), key=KEY[::-1], iv=IV)
    assert error.value.kind == "decrypt_failed"
    with pytest.raises(tickcore.ConfigError):
        tickcore.parse_frame(fixture(20), key=KEY)


def test_bytes_and_str_give_the_same_result():
    assert tickcore.parse_frame(fixture(9).encode()) == tickcore.parse_frame(fixture(9))


def test_extra_fields_are_counted():
    frame = tickcore.parse_frame(
        trade_frame(TradeSpec(), TradeSpec(acc_volume=2345700)).replace("^70200^005930", "^70200^NEW^005930") + "^NEW"
    )
    assert frame["extra_fields_per_record"] == 1
    assert [r["acc_volume"] for r in frame["records"]] == [2345678, 2345700]


@pytest.mark.parametrize(
    ("frame", "kind", "offset"),
    [
        ("", "empty_frame", 0),
        ("0|H0STCNT0|001|" + "^".join(["1"] * 45), "too_few_fields", 104),
        (fixture(7).replace("^70500^2^", "^7O500^2^", 1), "invalid_field", 29),
        (fixture(7).replace("H0STCNT0", "H0XXXXX0"), "unknown_tr_id", 2),
        ("0|H0STCNT0|000|1", "invalid_record_count", 11),
        ("X|H0STCNT0|001|1", "unknown_frame_start", 0),
        ('{"header":', "invalid_json", 10),
        (fixture(9) + "^x", "ambiguous_record_length", 15),
    ],
)
def test_malformed_frames_raise_typed_errors(frame, kind, offset):
    with pytest.raises(tickcore.FrameError) as error:
        tickcore.parse_frame(frame)
    assert (error.value.kind, error.value.offset) == (kind, offset)
    assert isinstance(error.value, ValueError) and error.value.reason


def test_invalid_utf8_and_oversized_frames():
    with pytest.raises(tickcore.FrameError) as error:
        tickcore.parse_frame(b'{"header":"\xff"}')
    assert (error.value.kind, error.value.offset) == ("invalid_utf8", 11)
    with pytest.raises(tickcore.FrameError) as error:
        tickcore.parse_frame(fixture(7), max_frame_bytes=64)
    assert error.value.kind == "frame_too_large"
    with pytest.raises(tickcore.FrameError) as error:
        tickcore.parse_frame("0|H0STCNT0|999|1", max_records_per_frame=10)
    assert error.value.kind == "too_many_records"
