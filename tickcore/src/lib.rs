//! tickcore: the hot path of ingest.
//!
//! Raw KIS WebSocket frames go in; typed trades, 1m/15m/1h/1d OHLCV bars aligned to Korean
//! time, publishable tick JSON and PostgreSQL binary COPY buffers come out. The crate is plain
//! Rust; the PyO3 bindings live in `python` behind the `python` feature so `cargo test`
//! needs no interpreter.
//!
//! Module map: [`frame`] parses messages, [`bars`] aggregates trades, [`encode`] writes JSON
//! and COPY bytes, [`engine`] ties them together per batch of frames, [`kst`] and [`values`]
//! hold the time arithmetic and small value types, [`error`] the one error enum.

pub mod bars;
pub mod encode;
pub mod engine;
pub mod error;
pub mod frame;
pub mod kst;
pub mod values;

#[cfg(feature = "python")]
pub mod python;

pub use error::{ConfigError, ParseError, ParseErrorKind, TickcoreError};

/// The crate version, exported to Python as `tickcore.__version__`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
