//! H0STCNT0 (국내주식 실시간체결가, KRX): one executed trade with the day's running statistics.
//!
//! All 46 fields are parsed, in KIS order, into [`Trade`]. Prices and volumes are whole won and
//! shares in `i64`; two-decimal rates are exact [`Decimal2`]s.

use super::fields::FieldCursor;
use crate::error::ParseError;
use crate::kst::{kst_to_unix_micros, KstDate, KstTime};
use crate::values::{AsciiCode, Decimal2, PriceSign, Symbol, TradeSide};

/// TR id of domestic stock trades.
pub const TRADE_TR_ID: &str = "H0STCNT0";

/// Fields per H0STCNT0 record in the documented layout.
pub const TRADE_FIELD_COUNT: usize = 46;

/// KIS field names in record order (the `field` of parse errors uses these).
pub const TRADE_KIS_FIELDS: [&str; TRADE_FIELD_COUNT] = [
    "MKSC_SHRN_ISCD",
    "STCK_CNTG_HOUR",
    "STCK_PRPR",
    "PRDY_VRSS_SIGN",
    "PRDY_VRSS",
    "PRDY_CTRT",
    "WGHN_AVRG_STCK_PRC",
    "STCK_OPRC",
    "STCK_HGPR",
    "STCK_LWPR",
    "ASKP1",
    "BIDP1",
    "CNTG_VOL",
    "ACML_VOL",
    "ACML_TR_PBMN",
    "SELN_CNTG_CSNU",
    "SHNU_CNTG_CSNU",
    "NTBY_CNTG_CSNU",
    "CTTR",
    "SELN_CNTG_SMTN",
    "SHNU_CNTG_SMTN",
    "CCLD_DVSN",
    "SHNU_RATE",
    "PRDY_VOL_VRSS_ACML_VOL_RATE",
    "OPRC_HOUR",
    "OPRC_VRSS_PRPR_SIGN",
    "OPRC_VRSS_PRPR",
    "HGPR_HOUR",
    "HGPR_VRSS_PRPR_SIGN",
    "HGPR_VRSS_PRPR",
    "LWPR_HOUR",
    "LWPR_VRSS_PRPR_SIGN",
    "LWPR_VRSS_PRPR",
    "BSOP_DATE",
    "NEW_MKOP_CLS_CODE",
    "TRHT_YN",
    "ASKP_RSQN1",
    "BIDP_RSQN1",
    "TOTAL_ASKP_RSQN",
    "TOTAL_BIDP_RSQN",
    "VOL_TNRT",
    "PRDY_SMNS_HOUR_ACML_VOL",
    "PRDY_SMNS_HOUR_ACML_VOL_RATE",
    "HOUR_CLS_CODE",
    "MRKT_TRTM_CLS_CODE",
    "VI_STND_PRC",
];

/// One H0STCNT0 record. Field comments give the KIS name and meaning.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trade {
    /// MKSC_SHRN_ISCD 종목코드.
    pub symbol: Symbol,
    /// STCK_CNTG_HOUR 체결 시간 (KST).
    pub trade_time: KstTime,
    /// STCK_PRPR this trade's price, won.
    pub price: i64,
    /// PRDY_VRSS_SIGN 전일 대비 부호.
    pub change_sign: PriceSign,
    /// PRDY_VRSS 전일 대비, won (negative when falling).
    pub change: i64,
    /// PRDY_CTRT 전일 대비율, %.
    pub change_rate: Decimal2,
    /// WGHN_AVRG_STCK_PRC 가중 평균 주식 가격.
    pub weighted_average_price: Decimal2,
    /// STCK_OPRC 시가.
    pub open: i64,
    /// STCK_HGPR 고가.
    pub high: i64,
    /// STCK_LWPR 저가.
    pub low: i64,
    /// ASKP1 매도호가1.
    pub ask_price1: i64,
    /// BIDP1 매수호가1.
    pub bid_price1: i64,
    /// CNTG_VOL this trade's shares.
    pub volume: i64,
    /// ACML_VOL the day's accumulated shares after this trade.
    pub acc_volume: i64,
    /// ACML_TR_PBMN the day's accumulated traded amount, won.
    pub acc_amount: i64,
    /// SELN_CNTG_CSNU 매도 체결 건수.
    pub sell_trade_count: i64,
    /// SHNU_CNTG_CSNU 매수 체결 건수.
    pub buy_trade_count: i64,
    /// NTBY_CNTG_CSNU 순매수 체결 건수.
    pub net_buy_trade_count: i64,
    /// CTTR 체결강도.
    pub trade_strength: Decimal2,
    /// SELN_CNTG_SMTN 총 매도 수량.
    pub total_sell_volume: i64,
    /// SHNU_CNTG_SMTN 총 매수 수량.
    pub total_buy_volume: i64,
    /// CCLD_DVSN 체결구분.
    pub side: TradeSide,
    /// SHNU_RATE 매수비율.
    pub buy_ratio: Decimal2,
    /// PRDY_VOL_VRSS_ACML_VOL_RATE 전일 거래량 대비 등락율.
    pub volume_change_rate: Decimal2,
    /// OPRC_HOUR 시가 시간.
    pub open_time: KstTime,
    /// OPRC_VRSS_PRPR_SIGN 시가대비구분.
    pub open_vs_price_sign: PriceSign,
    /// OPRC_VRSS_PRPR 시가대비.
    pub open_vs_price: i64,
    /// HGPR_HOUR 최고가 시간.
    pub high_time: KstTime,
    /// HGPR_VRSS_PRPR_SIGN 고가대비구분.
    pub high_vs_price_sign: PriceSign,
    /// HGPR_VRSS_PRPR 고가대비.
    pub high_vs_price: i64,
    /// LWPR_HOUR 최저가 시간.
    pub low_time: KstTime,
    /// LWPR_VRSS_PRPR_SIGN 저가대비구분.
    pub low_vs_price_sign: PriceSign,
    /// LWPR_VRSS_PRPR 저가대비.
    pub low_vs_price: i64,
    /// BSOP_DATE 영업 일자 (KST).
    pub business_date: KstDate,
    /// NEW_MKOP_CLS_CODE 신 장운영 구분 코드 (2 characters).
    pub market_operation_code: AsciiCode<2>,
    /// TRHT_YN 거래정지 여부.
    pub trading_halted: bool,
    /// ASKP_RSQN1 매도호가 잔량1.
    pub ask_size1: i64,
    /// BIDP_RSQN1 매수호가 잔량1.
    pub bid_size1: i64,
    /// TOTAL_ASKP_RSQN 총 매도호가 잔량.
    pub total_ask_size: i64,
    /// TOTAL_BIDP_RSQN 총 매수호가 잔량.
    pub total_bid_size: i64,
    /// VOL_TNRT 거래량 회전율.
    pub volume_turnover_rate: Decimal2,
    /// PRDY_SMNS_HOUR_ACML_VOL 전일 동시간 누적 거래량.
    pub prev_day_same_time_acc_volume: i64,
    /// PRDY_SMNS_HOUR_ACML_VOL_RATE 전일 동시간 누적 거래량 비율.
    pub prev_day_same_time_acc_volume_rate: Decimal2,
    /// HOUR_CLS_CODE 시간 구분 코드 (0, A, B, C, D).
    pub hour_class_code: AsciiCode<2>,
    /// MRKT_TRTM_CLS_CODE 임의종료구분코드 (usually empty).
    pub market_termination_code: AsciiCode<4>,
    /// VI_STND_PRC 정적VI발동기준가.
    pub vi_standard_price: i64,
}

impl Trade {
    /// The exchange time of the trade as Unix microseconds (UTC).
    pub fn time_micros(&self) -> i64 {
        kst_to_unix_micros(self.business_date, self.trade_time)
    }

    /// The trade sequence the tick message carries: sell + buy trade counts of the day.
    pub fn sequence(&self) -> i64 {
        self.sell_trade_count.saturating_add(self.buy_trade_count)
    }
}

/// Reads the 46 known fields of one record; the cursor is left after the last one.
/// Appends the record to `out`, or appends nothing and reports the first bad field.
pub(crate) fn parse_trade(
    cursor: &mut FieldCursor<'_>,
    out: &mut Vec<Trade>,
) -> Result<(), ParseError> {
    // A local copy the compiler can keep in registers (see FieldCursor).
    let mut local = *cursor;
    let fields = &mut local;
    // Pushed as a literal so the record is built in the vector's memory, not copied there.
    out.push(Trade {
        symbol: fields.symbol("MKSC_SHRN_ISCD"),
        trade_time: fields.time("STCK_CNTG_HOUR"),
        price: fields.int("STCK_PRPR"),
        change_sign: fields.price_sign("PRDY_VRSS_SIGN"),
        change: fields.int("PRDY_VRSS"),
        change_rate: fields.decimal2("PRDY_CTRT"),
        weighted_average_price: fields.decimal2("WGHN_AVRG_STCK_PRC"),
        open: fields.int("STCK_OPRC"),
        high: fields.int("STCK_HGPR"),
        low: fields.int("STCK_LWPR"),
        ask_price1: fields.int("ASKP1"),
        bid_price1: fields.int("BIDP1"),
        volume: fields.int("CNTG_VOL"),
        acc_volume: fields.int("ACML_VOL"),
        acc_amount: fields.int("ACML_TR_PBMN"),
        sell_trade_count: fields.int("SELN_CNTG_CSNU"),
        buy_trade_count: fields.int("SHNU_CNTG_CSNU"),
        net_buy_trade_count: fields.int("NTBY_CNTG_CSNU"),
        trade_strength: fields.decimal2("CTTR"),
        total_sell_volume: fields.int("SELN_CNTG_SMTN"),
        total_buy_volume: fields.int("SHNU_CNTG_SMTN"),
        side: fields.trade_side("CCLD_DVSN"),
        buy_ratio: fields.decimal2("SHNU_RATE"),
        volume_change_rate: fields.decimal2("PRDY_VOL_VRSS_ACML_VOL_RATE"),
        open_time: fields.time("OPRC_HOUR"),
        open_vs_price_sign: fields.price_sign("OPRC_VRSS_PRPR_SIGN"),
        open_vs_price: fields.int("OPRC_VRSS_PRPR"),
        high_time: fields.time("HGPR_HOUR"),
        high_vs_price_sign: fields.price_sign("HGPR_VRSS_PRPR_SIGN"),
        high_vs_price: fields.int("HGPR_VRSS_PRPR"),
        low_time: fields.time("LWPR_HOUR"),
        low_vs_price_sign: fields.price_sign("LWPR_VRSS_PRPR_SIGN"),
        low_vs_price: fields.int("LWPR_VRSS_PRPR"),
        business_date: fields.date("BSOP_DATE"),
        market_operation_code: fields.code("NEW_MKOP_CLS_CODE"),
        trading_halted: fields.yes_no("TRHT_YN"),
        ask_size1: fields.int("ASKP_RSQN1"),
        bid_size1: fields.int("BIDP_RSQN1"),
        total_ask_size: fields.int("TOTAL_ASKP_RSQN"),
        total_bid_size: fields.int("TOTAL_BIDP_RSQN"),
        volume_turnover_rate: fields.decimal2("VOL_TNRT"),
        prev_day_same_time_acc_volume: fields.int("PRDY_SMNS_HOUR_ACML_VOL"),
        prev_day_same_time_acc_volume_rate: fields.decimal2("PRDY_SMNS_HOUR_ACML_VOL_RATE"),
        hour_class_code: fields.code("HOUR_CLS_CODE"),
        market_termination_code: fields.code("MRKT_TRTM_CLS_CODE"),
        vi_standard_price: fields.int("VI_STND_PRC"),
    });
    *cursor = local;
    cursor.finish_record().inspect_err(|_| {
        out.pop();
    })
}
