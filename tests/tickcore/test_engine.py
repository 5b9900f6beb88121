"""Engine API: feeding the fixture session, messages, COPY buffers, policies, errors, settings."""

from __future__ import annotations

import json

import pytest

import tickcore
from tests.support.kis_records import (
    BAR_TYPES,
    TICK_TYPES,
    TradeSpec,
    at,
    decode_copy,
    fixture,
    fixture_lines,
    iso_millis,
    kst_us,
    trade_frame,
)

RECEIVED = kst_us(20250312, 93000) + 131_000


def test_fixture_session():
    engine = tickcore.Engine("kissim")
    batch = engine.feed(fixture_lines(), RECEIVED)
    counters = batch.counters
    assert (counters["frames"], counters["trades"], counters["published"], counters["controls"]) == (20, 4, 4, 15)
    assert (counters["order_books"], counters["encrypted_frames"], counters["errors"]) == (1, 1, 0)
    assert [symbol for symbol, _ in batch.messages] == ["005930", "005930", "005930", "000660"]
    assert [c["kind"] for c in batch.controls].count("pingpong") == 1
    assert batch.tick_count == 4 and batch.bar_copies == {} and batch.bar_counts == dict.fromkeys(tickcore.INTERVALS, 0)
    assert engine.totals == counters


def test_tick_message_contract():
    batch = tickcore.Engine("kis").feed([fixture(7)], RECEIVED)
    [(symbol, payload)] = batch.messages
    message = json.loads(payload)
    assert symbol == "005930"
    assert message == {
        "type": "tick",
        "symbol": "005930",
        "price": 70500,
        "volume": 37,
        "change": 500,
        "changePercent": 0.71,
        "accVolume": 2345678,
        "open": 70200,
        "high": 70700,
        "low": 70100,
        "side": 1,
        "timestamp": "2025-03-12T00:30:00.000Z",
        "receivedAt": "2025-03-12T00:30:00.131Z",
        "source": "kis",
        "seq": 8123 + 9456,
        "strength": 115.87,
        "sign": 2,
        "halted": False,
        "session": "0",
        "marketCode": "20",
        "viPrice": 70200,
    }
    assert b" " not in payload


def test_ticks_copy_rows():
    batch = tickcore.Engine("poll").feed([fixture(9), fixture(10)], RECEIVED)
    rows = decode_copy(batch.ticks_copy, TICK_TYPES)
    t0930 = kst_us(20250312, 93000)
    assert rows == [
        (t0930 + 1_000_000, "005930", 70500, 12, 2345690, 500, 0.71, 1, RECEIVED, "poll"),
        (t0930 + 1_000_000, "005930", 70400, 150, 2345840, 400, 0.57, 5, RECEIVED, "poll"),
        (t0930, "000660", 178500, 25, 812345, -1500, -0.83, 5, RECEIVED, "poll"),
    ]
    assert tickcore.TICK_COLUMNS == (
        "time",
        "symbol",
        "price",
        "volume",
        "acc_volume",
        "change",
        "change_rate",
        "side",
        "received_at",
        "source",
    )


def test_replayed_frames_are_dropped_everywhere():
    engine = tickcore.Engine("kis")
    first = engine.feed([fixture(7), fixture(9)], RECEIVED)
    again = engine.feed([fixture(9), fixture(7)], RECEIVED + 5_000_000)
    assert first.counters["published"] == 3
    assert (again.counters["duplicates"], again.counters["published"], again.ticks_copy, again.messages) == (
        3,
        0,
        None,
        [],
    )
    assert engine.open_bars("005930")["1d"]["volume"] == 37 + 12 + 150


def test_bars_close_by_trade_and_flush_with_copy_buffers():
    base = TradeSpec(hhmmss=93000, volume=10, acc_volume=10)
    frames = [
        trade_frame(base, at(base, hhmmss=93030, price=70900, volume=5, acc_volume=15)),
        trade_frame(at(base, hhmmss=93100, price=70000, volume=1, acc_volume=16)),
    ]
    engine = tickcore.Engine("kissim")
    batch = engine.feed(frames, RECEIVED)
    [bar] = batch.closed_bars("1m")
    assert bar == {
        "symbol": "005930",
        "interval": "1m",
        "bucket_us": kst_us(20250312, 93000),
        "open": 70500,
        "high": 70900,
        "low": 70500,
        "close": 70900,
        "volume": 15,
        "amount": 70500 * 10 + 70900 * 5,
        "trade_count": 2,
        "first_trade_us": kst_us(20250312, 93000),
        "last_trade_us": kst_us(20250312, 93030),
    }
    [row] = decode_copy(batch.bar_copy("1m"), BAR_TYPES)
    assert row == (
        "005930",
        bar["bucket_us"],
        70500,
        70900,
        70500,
        70900,
        15,
        bar["amount"],
        2,
        bar["first_trade_us"],
        bar["last_trade_us"],
        "kissim",
    )
    assert batch.bar_copy("15m") is None
    assert set(engine.open_bars("005930")) == {"1m", "15m", "1h", "1d"}
    assert engine.open_bars("999999") == {}

    assert engine.flush(kst_us(20250312, 93159)).bar_counts["1m"] == 0
    flushed = engine.flush(kst_us(20250312, 93200))
    assert flushed.bar_counts == {"1m": 1, "15m": 0, "1h": 0, "1d": 0}
    assert flushed.messages == [] and flushed.ticks_copy is None
    final = engine.flush(kst_us(20250313, 0))
    assert final.bar_counts == {"1m": 0, "15m": 1, "1h": 1, "1d": 1}
    [day] = decode_copy(final.bar_copies["1d"], BAR_TYPES)
    assert day[1] == kst_us(20250312, 0) and day[6] == 16
    assert tickcore.BAR_TABLES["1d"] == "stock_prices_1d" and len(tickcore.BAR_COLUMNS) == 12
    with pytest.raises(ValueError):
        final.bar_copy("5m")


@pytest.mark.parametrize(("policy", "published"), [("publish", 3), ("drop", 2)])
def test_late_trade_policy(policy, published):
    engine = tickcore.Engine("kis", late_trades=policy)
    base = TradeSpec(hhmmss=93010, volume=1, acc_volume=1)
    engine.feed([trade_frame(base)], RECEIVED)
    engine.flush(kst_us(20250312, 93100))
    batch = engine.feed(
        [
            trade_frame(at(base, hhmmss=93100, acc_volume=2)),
            trade_frame(at(base, hhmmss=93059, volume=7, acc_volume=9)),
        ],
        RECEIVED,
    )
    assert batch.late_trades == [
        {"frame_index": 1, "symbol": "005930", "time_us": kst_us(20250312, 93059), "acc_volume": 9}
    ]
    assert engine.totals["published"] == published and engine.totals["late"] == 1
    assert engine.open_bars("005930")["1d"]["volume"] == 2


def test_errors_do_not_stop_the_batch():
    bad = fixture(7).replace("^2345678^", "^23456x8^")
    batch = tickcore.Engine().feed([fixture(10), bad, b"\xff\xfe", fixture(7).encode()], RECEIVED)
    assert [(e["frame_index"], e["kind"]) for e in batch.errors] == [(1, "invalid_field"), (2, "unknown_frame_start")]
    assert batch.errors[0]["offset"] == bad.index("23456x8")
    assert "ACML_VOL" in batch.errors[0]["reason"]
    assert batch.counters["published"] == 2


def test_lone_surrogates_are_a_frame_error_not_an_exception():
    batch = tickcore.Engine().feed(['{"header":"\ud800"}'], RECEIVED)
    assert batch.errors[0]["kind"] == "invalid_utf8"


def test_feed_argument_types():
    engine = tickcore.Engine()
    with pytest.raises(TypeError):
        engine.feed(fixture(7), RECEIVED)
    with pytest.raises(TypeError):
        engine.feed([fixture(7), 5], RECEIVED)
    assert engine.feed((line for line in [fixture(7)]), RECEIVED).counters["published"] == 1


def test_settings_and_config_errors():
    engine = tickcore.Engine("kissim", max_frame_bytes=4096, late_trades="drop", keep_trades=True)
    assert engine.settings == {
        "source": "kissim",
        "max_frame_bytes": 4096,
        "max_records_per_frame": 1000,
        "late_trades": "drop",
        "drop_replayed_trades": True,
        "emit_empty_bars": False,
        "keep_trades": True,
        "learn_notice_ciphers": False,
    }
    for kwargs, setting in [
        ({"source": "yahoo"}, "source"),
        ({"late_trades": "keep"}, "late_trades"),
        ({"emit_empty_bars": True}, "emit_empty_bars"),
        ({"max_frame_bytes": 0}, "max_frame_bytes"),
    ]:
        with pytest.raises(tickcore.ConfigError) as error:
            tickcore.Engine(**kwargs)
        assert error.value.setting == setting
    with pytest.raises(tickcore.ConfigError):
        engine.set_cipher("H0STCNI0", "short", "7c1e9a3b5d2f4e60")


def test_replay_detection_can_be_disabled():
    engine = tickcore.Engine(drop_replayed_trades=False)
    batch = engine.feed([fixture(7), fixture(7)], RECEIVED)
    assert (batch.counters["duplicates"], batch.counters["published"]) == (0, 2)


def test_notice_decryption_from_acks():
    engine = tickcore.Engine(learn_notice_ciphers=True)
    [encrypted] = engine.feed([fixture(19), fixture(20)], RECEIVED).encrypted
    assert encrypted["records"][0][8] == "005930"
    explicit = tickcore.Engine()
    explicit.set_cipher("H0STCNI0", "qhzvnmtlkrdwpxajsgeybcofiuaxmwpl", "7c1e9a3b5d2f4e60")
    assert explicit.feed([fixture(20)], RECEIVED).encrypted[0]["records"] is not None


def test_kept_trades_and_order_books():
    batch = tickcore.Engine(keep_trades=True).feed([fixture(8), fixture(9)], RECEIVED)
    assert [t["acc_volume"] for t in batch.trades] == [2345690, 2345840]
    assert batch.order_books[0]["symbol"] == "005930"


def test_received_at_is_formatted_in_utc_millis():
    received = kst_us(20260111, 93000) + 131_999
    [(_, payload)] = tickcore.Engine().feed([trade_frame(TradeSpec(date=20260111))], received).messages
    assert json.loads(payload)["receivedAt"] == iso_millis(received) == "2026-01-11T00:30:00.131Z"
