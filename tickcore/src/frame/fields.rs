//! Field-level reading of `^`-separated KIS payloads: a cursor over the fields of one frame and
//! the typed field parsers (integers, two-decimal numbers, KST dates and times, codes).
//!
//! The parsers are the hottest code of the crate, so they read each field in one pass (numbers
//! eight digits at a time) and do not return a `Result` per field: the first failure of a
//! record is stored in the cursor with the KIS field name, the record index and the byte
//! offset, the parser returns a placeholder, and [`FieldCursor::finish_record`] reports it.
//! Records with a failure are never used.

use crate::error::{ParseError, ParseErrorKind};
use crate::kst::{KstDate, KstTime};
use crate::values::{AsciiCode, Decimal2, PriceSign, Symbol, TradeSide};

pub(crate) const FIELD_SEPARATOR: u8 = b'^';

/// At most 18 digits, so every value fits an `i64`.
const MAX_INTEGER_DIGITS: usize = 18;
/// Integer part of a two-decimal number: at most 16 digits, so hundredths fit an `i64`.
const MAX_DECIMAL_INTEGER_DIGITS: usize = 16;

const POWERS_OF_TEN: [u64; 19] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
    10_000_000_000_000_000,
    100_000_000_000_000_000,
    1_000_000_000_000_000_000,
];

/// Where and why the first field of a record failed.
#[derive(Clone, Copy, Debug)]
struct FieldFailure {
    offset: usize,
    field: &'static str,
    expected: &'static str,
}

/// Walks the fields of a payload in order. Offsets are relative to the whole frame.
///
/// It is `Copy` and every method is inlined so that a record parser can work on a local copy
/// held in registers (see `trade::parse_trade`).
#[derive(Clone, Copy)]
pub(crate) struct FieldCursor<'a> {
    frame: &'a [u8],
    next_start: usize,
    end: usize,
    record: usize,
    /// The last field read ran to the end of the frame (no separator after it).
    reached_end: bool,
    /// A field was requested after the end had been reached.
    overran: bool,
    /// The first field of the current record that failed to parse.
    failure: Option<FieldFailure>,
}

impl<'a> FieldCursor<'a> {
    /// A cursor over `frame[payload_start..]`.
    pub fn new(frame: &'a [u8], payload_start: usize) -> Self {
        let end = frame.len();
        Self {
            frame,
            next_start: payload_start.min(end),
            end,
            record: 0,
            reached_end: false,
            overran: false,
            failure: None,
        }
    }

    pub fn begin_record(&mut self, record: usize) {
        self.record = record;
    }

    /// The first failure of the record, if any.
    pub fn finish_record(&mut self) -> Result<(), ParseError> {
        match self.failure.take() {
            None => Ok(()),
            Some(FieldFailure {
                offset,
                field,
                expected,
            }) => Err(ParseError::new(
                ParseErrorKind::InvalidField {
                    record: self.record,
                    field,
                    expected,
                },
                offset,
            )),
        }
    }

    /// True when every field was read exactly once: the last read ended the frame and no
    /// read went past it.
    pub fn consumed_exactly(&self) -> bool {
        self.reached_end && !self.overran
    }

    /// The next field's bytes; past the last one it yields empty fields at the end of the frame.
    #[inline(always)]
    pub fn take(&mut self) -> &'a [u8] {
        let start = self.next_start;
        let rest = self.rest();
        let len = field_len(rest);
        self.overran |= self.reached_end;
        self.advance_past(start, len);
        &rest[..len]
    }

    #[inline(always)]
    pub fn skip(&mut self, fields: usize) {
        for _ in 0..fields {
            self.take();
        }
    }

    #[inline(always)]
    fn rest(&self) -> &'a [u8] {
        &self.frame[self.next_start..self.end]
    }

    /// The eight bytes at the cursor as a little-endian word, when the frame has them.
    #[inline(always)]
    fn word(&self) -> Option<u64> {
        let bytes = self.frame.get(self.next_start..)?.first_chunk::<8>()?;
        Some(u64::from_le_bytes(*bytes))
    }

    /// Moves after a field of `len` bytes that is known to be followed by a separator.
    #[inline(always)]
    fn advance_past_separator(&mut self, len: usize) {
        self.next_start += len + 1;
    }

    /// Moves after a field of `len` bytes starting at `start`, and its separator if any.
    /// Reading past the end is only possible for fields that accept empty text (every other
    /// parser rejects an empty field), so only [`Self::take`] and [`Self::code`] track it.
    #[inline(always)]
    fn advance_past(&mut self, start: usize, len: usize) {
        if start + len < self.end {
            self.next_start = start + len + 1;
        } else {
            self.next_start = self.end;
            self.reached_end = true;
        }
    }

    /// Records a failure of the field at the cursor, unless an earlier field already failed.
    /// The cursor stays put: the record is discarded, so later fields only need to not panic.
    #[inline(always)]
    fn reject(&mut self, name: &'static str, expected: &'static str) {
        if self.failure.is_none() {
            self.failure = Some(FieldFailure {
                offset: self.next_start,
                field: name,
                expected,
            });
        }
    }

    /// An optionally negative integer.
    #[inline(always)]
    pub fn int(&mut self, name: &'static str) -> i64 {
        if let Some((value, len)) = self.word().and_then(short_int) {
            self.advance_past_separator(len);
            return value;
        }
        self.long_int(name)
    }

    /// [`Self::int`] for fields of 8 or more bytes, at the end of the frame, or malformed.
    #[inline(always)]
    fn long_int(&mut self, name: &'static str) -> i64 {
        let rest = self.rest();
        let negative = rest.first() == Some(&b'-');
        let sign_len = usize::from(negative);
        let (magnitude, digits) = digit_run(&rest[sign_len..]);
        let len = sign_len + digits;
        if digits == 0 || digits > MAX_INTEGER_DIGITS || !ends_field(rest, len) {
            self.reject(name, "a decimal integer");
            return 0;
        }
        self.advance_past(self.next_start, len);
        let value = magnitude as i64; // < 10^18
        if negative {
            -value
        } else {
            value
        }
    }

    /// An optionally negative decimal; fraction digits beyond the second must be zero, so
    /// nothing is ever rounded away silently.
    #[inline(always)]
    pub fn decimal2(&mut self, name: &'static str) -> Decimal2 {
        if let Some((value, len)) = self.word().and_then(short_decimal2) {
            self.advance_past_separator(len);
            return value;
        }
        match parse_decimal2_prefix(self.rest()) {
            Some((value, len)) => {
                self.advance_past(self.next_start, len);
                value
            }
            None => {
                self.reject(name, "a decimal with at most 2 significant fraction digits");
                Decimal2::default()
            }
        }
    }

    /// Exactly six digits `HHMMSS`, a valid time of day.
    #[inline(always)]
    pub fn time(&mut self, name: &'static str) -> KstTime {
        let rest = self.rest();
        let (value, digits) = match self.word() {
            Some(word) if leading_digit_count(word) == 6 => (eight_digit_value(word << 16), 6),
            _ => digit_run(rest),
        };
        let time = (digits == 6 && ends_field(rest, 6))
            .then(|| {
                KstTime::new(
                    (value / 10_000) as u8,
                    (value / 100 % 100) as u8,
                    (value % 100) as u8,
                )
            })
            .flatten();
        match time {
            Some(time) => {
                self.advance_past(self.next_start, 6);
                time
            }
            None => {
                self.reject(name, "a time HHMMSS");
                KstTime::MIDNIGHT
            }
        }
    }

    /// Exactly eight digits `YYYYMMDD`, an existing date.
    #[inline(always)]
    pub fn date(&mut self, name: &'static str) -> KstDate {
        let rest = self.rest();
        let (value, digits) = digit_run(rest);
        let date = (digits == 8 && ends_field(rest, 8))
            .then(|| {
                KstDate::new(
                    (value / 10_000) as u16,
                    (value / 100 % 100) as u8,
                    (value % 100) as u8,
                )
            })
            .flatten();
        match date {
            Some(date) => {
                self.advance_past(self.next_start, 8);
                date
            }
            None => {
                self.reject(name, "a date YYYYMMDD");
                KstDate::PLACEHOLDER
            }
        }
    }

    #[inline(always)]
    pub fn price_sign(&mut self, name: &'static str) -> PriceSign {
        self.single_byte(name, "a one-digit sign code", PriceSign::from_code)
            .unwrap_or(PriceSign::Other(0))
    }

    #[inline(always)]
    pub fn trade_side(&mut self, name: &'static str) -> TradeSide {
        self.single_byte(name, "a one-digit trade side code", TradeSide::from_code)
            .unwrap_or(TradeSide::Other(0))
    }

    #[inline(always)]
    pub fn yes_no(&mut self, name: &'static str) -> bool {
        let yes_no = |byte| match byte {
            b'Y' => Some(true),
            b'N' => Some(false),
            _ => None,
        };
        self.single_byte(name, "Y or N", yes_no).unwrap_or(false)
    }

    #[inline(always)]
    fn single_byte<T>(
        &mut self,
        name: &'static str,
        expected: &'static str,
        decode: impl Fn(u8) -> Option<T>,
    ) -> Option<T> {
        let rest = self.rest();
        let decoded = rest
            .first()
            .filter(|_| ends_field(rest, 1))
            .and_then(|&byte| decode(byte));
        match decoded {
            Some(_) => self.advance_past(self.next_start, 1),
            None => self.reject(name, expected),
        }
        decoded
    }

    #[inline(always)]
    pub fn symbol(&mut self, name: &'static str) -> Symbol {
        let rest = self.rest();
        let len = field_len(rest);
        match Symbol::from_ascii(&rest[..len]) {
            Some(symbol) => {
                self.advance_past(self.next_start, len);
                symbol
            }
            None => {
                self.reject(name, "a stock code of 1-15 ASCII letters or digits");
                Symbol::PLACEHOLDER
            }
        }
    }

    #[inline(always)]
    pub fn code<const N: usize>(&mut self, name: &'static str) -> AsciiCode<N> {
        let rest = self.rest();
        let len = field_len(rest);
        match AsciiCode::from_ascii(&rest[..len]) {
            Some(code) => {
                self.overran |= self.reached_end;
                self.advance_past(self.next_start, len);
                code
            }
            None => {
                self.reject(name, "a short printable ASCII code");
                AsciiCode::EMPTY
            }
        }
    }
}

/// Length of the field at the start of `rest`, looking at eight bytes per step.
#[inline(always)]
fn field_len(rest: &[u8]) -> usize {
    let mut offset = 0;
    while let Some(chunk) = rest.get(offset..).and_then(<[u8]>::first_chunk::<8>) {
        let separators = byte_mask(u64::from_le_bytes(*chunk), FIELD_SEPARATOR);
        if separators != 0 {
            return offset + (separators.trailing_zeros() / 8) as usize;
        }
        offset += 8;
    }
    let tail = rest.get(offset..).unwrap_or_default();
    offset
        + tail
            .iter()
            .position(|&b| b == FIELD_SEPARATOR)
            .unwrap_or(tail.len())
}

const LOW_BITS: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// High bit set in the bytes of `word` equal to `byte` (first byte = least significant).
/// Exact up to and including the first match; later bytes may be false positives.
#[inline(always)]
fn byte_mask(word: u64, byte: u8) -> u64 {
    let differences = word ^ (LOW_BITS * u64::from(byte));
    differences.wrapping_sub(LOW_BITS) & !differences & HIGH_BITS
}

/// The byte of `word` at `index` (0-7).
#[inline(always)]
fn byte_at(word: u64, index: usize) -> u8 {
    (word >> (8 * index)) as u8
}

/// An integer field that starts the word and ends, separator included, inside it: its value
/// and length. The first non-digit after the digits must be the separator, which validates
/// the field and finds its end in one step.
#[inline(always)]
fn short_int(word: u64) -> Option<(i64, usize)> {
    let negative = byte_at(word, 0) == b'-';
    let digits_word = if negative { word >> 8 } else { word };
    let digits = leading_digit_count(digits_word);
    let len = digits + usize::from(negative);
    if digits == 0 || len >= 8 || byte_at(word, len) != FIELD_SEPARATOR {
        return None;
    }
    let magnitude = eight_digit_value(digits_word << (8 * (8 - digits))) as i64;
    Some((if negative { -magnitude } else { magnitude }, len))
}

/// `I.FF` or `-I.FF` with one to four integer digits that ends, separator included, inside
/// the word.
#[inline(always)]
fn short_decimal2(word: u64) -> Option<(Decimal2, usize)> {
    let negative = byte_at(word, 0) == b'-';
    let unsigned = if negative { word >> 8 } else { word };
    let dot = leading_digit_count(unsigned);
    let len = dot + 3 + usize::from(negative);
    if dot == 0
        || len >= 8
        || byte_at(unsigned, dot) != b'.'
        || byte_at(word, len) != FIELD_SEPARATOR
    {
        return None;
    }
    let fraction_word = unsigned >> (8 * (dot + 1));
    if leading_digit_count(fraction_word) != 2 {
        return None;
    }
    let integer = eight_digit_value(unsigned << (8 * (8 - dot)));
    let fraction = eight_digit_value(fraction_word << 48);
    let magnitude = (integer * 100 + fraction) as i64;
    Some((
        Decimal2::from_hundredths(if negative { -magnitude } else { magnitude }),
        len,
    ))
}

/// True when a field of `len` bytes at the start of `rest` ends there (separator or end).
#[inline(always)]
fn ends_field(rest: &[u8], len: usize) -> bool {
    rest.get(len).is_none_or(|&byte| byte == FIELD_SEPARATOR)
}

/// The run of ASCII digits at the start of `bytes`: its value and length, eight digits per
/// step. Reading stops once more than 18 digits were seen (the value is then meaningless and
/// callers reject it).
#[inline(always)]
fn digit_run(bytes: &[u8]) -> (u64, usize) {
    let mut value = 0_u64;
    let mut count = 0_usize;
    let mut rest = bytes;
    while let Some(chunk) = rest.first_chunk::<8>() {
        let word = u64::from_le_bytes(*chunk);
        let digits = leading_digit_count(word);
        if digits == 0 {
            return (value, count);
        }
        let chunk_value = eight_digit_value(word << (8 * (8 - digits)));
        value = value
            .wrapping_mul(POWERS_OF_TEN[digits])
            .wrapping_add(chunk_value);
        count += digits;
        if digits < 8 || count > MAX_INTEGER_DIGITS {
            return (value, count);
        }
        rest = &rest[8..];
    }
    for &byte in rest {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 || count > MAX_INTEGER_DIGITS {
            break;
        }
        value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
        count += 1;
    }
    (value, count)
}

/// How many of the 8 bytes (first byte = least significant) are ASCII digits before the first
/// non-digit. Bytes after the first non-digit may be disturbed by borrows and carries, which
/// only travel towards later bytes, so the first non-digit is always found exactly.
#[inline(always)]
fn leading_digit_count(word: u64) -> usize {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    const TO_HIGH_BIT: u64 = 0x7676_7676_7676_7676;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let offsets = word.wrapping_sub(ZEROS);
    let non_digits = (offsets.wrapping_add(TO_HIGH_BIT) | offsets) & HIGH_BITS;
    (non_digits.trailing_zeros() / 8) as usize
}

/// The value of 8 ASCII digits (first byte most significant); zero bytes count as `0`.
#[inline(always)]
fn eight_digit_value(word: u64) -> u64 {
    let digits = word & 0x0F0F_0F0F_0F0F_0F0F;
    let pairs = (digits.wrapping_mul(10).wrapping_add(digits >> 8)) & 0x00FF_00FF_00FF_00FF;
    let quads = (pairs.wrapping_mul(100).wrapping_add(pairs >> 16)) & 0x0000_FFFF_0000_FFFF;
    (quads.wrapping_mul(10_000).wrapping_add(quads >> 32)) & 0xFFFF_FFFF
}

/// `-?[0-9]{1,16}(\.[0-9]+)?` at the start of `field`, ending the field; fraction digits past
/// the second must be zero. Returns the value and the length read.
#[inline(always)]
fn parse_decimal2_prefix(field: &[u8]) -> Option<(Decimal2, usize)> {
    let negative = field.first() == Some(&b'-');
    let mut len = usize::from(negative);
    let (integer, integer_digits) = digit_run(&field[len..]);
    if integer_digits == 0 || integer_digits > MAX_DECIMAL_INTEGER_DIGITS {
        return None;
    }
    len += integer_digits;
    let mut hundredths = 0_u64;
    if field.get(len) == Some(&b'.') {
        let (fraction, fraction_digits) = digit_run(&field[len + 1..]);
        hundredths = fraction_hundredths(fraction, fraction_digits)?;
        len += 1 + fraction_digits;
    }
    if !ends_field(field, len) {
        return None;
    }
    let magnitude = (integer * 100 + hundredths) as i64; // < 10^18
    Some((
        Decimal2::from_hundredths(if negative { -magnitude } else { magnitude }),
        len,
    ))
}

fn fraction_hundredths(fraction: u64, digits: usize) -> Option<u64> {
    match digits {
        0 => None,
        1 => Some(fraction * 10),
        2 => Some(fraction),
        3..=MAX_INTEGER_DIGITS => {
            let dropped = POWERS_OF_TEN[digits - 2];
            fraction
                .is_multiple_of(dropped)
                .then_some(fraction / dropped)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `text` as one field with `read`, returning the value or the failure.
    fn field_of<T>(text: &[u8], read: impl Fn(&mut FieldCursor<'_>) -> T) -> Result<T, ParseError> {
        let mut cursor = FieldCursor::new(text, 0);
        let value = read(&mut cursor);
        cursor.finish_record().map(|()| value)
    }

    fn int(text: &[u8]) -> Option<i64> {
        field_of(text, |c| c.int("F")).ok()
    }

    #[test]
    fn integers() {
        assert_eq!(int(b"70500"), Some(70500));
        assert_eq!(int(b"-1500"), Some(-1500));
        assert_eq!(int(b"0"), Some(0));
        assert_eq!(int(b"165163915480"), Some(165_163_915_480));
        assert_eq!(int(b"999999999999999999"), Some(999_999_999_999_999_999));
        assert_eq!(int(b"-12345678^9"), Some(-12_345_678));
        for bad in [
            &b""[..],
            b"-",
            b"+1",
            b"1.0",
            b"1 ",
            b" 1",
            b"1,000",
            b"9999999999999999999",
            b"--1",
            b"\xff",
            b"12345678x",
        ] {
            assert_eq!(int(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn swar_digits_match_a_plain_loop() {
        let samples: [&[u8]; 9] = [
            b"1",
            b"12345678",
            b"123456789",
            b"00000000000000001",
            b"98765432^1",
            b"7/",
            b"7:",
            b"0\xb0",
            b"123\xff4567",
        ];
        for sample in samples {
            let plain_len = sample.iter().take_while(|b| b.is_ascii_digit()).count();
            let plain_value = sample[..plain_len]
                .iter()
                .fold(0_u64, |v, b| v * 10 + u64::from(b - b'0'));
            assert_eq!(digit_run(sample), (plain_value, plain_len), "{sample:?}");
        }
    }

    #[test]
    fn decimals() {
        let d = |s: &[u8]| {
            field_of(s, |c| c.decimal2("F"))
                .ok()
                .map(Decimal2::hundredths)
        };
        assert_eq!(d(b"0.71"), Some(71));
        assert_eq!(d(b"-0.83"), Some(-83));
        assert_eq!(d(b"-100.00"), Some(-10000));
        assert_eq!(d(b"70412.02"), Some(7_041_202));
        assert_eq!(d(b"5"), Some(500));
        assert_eq!(d(b"5.1"), Some(510));
        assert_eq!(d(b"5.100"), Some(510));
        for bad in [
            &b""[..],
            b".5",
            b"5.",
            b"5.123",
            b"1.2.3",
            b"-",
            b"x",
            b"12345678901234567.00",
        ] {
            assert_eq!(d(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn dates_and_times() {
        let t = |s: &[u8]| field_of(s, |c| c.time("T")).ok().map(KstTime::hhmmss);
        let d = |s: &[u8]| field_of(s, |c| c.date("D")).ok().map(KstDate::yyyymmdd);
        assert_eq!(t(b"093000"), Some(93000));
        assert_eq!(t(b"235959"), Some(235959));
        assert_eq!(t(b"240000"), None);
        assert_eq!(t(b"93000"), None);
        assert_eq!(t(b"0930001"), None);
        assert_eq!(d(b"20250312"), Some(20_250_312));
        assert_eq!(d(b"20250230"), None);
        assert_eq!(d(b"2025031"), None);
    }

    /// Reference semantics of an integer field, written the slow obvious way.
    fn reference_int(field: &str) -> Option<i64> {
        let digits = field.strip_prefix('-').unwrap_or(field);
        let valid =
            !digits.is_empty() && digits.len() <= 18 && digits.bytes().all(|b| b.is_ascii_digit());
        valid.then(|| field.parse().ok()).flatten()
    }

    fn reference_decimal2(field: &str) -> Option<i64> {
        let (negative, unsigned) = field
            .strip_prefix('-')
            .map_or((false, field), |rest| (true, rest));
        let (integer, fraction) = unsigned
            .split_once('.')
            .map_or((unsigned, None), |(i, f)| (i, Some(f)));
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(integer) || integer.len() > 16 {
            return None;
        }
        let hundredths = match fraction {
            None => 0,
            Some(f) if all_digits(f) && f.len() <= 18 && f.bytes().skip(2).all(|b| b == b'0') => {
                format!("{:0<2}", &f[..f.len().min(2)])
                    .parse::<i64>()
                    .ok()?
            }
            Some(_) => return None,
        };
        let magnitude = integer.parse::<i64>().ok()? * 100 + hundredths;
        Some(if negative { -magnitude } else { magnitude })
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(20_000))]

        /// The eight-bytes-at-a-time paths agree with the reference for every field length and
        /// whatever follows the field (another field, the end of the frame, or padding).
        #[test]
        fn fast_paths_match_the_reference(field in "-?[0-9.x^]{0,13}", tail in "(\\^[0-9]{0,9}){0,2}") {
            let field = field.split('^').next().unwrap_or("").to_owned();
            let frame = format!("{field}{tail}");
            let int = field_of(frame.as_bytes(), |c| c.int("F")).ok();
            proptest::prop_assert_eq!(int, reference_int(&field), "int of {:?}", frame);
            let decimal = field_of(frame.as_bytes(), |c| c.decimal2("F")).ok().map(Decimal2::hundredths);
            proptest::prop_assert_eq!(decimal, reference_decimal2(&field), "decimal of {:?}", frame);
            let mut cursor = FieldCursor::new(frame.as_bytes(), 0);
            proptest::prop_assert_eq!(cursor.take(), field.as_bytes());
        }
    }

    #[test]
    fn the_first_failure_of_a_record_is_reported_with_its_offset() {
        let frame = b"12^x^y";
        let mut cursor = FieldCursor::new(frame, 0);
        cursor.begin_record(3);
        assert_eq!(cursor.int("A"), 12);
        assert_eq!(cursor.int("B"), 0);
        assert_eq!(cursor.int("C"), 0);
        let error = cursor.finish_record().expect_err("B failed");
        assert_eq!(error.offset, 3);
        assert_eq!(
            error.kind,
            ParseErrorKind::InvalidField {
                record: 3,
                field: "B",
                expected: "a decimal integer"
            }
        );
    }

    #[test]
    fn cursor_keeps_empty_fields_and_offsets() {
        let frame = b"xx|a^^bc";
        let mut cursor = FieldCursor::new(frame, 3);
        let fields: Vec<&[u8]> = (0..3).map(|_| cursor.take()).collect();
        assert_eq!(fields, vec![&b"a"[..], &b""[..], &b"bc"[..]]);
        assert!(cursor.consumed_exactly());
        assert_eq!(cursor.take(), b"");
        assert!(!cursor.consumed_exactly());
    }
}
