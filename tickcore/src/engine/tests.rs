//! Engine tests over the fixture session and hand-made trade streams.

use super::*;
use crate::kst::{kst_to_unix_micros, KstTime, MICROS_PER_MINUTE, MICROS_PER_SECOND};

const FIXTURES: &str = include_str!("../../tests/fixtures/kis-frames.txt");

fn fixture(line: usize) -> &'static str {
    FIXTURES.lines().nth(line - 1).expect("fixture line exists")
}

fn engine() -> Engine {
    Engine::new(EngineConfig {
        keep_trades: true,
        ..EngineConfig::new(Source::KisSim)
    })
    .expect("engine")
}

fn at(h: u8, m: u8, s: u8) -> i64 {
    kst_to_unix_micros(
        KstDate::new(2025, 3, 12).expect("date"),
        KstTime::new(h, m, s).expect("time"),
    )
}

/// A one-record H0STCNT0 frame built from fixture line 7 with new time, price, volumes.
fn trade_frame(symbol: &str, hhmmss: &str, price: i64, volume: i64, acc_volume: i64) -> String {
    let mut fields: Vec<String> = fixture(7)
        .splitn(4, '|')
        .nth(3)
        .expect("payload")
        .split('^')
        .map(str::to_owned)
        .collect();
    fields[0] = symbol.into();
    fields[1] = hhmmss.into();
    fields[2] = price.to_string();
    fields[12] = volume.to_string();
    fields[13] = acc_volume.to_string();
    format!("0|H0STCNT0|001|{}", fields.join("^"))
}

fn payload_text(batch: &Batch, index: usize) -> String {
    let (_, payload) = batch.messages.iter().nth(index).expect("message");
    String::from_utf8(payload.to_vec()).expect("utf-8")
}

#[test]
fn fixture_session_counts_every_kind_of_message() {
    let mut engine = engine();
    let frames: Vec<&str> = FIXTURES.lines().collect();
    let batch = engine.feed(&frames, at(9, 30, 0) + 131_000);
    let counters = batch.counters;
    assert_eq!(
        (counters.frames, counters.trades, counters.published),
        (20, 4, 4)
    );
    assert_eq!(
        (
            counters.controls,
            counters.order_books,
            counters.encrypted_frames
        ),
        (15, 1, 1)
    );
    assert_eq!(
        (counters.errors, counters.duplicates, counters.late),
        (0, 0, 0)
    );
    assert_eq!(batch.tick_rows, 4);
    assert_eq!(batch.trades.len(), 4);
    assert!(batch.closed_bars.iter().all(Vec::is_empty));
    assert!(batch.bar_copies.iter().all(Vec::is_empty));
    assert!(batch.ticks_copy.starts_with(b"PGCOPY\n\xff\r\n\0"));
    assert_eq!(engine.totals(), counters);
}

#[test]
fn tick_json_matches_the_contract() {
    let mut engine = engine();
    let batch = engine.feed(&[fixture(7)], at(9, 30, 0) + 131_999);
    assert_eq!(
        payload_text(&batch, 0),
        concat!(
            r#"{"type":"tick","symbol":"005930","price":70500,"volume":37,"change":500,"changePercent":0.71,"#,
            r#""accVolume":2345678,"open":70200,"high":70700,"low":70100,"side":1,"#,
            r#""timestamp":"2025-03-12T00:30:00.000Z","receivedAt":"2025-03-12T00:30:00.131Z","source":"kissim","seq":17579,"#,
            r#""strength":115.87,"sign":2,"halted":false,"session":"0","marketCode":"20","viPrice":70200}"#
        )
    );
    let batch = engine.feed(&[fixture(10)], at(9, 30, 1));
    assert!(payload_text(&batch, 0).contains(r#""change":-1500,"changePercent":-0.83,"#));
    assert_eq!(
        batch
            .messages
            .iter()
            .next()
            .map(|(symbol, _)| symbol.as_str()),
        Some("000660")
    );
}

#[test]
fn replays_are_dropped_before_everything() {
    let mut engine = engine();
    engine.feed(&[fixture(7), fixture(9)], at(9, 30, 2));
    let replay = engine.feed(&[fixture(7), fixture(9)], at(9, 31, 0));
    assert_eq!(
        (
            replay.counters.duplicates,
            replay.counters.published,
            replay.tick_rows
        ),
        (3, 0, 0)
    );
    assert!(replay.messages.is_empty() && replay.ticks_copy.is_empty());
    let day = engine.open_bars(&Symbol::new("005930").expect("symbol"))[Interval::OneDay.index()]
        .expect("open day");
    assert_eq!((day.volume, day.trade_count), (37 + 12 + 150, 3));
}

#[test]
fn trades_marked_stored_are_dropped_and_later_ones_kept() {
    let mut engine = engine();
    let samsung = Symbol::new("005930").expect("symbol");
    let day = KstDate::new(2025, 3, 12).expect("date");
    engine.mark_stored(samsung, day, 2_000);
    let stored = trade_frame("005930", "093000", 100, 10, 2_000);
    let newer = trade_frame("005930", "093001", 101, 5, 2_005);
    let batch = engine.feed(&[stored.as_str(), newer.as_str()], at(9, 30, 2));
    assert_eq!(
        (batch.counters.duplicates, batch.counters.published),
        (1, 1)
    );
    // A lower mark afterwards does not reopen what was accepted.
    engine.mark_stored(samsung, day, 1_000);
    let again = engine.feed(&[newer.as_str()], at(9, 30, 3));
    assert_eq!(again.counters.duplicates, 1);
    // The next business day is not affected by yesterday's mark.
    let tomorrow = trade_frame("005930", "090000", 100, 1, 1).replace("^20250312^", "^20250313^");
    assert_eq!(
        engine
            .feed(&[tomorrow.as_str()], at(9, 0, 0))
            .counters
            .published,
        1
    );
}

#[test]
fn a_new_business_day_restarts_accumulated_volume() {
    let mut engine = engine();
    let today = trade_frame("005930", "153000", 100, 10, 5_000);
    let tomorrow = today
        .replace("^20250312^", "^20250313^")
        .replace("^5000^", "^10^");
    let batch = engine.feed(&[today.as_str(), tomorrow.as_str()], at(9, 0, 0));
    assert_eq!(
        (batch.counters.duplicates, batch.counters.published),
        (0, 2)
    );
    assert_eq!(batch.closed(Interval::OneDay).len(), 1);
    // And the old day, replayed afterwards, is a duplicate.
    assert_eq!(
        engine
            .feed(&[today.as_str()], at(9, 0, 0))
            .counters
            .duplicates,
        1
    );
}

#[test]
fn bars_close_on_later_trades_and_on_flush() {
    let mut engine = engine();
    let frames = [
        trade_frame("005930", "090000", 100, 1, 1),
        trade_frame("005930", "090030", 103, 2, 3),
        trade_frame("005930", "090059", 99, 3, 6),
        trade_frame("000660", "090100", 500, 4, 4),
        trade_frame("005930", "090100", 101, 4, 10),
    ];
    let batch = engine.feed(&frames, at(9, 1, 0));
    let minute = batch.closed(Interval::OneMinute);
    assert_eq!(minute.len(), 1);
    let bar = minute[0].bar;
    assert_eq!(
        (
            bar.open,
            bar.high,
            bar.low,
            bar.close,
            bar.volume,
            bar.trade_count
        ),
        (100, 103, 99, 99, 6, 3)
    );
    assert_eq!(bar.amount, 100 + 103 * 2 + 99 * 3);
    assert_eq!(
        (bar.bucket_start, bar.first_trade_at, bar.last_trade_at),
        (at(9, 0, 0), at(9, 0, 0), at(9, 0, 59))
    );
    assert!(!batch.bar_copies[0].is_empty() && batch.bar_copies[1].is_empty());

    assert!(engine
        .flush(at(9, 1, 59))
        .closed_bars
        .iter()
        .all(Vec::is_empty));
    let flushed = engine.flush(at(9, 2, 0));
    let symbols: Vec<&str> = flushed
        .closed(Interval::OneMinute)
        .iter()
        .map(|c| c.symbol.as_str())
        .collect();
    assert_eq!(symbols, vec!["000660", "005930"]);
    assert_eq!(flushed.counters.closed_bars, 2);
    let all = engine.flush(i64::MAX);
    assert_eq!(all.closed(Interval::OneDay).len(), 2);
    assert_eq!(all.closed(Interval::OneDay)[1].bar.volume, 10);
    assert!(engine
        .open_bars(&Symbol::new("005930").expect("symbol"))
        .iter()
        .all(Option::is_none));
}

#[test]
fn late_trades_follow_the_policy() {
    for (policy, published) in [(LateTradePolicy::Publish, 3), (LateTradePolicy::Drop, 2)] {
        let config = EngineConfig {
            late_trades: policy,
            ..EngineConfig::new(Source::Kis)
        };
        let mut engine = Engine::new(config).expect("engine");
        engine.feed(&[trade_frame("005930", "093010", 100, 1, 1)], at(9, 30, 10));
        engine.flush(at(9, 31, 0));
        let batch = engine.feed(
            &[
                trade_frame("005930", "093100", 101, 1, 2),
                trade_frame("005930", "093059", 102, 5, 7),
            ],
            at(9, 31, 1),
        );
        assert_eq!(batch.counters.late, 1);
        assert_eq!(batch.late_trades[0].time, at(9, 30, 59));
        assert_eq!(engine.totals().published, published);
        let day = engine.open_bars(&Symbol::new("005930").expect("symbol"))[3].expect("day");
        assert_eq!(day.volume, 2, "late trade must stay out of bars");
    }
}

#[test]
fn errors_carry_the_frame_index_and_do_not_stop_the_batch() {
    let mut engine = engine();
    let bad = fixture(7).replacen("^70500^", "^7O500^", 1);
    let batch = engine.feed(&[fixture(10), bad.as_str(), "", fixture(7)], at(9, 30, 0));
    assert_eq!(batch.counters.errors, 2);
    let indices: Vec<usize> = batch
        .errors
        .iter()
        .map(|failure| failure.frame_index)
        .collect();
    assert_eq!(indices, vec![1, 2]);
    assert_eq!(batch.errors[0].error.code(), "invalid_field");
    assert_eq!(batch.counters.published, 2);
}

#[test]
fn acks_teach_notice_ciphers_only_when_enabled() {
    for (learn, decrypted) in [(false, false), (true, true)] {
        let config = EngineConfig {
            learn_notice_ciphers: learn,
            ..EngineConfig::new(Source::Kis)
        };
        let mut engine = Engine::new(config).expect("engine");
        let batch = engine.feed(&[fixture(19), fixture(20)], 0);
        assert_eq!(batch.encrypted[0].records.is_some(), decrypted);
    }
}

#[test]
fn invalid_settings_are_refused() {
    let mut config = EngineConfig::new(Source::Kis);
    config.bars.emit_empty_bars = true;
    assert_eq!(
        Engine::new(config).err().map(|e| e.setting),
        Some("emit_empty_bars")
    );
    config = EngineConfig::new(Source::Kis);
    config.limits.max_frame_bytes = 0;
    assert!(Engine::new(config).is_err());
    assert!(Source::from_name("yahoo").is_err());
    assert!(LateTradePolicy::from_name("keep").is_err());
}

#[test]
fn one_minute_volume_sums_to_the_day() {
    let mut engine = engine();
    let mut frames = Vec::new();
    let mut acc = 0;
    for minute in 0..200_i64 {
        let time = at(9, 0, 0) + minute * MICROS_PER_MINUTE + (minute % 7) * MICROS_PER_SECOND;
        let hhmmss = {
            let kst_seconds = (time / MICROS_PER_SECOND + 9 * 3600).rem_euclid(86_400);
            format!(
                "{:02}{:02}{:02}",
                kst_seconds / 3600,
                kst_seconds / 60 % 60,
                kst_seconds % 60
            )
        };
        let volume = 1 + minute % 13;
        acc += volume;
        frames.push(trade_frame("005930", &hhmmss, 1000 + minute, volume, acc));
    }
    let mut batch = engine.feed(&frames, at(12, 30, 0));
    let flushed = engine.flush(i64::MAX);
    for interval in Interval::ALL {
        batch.closed_bars[interval.index()].extend_from_slice(flushed.closed(interval));
    }
    let minute_volume: i64 = batch
        .closed(Interval::OneMinute)
        .iter()
        .map(|c| c.bar.volume)
        .sum();
    let day = batch.closed(Interval::OneDay);
    assert_eq!((day.len(), day[0].bar.volume, minute_volume), (1, acc, acc));
    assert_eq!(batch.closed(Interval::OneMinute).len(), 200);
    let fifteen = batch.closed(Interval::FifteenMinutes);
    assert!(fifteen
        .windows(2)
        .all(|pair| pair[0].bar.bucket_start < pair[1].bar.bucket_start));
}
