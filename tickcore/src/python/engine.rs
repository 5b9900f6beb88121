//! `tickcore.Engine`, `tickcore.Batch` and `tickcore.parse_frame`.
//!
//! The surface is built around whole batches: one `feed` call crosses the boundary once for
//! many frames, does all Rust work with the GIL released, and hands back one `Batch` whose
//! publishable messages and COPY buffers are ready-made Python objects.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use rustc_hash::FxHashMap;
use std::collections::HashMap;

use super::convert;
use super::gil::without_gil;
use crate::bars::{BarSettings, Interval, INTERVAL_COUNT};
use crate::engine::{Batch, Engine, EngineConfig, LateTradePolicy, Messages, Source};
use crate::error::{ConfigError, TickcoreError};
use crate::frame::{FrameParser, NoticeCipher, ParseLimits};
use crate::kst::KstDate;
use crate::values::Symbol;

fn to_py_err(error: impl Into<TickcoreError>) -> PyErr {
    error.into().into()
}

/// The frames argument as a list of objects, refusing a lone str/bytes (a common slip).
fn frame_objects<'py>(frames: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if frames.is_instance_of::<PyString>() || frames.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(
            "frames must be a list of str or bytes frames, not a single frame",
        ));
    }
    if let Ok(list) = frames.cast::<PyList>() {
        return Ok(list.iter().collect());
    }
    frames.try_iter()?.collect()
}

/// The bytes of every frame, borrowed from the Python objects (kept alive in `objects`).
/// A str that is not valid UTF-8 (lone surrogates) is replaced in `objects` by its
/// `surrogatepass` encoding first, so the parser reports it as a malformed frame instead of
/// the whole call failing.
fn frame_slices<'a>(objects: &'a mut [Bound<'_, PyAny>]) -> PyResult<Vec<&'a [u8]>> {
    for object in objects.iter_mut() {
        if let Ok(text) = object.cast::<PyString>() {
            if text.to_str().is_err() {
                *object = text.call_method1("encode", ("utf-8", "surrogatepass"))?;
            }
        }
    }
    objects.iter().map(frame_bytes).collect()
}

fn frame_bytes<'a>(object: &'a Bound<'_, PyAny>) -> PyResult<&'a [u8]> {
    if let Ok(text) = object.cast::<PyString>() {
        return Ok(text.to_str()?.as_bytes());
    }
    if let Ok(bytes) = object.cast::<PyBytes>() {
        return Ok(bytes.as_bytes());
    }
    Err(PyTypeError::new_err(format!(
        "a frame must be str or bytes, not {}",
        object.get_type().name()?
    )))
}

fn interval_from_label(label: &str) -> PyResult<Interval> {
    Interval::from_label(label).ok_or_else(|| {
        PyValueError::new_err(format!(
            "unknown interval {label:?}; expected one of 1m, 15m, 1h, 1d"
        ))
    })
}

fn optional_bytes(py: Python<'_>, bytes: &[u8]) -> Option<Py<PyBytes>> {
    (!bytes.is_empty()).then(|| PyBytes::new(py, bytes).unbind())
}

/// The tick engine: parse KIS frames, drop replays, build 1m/15m/1h/1d bars, encode tick JSON
/// and binary COPY buffers. Times are int Unix microseconds (UTC) in and out.
#[pyclass(name = "Engine", module = "tickcore._tickcore")]
pub struct PyEngine {
    engine: Engine,
    symbol_names: FxHashMap<Symbol, Py<PyString>>,
    /// Reused between calls so the large message and COPY buffers keep their capacity.
    scratch: Batch,
}

#[pymethods]
impl PyEngine {
    #[new]
    #[pyo3(signature = (
        source = "kis",
        *,
        max_frame_bytes = ParseLimits::DEFAULT_MAX_FRAME_BYTES,
        max_records_per_frame = ParseLimits::DEFAULT_MAX_RECORDS_PER_FRAME,
        late_trades = "publish",
        drop_replayed_trades = true,
        emit_empty_bars = false,
        keep_trades = false,
        learn_notice_ciphers = false,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        source: &str,
        max_frame_bytes: usize,
        max_records_per_frame: usize,
        late_trades: &str,
        drop_replayed_trades: bool,
        emit_empty_bars: bool,
        keep_trades: bool,
        learn_notice_ciphers: bool,
    ) -> PyResult<Self> {
        let config = EngineConfig {
            source: Source::from_name(source).map_err(to_py_err)?,
            limits: ParseLimits {
                max_frame_bytes,
                max_records_per_frame,
            },
            bars: BarSettings { emit_empty_bars },
            late_trades: LateTradePolicy::from_name(late_trades).map_err(to_py_err)?,
            drop_replayed_trades,
            keep_trades,
            learn_notice_ciphers,
        };
        let engine = Engine::new(config).map_err(to_py_err)?;
        Ok(Self {
            engine,
            symbol_names: FxHashMap::default(),
            scratch: Batch::default(),
        })
    }

    /// Parses and processes a batch of frames read at `received_at_us`; releases the GIL.
    fn feed(
        &mut self,
        py: Python<'_>,
        frames: &Bound<'_, PyAny>,
        received_at_us: i64,
    ) -> PyResult<PyBatch> {
        let mut objects = frame_objects(frames)?;
        let slices = frame_slices(&mut objects)?;
        let (engine, scratch) = (&mut self.engine, &mut self.scratch);
        without_gil(py, || engine.feed_into(&slices, received_at_us, scratch));
        PyBatch::from_scratch(py, &mut self.scratch, &mut self.symbol_names)
    }

    /// Closes every open bar whose bucket ended at or before `now_us`; releases the GIL.
    fn flush(&mut self, py: Python<'_>, now_us: i64) -> PyResult<PyBatch> {
        let (engine, scratch) = (&mut self.engine, &mut self.scratch);
        without_gil(py, || engine.flush_into(now_us, scratch));
        PyBatch::from_scratch(py, &mut self.scratch, &mut self.symbol_names)
    }

    /// The open (unfinished) bars of a symbol: {interval: bar dict}, only intervals with a bar.
    fn open_bars<'py>(&self, py: Python<'py>, symbol: &str) -> PyResult<Bound<'py, PyDict>> {
        let bars = PyDict::new(py);
        let Some(code) = Symbol::new(symbol) else {
            return Ok(bars);
        };
        for (interval, bar) in Interval::ALL.iter().zip(self.engine.open_bars(&code)) {
            if let Some(bar) = bar {
                bars.set_item(
                    interval.label(),
                    convert::bar_dict(py, &code, *interval, &bar)?,
                )?;
            }
        }
        Ok(bars)
    }

    /// Trades already stored by an earlier run: {symbol: (business date YYYYMMDD, accumulated
    /// volume)}; when the broker sends them again they are dropped as replays.
    fn mark_stored(&mut self, marks: HashMap<String, (u32, i64)>) -> PyResult<()> {
        for (symbol, (date, acc_volume)) in marks {
            let code = Symbol::new(&symbol).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "not a stock code (1-15 letters or digits): {symbol:?}"
                ))
            })?;
            let day = u8::try_from(date % 100).ok();
            let month = u8::try_from(date / 100 % 100).ok();
            let year = u16::try_from(date / 10_000).ok();
            let kst_date = match (year, month, day) {
                (Some(y), Some(m), Some(d)) => KstDate::new(y, m, d),
                _ => None,
            }
            .ok_or_else(|| PyValueError::new_err(format!("not a YYYYMMDD date: {date}")))?;
            self.engine.mark_stored(code, kst_date, acc_volume);
        }
        Ok(())
    }

    /// Decrypt `1|` frames of `tr_id` with this AES-256 key (32 chars) and IV (16 chars).
    fn set_cipher(&mut self, tr_id: &str, key: &str, iv: &str) -> PyResult<()> {
        let cipher = NoticeCipher::new(key, iv).map_err(to_py_err)?;
        self.engine.set_cipher(tr_id, cipher);
        Ok(())
    }

    /// Symbols seen so far.
    fn symbols(&self) -> Vec<String> {
        self.engine
            .symbols()
            .map(|symbol| symbol.as_str().to_owned())
            .collect()
    }

    /// Counters summed over every batch so far.
    #[getter]
    fn totals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        convert::counters_dict(py, &self.engine.totals())
    }

    #[getter]
    fn source(&self) -> &'static str {
        self.engine.config().source.name()
    }

    /// Every setting, by its keyword name.
    #[getter]
    fn settings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let config = self.engine.config();
        let d = PyDict::new(py);
        d.set_item("source", config.source.name())?;
        d.set_item("max_frame_bytes", config.limits.max_frame_bytes)?;
        d.set_item("max_records_per_frame", config.limits.max_records_per_frame)?;
        d.set_item("late_trades", config.late_trades.name())?;
        d.set_item("drop_replayed_trades", config.drop_replayed_trades)?;
        d.set_item("emit_empty_bars", config.bars.emit_empty_bars)?;
        d.set_item("keep_trades", config.keep_trades)?;
        d.set_item("learn_notice_ciphers", config.learn_notice_ciphers)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!(
            "Engine(source={:?}, symbols={})",
            self.engine.config().source.name(),
            self.engine.symbols().count()
        )
    }
}

/// `[(symbol, payload)]` built with the CPython API directly: per message this is the
/// hottest Python-side code, and the generic PyO3 conversions cost about twice as much.
fn message_list(
    py: Python<'_>,
    messages: &Messages,
    symbol_names: &mut FxHashMap<Symbol, Py<PyString>>,
) -> PyResult<Py<PyList>> {
    let length = ffi::Py_ssize_t::try_from(messages.len())
        .map_err(|_| PyValueError::new_err("too many messages"))?;
    // SAFETY: the GIL is held (we have `py`); every pointer returned by the CPython API is
    // checked for NULL before use; PyList_SET_ITEM / PyTuple_SET_ITEM steal the references
    // they are given (the symbol name gets its own INCREF; the map keeps its reference alive
    // for the whole loop) and fill fresh containers exactly once per index, as their
    // contracts require; on error the partially filled list is owned by `list` and released
    // by Drop (CPython's list dealloc skips unset NULL slots).
    unsafe {
        let list = Bound::from_owned_ptr_or_err(py, ffi::PyList_New(length))?
            .cast_into_unchecked::<PyList>();
        let mut previous: Option<(Symbol, *mut ffi::PyObject)> = None;
        for (index, (symbol, payload)) in messages.iter().enumerate() {
            // Messages of one frame share a symbol: skip the map look-up for repeats.
            let name = match previous {
                Some((last, name)) if last == *symbol => name,
                _ => {
                    let name = symbol_names
                        .entry(*symbol)
                        .or_insert_with(|| PyString::new(py, symbol.as_str()).unbind());
                    previous = Some((*symbol, name.as_ptr()));
                    name.as_ptr()
                }
            };
            let bytes = Bound::from_owned_ptr_or_err(
                py,
                ffi::PyBytes_FromStringAndSize(
                    payload.as_ptr().cast(),
                    payload.len() as ffi::Py_ssize_t,
                ),
            )?;
            let pair = Bound::from_owned_ptr_or_err(py, ffi::PyTuple_New(2))?;
            ffi::Py_INCREF(name);
            ffi::PyTuple_SET_ITEM(pair.as_ptr(), 0, name);
            ffi::PyTuple_SET_ITEM(pair.as_ptr(), 1, bytes.into_ptr());
            ffi::PyList_SET_ITEM(list.as_ptr(), index as ffi::Py_ssize_t, pair.into_ptr());
        }
        Ok(list.unbind())
    }
}

/// Everything one `feed` or `flush` produced.
#[pyclass(name = "Batch", module = "tickcore._tickcore", frozen)]
pub struct PyBatch {
    messages: Py<PyList>,
    ticks_copy: Option<Py<PyBytes>>,
    tick_count: usize,
    bar_copies: [Option<Py<PyBytes>>; INTERVAL_COUNT],
    /// The rest of the batch; its message and COPY buffers were moved into Python objects.
    batch: Batch,
}

impl PyBatch {
    /// Copies the large buffers of `scratch` into Python objects (leaving their capacity in
    /// `scratch` for the next call) and takes the rest of the batch.
    fn from_scratch(
        py: Python<'_>,
        scratch: &mut Batch,
        symbol_names: &mut FxHashMap<Symbol, Py<PyString>>,
    ) -> PyResult<Self> {
        let messages = message_list(py, &scratch.messages, symbol_names)?;
        let ticks_copy = optional_bytes(py, &scratch.ticks_copy);
        let bar_copies =
            std::array::from_fn(|index| optional_bytes(py, &scratch.bar_copies[index]));
        let batch = Batch {
            closed_bars: std::mem::take(&mut scratch.closed_bars),
            controls: std::mem::take(&mut scratch.controls),
            order_books: std::mem::take(&mut scratch.order_books),
            encrypted: std::mem::take(&mut scratch.encrypted),
            errors: std::mem::take(&mut scratch.errors),
            late_trades: std::mem::take(&mut scratch.late_trades),
            trades: std::mem::take(&mut scratch.trades),
            counters: scratch.counters,
            tick_rows: scratch.tick_rows,
            ..Batch::default()
        };
        Ok(Self {
            messages,
            ticks_copy,
            tick_count: scratch.tick_rows,
            bar_copies,
            batch,
        })
    }
}

#[pymethods]
impl PyBatch {
    /// Publishable tick messages: [(symbol, JSON payload bytes)] in order.
    #[getter]
    fn messages(&self, py: Python<'_>) -> Py<PyList> {
        self.messages.clone_ref(py)
    }

    /// Binary COPY for `stock_ticks` (columns TICK_COLUMNS), or None when no rows.
    #[getter]
    fn ticks_copy(&self, py: Python<'_>) -> Option<Py<PyBytes>> {
        self.ticks_copy.as_ref().map(|bytes| bytes.clone_ref(py))
    }

    /// Rows in `ticks_copy`.
    #[getter]
    fn tick_count(&self) -> usize {
        self.tick_count
    }

    /// Binary COPY buffers of closed bars, {interval: bytes}, only intervals that closed bars.
    #[getter]
    fn bar_copies<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for interval in Interval::ALL {
            if let Some(bytes) = &self.bar_copies[interval.index()] {
                d.set_item(interval.label(), bytes.clone_ref(py))?;
            }
        }
        Ok(d)
    }

    /// Binary COPY of the closed bars of one interval (table BAR_TABLES[interval]), or None.
    fn bar_copy(&self, py: Python<'_>, interval: &str) -> PyResult<Option<Py<PyBytes>>> {
        let interval = interval_from_label(interval)?;
        Ok(self.bar_copies[interval.index()]
            .as_ref()
            .map(|bytes| bytes.clone_ref(py)))
    }

    /// Closed bars per interval, {interval: count}, for all four intervals.
    #[getter]
    fn bar_counts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for interval in Interval::ALL {
            d.set_item(interval.label(), self.batch.closed(interval).len())?;
        }
        Ok(d)
    }

    /// Closed bars as dicts, of one interval or (None) of all, finest interval first.
    #[pyo3(signature = (interval = None))]
    fn closed_bars<'py>(
        &self,
        py: Python<'py>,
        interval: Option<&str>,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let intervals = match interval {
            Some(label) => vec![interval_from_label(label)?],
            None => Interval::ALL.to_vec(),
        };
        let mut bars = Vec::new();
        for interval in intervals {
            for closed in self.batch.closed(interval) {
                bars.push(convert::bar_dict(
                    py,
                    &closed.symbol,
                    interval,
                    &closed.bar,
                )?);
            }
        }
        Ok(bars)
    }

    /// Control messages: dicts with kind "ack", "error", "pingpong" (with `raw` to echo) or "request".
    #[getter]
    fn controls<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.batch
            .controls
            .iter()
            .map(|control| convert::control_dict(py, control))
            .collect()
    }

    /// Frames that failed to parse: {frame_index, kind, reason, offset}.
    #[getter]
    fn errors<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.batch
            .errors
            .iter()
            .map(|failure| convert::failure_dict(py, failure))
            .collect()
    }

    /// Trades kept out of bars as late: {frame_index, symbol, time_us, acc_volume}.
    #[getter]
    fn late_trades<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.batch
            .late_trades
            .iter()
            .map(|late| convert::late_trade_dict(py, late))
            .collect()
    }

    /// H0STASP0 order books of the batch.
    #[getter]
    fn order_books<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.batch
            .order_books
            .iter()
            .map(|book| convert::order_book_dict(py, book))
            .collect()
    }

    /// Encrypted (`1|`) frames: {kind, tr_id, record_count, payload_bytes, records or None}.
    #[getter]
    fn encrypted<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.batch
            .encrypted
            .iter()
            .map(|frame| convert::encrypted_dict(py, frame))
            .collect()
    }

    /// Accepted trades as dicts (empty unless the engine has keep_trades=True).
    #[getter]
    fn trades<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.batch
            .trades
            .iter()
            .map(|trade| convert::trade_dict(py, trade))
            .collect()
    }

    /// Counters of this batch.
    #[getter]
    fn counters<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        convert::counters_dict(py, &self.batch.counters)
    }

    fn __repr__(&self) -> String {
        let closed: Vec<String> = Interval::ALL
            .iter()
            .map(|i| format!("{}={}", i.label(), self.batch.closed(*i).len()))
            .collect();
        format!(
            "Batch(messages={}, tick_count={}, closed_bars({}), controls={}, errors={})",
            self.batch.counters.published,
            self.tick_count,
            closed.join(", "),
            self.batch.controls.len(),
            self.batch.errors.len()
        )
    }
}

/// Parses one frame into a dict; raises FrameError on malformed input.
#[pyfunction(name = "parse_frame")]
#[pyo3(signature = (
    frame,
    *,
    key = None,
    iv = None,
    max_frame_bytes = ParseLimits::DEFAULT_MAX_FRAME_BYTES,
    max_records_per_frame = ParseLimits::DEFAULT_MAX_RECORDS_PER_FRAME,
))]
pub(crate) fn py_parse_frame<'py>(
    py: Python<'py>,
    frame: &Bound<'py, PyAny>,
    key: Option<&str>,
    iv: Option<&str>,
    max_frame_bytes: usize,
    max_records_per_frame: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let mut parser = FrameParser::new(ParseLimits {
        max_frame_bytes,
        max_records_per_frame,
    });
    match (key, iv) {
        (Some(key), Some(iv)) => {
            parser.set_fallback_cipher(NoticeCipher::new(key, iv).map_err(to_py_err)?)
        }
        (None, None) => {}
        _ => {
            return Err(to_py_err(ConfigError::new(
                "key",
                "key and iv must be given together",
            )))
        }
    }
    let mut objects = vec![frame.clone()];
    let slices = frame_slices(&mut objects)?;
    let parsed = parser
        .parse(slices.first().copied().unwrap_or_default())
        .map_err(to_py_err)?;
    convert::frame_dict(py, &parsed)
}
