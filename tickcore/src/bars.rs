//! OHLCV bars per symbol for 1m, 15m, 1h and 1d at once, aligned to Asia/Seoul wall clock.
//!
//! Policies (each one a decision, not an accident):
//! * Buckets: `[start, start + length)` with start at a KST multiple of the length; the 1d
//!   bucket is the KST calendar day, which is the KIS business day of the trade.
//! * Bars are stamped with their bucket start; `first_trade_at` / `last_trade_at` carry the
//!   real trade times.
//! * A trade in a later bucket closes and emits the open bar of that interval;
//!   [`SymbolBars::close_ended`] closes bars whose bucket has ended by a given instant.
//! * Empty buckets produce no bar ([`BarSettings::emit_empty_bars`] must be `false`; KRX has
//!   no trades outside its sessions, so flat bars would invent prices).
//! * Late trades: a trade whose bucket is older than the open bar of any interval, or whose
//!   bucket was already closed, is refused ([`Admission::Late`]) and enters no bar at all, so
//!   every interval sees the same trades and volume is conserved across intervals. A trade in
//!   the bucket of the open bar is counted even if it is older than the bar's last trade.
//! * Within a bar, `open` is the price of the earliest trade and `close` of the latest by trade
//!   time; equal times keep arrival order.

use crate::error::ConfigError;
use crate::kst::{KST_OFFSET_MICROS, MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE};

/// The bar intervals, finest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Interval {
    OneMinute,
    FifteenMinutes,
    OneHour,
    OneDay,
}

/// Number of intervals built for every symbol.
pub const INTERVAL_COUNT: usize = 4;

impl Interval {
    pub const ALL: [Interval; INTERVAL_COUNT] = [
        Interval::OneMinute,
        Interval::FifteenMinutes,
        Interval::OneHour,
        Interval::OneDay,
    ];

    /// Position in [`Interval::ALL`].
    pub const fn index(self) -> usize {
        match self {
            Self::OneMinute => 0,
            Self::FifteenMinutes => 1,
            Self::OneHour => 2,
            Self::OneDay => 3,
        }
    }

    /// The canonical text form (`1m`, `15m`, `1h`, `1d`), as in Redis keys and the API.
    pub const fn label(self) -> &'static str {
        match self {
            Self::OneMinute => "1m",
            Self::FifteenMinutes => "15m",
            Self::OneHour => "1h",
            Self::OneDay => "1d",
        }
    }

    /// Parses the canonical text form.
    pub fn from_label(label: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|interval| interval.label() == label)
    }

    /// The database table that stores closed bars of this interval.
    pub const fn table(self) -> &'static str {
        match self {
            Self::OneMinute => "stock_prices_1m",
            Self::FifteenMinutes => "stock_prices_15m",
            Self::OneHour => "stock_prices_1h",
            Self::OneDay => "stock_prices_1d",
        }
    }

    pub const fn length_micros(self) -> i64 {
        match self {
            Self::OneMinute => MICROS_PER_MINUTE,
            Self::FifteenMinutes => 15 * MICROS_PER_MINUTE,
            Self::OneHour => MICROS_PER_HOUR,
            Self::OneDay => MICROS_PER_DAY,
        }
    }

    /// Start of the KST-aligned bucket containing the instant (Unix microseconds).
    pub fn bucket_start(self, unix_micros: i64) -> i64 {
        let length = self.length_micros();
        let kst = unix_micros.saturating_add(KST_OFFSET_MICROS);
        (kst.div_euclid(length) * length).saturating_sub(KST_OFFSET_MICROS)
    }

    /// End (exclusive) of the bucket starting at `bucket_start`.
    pub fn bucket_end(self, bucket_start: i64) -> i64 {
        bucket_start.saturating_add(self.length_micros())
    }
}

/// One OHLCV bar. Times are Unix microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bar {
    pub bucket_start: i64,
    pub open: i64,
    pub high: i64,
    pub low: i64,
    pub close: i64,
    pub volume: i64,
    /// Σ price × volume, won.
    pub amount: i64,
    pub trade_count: u32,
    pub first_trade_at: i64,
    pub last_trade_at: i64,
}

impl Bar {
    fn from_first_trade(bucket_start: i64, price: i64, volume: i64, time: i64) -> Self {
        Self {
            bucket_start,
            open: price,
            high: price,
            low: price,
            close: price,
            volume,
            amount: price.saturating_mul(volume),
            trade_count: 1,
            first_trade_at: time,
            last_trade_at: time,
        }
    }

    // Saturating arithmetic: values come from the wire and must never panic the process.
    fn add_trade(&mut self, price: i64, volume: i64, time: i64) {
        self.high = self.high.max(price);
        self.low = self.low.min(price);
        self.volume = self.volume.saturating_add(volume);
        self.amount = self.amount.saturating_add(price.saturating_mul(volume));
        self.trade_count = self.trade_count.saturating_add(1);
        if time < self.first_trade_at {
            self.open = price;
            self.first_trade_at = time;
        }
        if time >= self.last_trade_at {
            self.close = price;
            self.last_trade_at = time;
        }
    }
}

/// Aggregation settings, each a named policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct BarSettings {
    /// Emit flat bars for buckets without trades. Only `false` is supported.
    pub emit_empty_bars: bool,
}

impl BarSettings {
    pub fn validate(self) -> Result<Self, ConfigError> {
        if self.emit_empty_bars {
            return Err(ConfigError::new(
                "emit_empty_bars",
                "flat bars for empty buckets are not supported: KRX has no trades outside its sessions",
            ));
        }
        Ok(self)
    }
}

/// Whether a trade entered the bars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    Accepted,
    /// Its bucket is older than an open bar or was already closed; it entered no bar.
    Late,
}

/// The open bars of one symbol, one per interval, and what was closed before them.
#[derive(Clone, Debug, Default)]
pub struct SymbolBars {
    open: [Option<Bar>; INTERVAL_COUNT],
    last_closed_bucket: [Option<i64>; INTERVAL_COUNT],
}

impl SymbolBars {
    /// The open (unfinished) bar of an interval.
    pub fn open_bar(&self, interval: Interval) -> Option<&Bar> {
        self.open[interval.index()].as_ref()
    }

    /// Adds a trade to every interval, calling `on_close` for each bar it closes.
    pub fn add_trade(
        &mut self,
        price: i64,
        volume: i64,
        time: i64,
        mut on_close: impl FnMut(Interval, Bar),
    ) -> Admission {
        if self.in_open_minute(time) {
            // All four bars are open and contain this minute: no bucket arithmetic needed.
            for bar in self.open.iter_mut().flatten() {
                bar.add_trade(price, volume, time);
            }
            return Admission::Accepted;
        }
        if self.is_late(time) {
            return Admission::Late;
        }
        for interval in Interval::ALL {
            self.add_to_interval(interval, price, volume, time, &mut on_close);
        }
        Admission::Accepted
    }

    /// Closes every bar whose bucket ended at or before `now`.
    pub fn close_ended(&mut self, now: i64, mut on_close: impl FnMut(Interval, Bar)) {
        for interval in Interval::ALL {
            let slot = &mut self.open[interval.index()];
            if slot.is_some_and(|bar| interval.bucket_end(bar.bucket_start) <= now) {
                if let Some(bar) = slot.take() {
                    self.last_closed_bucket[interval.index()] = Some(bar.bucket_start);
                    on_close(interval, bar);
                }
            }
        }
    }

    /// True when nothing is open (the symbol's state can be dropped).
    pub fn is_idle(&self) -> bool {
        self.open.iter().all(Option::is_none)
    }

    fn in_open_minute(&self, time: i64) -> bool {
        // An open 1m bar implies the coarser bars are open too: a trade opens all four, and
        // a coarser bucket cannot end before the finer bucket inside it.
        self.open[0].is_some_and(|bar| {
            time >= bar.bucket_start && time < Interval::OneMinute.bucket_end(bar.bucket_start)
        })
    }

    fn is_late(&self, time: i64) -> bool {
        Interval::ALL.into_iter().any(|interval| {
            let bucket = interval.bucket_start(time);
            match (
                &self.open[interval.index()],
                self.last_closed_bucket[interval.index()],
            ) {
                (Some(open), _) => bucket < open.bucket_start,
                (None, Some(closed)) => bucket <= closed,
                (None, None) => false,
            }
        })
    }

    fn add_to_interval(
        &mut self,
        interval: Interval,
        price: i64,
        volume: i64,
        time: i64,
        on_close: &mut impl FnMut(Interval, Bar),
    ) {
        let bucket = interval.bucket_start(time);
        let slot = &mut self.open[interval.index()];
        match slot {
            Some(bar) if bar.bucket_start == bucket => bar.add_trade(price, volume, time),
            _ => {
                if let Some(closed) =
                    slot.replace(Bar::from_first_trade(bucket, price, volume, time))
                {
                    self.last_closed_bucket[interval.index()] = Some(closed.bucket_start);
                    on_close(interval, closed);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kst::{kst_to_unix_micros, KstDate, KstTime, MICROS_PER_SECOND};

    fn kst(date: (u16, u8, u8), h: u8, m: u8, s: u8) -> i64 {
        let date = KstDate::new(date.0, date.1, date.2).expect("date");
        kst_to_unix_micros(date, KstTime::new(h, m, s).expect("time"))
    }

    const DAY: (u16, u8, u8) = (2025, 3, 12);

    #[derive(Default)]
    struct Closed(Vec<(Interval, Bar)>);

    impl Closed {
        fn of(&self, interval: Interval) -> Vec<Bar> {
            self.0
                .iter()
                .filter(|(i, _)| *i == interval)
                .map(|(_, bar)| *bar)
                .collect()
        }
    }

    fn feed(
        bars: &mut SymbolBars,
        closed: &mut Closed,
        trades: &[(i64, i64, i64)],
    ) -> Vec<Admission> {
        trades
            .iter()
            .map(|&(price, volume, time)| {
                bars.add_trade(price, volume, time, |i, bar| closed.0.push((i, bar)))
            })
            .collect()
    }

    #[test]
    fn buckets_align_to_kst_wall_clock() {
        let t = kst(DAY, 9, 37, 12);
        assert_eq!(Interval::OneMinute.bucket_start(t), kst(DAY, 9, 37, 0));
        assert_eq!(Interval::FifteenMinutes.bucket_start(t), kst(DAY, 9, 30, 0));
        assert_eq!(Interval::OneHour.bucket_start(t), kst(DAY, 9, 0, 0));
        assert_eq!(Interval::OneDay.bucket_start(t), kst(DAY, 0, 0, 0));
        assert_eq!(
            Interval::OneDay.bucket_end(kst(DAY, 0, 0, 0)),
            kst((2025, 3, 13), 0, 0, 0)
        );
        for interval in Interval::ALL {
            assert_eq!(Interval::from_label(interval.label()), Some(interval));
        }
    }

    #[test]
    fn edge_times_around_the_open_and_close() {
        let before_open = kst(DAY, 8, 59, 59);
        let open = kst(DAY, 9, 0, 0);
        let close = kst(DAY, 15, 30, 0);
        assert_ne!(
            Interval::OneMinute.bucket_start(before_open),
            Interval::OneMinute.bucket_start(open)
        );
        assert_eq!(
            Interval::OneHour.bucket_start(before_open),
            kst(DAY, 8, 0, 0)
        );
        assert_eq!(Interval::OneHour.bucket_start(open), open);
        assert_eq!(Interval::FifteenMinutes.bucket_start(close), close);
        assert_eq!(
            Interval::FifteenMinutes.bucket_start(close - 1),
            kst(DAY, 15, 15, 0)
        );
        assert_eq!(
            Interval::OneDay.bucket_start(before_open),
            Interval::OneDay.bucket_start(close)
        );

        let mut bars = SymbolBars::default();
        let mut closed = Closed::default();
        feed(
            &mut bars,
            &mut closed,
            &[(100, 1, before_open), (101, 2, open)],
        );
        let minute = closed.of(Interval::OneMinute);
        let hour = closed.of(Interval::OneHour);
        assert_eq!(minute.len(), 1);
        assert_eq!(
            (minute[0].bucket_start, minute[0].close),
            (kst(DAY, 8, 59, 0), 100)
        );
        assert_eq!(
            (hour[0].bucket_start, hour[0].volume),
            (kst(DAY, 8, 0, 0), 1)
        );
        assert!(closed.of(Interval::OneDay).is_empty());

        feed(&mut bars, &mut closed, &[(102, 3, close)]);
        assert_eq!(
            closed
                .of(Interval::FifteenMinutes)
                .last()
                .map(|b| b.bucket_start),
            Some(kst(DAY, 9, 0, 0))
        );
        assert_eq!(
            bars.open_bar(Interval::FifteenMinutes)
                .map(|b| b.bucket_start),
            Some(close)
        );
        let day = bars.open_bar(Interval::OneDay).expect("day open");
        assert_eq!(
            (
                day.open,
                day.high,
                day.low,
                day.close,
                day.volume,
                day.trade_count
            ),
            (100, 102, 100, 102, 6, 3)
        );
        assert_eq!(day.amount, 100 + 101 * 2 + 102 * 3);
    }

    #[test]
    fn kst_midnight_closes_the_day() {
        let mut bars = SymbolBars::default();
        let mut closed = Closed::default();
        let last_of_day = kst(DAY, 23, 59, 59);
        let midnight = kst((2025, 3, 13), 0, 0, 0);
        feed(
            &mut bars,
            &mut closed,
            &[(100, 5, last_of_day), (90, 7, midnight)],
        );
        let days = closed.of(Interval::OneDay);
        assert_eq!(days.len(), 1);
        assert_eq!(
            (days[0].bucket_start, days[0].volume),
            (kst(DAY, 0, 0, 0), 5)
        );
        // KST midnight is 15:00 UTC the previous day: the UTC date did not change here.
        assert_eq!(midnight - kst(DAY, 0, 0, 0), MICROS_PER_DAY);
        assert_eq!(
            bars.open_bar(Interval::OneDay).map(|b| b.bucket_start),
            Some(midnight)
        );
    }

    #[test]
    fn no_flat_bars_for_quiet_minutes() {
        let mut bars = SymbolBars::default();
        let mut closed = Closed::default();
        feed(
            &mut bars,
            &mut closed,
            &[(100, 1, kst(DAY, 9, 1, 0)), (100, 1, kst(DAY, 9, 7, 0))],
        );
        assert_eq!(closed.of(Interval::OneMinute).len(), 1);
        assert!(BarSettings {
            emit_empty_bars: true
        }
        .validate()
        .is_err());
    }

    #[test]
    fn late_trades_enter_no_bar() {
        let mut bars = SymbolBars::default();
        let mut closed = Closed::default();
        let admissions = feed(
            &mut bars,
            &mut closed,
            &[
                (100, 1, kst(DAY, 9, 31, 10)),
                (105, 1, kst(DAY, 9, 31, 5)), // same minute, earlier: counted, becomes open
                (110, 1, kst(DAY, 9, 32, 0)), // closes 09:31
                (120, 9, kst(DAY, 9, 31, 59)), // bucket already closed: late
                (130, 9, kst(DAY, 9, 20, 0)), // older 15m bucket: late
            ],
        );
        use Admission::*;
        assert_eq!(admissions, vec![Accepted, Accepted, Accepted, Late, Late]);
        let minute = closed.of(Interval::OneMinute)[0];
        assert_eq!(
            (minute.open, minute.close, minute.high, minute.volume),
            (105, 100, 105, 2)
        );
        assert_eq!(bars.open_bar(Interval::OneDay).map(|b| b.volume), Some(3));
    }

    #[test]
    fn close_ended_flushes_quiet_symbols_and_blocks_reopening() {
        let mut bars = SymbolBars::default();
        let mut closed = Closed::default();
        feed(&mut bars, &mut closed, &[(100, 1, kst(DAY, 9, 31, 10))]);
        bars.close_ended(kst(DAY, 9, 31, 59), |i, bar| closed.0.push((i, bar)));
        assert!(closed.0.is_empty());
        bars.close_ended(kst(DAY, 9, 32, 0), |i, bar| closed.0.push((i, bar)));
        assert_eq!(closed.of(Interval::OneMinute).len(), 1);
        assert!(bars.open_bar(Interval::FifteenMinutes).is_some());
        let admission = bars.add_trade(101, 1, kst(DAY, 9, 31, 30), |_, _| {});
        assert_eq!(admission, Admission::Late);
        let admission = bars.add_trade(101, 1, kst(DAY, 9, 33, 0) + MICROS_PER_SECOND, |i, bar| {
            closed.0.push((i, bar))
        });
        assert_eq!(admission, Admission::Accepted);
        bars.close_ended(i64::MAX, |i, bar| closed.0.push((i, bar)));
        assert!(bars.is_idle());
        assert_eq!(closed.of(Interval::OneDay)[0].volume, 2);
    }
}
