// Message shapes of the /ws/stocks/ stream (see api/README.md, "Streaming").

export type TickSource = 'kis' | 'kissim' | 'poll' | (string & {});

export type Tick = {
  type?: 'tick';
  symbol: string;
  price: number;
  volume?: number | null;
  change?: number | null;
  changePercent?: number | null;
  accVolume?: number | null;
  open?: number | null;
  high?: number | null;
  low?: number | null;
  /** exchange trade time (ISO) */
  timestamp: string;
  /** when ingest read the frame (ISO) */
  receivedAt?: string | null;
  source?: TickSource | null;
  /** 1 매수 체결 (ask hit), 5 매도 체결 (bid hit), 0 unknown (polled) */
  side?: number | null;
  /** 체결강도 (buy volume / sell volume × 100) */
  strength?: number | null;
  /** 전일 대비 부호: 1 상한, 2 상승, 3 보합, 4 하한, 5 하락 */
  sign?: number | null;
  /** 거래정지 */
  halted?: boolean | null;
  /** HOUR_CLS_CODE: 0 장중, A/B 예상, C VI 발동, D 시간외 */
  session?: string | null;
  /** NEW_MKOP_CLS_CODE 신 장운영 구분 */
  marketCode?: string | null;
  /** 정적 VI 발동 기준가 */
  viPrice?: number | null;
};

/** [price, remaining size] from the touch outward. */
export type BookLevel = [number, number];

export type OrderBook = {
  type?: 'orderbook';
  symbol: string;
  /** KIS business time (ISO) */
  time: string;
  session: string;
  asks: BookLevel[];
  bids: BookLevel[];
  totalAsk: number;
  totalBid: number;
  /** 예상체결 during an auction */
  expected: { price: number; quantity: number; change: number; changePercent: number } | null;
  accVolume?: number | null;
  receivedAt: string;
  source: TickSource;
};

export type Channel = 'ticks' | 'orderbook';

export type SnapshotBar = {
  time: number | string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume?: number | null;
  interval?: string;
};

export type ServerMessage =
  | ({ type: 'tick' } & Tick)
  | ({ type: 'orderbook' } & OrderBook)
  | { type: 'subscribed'; channel?: Channel; accepted?: string[]; rejected?: { symbol: string; reason?: string }[] }
  | { type: 'snapshot'; symbol: string; tick: Tick | null; bar: SnapshotBar | null }
  | { type: 'bookSnapshot'; symbol: string; book: OrderBook | null }
  | { type: 'status'; stream: 'ok' | 'unavailable' }
  | { type: 'dropped'; channel?: Channel; symbol: string; count: number }
  | { type: 'error'; code?: string; message?: string };

/** What a symbol's listener receives. `clientReceivedAt` is this browser's clock (ms). */
export type StreamEvent =
  | { kind: 'tick'; tick: Tick; clientReceivedAt: number }
  | { kind: 'snapshot'; tick: Tick | null; bar: SnapshotBar | null; clientReceivedAt: number }
  | { kind: 'book'; book: OrderBook | null; clientReceivedAt: number; fromSnapshot: boolean }
  | { kind: 'rejected'; reason: string }
  | { kind: 'dropped'; count: number };

export type StreamStatus =
  | 'idle' // not signed in / nothing subscribed
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'offline'
  | 'unauthorized';
