//! PostgreSQL binary COPY (`COPY … FROM STDIN (FORMAT binary)`) for `stock_ticks` and the
//! `stock_prices_*` bar tables, in exactly the column order of `sql/0004_timeseries.sql`.
//!
//! Layout: signature `PGCOPY\n\377\r\n\0`, i32 flags 0, i32 header-extension length 0, then per
//! row an i16 column count and per column an i32 byte length (−1 for NULL) and the value in
//! network byte order, then the i16 trailer −1. `timestamptz` is i64 microseconds since
//! 2000-01-01 UTC, `double precision` the IEEE-754 bits, `text` UTF-8 bytes.

use crate::bars::Bar;
use crate::frame::Trade;
use crate::kst::unix_to_postgres_micros;
use crate::values::Symbol;

/// The 11-byte signature that opens every binary COPY stream.
pub const COPY_SIGNATURE: &[u8; 11] = b"PGCOPY\n\xff\r\n\0";

/// Table of raw trades.
pub const TICK_TABLE: &str = "stock_ticks";

/// Column order of [`write_tick_row`] (pass as asyncpg's `columns=`).
pub const TICK_COLUMNS: [&str; 10] = [
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
];

/// Column order of [`write_bar_row`], the same for every `stock_prices_*` table.
pub const BAR_COLUMNS: [&str; 12] = [
    "symbol",
    "bucket",
    "open",
    "high",
    "low",
    "close",
    "volume",
    "amount",
    "trade_count",
    "first_trade_at",
    "last_trade_at",
    "source",
];

/// A growing binary COPY stream; the header is written with the first row.
#[derive(Clone, Debug, Default)]
pub struct CopyBuffer {
    bytes: Vec<u8>,
    rows: usize,
}

impl CopyBuffer {
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty stream writing into `bytes` (cleared), keeping its capacity.
    pub fn reusing(mut bytes: Vec<u8>) -> Self {
        bytes.clear();
        Self { bytes, rows: 0 }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The complete stream (header, rows, trailer), or an empty vector when there are no rows.
    pub fn finish(mut self) -> Vec<u8> {
        if self.rows > 0 {
            self.bytes.extend_from_slice(&(-1_i16).to_be_bytes());
        }
        self.bytes
    }

    fn begin_row(&mut self, columns: i16) {
        if self.rows == 0 {
            self.bytes.extend_from_slice(COPY_SIGNATURE);
            self.bytes.extend_from_slice(&0_i32.to_be_bytes());
            self.bytes.extend_from_slice(&0_i32.to_be_bytes());
        }
        self.rows += 1;
        self.bytes.extend_from_slice(&columns.to_be_bytes());
    }

    fn fixed<const N: usize>(&mut self, value: [u8; N]) {
        self.bytes.extend_from_slice(&(N as i32).to_be_bytes());
        self.bytes.extend_from_slice(&value);
    }

    fn bigint(&mut self, value: i64) {
        self.fixed(value.to_be_bytes());
    }

    fn integer(&mut self, value: i32) {
        self.fixed(value.to_be_bytes());
    }

    fn smallint(&mut self, value: i16) {
        self.fixed(value.to_be_bytes());
    }

    fn double(&mut self, value: f64) {
        self.fixed(value.to_bits().to_be_bytes());
    }

    fn timestamptz(&mut self, unix_micros: i64) {
        self.bigint(unix_to_postgres_micros(unix_micros));
    }

    /// UTF-8 text; callers pass stock codes (ASCII) and source names.
    fn text(&mut self, value: &[u8]) {
        // Far below i32::MAX bytes.
        let len = i32::try_from(value.len()).unwrap_or(i32::MAX);
        self.bytes.extend_from_slice(&len.to_be_bytes());
        self.bytes.extend_from_slice(value);
    }
}

/// Appends one `stock_ticks` row.
pub fn write_tick_row(
    out: &mut CopyBuffer,
    trade: &Trade,
    time: i64,
    received_at: i64,
    source: &str,
) {
    out.begin_row(TICK_COLUMNS.len() as i16);
    out.timestamptz(time);
    out.text(trade.symbol.as_bytes());
    out.bigint(trade.price);
    out.bigint(trade.volume);
    out.bigint(trade.acc_volume);
    out.bigint(trade.change);
    out.double(trade.change_rate.to_f64());
    out.smallint(i16::from(trade.side.code()));
    out.timestamptz(received_at);
    out.text(source.as_bytes());
}

/// Appends one `stock_prices_*` row.
pub fn write_bar_row(out: &mut CopyBuffer, symbol: &Symbol, bar: &Bar, source: &str) {
    out.begin_row(BAR_COLUMNS.len() as i16);
    out.text(symbol.as_bytes());
    out.timestamptz(bar.bucket_start);
    out.bigint(bar.open);
    out.bigint(bar.high);
    out.bigint(bar.low);
    out.bigint(bar.close);
    out.bigint(bar.volume);
    out.bigint(bar.amount);
    out.integer(i32::try_from(bar.trade_count).unwrap_or(i32::MAX));
    out.timestamptz(bar.first_trade_at);
    out.timestamptz(bar.last_trade_at);
    out.text(source.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kst::POSTGRES_EPOCH_UNIX_MICROS;

    fn bar() -> Bar {
        Bar {
            bucket_start: POSTGRES_EPOCH_UNIX_MICROS + 60_000_000,
            open: 1,
            high: 2,
            low: -3,
            close: 4,
            volume: 5,
            amount: 6,
            trade_count: 7,
            first_trade_at: POSTGRES_EPOCH_UNIX_MICROS,
            last_trade_at: POSTGRES_EPOCH_UNIX_MICROS - 1,
        }
    }

    #[test]
    fn empty_buffer_finishes_empty() {
        assert!(CopyBuffer::new().finish().is_empty());
    }

    #[test]
    fn bar_row_bytes_are_exact() {
        let mut buffer = CopyBuffer::new();
        let symbol = Symbol::new("005930").expect("symbol");
        write_bar_row(&mut buffer, &symbol, &bar(), "kis");
        assert_eq!(buffer.rows(), 1);
        let bytes = buffer.finish();
        let mut expected = Vec::new();
        expected.extend_from_slice(b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0");
        expected.extend_from_slice(&[0, 12]);
        expected.extend_from_slice(&[0, 0, 0, 6]);
        expected.extend_from_slice(b"005930");
        expected.extend_from_slice(&[0, 0, 0, 8, 0, 0, 0, 0, 0x03, 0x93, 0x87, 0x00]); // 60 s
        for value in [1_i64, 2, -3, 4, 5, 6] {
            expected.extend_from_slice(&[0, 0, 0, 8]);
            expected.extend_from_slice(&value.to_be_bytes());
        }
        expected.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 7]);
        expected.extend_from_slice(&[0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0]);
        expected.extend_from_slice(&[0, 0, 0, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        expected.extend_from_slice(&[0, 0, 0, 3]);
        expected.extend_from_slice(b"kis");
        expected.extend_from_slice(&[0xff, 0xff]);
        assert_eq!(bytes, expected);
    }
}
