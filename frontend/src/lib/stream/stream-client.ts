// WebSocket client for live ticks and order books: reference-counted symbol subscriptions per
// channel, automatic reconnect with exponential backoff + jitter, resubscribe after every
// reconnect, one token refresh on an auth close (4401). The WebSocket class, timers and
// randomness are injected for tests.
import type { Channel, ServerMessage, StreamEvent, StreamStatus } from '@/lib/stream/types';

export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason?: string; wasClean?: boolean }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type WebSocketCtor = new (url: string) => WebSocketLike;

export type Timers = {
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
};

export type StreamClientOptions = {
  /** Builds the socket URL for an access token. */
  url: (token: string) => string;
  /** A usable access token, or null when signed out. */
  getToken: () => Promise<string | null>;
  /** Called once after an auth close; resolve true when a new token is available. */
  refreshAuth?: () => Promise<boolean>;
  WebSocketImpl?: WebSocketCtor;
  timers?: Timers;
  random?: () => number;
  now?: () => number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Failed attempts after which the status reads 'offline' rather than 'reconnecting'. */
  offlineAfterAttempts?: number;
  /** Keep an unused socket this long before closing it (route changes resubscribe quickly). */
  idleCloseMs?: number;
};

const OPEN = 1;
const CLOSE_NORMAL = 1000;
export const CLOSE_AUTH = 4401;
export const CLOSE_TOO_SLOW = 4408;
export const CLOSE_ABUSE = 4429;

type SymbolListener = (event: StreamEvent) => void;
type StatusListener = () => void;
const CHANNELS: Channel[] = ['ticks', 'orderbook'];

export class StreamClient {
  private readonly opts: Required<Omit<StreamClientOptions, 'refreshAuth' | 'WebSocketImpl'>> &
    Pick<StreamClientOptions, 'refreshAuth' | 'WebSocketImpl'>;
  private ws: WebSocketLike | null = null;
  private generation = 0;
  private enabled = false;
  private status: StreamStatus = 'idle';
  private serverStream: 'ok' | 'unavailable' = 'ok';
  private attempt = 0;
  private authRetried = false;
  private reconnectTimer: unknown = null;
  private idleTimer: unknown = null;
  private readonly channels: Record<Channel, Map<string, Set<SymbolListener>>> = { ticks: new Map(), orderbook: new Map() };
  private readonly statusListeners = new Set<StatusListener>();
  private readonly rejected = new Map<string, string>();
  private lastError: string | null = null;
  private lastCloseCode: number | null = null;

  constructor(options: StreamClientOptions) {
    this.opts = {
      timers: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
      random: Math.random,
      now: Date.now,
      initialBackoffMs: 1_000,
      maxBackoffMs: 30_000,
      offlineAfterAttempts: 4,
      idleCloseMs: 15_000,
      ...options,
    };
  }

  // ---- public API -------------------------------------------------------------------------

  getStatus(): StreamStatus {
    return this.status;
  }

  /** 'unavailable' when the server says its upstream feed is down. */
  getServerStream(): 'ok' | 'unavailable' {
    return this.serverStream;
  }

  getLastError(): string | null {
    return this.lastError;
  }

  getLastCloseCode(): number | null {
    return this.lastCloseCode;
  }

  getRejection(symbol: string): string | null {
    return this.rejected.get(symbol) ?? null;
  }

  getAttempt(): number {
    return this.attempt;
  }

  symbols(channel: Channel = 'ticks'): string[] {
    return [...this.channels[channel].keys()];
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => {
      this.statusListeners.delete(listener);
    };
  }

  /** Starts (signed in) or stops (signed out) streaming. */
  setEnabled(enabled: boolean) {
    if (enabled === this.enabled) return;
    this.enabled = enabled;
    if (enabled) {
      this.authRetried = false;
      this.attempt = 0;
      this.ensureConnected();
    } else {
      this.teardown();
      this.setStatus('idle');
    }
  }

  /** Drops the current socket and connects again now (new token, browser back online). */
  reconnectNow() {
    if (!this.enabled) return;
    this.teardown();
    this.attempt = 0;
    this.authRetried = false;
    this.ensureConnected();
  }

  subscribe(symbol: string, listener: SymbolListener, channel: Channel = 'ticks'): () => void {
    const listeners = this.channels[channel];
    let set = listeners.get(symbol);
    const isNewSymbol = !set;
    if (!set) {
      set = new Set();
      listeners.set(symbol, set);
    }
    set.add(listener);
    this.cancelIdleClose();
    if (isNewSymbol && this.ws && this.ws.readyState === OPEN) {
      this.send(request('subscribe', [symbol], channel));
    }
    this.ensureConnected();
    return () => this.unsubscribe(symbol, listener, channel);
  }

  dispose() {
    this.enabled = false;
    this.teardown();
    for (const channel of CHANNELS) this.channels[channel].clear();
    this.statusListeners.clear();
  }

  // ---- internals --------------------------------------------------------------------------

  private watching(): boolean {
    return CHANNELS.some((c) => this.channels[c].size > 0);
  }

  private unsubscribe(symbol: string, listener: SymbolListener, channel: Channel) {
    const listeners = this.channels[channel];
    const set = listeners.get(symbol);
    if (!set) return;
    set.delete(listener);
    if (set.size > 0) return;
    listeners.delete(symbol);
    if (channel === 'ticks') this.rejected.delete(symbol);
    if (this.ws && this.ws.readyState === OPEN) this.send(request('unsubscribe', [symbol], channel));
    if (!this.watching()) this.scheduleIdleClose();
  }

  private setStatus(next: StreamStatus) {
    if (next === this.status) return;
    this.status = next;
    for (const l of [...this.statusListeners]) l();
  }

  private notifyStatus() {
    for (const l of [...this.statusListeners]) l();
  }

  private send(msg: unknown) {
    try {
      this.ws?.send(JSON.stringify(msg));
    } catch {
      // A failing send means the socket is closing; onclose reconnects and resubscribes.
    }
  }

  private ensureConnected() {
    if (!this.enabled || !this.watching()) return;
    if (this.ws || this.reconnectTimer !== null) return;
    void this.connect();
  }

  private async connect() {
    const gen = ++this.generation;
    this.setStatus(this.attempt === 0 ? 'connecting' : this.attempt >= this.opts.offlineAfterAttempts ? 'offline' : 'reconnecting');
    let token: string | null;
    try {
      token = await this.opts.getToken();
    } catch {
      token = null;
    }
    if (gen !== this.generation || !this.enabled) return;
    if (!token) {
      this.setStatus('unauthorized');
      return;
    }
    const Impl = this.opts.WebSocketImpl ?? (globalThis.WebSocket as unknown as WebSocketCtor | undefined);
    if (!Impl) {
      this.setStatus('offline');
      return;
    }
    let ws: WebSocketLike;
    try {
      ws = new Impl(this.opts.url(token));
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (gen !== this.generation) return;
      this.attempt = 0;
      this.lastError = null;
      this.setStatus('connected');
      for (const channel of CHANNELS) {
        const symbols = this.symbols(channel);
        if (symbols.length > 0) this.send(request('subscribe', symbols, channel));
      }
    };
    ws.onmessage = (ev) => {
      if (gen !== this.generation) return;
      this.handleMessage(ev.data);
    };
    ws.onerror = () => {
      // The close event that follows decides what to do.
    };
    ws.onclose = (ev) => {
      if (gen !== this.generation) return;
      this.ws = null;
      this.lastCloseCode = ev.code;
      void this.handleClose(ev.code);
    };
  }

  private async handleClose(code: number) {
    if (!this.enabled) return;
    if (code === CLOSE_AUTH) {
      if (!this.authRetried && this.opts.refreshAuth) {
        this.authRetried = true;
        let ok: boolean;
        try {
          ok = await this.opts.refreshAuth();
        } catch {
          ok = false;
        }
        if (!this.enabled) return;
        if (ok) {
          this.ensureConnected();
          return;
        }
      }
      this.lastError = '인증이 만료되어 실시간 시세 연결이 끊겼습니다. 다시 로그인해 주세요.';
      this.setStatus('unauthorized');
      return;
    }
    if (code === CLOSE_ABUSE) {
      // Too many connections/messages: wait the longest backoff before trying again.
      this.attempt = Math.max(this.attempt, 30);
    }
    if (!this.watching()) {
      this.setStatus('idle');
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect() {
    if (!this.enabled || this.reconnectTimer !== null) return;
    this.attempt += 1;
    const base = Math.min(this.opts.maxBackoffMs, this.opts.initialBackoffMs * 2 ** Math.min(this.attempt - 1, 30));
    // Full-ish jitter (50–100 % of the step) so many clients do not reconnect in lock-step.
    const delay = Math.round(base * (0.5 + 0.5 * this.opts.random()));
    this.setStatus(this.attempt >= this.opts.offlineAfterAttempts ? 'offline' : 'reconnecting');
    this.reconnectTimer = this.opts.timers.setTimeout(() => {
      this.reconnectTimer = null;
      if (this.enabled && this.watching()) void this.connect();
    }, delay);
  }

  private scheduleIdleClose() {
    this.cancelIdleClose();
    this.idleTimer = this.opts.timers.setTimeout(() => {
      this.idleTimer = null;
      if (!this.watching()) {
        this.teardown();
        this.setStatus('idle');
      }
    }, this.opts.idleCloseMs);
  }

  private cancelIdleClose() {
    if (this.idleTimer !== null) {
      this.opts.timers.clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
  }

  private teardown() {
    this.generation++;
    if (this.reconnectTimer !== null) {
      this.opts.timers.clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
    this.cancelIdleClose();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
      try {
        ws.close(CLOSE_NORMAL, 'client closing');
      } catch {
        // already closed
      }
    }
  }

  private emit(symbol: string, event: StreamEvent, channel: Channel = 'ticks') {
    const set = this.channels[channel].get(symbol);
    if (!set) return;
    for (const l of [...set]) l(event);
  }

  private handleMessage(raw: unknown) {
    if (typeof raw !== 'string') return;
    let msg: ServerMessage;
    try {
      msg = JSON.parse(raw) as ServerMessage;
    } catch {
      return;
    }
    const now = this.opts.now();
    switch (msg.type) {
      case 'tick': {
        if (typeof msg.symbol !== 'string' || typeof msg.price !== 'number') return;
        this.emit(msg.symbol, { kind: 'tick', tick: msg, clientReceivedAt: now });
        return;
      }
      case 'snapshot':
        this.emit(msg.symbol, { kind: 'snapshot', tick: msg.tick, bar: msg.bar, clientReceivedAt: now });
        return;
      case 'orderbook':
        if (typeof msg.symbol !== 'string' || !Array.isArray(msg.asks)) return;
        this.emit(msg.symbol, { kind: 'book', book: msg, clientReceivedAt: now, fromSnapshot: false }, 'orderbook');
        return;
      case 'bookSnapshot':
        this.emit(msg.symbol, { kind: 'book', book: msg.book, clientReceivedAt: now, fromSnapshot: true }, 'orderbook');
        return;
      case 'subscribed': {
        // The server accepted our token: a later auth close deserves a fresh refresh attempt.
        this.authRetried = false;
        const channel = msg.channel ?? 'ticks';
        for (const r of msg.rejected ?? []) {
          const reason = r.reason ?? '구독할 수 없는 종목입니다.';
          if (channel === 'ticks') this.rejected.set(r.symbol, reason);
          this.emit(r.symbol, { kind: 'rejected', reason }, channel);
        }
        if (channel === 'ticks') for (const s of msg.accepted ?? []) this.rejected.delete(s);
        return;
      }
      case 'status':
        this.serverStream = msg.stream === 'unavailable' ? 'unavailable' : 'ok';
        this.notifyStatus();
        return;
      case 'dropped':
        this.emit(msg.symbol, { kind: 'dropped', count: msg.count }, msg.channel ?? 'ticks');
        return;
      case 'error':
        this.lastError = msg.message ?? null;
        this.notifyStatus();
        return;
    }
  }
}

function request(action: 'subscribe' | 'unsubscribe', symbols: string[], channel: Channel) {
  return channel === 'ticks' ? { action, symbols } : { action, symbols, channel };
}
