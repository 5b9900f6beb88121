//! Output encoders: the tick JSON published to Redis and PostgreSQL binary COPY buffers.

pub mod copy;
pub mod json;

pub use copy::{
    write_bar_row, write_tick_row, CopyBuffer, BAR_COLUMNS, COPY_SIGNATURE, TICK_COLUMNS,
    TICK_TABLE,
};
pub use json::TickJsonEncoder;
