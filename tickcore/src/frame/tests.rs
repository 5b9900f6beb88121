//! Parser tests against every fixture of kis-frames.txt and hand-made malformed frames.

use super::*;
use crate::kst::{KstDate, KstTime};
use crate::values::{Decimal2, PriceSign, TradeSide};

const FIXTURES: &str = include_str!("../../tests/fixtures/kis-frames.txt");
const KEY: &str = "qhzvnmtlkrdwpxajsgeybcofiuaxmwpl";
const IV: &str = "7c1e9a3b5d2f4e60";

fn fixture(line: usize) -> &'static str {
    FIXTURES.lines().nth(line - 1).expect("fixture line exists")
}

fn parser() -> FrameParser {
    FrameParser::new(ParseLimits::default())
}

fn parse(frame: &str) -> Result<Frame, ParseError> {
    parser().parse(frame.as_bytes())
}

fn trades(frame: &str) -> Records<Trade> {
    match parse(frame) {
        Ok(Frame::Trades(records)) => records,
        other => panic!("expected trades, got {other:?}"),
    }
}

fn control(frame: &str) -> ControlMessage {
    match parse(frame) {
        Ok(Frame::Control(message)) => message,
        other => panic!("expected a control message, got {other:?}"),
    }
}

fn error(frame: &[u8]) -> ParseError {
    match parser().parse(frame) {
        Err(error) => error,
        Ok(frame) => panic!("expected an error, got {frame:?}"),
    }
}

fn d2(hundredths: i64) -> Decimal2 {
    Decimal2::from_hundredths(hundredths)
}

fn t(h: u8, m: u8, s: u8) -> KstTime {
    KstTime::new(h, m, s).expect("valid time")
}

#[test]
fn line7_parses_all_46_fields() {
    let records = trades(fixture(7));
    assert_eq!(records.extra_fields_per_record, 0);
    let [trade] = records.records[..] else {
        panic!("one record expected")
    };
    assert_eq!(trade.symbol.as_str(), "005930");
    assert_eq!(trade.trade_time, t(9, 30, 0));
    assert_eq!(trade.price, 70500);
    assert_eq!(trade.change_sign, PriceSign::Rise);
    assert_eq!(trade.change, 500);
    assert_eq!(trade.change_rate, d2(71));
    assert_eq!(trade.weighted_average_price, d2(7_041_202));
    assert_eq!((trade.open, trade.high, trade.low), (70200, 70700, 70100));
    assert_eq!((trade.ask_price1, trade.bid_price1), (70500, 70400));
    assert_eq!(
        (trade.volume, trade.acc_volume, trade.acc_amount),
        (37, 2_345_678, 165_163_915_480)
    );
    assert_eq!(
        (
            trade.sell_trade_count,
            trade.buy_trade_count,
            trade.net_buy_trade_count
        ),
        (8123, 9456, 1333)
    );
    assert_eq!(trade.trade_strength, d2(11587));
    assert_eq!(
        (trade.total_sell_volume, trade.total_buy_volume),
        (1_034_567, 1_198_765)
    );
    assert_eq!(trade.side, TradeSide::Buy);
    assert_eq!(
        (trade.buy_ratio, trade.volume_change_rate),
        (d2(52), d2(1842))
    );
    assert_eq!(
        (
            trade.open_time,
            trade.open_vs_price_sign,
            trade.open_vs_price
        ),
        (t(9, 0, 1), PriceSign::Rise, 300)
    );
    assert_eq!(
        (
            trade.high_time,
            trade.high_vs_price_sign,
            trade.high_vs_price
        ),
        (t(9, 27, 14), PriceSign::Fall, -200)
    );
    assert_eq!(
        (trade.low_time, trade.low_vs_price_sign, trade.low_vs_price),
        (t(9, 1, 53), PriceSign::Rise, 400)
    );
    assert_eq!(
        trade.business_date,
        KstDate::new(2025, 3, 12).expect("date")
    );
    assert_eq!(trade.market_operation_code.as_str(), "20");
    assert!(!trade.trading_halted);
    assert_eq!((trade.ask_size1, trade.bid_size1), (15234, 48120));
    assert_eq!(
        (trade.total_ask_size, trade.total_bid_size),
        (612_345, 834_567)
    );
    assert_eq!(trade.volume_turnover_rate, d2(4));
    assert_eq!(trade.prev_day_same_time_acc_volume, 2_011_234);
    assert_eq!(trade.prev_day_same_time_acc_volume_rate, d2(11663));
    assert_eq!(trade.hour_class_code.as_str(), "0");
    assert!(trade.market_termination_code.is_empty());
    assert_eq!(trade.vi_standard_price, 70200);
    assert_eq!(trade.sequence(), 8123 + 9456);
    // 2025-03-12 09:30:00 KST = 00:30:00 UTC
    assert_eq!(trade.time_micros(), 1_741_739_400_000_000);
}

#[test]
fn line9_splits_two_records_by_field_count() {
    let records = trades(fixture(9)).records;
    assert_eq!(records.len(), 2);
    assert_eq!(
        (
            records[0].price,
            records[0].volume,
            records[0].acc_volume,
            records[0].side
        ),
        (70500, 12, 2_345_690, TradeSide::Buy)
    );
    assert_eq!(
        (
            records[1].price,
            records[1].volume,
            records[1].acc_volume,
            records[1].side
        ),
        (70400, 150, 2_345_840, TradeSide::Sell)
    );
    assert_eq!(records[0].trade_time, records[1].trade_time);
    assert_eq!(records[1].change_rate, d2(57));
    assert_eq!(records[1].sequence(), 8124 + 9457);
}

#[test]
fn line10_keeps_negative_values() {
    let [trade] = trades(fixture(10)).records[..] else {
        panic!("one record expected")
    };
    assert_eq!(trade.symbol.as_str(), "000660");
    assert_eq!(
        (trade.change_sign, trade.change, trade.change_rate),
        (PriceSign::Fall, -1500, d2(-83))
    );
    assert_eq!(
        (trade.net_buy_trade_count, trade.open_vs_price),
        (-1111, -1000)
    );
    assert_eq!(trade.side, TradeSide::Sell);
}

#[test]
fn line8_parses_the_order_book() {
    let Ok(Frame::OrderBooks(records)) = parse(fixture(8)) else {
        panic!("order book expected")
    };
    let [book] = records.records[..] else {
        panic!("one record expected")
    };
    assert_eq!(book.symbol.as_str(), "005930");
    assert_eq!(book.business_time, t(9, 30, 0));
    assert_eq!(
        book.ask_prices,
        [70500, 70600, 70700, 70800, 70900, 71000, 71100, 71200, 71300, 71400]
    );
    assert_eq!(
        book.bid_prices,
        [70400, 70300, 70200, 70100, 70000, 69900, 69800, 69700, 69600, 69500]
    );
    assert_eq!(book.ask_sizes.iter().sum::<i64>(), book.total_ask_size);
    assert_eq!(book.bid_sizes.iter().sum::<i64>(), book.total_bid_size);
    assert_eq!(
        (book.total_ask_size, book.total_bid_size),
        (612_345, 834_567)
    );
    assert_eq!(
        (
            book.expected_price,
            book.expected_change,
            book.expected_change_sign
        ),
        (0, -70000, PriceSign::Fall)
    );
    assert_eq!(book.expected_change_rate, d2(-10000));
    assert_eq!(
        (
            book.acc_volume,
            book.total_ask_size_change,
            book.total_bid_size_change
        ),
        (2_345_678, -12, 340)
    );
    assert_eq!(book.deal_class_code.as_str(), "0");
}

#[test]
fn control_acks_carry_cipher_parameters() {
    let ControlMessage::Ack(reply) = control(fixture(2)) else {
        panic!("ack expected")
    };
    assert_eq!(
        (
            reply.tr_id.as_str(),
            reply.tr_key.as_str(),
            reply.msg_cd.as_str()
        ),
        ("H0STCNT0", "005930", "OPSP0000")
    );
    assert_eq!(reply.encrypted, Some(false));
    assert_eq!(
        reply.cipher,
        Some(CipherParameters {
            key: KEY.into(),
            iv: IV.into()
        })
    );
    let ControlMessage::Ack(unsubscribed) = control(fixture(13)) else {
        panic!("ack expected")
    };
    assert_eq!(
        (unsubscribed.msg_cd.as_str(), unsubscribed.cipher.as_ref()),
        ("OPSP0001", None)
    );
}

#[test]
fn control_errors_by_msg_cd() {
    let expected = [
        (14, "OPSP0002", "1"),
        (15, "OPSP0008", "1"),
        (16, "OPSP0011", "1"),
        (17, "OPSP8996", "9"),
    ];
    for (line, msg_cd, rt_cd) in expected {
        let ControlMessage::Error(reply) = control(fixture(line)) else {
            panic!("error expected on line {line}")
        };
        assert_eq!(
            (reply.msg_cd.as_str(), reply.rt_cd.as_str()),
            (msg_cd, rt_cd)
        );
    }
    let ControlMessage::Error(reply) = control(fixture(17)) else {
        panic!("error expected")
    };
    assert_eq!(
        (reply.tr_id.as_str(), reply.tr_key.as_str()),
        ("(null)", "")
    );
}

#[test]
fn pingpong_keeps_raw_text_for_the_echo() {
    let ControlMessage::PingPong { datetime, raw } = control(fixture(11)) else {
        panic!("pingpong expected")
    };
    assert_eq!(datetime, "20250312093015");
    assert_eq!(raw, fixture(11));
}

#[test]
fn client_requests_are_recognised_without_the_approval_key() {
    for (line, tr_type, tr_id) in [
        (1, "1", "H0STCNT0"),
        (12, "2", "H0STCNT0"),
        (18, "1", "H0STCNI0"),
    ] {
        let ControlMessage::Request(request) = control(fixture(line)) else {
            panic!("request expected")
        };
        assert_eq!(
            (request.tr_type.as_str(), request.tr_id.as_str()),
            (tr_type, tr_id)
        );
        assert!(!format!("{request:?}").contains("5b2e8c1d"));
    }
}

#[test]
fn every_fixture_line_parses() {
    for (index, line) in FIXTURES.lines().enumerate() {
        assert!(parse(line).is_ok(), "line {}: {:?}", index + 1, parse(line));
    }
}

#[test]
fn encrypted_frame_is_reported_without_a_cipher() {
    let Ok(Frame::Encrypted(frame)) = parse(fixture(20)) else {
        panic!("encrypted expected")
    };
    assert_eq!(
        (frame.tr_id.as_str(), frame.record_count, frame.records),
        ("H0STCNI0", 1, None)
    );
}

#[test]
fn encrypted_frame_decrypts_with_the_ack_cipher() {
    let mut parser = parser();
    parser.set_cipher("H0STCNI0", NoticeCipher::new(KEY, IV).expect("cipher"));
    let Ok(Frame::Encrypted(frame)) = parser.parse(fixture(20).as_bytes()) else {
        panic!("encrypted expected")
    };
    let records = frame.records.expect("decrypted");
    let expected = "myhtsid^5012345601^0000011234^0000000000^02^0^00^0^005930^10^70500^093000^0^2^2^06010^10^홍길동^0^1^N^^10^^삼성전자^70500";
    assert_eq!(
        records,
        vec![expected.split('^').map(str::to_owned).collect::<Vec<_>>()]
    );
}

#[test]
fn wrong_cipher_is_a_decrypt_error() {
    let mut parser = parser();
    parser.set_cipher(
        "H0STCNI0",
        NoticeCipher::new(&KEY.replace('q', "z"), IV).expect("cipher"),
    );
    let error = parser.parse(fixture(20).as_bytes()).expect_err("must fail");
    assert_eq!(error.code(), "decrypt_failed");
    assert!(NoticeCipher::new("short", IV).is_err());
}

#[test]
fn extra_fields_are_counted_and_skipped() {
    let records = trades(&format!("{}^X^42", fixture(7)));
    assert_eq!(
        (records.records.len(), records.extra_fields_per_record),
        (1, 2)
    );
    assert_eq!(records.records[0].vi_standard_price, 70200);

    let line7_payload = fixture(7).splitn(4, '|').nth(3).expect("payload");
    let two = format!("0|H0STCNT0|002|{line7_payload}^X^{line7_payload}^Y");
    let records = trades(&two);
    assert_eq!(
        (records.records.len(), records.extra_fields_per_record),
        (2, 1)
    );
    assert_eq!(records.records[1].price, 70500);
}

#[test]
fn uneven_extra_fields_are_ambiguous() {
    let line7_payload = fixture(7).splitn(4, '|').nth(3).expect("payload");
    let frame = format!("0|H0STCNT0|002|{line7_payload}^X^{line7_payload}");
    assert_eq!(error(frame.as_bytes()).code(), "ambiguous_record_length");
}

#[test]
fn fewer_fields_is_an_error() {
    let line7 = fixture(7);
    let truncated = &line7[..line7.rfind('^').expect("caret")];
    let error = error(truncated.as_bytes());
    assert_eq!(
        error.kind,
        ParseErrorKind::TooFewFields {
            tr_id: "H0STCNT0",
            pieces: 45,
            needed: 46
        }
    );
    assert_eq!(error.offset, truncated.len());
    // COUNT says 2 but only one record follows.
    let lying = fixture(7).replacen("|001|", "|002|", 1);
    assert_eq!(self::error(lying.as_bytes()).code(), "too_few_fields");
}

#[test]
fn non_numeric_field_reports_field_record_and_offset() {
    let frame = fixture(9).replacen("^150^", "^15O^", 1);
    let error = error(frame.as_bytes());
    assert_eq!(
        error.kind,
        ParseErrorKind::InvalidField {
            record: 1,
            field: "CNTG_VOL",
            expected: "a decimal integer"
        }
    );
    assert_eq!(&frame[error.offset..error.offset + 4], "15O^");
}

#[test]
fn failed_frame_appends_nothing_to_the_sink() {
    let frame = fixture(9).replacen("^150^", "^15O^", 1);
    let mut sink = RecordSink::default();
    assert!(parser().parse_into(frame.as_bytes(), &mut sink).is_err());
    assert!(sink.trades.is_empty());
}

#[test]
fn envelope_errors() {
    let cases: [(&[u8], &str, usize); 12] = [
        (b"", "empty_frame", 0),
        (b"2|H0STCNT0|001|x", "unknown_frame_start", 0),
        (b"0", "missing_envelope_part", 1),
        (b"0H0STCNT0", "missing_envelope_part", 1),
        (b"0|H0STCNT0", "missing_envelope_part", 10),
        (b"0|H0STCNT0|001", "missing_envelope_part", 14),
        (b"0||001|x", "invalid_tr_id", 2),
        (b"0|H0ST CNT0|001|x", "invalid_tr_id", 2),
        (b"0|H0STCNT0|000|x", "invalid_record_count", 11),
        (b"0|H0STCNT0|-01|x", "invalid_record_count", 11),
        (b"0|H0STCNT0|5000|x", "too_many_records", 11),
        (b"0|H0XXXXX0|001|x", "unknown_tr_id", 2),
    ];
    for (frame, code, offset) in cases {
        let error = error(frame);
        assert_eq!(
            (error.code(), error.offset),
            (code, offset),
            "{:?}",
            String::from_utf8_lossy(frame)
        );
    }
}

#[test]
fn json_errors() {
    assert_eq!(error(b"{\"header\":").code(), "invalid_json");
    assert_eq!(error(b"{\"a\":1}").code(), "unrecognised_control");
    assert_eq!(
        error(b"{\"header\":{\"tr_id\":\"X\"}}").code(),
        "unrecognised_control"
    );
    let invalid_utf8 = error(b"{\"header\":\"\xff\"}");
    assert_eq!(
        (invalid_utf8.code(), invalid_utf8.offset),
        ("invalid_utf8", 11)
    );
    let deep = "[".repeat(100_000);
    assert_eq!(
        error(format!("{{\"a\":{deep}").as_bytes()).code(),
        "invalid_json"
    );
}

#[test]
fn frame_size_is_capped_before_parsing() {
    let parser = FrameParser::new(ParseLimits {
        max_frame_bytes: 100,
        max_records_per_frame: 10,
    });
    let error = parser.parse(fixture(7).as_bytes()).expect_err("too large");
    assert_eq!(
        error.kind,
        ParseErrorKind::FrameTooLarge {
            len: fixture(7).len(),
            max: 100
        }
    );
}

#[test]
fn invalid_utf8_in_a_data_field_is_a_field_error() {
    let mut frame = fixture(7).as_bytes().to_vec();
    frame[15] = 0xff; // first byte of the stock code
    let error = error(&frame);
    assert_eq!((error.code(), error.offset), ("invalid_field", 15));
}

#[test]
fn every_prefix_of_a_multi_record_frame_fails_cleanly() {
    let frame = fixture(9).as_bytes();
    let last_field_start = fixture(9).rfind('^').expect("caret") + 1;
    for end in 0..frame.len() {
        // Cutting inside the last number leaves a shorter, still valid number.
        let parsed = parser().parse(&frame[..end]).is_ok();
        assert_eq!(parsed, end > last_field_start, "prefix of {end} bytes");
    }
    assert!(parser().parse(frame).is_ok());
}
