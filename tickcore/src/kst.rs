//! Korea Standard Time arithmetic.
//!
//! KIS stamps trades with a KST business date (`YYYYMMDD`) and a KST wall-clock time
//! (`HHMMSS`). KST is UTC+9 all year (Korea has had no daylight saving since 1988), so every
//! conversion here is a fixed offset: no time-zone database is needed. Instants inside the
//! engine are `i64` microseconds since the Unix epoch (UTC), the one time unit of the crate.

/// Microseconds in one second.
pub const MICROS_PER_SECOND: i64 = 1_000_000;
/// Microseconds in one minute.
pub const MICROS_PER_MINUTE: i64 = 60 * MICROS_PER_SECOND;
/// Microseconds in one hour.
pub const MICROS_PER_HOUR: i64 = 60 * MICROS_PER_MINUTE;
/// Microseconds in one day.
pub const MICROS_PER_DAY: i64 = 24 * MICROS_PER_HOUR;
/// KST is UTC+9 with no daylight saving.
pub const KST_OFFSET_MICROS: i64 = 9 * MICROS_PER_HOUR;
/// Unix time of 2000-01-01T00:00:00Z, the epoch of PostgreSQL's binary `timestamptz`.
pub const POSTGRES_EPOCH_UNIX_MICROS: i64 = 946_684_800 * MICROS_PER_SECOND;

const SECONDS_PER_DAY: i64 = 86_400;

/// A KST calendar date, as KIS writes it in `BSOP_DATE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KstDate {
    year: u16,
    month: u8,
    day: u8,
}

impl KstDate {
    /// Stands in for the date of a record that failed to parse (such records are discarded).
    pub(crate) const PLACEHOLDER: KstDate = KstDate {
        year: 2000,
        month: 1,
        day: 1,
    };

    /// Checked constructor: `None` unless the date exists in the proleptic Gregorian calendar
    /// and the year is four digits.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        let valid = (1000..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then_some(Self { year, month, day })
    }

    /// The date as the integer `YYYYMMDD`.
    pub fn yyyymmdd(self) -> u32 {
        u32::from(self.year) * 10_000 + u32::from(self.month) * 100 + u32::from(self.day)
    }

    pub fn year(self) -> u16 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    pub fn day(self) -> u8 {
        self.day
    }

    /// Days from 1970-01-01 to this date.
    pub fn days_since_unix_epoch(self) -> i64 {
        days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        )
    }
}

/// A KST wall-clock time of day with one-second resolution, as in `STCK_CNTG_HOUR`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KstTime {
    seconds_of_day: u32,
}

impl KstTime {
    pub const MIDNIGHT: KstTime = KstTime { seconds_of_day: 0 };

    /// Checked constructor: `None` for hours ≥ 24, minutes or seconds ≥ 60.
    pub fn new(hour: u8, minute: u8, second: u8) -> Option<Self> {
        let valid = hour < 24 && minute < 60 && second < 60;
        valid.then(|| Self {
            seconds_of_day: u32::from(hour) * 3600 + u32::from(minute) * 60 + u32::from(second),
        })
    }

    pub fn seconds_of_day(self) -> u32 {
        self.seconds_of_day
    }

    /// The time as the integer `HHMMSS` (09:30:00 is `93000`).
    pub fn hhmmss(self) -> u32 {
        let s = self.seconds_of_day;
        (s / 3600) * 10_000 + (s / 60 % 60) * 100 + s % 60
    }
}

/// The instant (Unix microseconds, UTC) of a KST date and wall-clock time.
pub fn kst_to_unix_micros(date: KstDate, time: KstTime) -> i64 {
    let kst_seconds =
        date.days_since_unix_epoch() * SECONDS_PER_DAY + i64::from(time.seconds_of_day);
    kst_seconds * MICROS_PER_SECOND - KST_OFFSET_MICROS
}

/// The KST calendar date on which an instant falls.
pub fn kst_date_of(unix_micros: i64) -> KstDate {
    let kst_days = (unix_micros.saturating_add(KST_OFFSET_MICROS)).div_euclid(MICROS_PER_DAY);
    let (year, month, day) = civil_from_days(kst_days);
    // Instants inside the engine come from validated four-digit years; clamp rather than panic.
    let year = u16::try_from(year.clamp(1000, 9999)).unwrap_or(9999);
    KstDate { year, month, day }
}

/// Binary-COPY `timestamptz`: microseconds since 2000-01-01 UTC.
pub fn unix_to_postgres_micros(unix_micros: i64) -> i64 {
    unix_micros.saturating_sub(POSTGRES_EPOCH_UNIX_MICROS)
}

/// Appends `YYYY-MM-DDTHH:MM:SS` (UTC) for the whole second containing the instant.
pub fn write_iso_utc_seconds(unix_micros: i64, out: &mut Vec<u8>) {
    let seconds = unix_micros.div_euclid(MICROS_PER_SECOND);
    let (year, month, day) = civil_from_days(seconds.div_euclid(SECONDS_PER_DAY));
    let second_of_day = seconds.rem_euclid(SECONDS_PER_DAY);
    write_padded(out, year.clamp(0, 9999), 4);
    out.push(b'-');
    write_padded(out, i64::from(month), 2);
    out.push(b'-');
    write_padded(out, i64::from(day), 2);
    out.push(b'T');
    write_padded(out, second_of_day / 3600, 2);
    out.push(b':');
    write_padded(out, second_of_day / 60 % 60, 2);
    out.push(b':');
    write_padded(out, second_of_day % 60, 2);
}

/// Appends `YYYY-MM-DDTHH:MM:SS.mmmZ`: ISO-8601 UTC with milliseconds (truncated).
pub fn write_iso_utc_millis(unix_micros: i64, out: &mut Vec<u8>) {
    write_iso_utc_seconds(unix_micros, out);
    out.push(b'.');
    write_padded(out, unix_micros.rem_euclid(MICROS_PER_SECOND) / 1000, 3);
    out.push(b'Z');
}

fn write_padded(out: &mut Vec<u8>, value: i64, width: u32) {
    let mut divisor = 10_i64.pow(width.saturating_sub(1));
    while divisor > 0 {
        // value is in 0..10^width here, so each digit is 0..=9.
        out.push(b'0' + (value / divisor % 10) as u8);
        divisor /= 10;
    }
}

fn is_leap_year(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days: exact for the whole proleptic calendar.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u8;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u8;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: u16, m: u8, d: u8) -> KstDate {
        KstDate::new(y, m, d).expect("valid test date")
    }

    fn time(h: u8, m: u8, s: u8) -> KstTime {
        KstTime::new(h, m, s).expect("valid test time")
    }

    fn iso(us: i64) -> String {
        let mut out = Vec::new();
        write_iso_utc_millis(us, &mut out);
        String::from_utf8(out).expect("ascii")
    }

    #[test]
    fn kst_is_utc_plus_nine_without_dst() {
        let winter = kst_to_unix_micros(date(2026, 1, 11), time(9, 30, 0));
        assert_eq!(iso(winter), "2026-01-11T00:30:00.000Z");
        let summer = kst_to_unix_micros(date(2025, 7, 1), time(9, 30, 0));
        assert_eq!(iso(summer), "2025-07-01T00:30:00.000Z");
    }

    #[test]
    fn kst_midnight_is_previous_utc_day() {
        let midnight = kst_to_unix_micros(date(2025, 3, 12), time(0, 0, 0));
        assert_eq!(iso(midnight), "2025-03-11T15:00:00.000Z");
        assert_eq!(kst_date_of(midnight), date(2025, 3, 12));
        assert_eq!(kst_date_of(midnight - 1), date(2025, 3, 11));
    }

    #[test]
    fn unix_epoch_and_known_instant() {
        assert_eq!(kst_to_unix_micros(date(1970, 1, 1), time(9, 0, 0)), 0);
        // 2025-03-12T00:30:00Z = 1741739400
        let us = kst_to_unix_micros(date(2025, 3, 12), time(9, 30, 0));
        assert_eq!(us, 1_741_739_400 * MICROS_PER_SECOND);
    }

    #[test]
    fn calendar_round_trips_every_day_for_decades() {
        let start = date(1999, 12, 25).days_since_unix_epoch();
        for days in start..start + 365 * 40 {
            let (y, m, d) = civil_from_days(days);
            let back = date(y as u16, m, d).days_since_unix_epoch();
            assert_eq!(back, days);
        }
    }

    #[test]
    fn rejects_impossible_dates_and_times() {
        assert!(KstDate::new(2025, 2, 29).is_none());
        assert!(KstDate::new(2024, 2, 29).is_some());
        assert!(KstDate::new(2025, 13, 1).is_none());
        assert!(KstDate::new(2025, 4, 31).is_none());
        assert!(KstDate::new(999, 1, 1).is_none());
        assert!(KstTime::new(24, 0, 0).is_none());
        assert!(KstTime::new(23, 60, 0).is_none());
        assert!(KstTime::new(23, 59, 60).is_none());
        assert_eq!(time(9, 30, 1).hhmmss(), 93001);
    }

    #[test]
    fn postgres_epoch_offset() {
        assert_eq!(unix_to_postgres_micros(POSTGRES_EPOCH_UNIX_MICROS), 0);
        assert_eq!(iso(POSTGRES_EPOCH_UNIX_MICROS), "2000-01-01T00:00:00.000Z");
    }

    #[test]
    fn iso_truncates_to_milliseconds() {
        assert_eq!(iso(1_999), "1970-01-01T00:00:00.001Z");
        assert_eq!(iso(-1), "1969-12-31T23:59:59.999Z");
    }
}
