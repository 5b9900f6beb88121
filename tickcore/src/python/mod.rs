//! PyO3 bindings, compiled only with the `python` feature.
//!
//! The extension module is `tickcore._tickcore`; `tickcore/__init__.py` re-exports its names.
//! Wrappers are named `Py*` in Rust and exported under clean names (`Engine`, `Batch`). One
//! boundary convention: every time crosses as an `int` of Unix microseconds (UTC).

mod convert;
mod engine;
mod error;
mod gil;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::bars::Interval;
use crate::encode::{BAR_COLUMNS, TICK_COLUMNS, TICK_TABLE};
use crate::frame::{ParseLimits, TRADE_KIS_FIELDS};

#[pymodule]
fn _tickcore(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", crate::VERSION)?;
    m.add_class::<engine::PyEngine>()?;
    m.add_class::<engine::PyBatch>()?;
    m.add_function(wrap_pyfunction!(engine::py_parse_frame, m)?)?;
    error::register(m)?;
    add_contract_constants(py, m)
}

/// Names the database and Redis contracts depend on, so Python never re-types them.
fn add_contract_constants(py: Python<'_>, m: &Bound<'_, PyModule>) -> PyResult<()> {
    let intervals: Vec<&str> = Interval::ALL
        .iter()
        .map(|interval| interval.label())
        .collect();
    m.add("INTERVALS", PyTuple::new(py, intervals)?)?;
    let bar_tables = PyDict::new(py);
    for interval in Interval::ALL {
        bar_tables.set_item(interval.label(), interval.table())?;
    }
    m.add("BAR_TABLES", bar_tables)?;
    m.add("TICK_TABLE", TICK_TABLE)?;
    m.add("TICK_COLUMNS", PyTuple::new(py, TICK_COLUMNS)?)?;
    m.add("BAR_COLUMNS", PyTuple::new(py, BAR_COLUMNS)?)?;
    m.add("TRADE_KIS_FIELDS", PyTuple::new(py, TRADE_KIS_FIELDS)?)?;
    m.add(
        "DEFAULT_MAX_FRAME_BYTES",
        ParseLimits::DEFAULT_MAX_FRAME_BYTES,
    )?;
    m.add(
        "DEFAULT_MAX_RECORDS_PER_FRAME",
        ParseLimits::DEFAULT_MAX_RECORDS_PER_FRAME,
    )?;
    Ok(())
}
