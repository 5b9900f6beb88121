//! Pure-Rust throughput of `Engine::feed` (no Python), to tell engine cost from binding cost.
//!
//! Run: cargo bench -p tickcore --bench engine_throughput
//! The stream mirrors bench/tickcore_bench.py: ~200 symbols, 1-8 trades per frame, times
//! advancing through a trading day, 500 frames per feed.

use std::time::Instant;

use tickcore::engine::{Engine, EngineConfig, Source};
use tickcore::frame::{FrameParser, ParseLimits, RecordSink};

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

struct SymbolState {
    code: String,
    price: i64,
    acc: i64,
    sells: i64,
    buys: i64,
}

fn record(state: &mut SymbolState, hhmmss: &str, rng: &mut Lcg) -> String {
    state.price = (state.price + [-100, -50, 0, 0, 50, 100][rng.next(6) as usize]).max(100);
    let volume = 1 + rng.next(2000) as i64;
    state.acc += volume;
    let side = if rng.next(2) == 0 { 1 } else { 5 };
    if side == 1 {
        state.buys += 1
    } else {
        state.sells += 1
    }
    let p = state.price;
    let change = rng.next(10_001) as i64 - 5000;
    let rate = format!(
        "{}{}.{:02}",
        if change < 0 { "-" } else { "" },
        change.abs() / 1000,
        change.abs() / 10 % 100
    );
    let sign = if change > 0 {
        2
    } else if change < 0 {
        5
    } else {
        3
    };
    [
        state.code.clone(),
        hhmmss.into(),
        p.to_string(),
        sign.to_string(),
        change.to_string(),
        rate,
        format!("{p}.37"),
        (p - 300).to_string(),
        (p + 500).to_string(),
        (p - 700).to_string(),
        (p + 50).to_string(),
        p.to_string(),
        volume.to_string(),
        state.acc.to_string(),
        (state.acc * p).to_string(),
        state.sells.to_string(),
        state.buys.to_string(),
        (state.buys - state.sells).to_string(),
        "115.87".into(),
        "1034567".into(),
        "1198765".into(),
        side.to_string(),
        "0.52".into(),
        "18.42".into(),
        "090001".into(),
        "2".into(),
        "300".into(),
        "092714".into(),
        "5".into(),
        "-200".into(),
        "090153".into(),
        "2".into(),
        "400".into(),
        "20250312".into(),
        "20".into(),
        "N".into(),
        "15234".into(),
        "48120".into(),
        "612345".into(),
        "834567".into(),
        "0.04".into(),
        "2011234".into(),
        "116.63".into(),
        "0".into(),
        String::new(),
        (p - 300).to_string(),
    ]
    .join("^")
}

fn frames(total_trades: usize, symbols: usize) -> Vec<String> {
    let mut rng = Lcg(7);
    let mut states: Vec<SymbolState> = (0..symbols)
        .map(|_| SymbolState {
            code: format!("{:06}", 1 + rng.next(999_998)),
            price: 1000 + rng.next(499_000) as i64,
            acc: 0,
            sells: 0,
            buys: 0,
        })
        .collect();
    let session_seconds = 6 * 3600 + 20 * 60;
    let mut out = Vec::new();
    let mut made = 0;
    while made < total_trades {
        let state = &mut states[rng.next(symbols as u64) as usize];
        let count = (1 + rng.next(8) as usize).min(total_trades - made);
        let second = 9 * 3600 + made * session_seconds / total_trades;
        let hhmmss = format!(
            "{:02}{:02}{:02}",
            second / 3600,
            second / 60 % 60,
            second % 60
        );
        let records: Vec<String> = (0..count)
            .map(|_| record(state, &hhmmss, &mut rng))
            .collect();
        out.push(format!("0|H0STCNT0|{count:03}|{}", records.join("^")));
        made += count;
    }
    out
}

/// CPU time of this process in seconds (Linux schedstat): robust against other load on the
/// machine, unlike wall time; falls back to wall time elsewhere.
fn cpu_seconds(wall: Instant) -> f64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|text| {
            text.split_whitespace()
                .next()
                .and_then(|ns| ns.parse::<f64>().ok())
        })
        .map_or_else(|| wall.elapsed().as_secs_f64(), |ns| ns / 1e9)
}

fn main() {
    let origin = Instant::now();
    let total_trades = std::env::var("TICKCORE_BENCH_TRADES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400_000);
    let runs = std::env::var("TICKCORE_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
    let stream = frames(total_trades, 200);
    let mut best = f64::MAX;
    for _ in 0..runs {
        let mut engine = Engine::new(EngineConfig::new(Source::KisSim)).expect("engine");
        let start = cpu_seconds(origin);
        let mut published = 0;
        for (index, chunk) in stream.chunks(500).enumerate() {
            let batch = engine.feed(chunk, 1_741_737_600_000_000 + index as i64 * 10_000);
            published += batch.messages.len();
        }
        engine.flush(i64::MAX);
        let elapsed = cpu_seconds(origin) - start;
        assert_eq!(published, total_trades);
        best = best.min(elapsed);
    }
    let parser = FrameParser::new(ParseLimits::default());
    let mut sink = RecordSink::default();
    let mut parse_best = f64::MAX;
    for _ in 0..runs {
        let start = cpu_seconds(origin);
        for frame in &stream {
            sink.clear();
            let _ = parser.parse_into(frame.as_bytes(), &mut sink);
        }
        parse_best = parse_best.min(cpu_seconds(origin) - start);
    }
    println!(
        "parse only: {:.0} ns/trade",
        parse_best * 1e9 / total_trades as f64
    );
    println!(
        "engine.feed (Rust only, CPU time): {} frames, {} trades: {:.0} frames/s, {:.0} trades/s ({:.0} ns/trade)",
        stream.len(),
        total_trades,
        stream.len() as f64 / best,
        total_trades as f64 / best,
        best * 1e9 / total_trades as f64
    );
}
