//! Rust records → Python dicts. Keys are snake_case; times are `int` Unix microseconds
//! (`*_us`), KIS clock times `int` HHMMSS, dates `int` YYYYMMDD, two-decimal values `float`,
//! codes `str`, sign and side codes `int`.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::bars::{Bar, Interval};
use crate::engine::{Counters, FrameFailure, LateTrade};
use crate::error::ParseError;
use crate::frame::{ControlMessage, ControlReply, EncryptedFrame, Frame, OrderBook, Trade};
use crate::values::Symbol;

pub(crate) fn trade_dict<'py>(py: Python<'py>, trade: &Trade) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("symbol", trade.symbol.as_str())?;
    d.set_item("time_us", trade.time_micros())?;
    d.set_item("trade_time", trade.trade_time.hhmmss())?;
    d.set_item("price", trade.price)?;
    d.set_item("change_sign", trade.change_sign.code())?;
    d.set_item("change", trade.change)?;
    d.set_item("change_rate", trade.change_rate.to_f64())?;
    d.set_item(
        "weighted_average_price",
        trade.weighted_average_price.to_f64(),
    )?;
    d.set_item("open", trade.open)?;
    d.set_item("high", trade.high)?;
    d.set_item("low", trade.low)?;
    d.set_item("ask_price1", trade.ask_price1)?;
    d.set_item("bid_price1", trade.bid_price1)?;
    d.set_item("volume", trade.volume)?;
    d.set_item("acc_volume", trade.acc_volume)?;
    d.set_item("acc_amount", trade.acc_amount)?;
    d.set_item("sell_trade_count", trade.sell_trade_count)?;
    d.set_item("buy_trade_count", trade.buy_trade_count)?;
    d.set_item("net_buy_trade_count", trade.net_buy_trade_count)?;
    d.set_item("trade_strength", trade.trade_strength.to_f64())?;
    d.set_item("total_sell_volume", trade.total_sell_volume)?;
    d.set_item("total_buy_volume", trade.total_buy_volume)?;
    d.set_item("side", trade.side.code())?;
    d.set_item("buy_ratio", trade.buy_ratio.to_f64())?;
    d.set_item("volume_change_rate", trade.volume_change_rate.to_f64())?;
    d.set_item("open_time", trade.open_time.hhmmss())?;
    d.set_item("open_vs_price_sign", trade.open_vs_price_sign.code())?;
    d.set_item("open_vs_price", trade.open_vs_price)?;
    d.set_item("high_time", trade.high_time.hhmmss())?;
    d.set_item("high_vs_price_sign", trade.high_vs_price_sign.code())?;
    d.set_item("high_vs_price", trade.high_vs_price)?;
    d.set_item("low_time", trade.low_time.hhmmss())?;
    d.set_item("low_vs_price_sign", trade.low_vs_price_sign.code())?;
    d.set_item("low_vs_price", trade.low_vs_price)?;
    d.set_item("business_date", trade.business_date.yyyymmdd())?;
    d.set_item(
        "market_operation_code",
        trade.market_operation_code.as_str(),
    )?;
    d.set_item("trading_halted", trade.trading_halted)?;
    d.set_item("ask_size1", trade.ask_size1)?;
    d.set_item("bid_size1", trade.bid_size1)?;
    d.set_item("total_ask_size", trade.total_ask_size)?;
    d.set_item("total_bid_size", trade.total_bid_size)?;
    d.set_item("volume_turnover_rate", trade.volume_turnover_rate.to_f64())?;
    d.set_item(
        "prev_day_same_time_acc_volume",
        trade.prev_day_same_time_acc_volume,
    )?;
    d.set_item(
        "prev_day_same_time_acc_volume_rate",
        trade.prev_day_same_time_acc_volume_rate.to_f64(),
    )?;
    d.set_item("hour_class_code", trade.hour_class_code.as_str())?;
    d.set_item(
        "market_termination_code",
        trade.market_termination_code.as_str(),
    )?;
    d.set_item("vi_standard_price", trade.vi_standard_price)?;
    d.set_item("sequence", trade.sequence())?;
    Ok(d)
}

pub(crate) fn order_book_dict<'py>(
    py: Python<'py>,
    book: &OrderBook,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("symbol", book.symbol.as_str())?;
    d.set_item("business_time", book.business_time.hhmmss())?;
    d.set_item("hour_class_code", book.hour_class_code.as_str())?;
    d.set_item("ask_prices", book.ask_prices.to_vec())?;
    d.set_item("bid_prices", book.bid_prices.to_vec())?;
    d.set_item("ask_sizes", book.ask_sizes.to_vec())?;
    d.set_item("bid_sizes", book.bid_sizes.to_vec())?;
    d.set_item("total_ask_size", book.total_ask_size)?;
    d.set_item("total_bid_size", book.total_bid_size)?;
    d.set_item("overtime_total_ask_size", book.overtime_total_ask_size)?;
    d.set_item("overtime_total_bid_size", book.overtime_total_bid_size)?;
    d.set_item("expected_price", book.expected_price)?;
    d.set_item("expected_quantity", book.expected_quantity)?;
    d.set_item("expected_volume", book.expected_volume)?;
    d.set_item("expected_change", book.expected_change)?;
    d.set_item("expected_change_sign", book.expected_change_sign.code())?;
    d.set_item("expected_change_rate", book.expected_change_rate.to_f64())?;
    d.set_item("acc_volume", book.acc_volume)?;
    d.set_item("total_ask_size_change", book.total_ask_size_change)?;
    d.set_item("total_bid_size_change", book.total_bid_size_change)?;
    d.set_item(
        "overtime_total_ask_size_change",
        book.overtime_total_ask_size_change,
    )?;
    d.set_item(
        "overtime_total_bid_size_change",
        book.overtime_total_bid_size_change,
    )?;
    d.set_item("deal_class_code", book.deal_class_code.as_str())?;
    Ok(d)
}

pub(crate) fn bar_dict<'py>(
    py: Python<'py>,
    symbol: &Symbol,
    interval: Interval,
    bar: &Bar,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("symbol", symbol.as_str())?;
    d.set_item("interval", interval.label())?;
    d.set_item("bucket_us", bar.bucket_start)?;
    d.set_item("open", bar.open)?;
    d.set_item("high", bar.high)?;
    d.set_item("low", bar.low)?;
    d.set_item("close", bar.close)?;
    d.set_item("volume", bar.volume)?;
    d.set_item("amount", bar.amount)?;
    d.set_item("trade_count", bar.trade_count)?;
    d.set_item("first_trade_us", bar.first_trade_at)?;
    d.set_item("last_trade_us", bar.last_trade_at)?;
    Ok(d)
}

fn reply_dict<'py>(
    py: Python<'py>,
    kind: &str,
    reply: &ControlReply,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("kind", kind)?;
    d.set_item("tr_id", &reply.tr_id)?;
    d.set_item("tr_key", &reply.tr_key)?;
    d.set_item("encrypted", reply.encrypted)?;
    d.set_item("rt_cd", &reply.rt_cd)?;
    d.set_item("msg_cd", &reply.msg_cd)?;
    d.set_item("msg1", &reply.msg1)?;
    d.set_item(
        "key",
        reply.cipher.as_ref().map(|cipher| cipher.key.as_str()),
    )?;
    d.set_item("iv", reply.cipher.as_ref().map(|cipher| cipher.iv.as_str()))?;
    Ok(d)
}

pub(crate) fn control_dict<'py>(
    py: Python<'py>,
    control: &ControlMessage,
) -> PyResult<Bound<'py, PyDict>> {
    match control {
        ControlMessage::Ack(reply) => reply_dict(py, "ack", reply),
        ControlMessage::Error(reply) => reply_dict(py, "error", reply),
        ControlMessage::PingPong { datetime, raw } => {
            let d = PyDict::new(py);
            d.set_item("kind", "pingpong")?;
            d.set_item("datetime", datetime)?;
            d.set_item("raw", raw)?;
            Ok(d)
        }
        ControlMessage::Request(request) => {
            let d = PyDict::new(py);
            d.set_item("kind", "request")?;
            d.set_item("tr_type", &request.tr_type)?;
            d.set_item("customer_type", &request.customer_type)?;
            d.set_item("tr_id", &request.tr_id)?;
            d.set_item("tr_key", &request.tr_key)?;
            Ok(d)
        }
    }
}

pub(crate) fn encrypted_dict<'py>(
    py: Python<'py>,
    frame: &EncryptedFrame,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("kind", "encrypted")?;
    d.set_item("tr_id", &frame.tr_id)?;
    d.set_item("record_count", frame.record_count)?;
    d.set_item("payload_bytes", frame.payload_bytes)?;
    d.set_item("records", frame.records.clone())?;
    Ok(d)
}

pub(crate) fn error_dict<'py>(
    py: Python<'py>,
    frame_index: usize,
    error: &ParseError,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("frame_index", frame_index)?;
    d.set_item("kind", error.code())?;
    d.set_item("reason", error.reason())?;
    d.set_item("offset", error.offset)?;
    Ok(d)
}

pub(crate) fn failure_dict<'py>(
    py: Python<'py>,
    failure: &FrameFailure,
) -> PyResult<Bound<'py, PyDict>> {
    error_dict(py, failure.frame_index, &failure.error)
}

pub(crate) fn late_trade_dict<'py>(
    py: Python<'py>,
    late: &LateTrade,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("frame_index", late.frame_index)?;
    d.set_item("symbol", late.symbol.as_str())?;
    d.set_item("time_us", late.time)?;
    d.set_item("acc_volume", late.acc_volume)?;
    Ok(d)
}

pub(crate) fn counters_dict<'py>(
    py: Python<'py>,
    counters: &Counters,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (name, value) in counters.fields() {
        d.set_item(name, value)?;
    }
    Ok(d)
}

fn records_dict<'py, R>(
    py: Python<'py>,
    kind: &str,
    tr_id: &str,
    records: &[R],
    extra_fields_per_record: usize,
    to_dict: impl Fn(Python<'py>, &R) -> PyResult<Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("kind", kind)?;
    d.set_item("tr_id", tr_id)?;
    d.set_item("extra_fields_per_record", extra_fields_per_record)?;
    let dicts = records
        .iter()
        .map(|record| to_dict(py, record))
        .collect::<PyResult<Vec<_>>>()?;
    d.set_item("records", dicts)?;
    Ok(d)
}

pub(crate) fn frame_dict<'py>(py: Python<'py>, frame: &Frame) -> PyResult<Bound<'py, PyDict>> {
    match frame {
        Frame::Trades(trades) => records_dict(
            py,
            "trades",
            crate::frame::TRADE_TR_ID,
            &trades.records,
            trades.extra_fields_per_record,
            trade_dict,
        ),
        Frame::OrderBooks(books) => records_dict(
            py,
            "order_books",
            crate::frame::ORDER_BOOK_TR_ID,
            &books.records,
            books.extra_fields_per_record,
            order_book_dict,
        ),
        Frame::Encrypted(encrypted) => encrypted_dict(py, encrypted),
        Frame::Control(control) => control_dict(py, control),
    }
}
