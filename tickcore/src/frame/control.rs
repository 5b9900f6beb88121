//! KIS control messages: the JSON text frames that are not market data.
//!
//! Server → client: subscribe/unsubscribe acknowledgements (`rt_cd` "0"), refusals (any other
//! `rt_cd`) and the PINGPONG heartbeat. Client → server subscribe requests are recognised too,
//! so a captured session can be replayed through the parser; their approval key is dropped on
//! purpose (it is a credential).

use serde_json::{Map, Value};

use crate::error::{ParseError, ParseErrorKind};

/// A parsed control message.
#[derive(Clone, Debug, PartialEq)]
pub enum ControlMessage {
    /// `rt_cd` "0": a subscribe or unsubscribe succeeded.
    Ack(ControlReply),
    /// Any other `rt_cd`: refused (see `msg_cd`).
    Error(ControlReply),
    /// The heartbeat; answer it by sending `raw` back unchanged as a text frame.
    PingPong { datetime: String, raw: String },
    /// A client's subscribe/unsubscribe request (approval key omitted).
    Request(SubscribeRequest),
}

/// The fields of an acknowledgement or refusal.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ControlReply {
    pub tr_id: String,
    pub tr_key: String,
    /// `header.encrypt` "Y" / "N"; `None` when absent.
    pub encrypted: Option<bool>,
    pub rt_cd: String,
    pub msg_cd: String,
    pub msg1: String,
    /// `body.output.key` / `body.output.iv`: AES-256-CBC parameters for `1|` frames of `tr_id`.
    pub cipher: Option<CipherParameters>,
}

/// The AES key and IV strings of a successful subscribe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CipherParameters {
    pub key: String,
    pub iv: String,
}

/// A client's request (`header.tr_type` "1" register, "2" release).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscribeRequest {
    pub tr_type: String,
    pub customer_type: String,
    pub tr_id: String,
    pub tr_key: String,
}

const PINGPONG: &str = "PINGPONG";

/// Parses a frame whose first byte is `{`.
pub(crate) fn parse_control(frame: &[u8]) -> Result<ControlMessage, ParseError> {
    let text = std::str::from_utf8(frame)
        .map_err(|error| ParseError::new(ParseErrorKind::InvalidUtf8, error.valid_up_to()))?;
    let value: Value = serde_json::from_str(text).map_err(|error| json_error(text, &error))?;
    let unrecognised = |detail| ParseError::new(ParseErrorKind::UnrecognisedControl { detail }, 0);
    let root = value
        .as_object()
        .ok_or_else(|| unrecognised("not a JSON object"))?;
    let header = root
        .get("header")
        .and_then(Value::as_object)
        .ok_or_else(|| unrecognised("no header object"))?;
    let body = root.get("body").and_then(Value::as_object);

    if text_of(header, "tr_id") == PINGPONG {
        return Ok(ControlMessage::PingPong {
            datetime: text_of(header, "datetime"),
            raw: text.to_owned(),
        });
    }
    if let Some(body) = body {
        if body.contains_key("rt_cd") {
            return Ok(reply(header, body));
        }
        if let Some(input) = body.get("input").and_then(Value::as_object) {
            return Ok(ControlMessage::Request(SubscribeRequest {
                tr_type: text_of(header, "tr_type"),
                customer_type: text_of(header, "custtype"),
                tr_id: text_of(input, "tr_id"),
                tr_key: text_of(input, "tr_key"),
            }));
        }
    }
    Err(unrecognised(
        "neither PINGPONG, a reply with body.rt_cd, nor a request with body.input",
    ))
}

fn reply(header: &Map<String, Value>, body: &Map<String, Value>) -> ControlMessage {
    let cipher = body
        .get("output")
        .and_then(Value::as_object)
        .and_then(|output| {
            let key = output.get("key").and_then(Value::as_str)?;
            let iv = output.get("iv").and_then(Value::as_str)?;
            Some(CipherParameters {
                key: key.to_owned(),
                iv: iv.to_owned(),
            })
        });
    let encrypted = header
        .get("encrypt")
        .and_then(Value::as_str)
        .map(|flag| flag == "Y");
    let reply = ControlReply {
        tr_id: text_of(header, "tr_id"),
        tr_key: text_of(header, "tr_key"),
        encrypted,
        rt_cd: text_of(body, "rt_cd"),
        msg_cd: text_of(body, "msg_cd"),
        msg1: text_of(body, "msg1"),
        cipher,
    };
    if reply.rt_cd == "0" {
        ControlMessage::Ack(reply)
    } else {
        ControlMessage::Error(reply)
    }
}

/// A string member as text; numbers are rendered (KIS sends strings, but a fake might not).
fn text_of(object: &Map<String, Value>, key: &str) -> String {
    match object.get(key) {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(number)) => number.to_string(),
        _ => String::new(),
    }
}

fn json_error(text: &str, error: &serde_json::Error) -> ParseError {
    let offset = match error.classify() {
        // serde_json points at the last character read; the problem is the missing rest.
        serde_json::error::Category::Eof => text.len(),
        _ => byte_offset_of(text, error.line(), error.column()),
    };
    ParseError::new(
        ParseErrorKind::InvalidJson {
            detail: error.to_string(),
        },
        offset,
    )
}

/// serde_json reports 1-based line and column; turn that into a byte offset.
fn byte_offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    line_start
        .saturating_add(column.saturating_sub(1))
        .min(text.len())
}
