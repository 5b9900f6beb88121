//! The tick message published on `stock:realtime:{symbol}`, as compact JSON bytes.
//!
//! `{"type":"tick","symbol":…,"price":…,"volume":…,"change":…,"changePercent":…,
//! "accVolume":…,"open":…,"high":…,"low":…,"side":…,"timestamp":…,"receivedAt":…,
//! "source":…,"seq":…,"strength":…,"sign":…,"halted":…,"session":…,"marketCode":…,"viPrice":…}`
//! — `timestamp` is the exchange trade time and `receivedAt` the time ingest read the frame, both
//! UTC ISO-8601 with milliseconds and `Z`; `seq` is the day's sell + buy trade count;
//! `strength` 체결강도 (CTTR), `sign` the change sign (1 상한 … 4 하한), `halted` 거래정지,
//! `session` HOUR_CLS_CODE (0 장중, A/B 장후/장전 예상, C VI, D 시간외 단일가 예상), `marketCode`
//! NEW_MKOP_CLS_CODE (신 장운영 구분), `viPrice` the static-VI reference price. `changePercent` and
//! `strength` are written from the exact two-decimal values. Symbols are ASCII alphanumerics and
//! sources fixed names; the two code fields are printable ASCII and escaped where JSON needs it.
//!
//! A message is assembled in a stack buffer and appended with one copy: appending a dozen
//! short pieces to a `Vec` one by one cost more than everything else in the encoder.

use crate::frame::Trade;
use crate::kst::{write_iso_utc_millis, write_iso_utc_seconds, MICROS_PER_SECOND};
use crate::values::Decimal2;

const ISO_SECONDS_LEN: usize = 19;
const ISO_MILLIS_LEN: usize = 24;
/// Longest message: the fixed text (~290 bytes) plus eleven 20-character numbers, a 15-byte
/// symbol, two timestamps, the source name and two escaped codes stay well below this.
const MAX_MESSAGE_LEN: usize = 640;

/// Writes tick messages, caching the formatted timestamps that repeat within a batch.
#[derive(Clone)]
pub struct TickJsonEncoder {
    source: &'static str,
    message: MessageWriter,
    received_at_text: [u8; ISO_MILLIS_LEN],
    cached_second: Option<i64>,
    cached_second_text: [u8; ISO_SECONDS_LEN],
}

impl TickJsonEncoder {
    pub fn new(source: &'static str) -> Self {
        let mut encoder = Self {
            source,
            message: MessageWriter::new(),
            received_at_text: [b'0'; ISO_MILLIS_LEN],
            cached_second: None,
            cached_second_text: [b'0'; ISO_SECONDS_LEN],
        };
        encoder.set_received_at(0);
        encoder
    }

    /// Sets the `receivedAt` of the following messages (Unix microseconds).
    pub fn set_received_at(&mut self, received_at: i64) {
        let mut text = Vec::with_capacity(ISO_MILLIS_LEN);
        write_iso_utc_millis(received_at, &mut text);
        if let Ok(fixed) = text.try_into() {
            self.received_at_text = fixed;
        }
    }

    /// Appends the message for `trade`, whose exchange time is `time` (Unix microseconds).
    pub fn write(&mut self, trade: &Trade, time: i64, out: &mut Vec<u8>) {
        let second_text = *self.trade_second_text(time);
        let message = &mut self.message;
        message.len = 0;
        message.text(b"{\"type\":\"tick\",\"symbol\":\"");
        message.slice(trade.symbol.as_bytes());
        message.text(b"\",\"price\":");
        message.integer(trade.price);
        message.text(b",\"volume\":");
        message.integer(trade.volume);
        message.text(b",\"change\":");
        message.integer(trade.change);
        message.text(b",\"changePercent\":");
        message.decimal2(trade.change_rate);
        message.text(b",\"accVolume\":");
        message.integer(trade.acc_volume);
        message.text(b",\"open\":");
        message.integer(trade.open);
        message.text(b",\"high\":");
        message.integer(trade.high);
        message.text(b",\"low\":");
        message.integer(trade.low);
        message.text(b",\"side\":");
        message.integer(i64::from(trade.side.code()));
        message.text(b",\"timestamp\":\"");
        message.text(&second_text);
        message.millis(time.rem_euclid(MICROS_PER_SECOND) / 1000);
        message.text(b"\",\"receivedAt\":\"");
        message.text(&self.received_at_text);
        message.text(b"\",\"source\":\"");
        message.slice(self.source.as_bytes());
        message.text(b"\",\"seq\":");
        message.integer(trade.sequence());
        message.text(b",\"strength\":");
        message.decimal2(trade.trade_strength);
        message.text(b",\"sign\":");
        message.integer(i64::from(trade.change_sign.code()));
        if trade.trading_halted {
            message.text(b",\"halted\":true");
        } else {
            message.text(b",\"halted\":false");
        }
        message.text(b",\"session\":\"");
        message.escaped(trade.hour_class_code.as_str().as_bytes());
        message.text(b"\",\"marketCode\":\"");
        message.escaped(trade.market_operation_code.as_str().as_bytes());
        message.text(b"\",\"viPrice\":");
        message.integer(trade.vi_standard_price);
        message.text(b"}");
        out.extend_from_slice(message.as_bytes());
    }

    fn trade_second_text(&mut self, time: i64) -> &[u8; ISO_SECONDS_LEN] {
        // Trades of one batch share few distinct seconds; formatting a date is the costly part.
        let second = time.div_euclid(MICROS_PER_SECOND);
        if self.cached_second != Some(second) {
            let mut text = Vec::with_capacity(ISO_SECONDS_LEN);
            write_iso_utc_seconds(time, &mut text);
            if let Ok(fixed) = text.try_into() {
                self.cached_second_text = fixed;
                self.cached_second = Some(second);
            }
        }
        &self.cached_second_text
    }
}

/// A message under construction in a fixed buffer. Writes that would not fit are
/// dropped rather than panicking; [`MAX_MESSAGE_LEN`] is sized so that never happens.
#[derive(Clone)]
struct MessageWriter {
    buffer: [u8; MAX_MESSAGE_LEN],
    len: usize,
}

impl MessageWriter {
    fn new() -> Self {
        Self {
            buffer: [0; MAX_MESSAGE_LEN],
            len: 0,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.buffer[..self.len]
    }

    /// A fixed-size piece: compiles to a few moves instead of a memcpy call.
    #[inline(always)]
    fn text<const N: usize>(&mut self, bytes: &[u8; N]) {
        if let Some(target) = self.buffer.get_mut(self.len..self.len + N) {
            target.copy_from_slice(bytes);
            self.len += N;
        }
    }

    fn slice(&mut self, bytes: &[u8]) {
        if let Some(target) = self.buffer.get_mut(self.len..self.len + bytes.len()) {
            target.copy_from_slice(bytes);
            self.len += bytes.len();
        }
    }

    /// Printable ASCII inside a JSON string, `"` and backslash escaped.
    fn escaped(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            if byte == b'"' || byte == b'\\' {
                self.text(&[b'\\', byte]);
            } else {
                self.text(&[byte]);
            }
        }
    }

    fn integer(&mut self, value: i64) {
        if value < 0 {
            self.text(b"-");
        }
        self.unsigned(value.unsigned_abs());
    }

    /// Digits straight into the buffer, two at a time from the back.
    fn unsigned(&mut self, value: u64) {
        let digits = value.checked_ilog10().map_or(1, |log| log as usize + 1);
        let Some(target) = self.buffer.get_mut(self.len..self.len + digits) else {
            return;
        };
        let mut rest = value;
        let mut chunks = target.rchunks_exact_mut(2);
        for pair in &mut chunks {
            let index = usize::from((rest % 100) as u8) * 2;
            pair.copy_from_slice(&DIGIT_PAIRS[index..index + 2]);
            rest /= 100;
        }
        if let [first] = chunks.into_remainder() {
            *first = b'0' + (rest % 10) as u8;
        }
        self.len += digits;
    }

    fn decimal2(&mut self, value: Decimal2) {
        let hundredths = value.hundredths();
        if hundredths < 0 {
            self.text(b"-");
        }
        let magnitude = hundredths.unsigned_abs();
        self.unsigned(magnitude / 100);
        let fraction = (magnitude % 100) as u8;
        self.text(&[b'.', b'0' + fraction / 10, b'0' + fraction % 10]);
    }

    fn millis(&mut self, millis: i64) {
        let millis = millis.clamp(0, 999) as u8 as u16;
        self.text(&[
            b'.',
            b'0' + (millis / 100) as u8,
            b'0' + (millis / 10 % 10) as u8,
            b'0' + (millis % 10) as u8,
            b'Z',
        ]);
    }
}

/// "00" to "99": two digits per table look-up halves the divisions.
const DIGIT_PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_decimals_render_like_text() {
        for value in [0_i64, 7, -7, 10, 99, 100, 70500, -1500, i64::MAX, i64::MIN] {
            let mut writer = MessageWriter::new();
            writer.integer(value);
            assert_eq!(writer.as_bytes(), value.to_string().as_bytes());
        }
        for hundredths in [0_i64, 71, -83, -10000, 7_041_202, i64::MIN] {
            let mut writer = MessageWriter::new();
            writer.decimal2(Decimal2::from_hundredths(hundredths));
            assert_eq!(
                writer.as_bytes(),
                Decimal2::from_hundredths(hundredths).to_string().as_bytes()
            );
        }
    }

    #[test]
    fn the_longest_message_fits() {
        let mut writer = MessageWriter::new();
        writer.text(&[b'x'; 230]);
        for _ in 0..9 {
            writer.integer(i64::MIN);
        }
        writer.slice(&[b'y'; 15 + 19 + 5 + 24 + 6]);
        assert!(writer.len < MAX_MESSAGE_LEN);
    }
}
