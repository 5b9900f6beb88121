//! The crate's errors: one enum, [`TickcoreError`], with a variant per failure family.
//!
//! Parse errors are values with a stable machine code (`kind`), a human reason and the byte
//! offset in the frame where the problem was found. The Python layer maps this enum to
//! exceptions in exactly one place (`python/error.rs`).

use std::fmt;

/// Everything tickcore can fail with.
#[derive(Clone, Debug, PartialEq)]
pub enum TickcoreError {
    /// A frame could not be parsed.
    Frame(ParseError),
    /// An engine setting has an invalid or unsupported value.
    Config(ConfigError),
}

impl fmt::Display for TickcoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Frame(error) => error.fmt(f),
            Self::Config(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for TickcoreError {}

impl From<ParseError> for TickcoreError {
    fn from(error: ParseError) -> Self {
        Self::Frame(error)
    }
}

impl From<ConfigError> for TickcoreError {
    fn from(error: ConfigError) -> Self {
        Self::Config(error)
    }
}

/// A setting that cannot be used, named as the Python keyword argument is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub setting: &'static str,
    pub detail: String,
}

impl ConfigError {
    pub fn new(setting: &'static str, detail: impl Into<String>) -> Self {
        Self {
            setting,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid setting {}: {}", self.setting, self.detail)
    }
}

impl std::error::Error for ConfigError {}

/// Why a frame was rejected, and where (byte offset from the start of the frame).
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    pub offset: usize,
}

impl ParseError {
    pub fn new(kind: ParseErrorKind, offset: usize) -> Self {
        Self { kind, offset }
    }

    /// A stable snake_case code for the kind (what tests and metrics branch on).
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The human-readable reason without the offset.
    pub fn reason(&self) -> String {
        self.kind.to_string()
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind, self.offset)
    }
}

impl std::error::Error for ParseError {}

/// The kinds of malformed input. Strings held here are bounded by the frame size cap.
#[derive(Clone, Debug, PartialEq)]
pub enum ParseErrorKind {
    EmptyFrame,
    FrameTooLarge {
        len: usize,
        max: usize,
    },
    InvalidUtf8,
    UnknownFrameStart {
        byte: u8,
    },
    InvalidJson {
        detail: String,
    },
    UnrecognisedControl {
        detail: &'static str,
    },
    MissingEnvelopePart {
        part: &'static str,
    },
    InvalidTrId,
    UnknownTrId {
        tr_id: String,
    },
    InvalidRecordCount,
    TooManyRecords {
        count: usize,
        max: usize,
    },
    TooFewFields {
        tr_id: &'static str,
        pieces: usize,
        needed: usize,
    },
    AmbiguousRecordLength {
        pieces: usize,
        count: usize,
    },
    InvalidField {
        record: usize,
        field: &'static str,
        expected: &'static str,
    },
    TrailingData,
    Decrypt {
        detail: &'static str,
    },
}

impl ParseErrorKind {
    pub fn code(&self) -> &'static str {
        match self {
            Self::EmptyFrame => "empty_frame",
            Self::FrameTooLarge { .. } => "frame_too_large",
            Self::InvalidUtf8 => "invalid_utf8",
            Self::UnknownFrameStart { .. } => "unknown_frame_start",
            Self::InvalidJson { .. } => "invalid_json",
            Self::UnrecognisedControl { .. } => "unrecognised_control",
            Self::MissingEnvelopePart { .. } => "missing_envelope_part",
            Self::InvalidTrId => "invalid_tr_id",
            Self::UnknownTrId { .. } => "unknown_tr_id",
            Self::InvalidRecordCount => "invalid_record_count",
            Self::TooManyRecords { .. } => "too_many_records",
            Self::TooFewFields { .. } => "too_few_fields",
            Self::AmbiguousRecordLength { .. } => "ambiguous_record_length",
            Self::InvalidField { .. } => "invalid_field",
            Self::TrailingData => "trailing_data",
            Self::Decrypt { .. } => "decrypt_failed",
        }
    }
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyFrame => write!(f, "empty frame"),
            Self::FrameTooLarge { len, max } => write!(f, "frame of {len} bytes exceeds the {max}-byte limit"),
            Self::InvalidUtf8 => write!(f, "invalid UTF-8"),
            Self::UnknownFrameStart { byte } => {
                write!(f, "frame starts with byte 0x{byte:02x}; expected '{{', '0' or '1'")
            }
            Self::InvalidJson { detail } => write!(f, "invalid control JSON: {detail}"),
            Self::UnrecognisedControl { detail } => write!(f, "unrecognised control message: {detail}"),
            Self::MissingEnvelopePart { part } => write!(f, "data frame has no {part} part"),
            Self::InvalidTrId => write!(f, "TR id is not 1-16 ASCII letters or digits"),
            Self::UnknownTrId { tr_id } => write!(f, "unknown TR id {tr_id} in a plain data frame"),
            Self::InvalidRecordCount => write!(f, "record count is not 1-6 decimal digits greater than zero"),
            Self::TooManyRecords { count, max } => write!(f, "record count {count} exceeds the limit of {max}"),
            Self::TooFewFields { tr_id, pieces, needed } => {
                write!(f, "{tr_id} payload has {pieces} fields; the record count needs at least {needed}")
            }
            Self::AmbiguousRecordLength { pieces, count } => write!(
                f,
                "{pieces} fields do not divide into {count} records of equal length (extra fields are ambiguous)"
            ),
            Self::InvalidField { record, field, expected } => {
                write!(f, "field {field} of record {record} is not {expected}")
            }
            Self::TrailingData => write!(f, "unexpected data after the last record"),
            Self::Decrypt { detail } => write!(f, "cannot decrypt payload: {detail}"),
        }
    }
}
