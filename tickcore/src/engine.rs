//! The engine: a batch of raw frames in, everything ingest needs out.
//!
//! For each batch it parses every frame, drops replayed trades, updates the bars of every
//! symbol, and writes the publishable tick JSON and the binary COPY buffers, returning all of
//! it as one [`Batch`]. Malformed frames become [`FrameFailure`]s in the batch; nothing here
//! panics or stops on bad input.
//!
//! Policies (settings in [`EngineConfig`]):
//! * Replays (`drop_replayed_trades`, on by default): per symbol the engine remembers the
//!   greatest accepted (business date, accumulated volume). A trade whose pair is not greater
//!   — the same trade sent again after a reconnect, or an older one — is a duplicate: counted
//!   and dropped before bars, JSON and COPY. Accumulated volume only grows within a day, and a
//!   new day starts over, which is why the date comes first.
//! * Late trades (`late_trades`): trades the bar builder refuses as late (see [`crate::bars`])
//!   are counted and listed; with [`LateTradePolicy::Publish`] they are still published and
//!   stored as ticks (they are real trades), with [`LateTradePolicy::Drop`] they are not.
//! * Times are Unix microseconds (UTC) everywhere, including `received_at` and `now`.

use rustc_hash::FxHashMap;

use crate::bars::{Admission, Bar, BarSettings, Interval, SymbolBars, INTERVAL_COUNT};
use crate::encode::{write_bar_row, write_tick_row, CopyBuffer, TickJsonEncoder};
use crate::error::{ConfigError, ParseError};
use crate::frame::{
    ControlMessage, EncryptedFrame, FrameParser, FrameSummary, NoticeCipher, OrderBook,
    ParseLimits, RecordSink, Trade,
};
use crate::kst::KstDate;
use crate::values::Symbol;

/// Where the frames came from; written into every tick and bar row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Kis,
    KisSim,
    Poll,
}

impl Source {
    pub fn from_name(name: &str) -> Result<Self, ConfigError> {
        match name {
            "kis" => Ok(Self::Kis),
            "kissim" => Ok(Self::KisSim),
            "poll" => Ok(Self::Poll),
            other => Err(ConfigError::new(
                "source",
                format!("{other:?} is not one of kis, kissim, poll"),
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Kis => "kis",
            Self::KisSim => "kissim",
            Self::Poll => "poll",
        }
    }
}

/// What happens to a trade the bar builder refuses as late.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LateTradePolicy {
    /// Kept out of bars; still published and written to `stock_ticks`.
    #[default]
    Publish,
    /// Kept out of bars, messages and `stock_ticks`; only counted and listed.
    Drop,
}

impl LateTradePolicy {
    pub fn from_name(name: &str) -> Result<Self, ConfigError> {
        match name {
            "publish" => Ok(Self::Publish),
            "drop" => Ok(Self::Drop),
            other => Err(ConfigError::new(
                "late_trades",
                format!("{other:?} is not one of publish, drop"),
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Publish => "publish",
            Self::Drop => "drop",
        }
    }
}

/// Every engine setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineConfig {
    pub source: Source,
    pub limits: ParseLimits,
    pub bars: BarSettings,
    pub late_trades: LateTradePolicy,
    pub drop_replayed_trades: bool,
    /// Also return the accepted trades as typed records in each batch (tests, debugging).
    pub keep_trades: bool,
    /// Take the AES key/iv of subscribe acks to decrypt later `1|` frames of the same TR.
    pub learn_notice_ciphers: bool,
}

impl EngineConfig {
    pub fn new(source: Source) -> Self {
        Self {
            source,
            limits: ParseLimits::default(),
            bars: BarSettings::default(),
            late_trades: LateTradePolicy::default(),
            drop_replayed_trades: true,
            keep_trades: false,
            learn_notice_ciphers: false,
        }
    }

    fn validate(self) -> Result<Self, ConfigError> {
        if self.limits.max_frame_bytes == 0 {
            return Err(ConfigError::new("max_frame_bytes", "must be at least 1"));
        }
        if self.limits.max_records_per_frame == 0 {
            return Err(ConfigError::new(
                "max_records_per_frame",
                "must be at least 1",
            ));
        }
        self.bars.validate()?;
        Ok(self)
    }
}

/// Event counts of one batch (or, summed, of the engine's life).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    pub frames: u64,
    /// Trade records parsed (before duplicate and late handling).
    pub trades: u64,
    /// Trades published and written to the ticks COPY buffer.
    pub published: u64,
    pub duplicates: u64,
    pub late: u64,
    /// Records that carried more fields than the documented layout.
    pub extra_field_records: u64,
    pub errors: u64,
    pub order_books: u64,
    pub controls: u64,
    pub encrypted_frames: u64,
    pub closed_bars: u64,
}

impl Counters {
    /// Name/value pairs in a fixed order (the Python dict is built from this).
    pub fn fields(&self) -> [(&'static str, u64); 11] {
        [
            ("frames", self.frames),
            ("trades", self.trades),
            ("published", self.published),
            ("duplicates", self.duplicates),
            ("late", self.late),
            ("extra_field_records", self.extra_field_records),
            ("errors", self.errors),
            ("order_books", self.order_books),
            ("controls", self.controls),
            ("encrypted_frames", self.encrypted_frames),
            ("closed_bars", self.closed_bars),
        ]
    }

    fn accumulate(&mut self, other: &Counters) {
        self.frames += other.frames;
        self.trades += other.trades;
        self.published += other.published;
        self.duplicates += other.duplicates;
        self.late += other.late;
        self.extra_field_records += other.extra_field_records;
        self.errors += other.errors;
        self.order_books += other.order_books;
        self.controls += other.controls;
        self.encrypted_frames += other.encrypted_frames;
        self.closed_bars += other.closed_bars;
    }
}

/// The publishable tick messages of a batch: all payloads in one buffer, split by `entries`.
#[derive(Clone, Debug, Default)]
pub struct Messages {
    pub payloads: Vec<u8>,
    pub entries: Vec<MessageEntry>,
}

/// One message: its symbol and where its payload lies in [`Messages::payloads`].
#[derive(Clone, Copy, Debug)]
pub struct MessageEntry {
    pub symbol: Symbol,
    pub start: usize,
    pub end: usize,
}

impl Messages {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// (symbol, JSON payload) pairs in publication order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&Symbol, &[u8])> + '_ {
        self.entries
            .iter()
            .map(|entry| (&entry.symbol, &self.payloads[entry.start..entry.end]))
    }
}

/// A bar that will not change any more.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClosedBar {
    pub symbol: Symbol,
    pub bar: Bar,
}

/// A frame that could not be parsed, by its position in the batch.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameFailure {
    pub frame_index: usize,
    pub error: ParseError,
}

/// A trade kept out of bars because its bucket was already closed or older than the open bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LateTrade {
    pub frame_index: usize,
    pub symbol: Symbol,
    pub time: i64,
    pub acc_volume: i64,
}

/// Everything one `feed` or `flush` produced.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    pub messages: Messages,
    /// Binary COPY for `stock_ticks`; empty when there are no rows.
    pub ticks_copy: Vec<u8>,
    pub tick_rows: usize,
    /// Closed bars per interval (index = [`Interval::index`]), in closing order.
    pub closed_bars: [Vec<ClosedBar>; INTERVAL_COUNT],
    /// Binary COPY per bar table; empty when the interval closed no bar.
    pub bar_copies: [Vec<u8>; INTERVAL_COUNT],
    pub controls: Vec<ControlMessage>,
    pub order_books: Vec<OrderBook>,
    pub encrypted: Vec<EncryptedFrame>,
    pub errors: Vec<FrameFailure>,
    pub late_trades: Vec<LateTrade>,
    /// Accepted trades, only with [`EngineConfig::keep_trades`].
    pub trades: Vec<Trade>,
    pub counters: Counters,
}

impl Batch {
    pub fn closed(&self, interval: Interval) -> &[ClosedBar] {
        &self.closed_bars[interval.index()]
    }
}

/// Per-symbol state: replay detection and the open bars.
#[derive(Clone, Debug)]
struct SymbolState {
    symbol: Symbol,
    last_accepted: Option<(KstDate, i64)>,
    bars: SymbolBars,
}

impl SymbolState {
    fn is_replay(&self, trade: &Trade) -> bool {
        self.last_accepted
            .is_some_and(|last| (trade.business_date, trade.acc_volume) <= last)
    }
}

impl Batch {
    /// Empties the batch but keeps its buffers' capacity, so a reused batch does not
    /// allocate (or page-fault) again.
    pub fn clear(&mut self) {
        self.messages.payloads.clear();
        self.messages.entries.clear();
        self.ticks_copy.clear();
        self.tick_rows = 0;
        self.closed_bars.iter_mut().for_each(Vec::clear);
        self.bar_copies.iter_mut().for_each(Vec::clear);
        self.controls.clear();
        self.order_books.clear();
        self.encrypted.clear();
        self.errors.clear();
        self.late_trades.clear();
        self.trades.clear();
        self.counters = Counters::default();
    }
}

/// Batch being built, with its ticks COPY buffer still open.
struct BatchBuilder<'a> {
    batch: &'a mut Batch,
    ticks: CopyBuffer,
}

impl<'a> BatchBuilder<'a> {
    fn new(batch: &'a mut Batch, expected_bytes: usize) -> Self {
        batch.clear();
        batch.messages.payloads.reserve(expected_bytes);
        let ticks = CopyBuffer::reusing(std::mem::take(&mut batch.ticks_copy));
        Self { batch, ticks }
    }

    fn close_bar(&mut self, symbol: Symbol, interval: Interval, bar: Bar) {
        self.batch.closed_bars[interval.index()].push(ClosedBar { symbol, bar });
        self.batch.counters.closed_bars += 1;
    }

    fn finish(self, source: Source) -> Counters {
        self.batch.tick_rows = self.ticks.rows();
        self.batch.ticks_copy = self.ticks.finish();
        for interval in Interval::ALL {
            let mut copy =
                CopyBuffer::reusing(std::mem::take(&mut self.batch.bar_copies[interval.index()]));
            for closed in &self.batch.closed_bars[interval.index()] {
                write_bar_row(&mut copy, &closed.symbol, &closed.bar, source.name());
            }
            self.batch.bar_copies[interval.index()] = copy.finish();
        }
        self.batch.counters
    }
}

/// The tick engine. One engine per feed; not shared between threads while a call runs.
pub struct Engine {
    config: EngineConfig,
    parser: FrameParser,
    symbol_index: FxHashMap<Symbol, usize>,
    states: Vec<SymbolState>,
    last_state: usize,
    sink: RecordSink,
    json: TickJsonEncoder,
    totals: Counters,
}

impl Engine {
    pub fn new(config: EngineConfig) -> Result<Self, ConfigError> {
        let config = config.validate()?;
        Ok(Self {
            parser: FrameParser::new(config.limits),
            symbol_index: FxHashMap::default(),
            states: Vec::new(),
            last_state: 0,
            sink: RecordSink::default(),
            json: TickJsonEncoder::new(config.source.name()),
            totals: Counters::default(),
            config,
        })
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Counters summed over every batch so far.
    pub fn totals(&self) -> Counters {
        self.totals
    }

    /// Decrypt `1|` frames of `tr_id` from now on.
    pub fn set_cipher(&mut self, tr_id: &str, cipher: NoticeCipher) {
        self.parser.set_cipher(tr_id, cipher);
    }

    /// Parses and processes a batch of frames read at `received_at` (Unix microseconds).
    pub fn feed<F: AsRef<[u8]>>(&mut self, frames: &[F], received_at: i64) -> Batch {
        let mut batch = Batch::default();
        self.feed_into(frames, received_at, &mut batch);
        batch
    }

    /// [`Engine::feed`] into a reused batch (cleared first).
    pub fn feed_into<F: AsRef<[u8]>>(&mut self, frames: &[F], received_at: i64, batch: &mut Batch) {
        let input_bytes = frames.iter().map(|frame| frame.as_ref().len()).sum();
        let mut out = BatchBuilder::new(batch, input_bytes);
        self.json.set_received_at(received_at);
        for (frame_index, frame) in frames.iter().enumerate() {
            self.feed_frame(frame_index, frame.as_ref(), received_at, &mut out);
        }
        self.finish(out);
    }

    /// Closes every open bar whose bucket ended at or before `now` (Unix microseconds).
    /// Bars come out per interval ordered by bucket, then symbol.
    pub fn flush(&mut self, now: i64) -> Batch {
        let mut batch = Batch::default();
        self.flush_into(now, &mut batch);
        batch
    }

    /// [`Engine::flush`] into a reused batch (cleared first).
    pub fn flush_into(&mut self, now: i64, batch: &mut Batch) {
        let mut out = BatchBuilder::new(batch, 0);
        for state in &mut self.states {
            let symbol = state.symbol;
            state
                .bars
                .close_ended(now, |interval, bar| out.close_bar(symbol, interval, bar));
        }
        for closed in &mut out.batch.closed_bars {
            closed.sort_by_key(|closed| (closed.bar.bucket_start, closed.symbol));
        }
        self.finish(out);
    }

    /// The open (unfinished) bar of every interval for a symbol.
    pub fn open_bars(&self, symbol: &Symbol) -> [Option<Bar>; INTERVAL_COUNT] {
        let bars = self
            .symbol_index
            .get(symbol)
            .map(|&index| &self.states[index].bars);
        Interval::ALL.map(|interval| bars.and_then(|bars| bars.open_bar(interval).copied()))
    }

    /// Marks trades of `symbol` up to (`date`, `acc_volume`) as already stored — by an earlier
    /// run of this feed, before a restart — so that when the broker sends them again they are
    /// dropped as replays (counted in `duplicates`) instead of entering bars and the database
    /// twice. A mark below what the engine already accepted changes nothing.
    pub fn mark_stored(&mut self, symbol: Symbol, date: KstDate, acc_volume: i64) {
        let index = self.state_index(symbol);
        let state = &mut self.states[index];
        if state
            .last_accepted
            .is_none_or(|last| (date, acc_volume) > last)
        {
            state.last_accepted = Some((date, acc_volume));
        }
    }

    /// Every symbol the engine has seen a trade (or a stored mark) of.
    pub fn symbols(&self) -> impl Iterator<Item = &Symbol> + '_ {
        self.states.iter().map(|state| &state.symbol)
    }

    fn finish(&mut self, out: BatchBuilder<'_>) {
        let counters = out.finish(self.config.source);
        self.totals.accumulate(&counters);
    }

    fn feed_frame(
        &mut self,
        frame_index: usize,
        frame: &[u8],
        received_at: i64,
        out: &mut BatchBuilder<'_>,
    ) {
        out.batch.counters.frames += 1;
        self.sink.clear();
        let summary = match self.parser.parse_into(frame, &mut self.sink) {
            Ok(summary) => summary,
            Err(error) => {
                out.batch.counters.errors += 1;
                out.batch.errors.push(FrameFailure { frame_index, error });
                return;
            }
        };
        match summary {
            FrameSummary::Trades {
                records,
                extra_fields_per_record,
            } => {
                out.batch.counters.trades += records as u64;
                if extra_fields_per_record > 0 {
                    out.batch.counters.extra_field_records += records as u64;
                }
                let trades = std::mem::take(&mut self.sink.trades);
                for trade in &trades {
                    self.process_trade(frame_index, trade, received_at, out);
                }
                self.sink.trades = trades;
            }
            FrameSummary::OrderBooks {
                records,
                extra_fields_per_record,
            } => {
                out.batch.counters.order_books += records as u64;
                if extra_fields_per_record > 0 {
                    out.batch.counters.extra_field_records += records as u64;
                }
                out.batch.order_books.append(&mut self.sink.order_books);
            }
            FrameSummary::Encrypted(encrypted) => {
                out.batch.counters.encrypted_frames += 1;
                out.batch.encrypted.push(encrypted);
            }
            FrameSummary::Control(control) => {
                out.batch.counters.controls += 1;
                self.learn_cipher(&control);
                out.batch.controls.push(control);
            }
        }
    }

    fn learn_cipher(&mut self, control: &ControlMessage) {
        if !self.config.learn_notice_ciphers {
            return;
        }
        if let ControlMessage::Ack(reply) = control {
            if let Some(parameters) = &reply.cipher {
                // A malformed key in an ack leaves notices undecrypted (reported), not an error.
                if let Ok(cipher) = NoticeCipher::new(&parameters.key, &parameters.iv) {
                    self.parser.set_cipher(&reply.tr_id, cipher);
                }
            }
        }
    }

    fn state_index(&mut self, symbol: Symbol) -> usize {
        // Records of one frame are usually of one symbol: skip the hash look-up for repeats.
        if self
            .states
            .get(self.last_state)
            .is_some_and(|state| state.symbol == symbol)
        {
            return self.last_state;
        }
        let states = &mut self.states;
        let index = *self.symbol_index.entry(symbol).or_insert_with(|| {
            states.push(SymbolState {
                symbol,
                last_accepted: None,
                bars: SymbolBars::default(),
            });
            states.len() - 1
        });
        self.last_state = index;
        index
    }

    fn process_trade(
        &mut self,
        frame_index: usize,
        trade: &Trade,
        received_at: i64,
        out: &mut BatchBuilder<'_>,
    ) {
        let index = self.state_index(trade.symbol);
        let state = &mut self.states[index];
        if self.config.drop_replayed_trades {
            if state.is_replay(trade) {
                out.batch.counters.duplicates += 1;
                return;
            }
            state.last_accepted = Some((trade.business_date, trade.acc_volume));
        }
        let time = trade.time_micros();
        let symbol = trade.symbol;
        let admission = state
            .bars
            .add_trade(trade.price, trade.volume, time, |interval, bar| {
                out.close_bar(symbol, interval, bar)
            });
        if admission == Admission::Late {
            out.batch.counters.late += 1;
            out.batch.late_trades.push(LateTrade {
                frame_index,
                symbol,
                time,
                acc_volume: trade.acc_volume,
            });
            if self.config.late_trades == LateTradePolicy::Drop {
                return;
            }
        }
        self.publish(trade, time, received_at, out);
    }

    fn publish(&mut self, trade: &Trade, time: i64, received_at: i64, out: &mut BatchBuilder<'_>) {
        let messages = &mut out.batch.messages;
        let start = messages.payloads.len();
        self.json.write(trade, time, &mut messages.payloads);
        messages.entries.push(MessageEntry {
            symbol: trade.symbol,
            start,
            end: messages.payloads.len(),
        });
        write_tick_row(
            &mut out.ticks,
            trade,
            time,
            received_at,
            self.config.source.name(),
        );
        out.batch.counters.published += 1;
        if self.config.keep_trades {
            out.batch.trades.push(*trade);
        }
    }
}

#[cfg(test)]
mod tests;
