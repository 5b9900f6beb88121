//! Classification and parsing of one raw KIS WebSocket text message.
//!
//! A message is a JSON control message (first byte `{`) or a data frame
//! `<enc>|<TR_ID>|<COUNT>|<payload>` whose payload is COUNT records joined by `^` with no record
//! separator. Plain H0STCNT0 and H0STASP0 frames become typed records; encrypted (`1|`) frames
//! are reported, and decrypted into raw fields only when a [`NoticeCipher`] for their TR is set.
//!
//! Record length policy: KIS may append fields to a TR without notice. With N pieces in the
//! payload and COUNT records, each record has N / COUNT fields when that divides evenly and is at
//! least the known length; the known prefix is parsed and the extras are counted and skipped.
//! Fewer pieces than COUNT × known is an error, and so is an uneven division (with extras and
//! COUNT > 1 the record boundaries would be guesswork).
//!
//! Bounds: frames longer than [`ParseLimits::max_frame_bytes`] are refused before being read, and
//! COUNT above [`ParseLimits::max_records_per_frame`] is refused before anything is allocated.
//! Parsing never panics (a proptest over arbitrary and mutated frames checks it).

mod cipher;
mod control;
pub(crate) mod fields;
mod order_book;
mod trade;

use rustc_hash::FxHashMap;

pub use cipher::NoticeCipher;
pub use control::{CipherParameters, ControlMessage, ControlReply, SubscribeRequest};
pub use order_book::{OrderBook, ORDER_BOOK_FIELD_COUNT, ORDER_BOOK_LEVELS, ORDER_BOOK_TR_ID};
pub use trade::{Trade, TRADE_FIELD_COUNT, TRADE_KIS_FIELDS, TRADE_TR_ID};

use crate::error::{ParseError, ParseErrorKind};
use fields::{FieldCursor, FIELD_SEPARATOR};

const PART_SEPARATOR: u8 = b'|';
const MAX_TR_ID_LEN: usize = 16;
const MAX_COUNT_DIGITS: usize = 6;

/// Size limits applied before any parsing work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseLimits {
    /// Longest frame accepted, in bytes (KIS sends frames of several hundred KB at most).
    pub max_frame_bytes: usize,
    /// Largest COUNT accepted.
    pub max_records_per_frame: usize,
}

impl ParseLimits {
    pub const DEFAULT_MAX_FRAME_BYTES: usize = 1 << 20;
    pub const DEFAULT_MAX_RECORDS_PER_FRAME: usize = 1000;
}

impl Default for ParseLimits {
    fn default() -> Self {
        Self {
            max_frame_bytes: Self::DEFAULT_MAX_FRAME_BYTES,
            max_records_per_frame: Self::DEFAULT_MAX_RECORDS_PER_FRAME,
        }
    }
}

/// An encrypted data frame, decrypted when a cipher for its TR was available.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptedFrame {
    pub tr_id: String,
    pub record_count: usize,
    /// Length of the Base64 payload.
    pub payload_bytes: usize,
    /// The plaintext records split into fields; `None` when no cipher was set for `tr_id`.
    pub records: Option<Vec<Vec<String>>>,
}

/// Records of one plain data frame.
#[derive(Clone, Debug, PartialEq)]
pub struct Records<R> {
    pub records: Vec<R>,
    /// Fields per record beyond the documented layout (0 normally).
    pub extra_fields_per_record: usize,
}

/// A classified, fully parsed message.
#[derive(Clone, Debug, PartialEq)]
pub enum Frame {
    Trades(Records<Trade>),
    OrderBooks(Records<OrderBook>),
    Encrypted(EncryptedFrame),
    Control(ControlMessage),
}

/// What [`FrameParser::parse_into`] found; records themselves went to the [`RecordSink`].
#[derive(Clone, Debug, PartialEq)]
pub enum FrameSummary {
    Trades {
        records: usize,
        extra_fields_per_record: usize,
    },
    OrderBooks {
        records: usize,
        extra_fields_per_record: usize,
    },
    Encrypted(EncryptedFrame),
    Control(ControlMessage),
}

/// Where parsed records are appended; reused across frames so the hot path does not allocate.
#[derive(Default, Debug)]
pub struct RecordSink {
    pub trades: Vec<Trade>,
    pub order_books: Vec<OrderBook>,
}

impl RecordSink {
    pub fn clear(&mut self) {
        self.trades.clear();
        self.order_books.clear();
    }
}

/// The envelope of a data frame.
struct Envelope<'a> {
    encrypted: bool,
    tr_id: &'a [u8],
    tr_id_offset: usize,
    record_count: usize,
    payload_offset: usize,
}

/// Parses frames under fixed limits, with the ciphers known so far.
#[derive(Clone, Debug, Default)]
pub struct FrameParser {
    limits: ParseLimits,
    ciphers: FxHashMap<String, NoticeCipher>,
    fallback_cipher: Option<NoticeCipher>,
}

impl FrameParser {
    pub fn new(limits: ParseLimits) -> Self {
        Self {
            limits,
            ciphers: FxHashMap::default(),
            fallback_cipher: None,
        }
    }

    pub fn limits(&self) -> ParseLimits {
        self.limits
    }

    /// Decrypt `1|` frames of `tr_id` from now on.
    pub fn set_cipher(&mut self, tr_id: &str, cipher: NoticeCipher) {
        self.ciphers.insert(tr_id.to_owned(), cipher);
    }

    /// Decrypt `1|` frames of every TR without a cipher of its own.
    pub fn set_fallback_cipher(&mut self, cipher: NoticeCipher) {
        self.fallback_cipher = Some(cipher);
    }

    /// Parses one message into an owned [`Frame`].
    pub fn parse(&self, frame: &[u8]) -> Result<Frame, ParseError> {
        let mut sink = RecordSink::default();
        Ok(match self.parse_into(frame, &mut sink)? {
            FrameSummary::Trades {
                extra_fields_per_record,
                ..
            } => Frame::Trades(Records {
                records: sink.trades,
                extra_fields_per_record,
            }),
            FrameSummary::OrderBooks {
                extra_fields_per_record,
                ..
            } => Frame::OrderBooks(Records {
                records: sink.order_books,
                extra_fields_per_record,
            }),
            FrameSummary::Encrypted(encrypted) => Frame::Encrypted(encrypted),
            FrameSummary::Control(control) => Frame::Control(control),
        })
    }

    /// Parses one message, appending its records to `sink`. On error nothing is appended.
    pub fn parse_into(
        &self,
        frame: &[u8],
        sink: &mut RecordSink,
    ) -> Result<FrameSummary, ParseError> {
        self.check_size(frame)?;
        match frame[0] {
            b'{' => control::parse_control(frame).map(FrameSummary::Control),
            b'0' | b'1' => self.parse_data_frame(frame, sink),
            byte => Err(ParseError::new(
                ParseErrorKind::UnknownFrameStart { byte },
                0,
            )),
        }
    }

    fn check_size(&self, frame: &[u8]) -> Result<(), ParseError> {
        if frame.is_empty() {
            return Err(ParseError::new(ParseErrorKind::EmptyFrame, 0));
        }
        let max = self.limits.max_frame_bytes;
        if frame.len() > max {
            return Err(ParseError::new(
                ParseErrorKind::FrameTooLarge {
                    len: frame.len(),
                    max,
                },
                max,
            ));
        }
        Ok(())
    }

    fn parse_data_frame(
        &self,
        frame: &[u8],
        sink: &mut RecordSink,
    ) -> Result<FrameSummary, ParseError> {
        let envelope = parse_envelope(frame, self.limits)?;
        if envelope.encrypted {
            return self
                .parse_encrypted(frame, &envelope)
                .map(FrameSummary::Encrypted);
        }
        match envelope.tr_id {
            b"H0STCNT0" => {
                let layout = RecordLayout {
                    known_fields: TRADE_FIELD_COUNT,
                    tr_id: TRADE_TR_ID,
                };
                let extra = parse_records(
                    frame,
                    &envelope,
                    layout,
                    &mut sink.trades,
                    trade::parse_trade,
                )?;
                Ok(FrameSummary::Trades {
                    records: envelope.record_count,
                    extra_fields_per_record: extra,
                })
            }
            b"H0STASP0" => {
                let layout = RecordLayout {
                    known_fields: ORDER_BOOK_FIELD_COUNT,
                    tr_id: ORDER_BOOK_TR_ID,
                };
                let extra = parse_records(
                    frame,
                    &envelope,
                    layout,
                    &mut sink.order_books,
                    order_book::parse_order_book,
                )?;
                Ok(FrameSummary::OrderBooks {
                    records: envelope.record_count,
                    extra_fields_per_record: extra,
                })
            }
            other => Err(ParseError::new(
                ParseErrorKind::UnknownTrId {
                    tr_id: String::from_utf8_lossy(other).into_owned(),
                },
                envelope.tr_id_offset,
            )),
        }
    }

    fn parse_encrypted(
        &self,
        frame: &[u8],
        envelope: &Envelope<'_>,
    ) -> Result<EncryptedFrame, ParseError> {
        // The envelope check guarantees an ASCII alphanumeric TR id.
        let tr_id = String::from_utf8_lossy(envelope.tr_id).into_owned();
        let payload = &frame[envelope.payload_offset..];
        let records = match self.ciphers.get(&tr_id).or(self.fallback_cipher.as_ref()) {
            None => None,
            Some(cipher) => Some(decrypt_records(cipher, payload, envelope)?),
        };
        Ok(EncryptedFrame {
            tr_id,
            record_count: envelope.record_count,
            payload_bytes: payload.len(),
            records,
        })
    }
}

/// Splits `<enc>|<TR_ID>|<COUNT>|` off the front. The caller checked the first byte.
fn parse_envelope(frame: &[u8], limits: ParseLimits) -> Result<Envelope<'_>, ParseError> {
    let missing =
        |part, offset| ParseError::new(ParseErrorKind::MissingEnvelopePart { part }, offset);
    if frame.get(1) != Some(&PART_SEPARATOR) {
        return Err(missing("TR id", 1));
    }
    let tr_id_offset = 2;
    let tr_id_end =
        find_separator(frame, tr_id_offset).ok_or_else(|| missing("record count", frame.len()))?;
    let tr_id = &frame[tr_id_offset..tr_id_end];
    if tr_id.is_empty()
        || tr_id.len() > MAX_TR_ID_LEN
        || !tr_id.iter().all(u8::is_ascii_alphanumeric)
    {
        return Err(ParseError::new(ParseErrorKind::InvalidTrId, tr_id_offset));
    }
    let count_offset = tr_id_end + 1;
    let count_end =
        find_separator(frame, count_offset).ok_or_else(|| missing("payload", frame.len()))?;
    let record_count = parse_record_count(&frame[count_offset..count_end])
        .ok_or_else(|| ParseError::new(ParseErrorKind::InvalidRecordCount, count_offset))?;
    if record_count > limits.max_records_per_frame {
        let kind = ParseErrorKind::TooManyRecords {
            count: record_count,
            max: limits.max_records_per_frame,
        };
        return Err(ParseError::new(kind, count_offset));
    }
    Ok(Envelope {
        encrypted: frame[0] == b'1',
        tr_id,
        tr_id_offset,
        record_count,
        payload_offset: count_end + 1,
    })
}

fn find_separator(frame: &[u8], from: usize) -> Option<usize> {
    let rest = frame.get(from..)?;
    rest.iter()
        .position(|&b| b == PART_SEPARATOR)
        .map(|index| from + index)
}

fn parse_record_count(digits: &[u8]) -> Option<usize> {
    if digits.is_empty()
        || digits.len() > MAX_COUNT_DIGITS
        || !digits.iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    let count = digits.iter().fold(0_usize, |count, digit| {
        count * 10 + usize::from(digit - b'0')
    });
    (count > 0).then_some(count)
}

/// The documented layout of a TR's records.
#[derive(Clone, Copy)]
struct RecordLayout {
    known_fields: usize,
    tr_id: &'static str,
}

/// Fields per record under the record length policy of the module docs.
fn record_length(
    frame: &[u8],
    envelope: &Envelope<'_>,
    layout: RecordLayout,
) -> Result<usize, ParseError> {
    let payload = &frame[envelope.payload_offset..];
    let pieces = 1 + payload.iter().filter(|&&b| b == FIELD_SEPARATOR).count();
    let needed = envelope.record_count.saturating_mul(layout.known_fields);
    if pieces < needed {
        let kind = ParseErrorKind::TooFewFields {
            tr_id: layout.tr_id,
            pieces,
            needed,
        };
        return Err(ParseError::new(kind, frame.len()));
    }
    if !pieces.is_multiple_of(envelope.record_count) {
        let kind = ParseErrorKind::AmbiguousRecordLength {
            pieces,
            count: envelope.record_count,
        };
        return Err(ParseError::new(kind, envelope.payload_offset));
    }
    Ok(pieces / envelope.record_count)
}

/// Parses every record of a plain frame into `out`; returns the extra fields per record.
/// On error `out` is left as it was.
fn parse_records<R>(
    frame: &[u8],
    envelope: &Envelope<'_>,
    layout: RecordLayout,
    out: &mut Vec<R>,
    parse_record: impl Fn(&mut FieldCursor<'_>, &mut Vec<R>) -> Result<(), ParseError>,
) -> Result<usize, ParseError> {
    let before = out.len();
    if parse_exact_layout(frame, envelope, out, &parse_record) {
        return Ok(0);
    }
    out.truncate(before);
    parse_counted_layout(frame, envelope, layout, out, parse_record)
        .inspect_err(|_| out.truncate(before))
}

/// The common case in one pass: COUNT records of exactly the known fields and nothing else.
/// Succeeding means the payload has exactly COUNT × known pieces, so the result is the one the
/// counted layout would give; on any failure the caller reparses with the counted layout,
/// which reports the authoritative error.
fn parse_exact_layout<R>(
    frame: &[u8],
    envelope: &Envelope<'_>,
    out: &mut Vec<R>,
    parse_record: &impl Fn(&mut FieldCursor<'_>, &mut Vec<R>) -> Result<(), ParseError>,
) -> bool {
    out.reserve(envelope.record_count);
    let mut cursor = FieldCursor::new(frame, envelope.payload_offset);
    for record in 0..envelope.record_count {
        cursor.begin_record(record);
        if parse_record(&mut cursor, out).is_err() {
            return false;
        }
    }
    cursor.consumed_exactly()
}

/// Counts the pieces first to find the record length (see the module docs), then parses.
fn parse_counted_layout<R>(
    frame: &[u8],
    envelope: &Envelope<'_>,
    layout: RecordLayout,
    out: &mut Vec<R>,
    parse_record: impl Fn(&mut FieldCursor<'_>, &mut Vec<R>) -> Result<(), ParseError>,
) -> Result<usize, ParseError> {
    let fields_per_record = record_length(frame, envelope, layout)?;
    let extra_fields = fields_per_record - layout.known_fields;
    out.reserve(envelope.record_count);
    let mut cursor = FieldCursor::new(frame, envelope.payload_offset);
    for record in 0..envelope.record_count {
        cursor.begin_record(record);
        parse_record(&mut cursor, out)?;
        cursor.skip(extra_fields);
    }
    Ok(extra_fields)
}

fn decrypt_records(
    cipher: &NoticeCipher,
    payload: &[u8],
    envelope: &Envelope<'_>,
) -> Result<Vec<Vec<String>>, ParseError> {
    let decrypt_error =
        |detail| ParseError::new(ParseErrorKind::Decrypt { detail }, envelope.payload_offset);
    let plaintext = cipher.decrypt(payload).map_err(decrypt_error)?;
    let text =
        std::str::from_utf8(&plaintext).map_err(|_| decrypt_error("plaintext is not UTF-8"))?;
    let fields: Vec<&str> = text.split('^').collect();
    if !fields.len().is_multiple_of(envelope.record_count) {
        let kind = ParseErrorKind::AmbiguousRecordLength {
            pieces: fields.len(),
            count: envelope.record_count,
        };
        return Err(ParseError::new(kind, envelope.payload_offset));
    }
    let per_record = fields.len() / envelope.record_count;
    Ok(fields
        .chunks(per_record)
        .map(|record| record.iter().map(|&field| field.to_owned()).collect())
        .collect())
}

#[cfg(test)]
mod tests;
