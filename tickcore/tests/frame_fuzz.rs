//! Property tests: the parser and the engine never panic on arbitrary or mutated frames, errors
//! point inside the frame, and generated valid frames parse back to the values written.
//!
//! Bounded for `cargo test`: each property runs TICKCORE_FUZZ_CASES cases (default 10000).
//! Failures are persisted under tests/frame_fuzz.proptest-regressions and replayed first.

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use tickcore::engine::{Engine, EngineConfig, Source};
use tickcore::frame::{Frame, FrameParser, ParseLimits};

const FIXTURES: &str = include_str!("fixtures/kis-frames.txt");

fn cases() -> u32 {
    std::env::var("TICKCORE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

fn small_parser() -> FrameParser {
    FrameParser::new(ParseLimits {
        max_frame_bytes: 64 * 1024,
        max_records_per_frame: 50,
    })
}

/// A byte-level edit of a frame.
#[derive(Clone, Debug)]
enum Mutation {
    Replace(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
    DuplicateTail(usize),
}

fn interesting_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        Just(b'^'),
        Just(b'|'),
        Just(b'-'),
        Just(b'.'),
        Just(b'{'),
        Just(b'"'),
        (b'0'..=b'9'),
        Just(0xff),
        Just(0xea),
        any::<u8>(),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), interesting_byte()).prop_map(|(at, byte)| Mutation::Replace(at, byte)),
        (any::<usize>(), interesting_byte()).prop_map(|(at, byte)| Mutation::Insert(at, byte)),
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Truncate),
        any::<usize>().prop_map(Mutation::DuplicateTail),
    ]
}

fn apply(frame: &mut Vec<u8>, mutation: &Mutation) {
    let position = |at: usize, len: usize| if len == 0 { 0 } else { at % len };
    match *mutation {
        Mutation::Replace(at, byte) if !frame.is_empty() => {
            let at = position(at, frame.len());
            frame[at] = byte;
        }
        Mutation::Insert(at, byte) => {
            let at = position(at, frame.len() + 1);
            frame.insert(at, byte);
        }
        Mutation::Delete(at) if !frame.is_empty() => {
            let at = position(at, frame.len());
            frame.remove(at);
        }
        Mutation::Truncate(at) => {
            let at = position(at, frame.len() + 1);
            frame.truncate(at);
        }
        Mutation::DuplicateTail(at) => {
            let at = position(at, frame.len() + 1);
            let tail = frame[at..].to_vec();
            frame.extend_from_slice(&tail);
        }
        _ => {}
    }
}

fn mutated_fixture() -> impl Strategy<Value = Vec<u8>> {
    let lines: Vec<&'static str> = FIXTURES.lines().collect();
    (
        proptest::sample::select(lines),
        proptest::collection::vec(mutation(), 1..6),
    )
        .prop_map(|(line, mutations)| {
            let mut frame = line.as_bytes().to_vec();
            for mutation in &mutations {
                apply(&mut frame, mutation);
            }
            frame
        })
}

fn assert_error_inside(frame: &[u8]) {
    if let Err(error) = small_parser().parse(frame) {
        assert!(
            error.offset <= frame.len(),
            "offset {} beyond frame of {} bytes",
            error.offset,
            frame.len()
        );
        assert!(!error.code().is_empty());
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(frame in proptest::collection::vec(any::<u8>(), 0..1024)) {
        assert_error_inside(&frame);
    }

    #[test]
    fn arbitrary_data_frames_never_panic(
        flag in prop_oneof![Just(b'0'), Just(b'1')],
        tr in prop_oneof![Just("H0STCNT0".to_owned()), Just("H0STASP0".to_owned()), Just("H0STCNI0".to_owned()), "[A-Z0-9]{0,10}"],
        count in "[0-9]{0,4}",
        payload in "[0-9^.\\-A-Z|]{0,600}",
    ) {
        let frame = format!("{}|{tr}|{count}|{payload}", flag as char);
        assert_error_inside(frame.as_bytes());
    }

    #[test]
    fn mutated_fixtures_never_panic(frame in mutated_fixture()) {
        assert_error_inside(&frame);
    }

    #[test]
    fn engine_survives_mutated_batches(frames in proptest::collection::vec(mutated_fixture(), 1..20), received in any::<i64>()) {
        let mut engine = Engine::new(EngineConfig::new(Source::KisSim)).expect("engine");
        let batch = engine.feed(&frames, received);
        let c = batch.counters;
        prop_assert_eq!(c.frames, frames.len() as u64);
        prop_assert_eq!(c.trades, c.published + c.duplicates);
        prop_assert_eq!(batch.messages.len() as u64, c.published);
        prop_assert_eq!(batch.tick_rows as u64, c.published);
        let flushed = engine.flush(received);
        prop_assert!(flushed.errors.is_empty());
    }

    #[test]
    fn generated_trades_parse_back_exactly(
        price in 1_i64..10_000_000,
        change in -1_000_000_i64..1_000_000,
        rate in -3000_i64..3000,
        volume in 0_i64..1_000_000_000,
        acc in 0_i64..999_999_999_999,
        hour in 0_u32..24, minute in 0_u32..60, second in 0_u32..60,
        side in prop_oneof![Just(1_u8), Just(3), Just(5)],
        extra in 0_usize..3,
        count in 1_usize..5,
    ) {
        let rate_text = format!("{}{}.{:02}", if rate < 0 { "-" } else { "" }, rate.abs() / 100, rate.abs() % 100);
        let time = format!("{hour:02}{minute:02}{second:02}");
        let record = |i: usize| {
            let mut fields: Vec<String> = FIXTURES.lines().nth(6).expect("line 7").splitn(4, '|').nth(3).expect("payload")
                .split('^').map(str::to_owned).collect();
            fields[1] = time.clone();
            fields[2] = (price + i as i64).to_string();
            fields[4] = change.to_string();
            fields[5] = rate_text.clone();
            fields[12] = volume.to_string();
            fields[13] = (acc + i as i64).to_string();
            fields[21] = side.to_string();
            fields.extend((0..extra).map(|e| format!("X{e}")));
            fields.join("^")
        };
        let payload: Vec<String> = (0..count).map(record).collect();
        let frame = format!("0|H0STCNT0|{count:03}|{}", payload.join("^"));
        let Ok(Frame::Trades(parsed)) = small_parser().parse(frame.as_bytes()) else {
            return Err(TestCaseError::fail(format!("did not parse: {frame}")));
        };
        prop_assert_eq!(parsed.records.len(), count);
        prop_assert_eq!(parsed.extra_fields_per_record, extra);
        for (i, trade) in parsed.records.iter().enumerate() {
            prop_assert_eq!(trade.price, price + i as i64);
            prop_assert_eq!(trade.change, change);
            prop_assert_eq!(trade.change_rate.hundredths(), rate);
            prop_assert_eq!(trade.volume, volume);
            prop_assert_eq!(trade.acc_volume, acc + i as i64);
            prop_assert_eq!(trade.trade_time.hhmmss(), hour * 10_000 + minute * 100 + second);
            prop_assert_eq!(trade.side.code(), side);
        }
    }
}
