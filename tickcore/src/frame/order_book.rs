//! H0STASP0 (국내주식 실시간호가, KRX): the 10-level order book of one stock.
//!
//! 59 fields in KIS order: code, time, time class, ask prices 1–10, bid prices 1–10, ask sizes
//! 1–10, bid sizes 1–10, totals, the auction's expected price/quantity, accumulated volume and
//! the size changes. The record carries no date: its time is a KST wall-clock time only.

use super::fields::FieldCursor;
use crate::error::ParseError;
use crate::kst::KstTime;
use crate::values::{AsciiCode, Decimal2, PriceSign, Symbol};

/// TR id of domestic stock order books.
pub const ORDER_BOOK_TR_ID: &str = "H0STASP0";

/// Fields per H0STASP0 record in the documented layout.
pub const ORDER_BOOK_FIELD_COUNT: usize = 59;

/// Price levels per side.
pub const ORDER_BOOK_LEVELS: usize = 10;

/// One H0STASP0 record.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OrderBook {
    /// MKSC_SHRN_ISCD 종목코드.
    pub symbol: Symbol,
    /// BSOP_HOUR 영업 시간 (KST).
    pub business_time: KstTime,
    /// HOUR_CLS_CODE 시간 구분 코드.
    pub hour_class_code: AsciiCode<2>,
    /// ASKP1..ASKP10, ascending away from the touch.
    pub ask_prices: [i64; ORDER_BOOK_LEVELS],
    /// BIDP1..BIDP10, descending away from the touch.
    pub bid_prices: [i64; ORDER_BOOK_LEVELS],
    /// ASKP_RSQN1..10 매도호가 잔량.
    pub ask_sizes: [i64; ORDER_BOOK_LEVELS],
    /// BIDP_RSQN1..10 매수호가 잔량.
    pub bid_sizes: [i64; ORDER_BOOK_LEVELS],
    /// TOTAL_ASKP_RSQN 총 매도호가 잔량.
    pub total_ask_size: i64,
    /// TOTAL_BIDP_RSQN 총 매수호가 잔량.
    pub total_bid_size: i64,
    /// OVTM_TOTAL_ASKP_RSQN 시간외 총 매도호가 잔량.
    pub overtime_total_ask_size: i64,
    /// OVTM_TOTAL_BIDP_RSQN 시간외 총 매수호가 잔량.
    pub overtime_total_bid_size: i64,
    /// ANTC_CNPR 예상 체결가 (0 outside auctions).
    pub expected_price: i64,
    /// ANTC_CNQN 예상 체결량.
    pub expected_quantity: i64,
    /// ANTC_VOL 예상 거래량.
    pub expected_volume: i64,
    /// ANTC_CNTG_VRSS 예상 체결 대비.
    pub expected_change: i64,
    /// ANTC_CNTG_VRSS_SIGN 예상 체결 대비 부호.
    pub expected_change_sign: PriceSign,
    /// ANTC_CNTG_PRDY_CTRT 예상 체결 전일 대비율.
    pub expected_change_rate: Decimal2,
    /// ACML_VOL 누적 거래량.
    pub acc_volume: i64,
    /// TOTAL_ASKP_RSQN_ICDC 총 매도호가 잔량 증감.
    pub total_ask_size_change: i64,
    /// TOTAL_BIDP_RSQN_ICDC 총 매수호가 잔량 증감.
    pub total_bid_size_change: i64,
    /// OVTM_TOTAL_ASKP_ICDC 시간외 총 매도호가 증감.
    pub overtime_total_ask_size_change: i64,
    /// OVTM_TOTAL_BIDP_ICDC 시간외 총 매수호가 증감.
    pub overtime_total_bid_size_change: i64,
    /// STCK_DEAL_CLS_CODE 주식 매매 구분 코드 (documented as unused; observed `0`).
    pub deal_class_code: AsciiCode<4>,
}

const ASK_PRICE_FIELDS: [&str; ORDER_BOOK_LEVELS] = [
    "ASKP1", "ASKP2", "ASKP3", "ASKP4", "ASKP5", "ASKP6", "ASKP7", "ASKP8", "ASKP9", "ASKP10",
];
const BID_PRICE_FIELDS: [&str; ORDER_BOOK_LEVELS] = [
    "BIDP1", "BIDP2", "BIDP3", "BIDP4", "BIDP5", "BIDP6", "BIDP7", "BIDP8", "BIDP9", "BIDP10",
];
const ASK_SIZE_FIELDS: [&str; ORDER_BOOK_LEVELS] = [
    "ASKP_RSQN1",
    "ASKP_RSQN2",
    "ASKP_RSQN3",
    "ASKP_RSQN4",
    "ASKP_RSQN5",
    "ASKP_RSQN6",
    "ASKP_RSQN7",
    "ASKP_RSQN8",
    "ASKP_RSQN9",
    "ASKP_RSQN10",
];
const BID_SIZE_FIELDS: [&str; ORDER_BOOK_LEVELS] = [
    "BIDP_RSQN1",
    "BIDP_RSQN2",
    "BIDP_RSQN3",
    "BIDP_RSQN4",
    "BIDP_RSQN5",
    "BIDP_RSQN6",
    "BIDP_RSQN7",
    "BIDP_RSQN8",
    "BIDP_RSQN9",
    "BIDP_RSQN10",
];

fn levels(
    fields: &mut FieldCursor<'_>,
    names: &[&'static str; ORDER_BOOK_LEVELS],
) -> [i64; ORDER_BOOK_LEVELS] {
    names.map(|name| fields.int(name))
}

/// Reads the 59 known fields of one record; the cursor is left after the last one.
/// Appends the record to `out`, or appends nothing and reports the first bad field.
pub(crate) fn parse_order_book(
    cursor: &mut FieldCursor<'_>,
    out: &mut Vec<OrderBook>,
) -> Result<(), ParseError> {
    // A local copy the compiler can keep in registers (see FieldCursor).
    let mut local = *cursor;
    let fields = &mut local;
    // Pushed as a literal so the record is built in the vector's memory, not copied there.
    out.push(OrderBook {
        symbol: fields.symbol("MKSC_SHRN_ISCD"),
        business_time: fields.time("BSOP_HOUR"),
        hour_class_code: fields.code("HOUR_CLS_CODE"),
        ask_prices: levels(fields, &ASK_PRICE_FIELDS),
        bid_prices: levels(fields, &BID_PRICE_FIELDS),
        ask_sizes: levels(fields, &ASK_SIZE_FIELDS),
        bid_sizes: levels(fields, &BID_SIZE_FIELDS),
        total_ask_size: fields.int("TOTAL_ASKP_RSQN"),
        total_bid_size: fields.int("TOTAL_BIDP_RSQN"),
        overtime_total_ask_size: fields.int("OVTM_TOTAL_ASKP_RSQN"),
        overtime_total_bid_size: fields.int("OVTM_TOTAL_BIDP_RSQN"),
        expected_price: fields.int("ANTC_CNPR"),
        expected_quantity: fields.int("ANTC_CNQN"),
        expected_volume: fields.int("ANTC_VOL"),
        expected_change: fields.int("ANTC_CNTG_VRSS"),
        expected_change_sign: fields.price_sign("ANTC_CNTG_VRSS_SIGN"),
        expected_change_rate: fields.decimal2("ANTC_CNTG_PRDY_CTRT"),
        acc_volume: fields.int("ACML_VOL"),
        total_ask_size_change: fields.int("TOTAL_ASKP_RSQN_ICDC"),
        total_bid_size_change: fields.int("TOTAL_BIDP_RSQN_ICDC"),
        overtime_total_ask_size_change: fields.int("OVTM_TOTAL_ASKP_ICDC"),
        overtime_total_bid_size_change: fields.int("OVTM_TOTAL_BIDP_ICDC"),
        deal_class_code: fields.code("STCK_DEAL_CLS_CODE"),
    });
    *cursor = local;
    cursor.finish_record().inspect_err(|_| {
        out.pop();
    })
}
