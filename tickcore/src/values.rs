//! Small, copyable value types of KIS records: stock codes, two-decimal numbers and codes.
//!
//! Each type has a checked constructor for untrusted input and keeps its invariant afterwards,
//! so the parser validates once and nothing downstream re-checks or allocates.

use std::fmt;
use std::hash::{Hash, Hasher};

/// Longest stock code accepted (KRX codes are 6 characters, ETNs 7, e.g. `Q500001`).
pub const MAX_SYMBOL_LEN: usize = 15;

/// A stock code: 1–15 ASCII letters or digits, stored inline (16 bytes, no heap).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Symbol {
    len: u8,
    bytes: [u8; MAX_SYMBOL_LEN],
}

impl Symbol {
    /// Stands in for the code of a record that failed to parse (such records are discarded).
    pub(crate) const PLACEHOLDER: Symbol = Symbol {
        len: 1,
        bytes: [b'0'; MAX_SYMBOL_LEN],
    };

    /// Checked constructor from raw bytes.
    pub fn from_ascii(code: &[u8]) -> Option<Self> {
        if code.is_empty() || code.len() > MAX_SYMBOL_LEN {
            return None;
        }
        let mut bytes = [0_u8; MAX_SYMBOL_LEN];
        // Checking and copying in one loop keeps this a few inline instructions (no memcpy call).
        for (slot, &byte) in bytes.iter_mut().zip(code) {
            if !byte.is_ascii_alphanumeric() {
                return None;
            }
            *slot = byte;
        }
        Some(Self {
            len: code.len() as u8,
            bytes,
        })
    }

    /// Checked constructor from text.
    pub fn new(code: &str) -> Option<Self> {
        Self::from_ascii(code.as_bytes())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII alphanumerics are ever stored, so this never takes the fallback.
        std::str::from_utf8(self.as_bytes()).unwrap_or("")
    }
}

impl Hash for Symbol {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let mut words = [0_u8; 16];
        words[0] = self.len;
        words[1..].copy_from_slice(&self.bytes);
        state.write_u128(u128::from_le_bytes(words));
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Symbol({})", self.as_str())
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A decimal with two fraction digits held exactly as an integer count of hundredths.
///
/// KIS writes rates and averages with two decimals (`0.71`, `-100.00`, `70412.02`); keeping
/// them as hundredths makes parse → encode lossless, and `to_f64` is the correctly rounded
/// value of the decimal text (`71 / 100.0 == 0.71` in IEEE arithmetic).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Decimal2 {
    hundredths: i64,
}

impl Decimal2 {
    pub const fn from_hundredths(hundredths: i64) -> Self {
        Self { hundredths }
    }

    pub fn hundredths(self) -> i64 {
        self.hundredths
    }

    pub fn to_f64(self) -> f64 {
        self.hundredths as f64 / 100.0
    }

    /// Appends the decimal text with exactly two fraction digits (`-0.83`, `115.87`, `0.00`).
    pub fn write_text(self, out: &mut Vec<u8>) {
        let magnitude = self.hundredths.unsigned_abs();
        if self.hundredths < 0 {
            out.push(b'-');
        }
        let mut digits = itoa::Buffer::new();
        out.extend_from_slice(digits.format(magnitude / 100).as_bytes());
        let fraction = (magnitude % 100) as u8;
        out.extend_from_slice(&[b'.', b'0' + fraction / 10, b'0' + fraction % 10]);
    }
}

impl fmt::Display for Decimal2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = Vec::with_capacity(24);
        self.write_text(&mut text);
        f.write_str(std::str::from_utf8(&text).unwrap_or("?"))
    }
}

/// `PRDY_VRSS_SIGN` and the other 대비부호 fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PriceSign {
    UpperLimit,
    Rise,
    Unchanged,
    LowerLimit,
    Fall,
    /// A digit KIS has not documented; kept rather than rejected so a new code cannot stop ingest.
    Other(u8),
}

impl PriceSign {
    /// From the single ASCII digit of the field; `None` for anything else.
    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            b'1' => Self::UpperLimit,
            b'2' => Self::Rise,
            b'3' => Self::Unchanged,
            b'4' => Self::LowerLimit,
            b'5' => Self::Fall,
            b'0'..=b'9' => Self::Other(code - b'0'),
            _ => return None,
        })
    }

    /// The numeric code KIS uses (1 상한, 2 상승, 3 보합, 4 하한, 5 하락).
    pub fn code(self) -> u8 {
        match self {
            Self::UpperLimit => 1,
            Self::Rise => 2,
            Self::Unchanged => 3,
            Self::LowerLimit => 4,
            Self::Fall => 5,
            Self::Other(digit) => digit,
        }
    }
}

/// `CCLD_DVSN`: who initiated the trade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TradeSide {
    Buy,
    PreMarket,
    Sell,
    /// An undocumented digit, kept (see [`PriceSign::Other`]).
    Other(u8),
}

impl TradeSide {
    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            b'1' => Self::Buy,
            b'3' => Self::PreMarket,
            b'5' => Self::Sell,
            b'0'..=b'9' => Self::Other(code - b'0'),
            _ => return None,
        })
    }

    /// The numeric code KIS uses (1 매수, 3 장전, 5 매도); stored in `stock_ticks.side`.
    pub fn code(self) -> u8 {
        match self {
            Self::Buy => 1,
            Self::PreMarket => 3,
            Self::Sell => 5,
            Self::Other(digit) => digit,
        }
    }
}

/// A short code field of printable ASCII (e.g. `NEW_MKOP_CLS_CODE` `20`, `HOUR_CLS_CODE` `0`),
/// possibly empty, at most `N` bytes, stored inline.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AsciiCode<const N: usize> {
    len: u8,
    bytes: [u8; N],
}

impl<const N: usize> AsciiCode<N> {
    pub const EMPTY: Self = Self {
        len: 0,
        bytes: [0; N],
    };

    pub fn from_ascii(code: &[u8]) -> Option<Self> {
        if code.len() > N || code.len() > usize::from(u8::MAX) {
            return None;
        }
        let mut bytes = [0_u8; N];
        for (slot, &byte) in bytes.iter_mut().zip(code) {
            if !byte.is_ascii_graphic() {
                return None;
            }
            *slot = byte;
        }
        Some(Self {
            len: code.len() as u8,
            bytes,
        })
    }

    pub fn as_str(&self) -> &str {
        // Only printable ASCII is ever stored.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<const N: usize> fmt::Debug for AsciiCode<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: Decimal2) -> String {
        value.to_string()
    }

    #[test]
    fn decimal_text_keeps_two_digits_and_sign() {
        assert_eq!(text(Decimal2::from_hundredths(71)), "0.71");
        assert_eq!(text(Decimal2::from_hundredths(-83)), "-0.83");
        assert_eq!(text(Decimal2::from_hundredths(-10000)), "-100.00");
        assert_eq!(text(Decimal2::from_hundredths(0)), "0.00");
        assert_eq!(text(Decimal2::from_hundredths(7041202)), "70412.02");
        assert_eq!(
            text(Decimal2::from_hundredths(i64::MIN)),
            "-92233720368547758.08"
        );
    }

    #[test]
    fn decimal_float_is_correctly_rounded() {
        assert_eq!(Decimal2::from_hundredths(71).to_f64(), 0.71);
        assert_eq!(Decimal2::from_hundredths(-83).to_f64(), -0.83);
    }

    #[test]
    fn symbol_accepts_codes_and_rejects_junk() {
        assert_eq!(
            Symbol::new("005930").map(|s| s.to_string()),
            Some("005930".into())
        );
        assert!(Symbol::new("Q500001").is_some());
        assert!(Symbol::new("").is_none());
        assert!(Symbol::new("00 5930").is_none());
        assert!(Symbol::new("0123456789ABCDEF").is_none());
        assert!(Symbol::new("삼성").is_none());
    }

    #[test]
    fn codes_round_trip() {
        for digit in b'0'..=b'9' {
            assert_eq!(
                PriceSign::from_code(digit).map(PriceSign::code),
                Some(digit - b'0')
            );
            assert_eq!(
                TradeSide::from_code(digit).map(TradeSide::code),
                Some(digit - b'0')
            );
        }
        assert_eq!(PriceSign::from_code(b'x'), None);
        assert_eq!(
            AsciiCode::<2>::from_ascii(b"20").map(|c| c.as_str().to_owned()),
            Some("20".into())
        );
        assert!(AsciiCode::<2>::from_ascii(b"201").is_none());
        assert!(AsciiCode::<2>::from_ascii(b"").is_some_and(|c| c.is_empty()));
    }
}
