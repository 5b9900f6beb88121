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
};

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
  | { type: 'subscribed'; accepted?: string[]; rejected?: { symbol: string; reason?: string }[] }
  | { type: 'snapshot'; symbol: string; tick: Tick | null; bar: SnapshotBar | null }
  | { type: 'status'; stream: 'ok' | 'unavailable' }
  | { type: 'dropped'; symbol: string; count: number }
  | { type: 'error'; code?: string; message?: string };

/** What a symbol's listener receives. `clientReceivedAt` is this browser's clock (ms). */
export type StreamEvent =
  | { kind: 'tick'; tick: Tick; clientReceivedAt: number }
  | { kind: 'snapshot'; tick: Tick | null; bar: SnapshotBar | null; clientReceivedAt: number }
  | { kind: 'rejected'; reason: string }
  | { kind: 'dropped'; count: number };

export type StreamStatus =
  | 'idle' // not signed in / nothing subscribed
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'offline'
  | 'unauthorized';
