// The app's single stream connection and a small external store per symbol: the latest quote,
// the last trades (체결 tape) and the latest order book (호가). Components read it with
// useSyncExternalStore, so a tick re-renders only the components showing that symbol.
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { env } from '@/config/env';
import { freshAccessToken, refreshSession } from '@/lib/api-client';
import { authStore } from '@/lib/auth-store';
import { isMarketHours } from '@/lib/market-time';
import { StreamClient } from '@/lib/stream/stream-client';
import type { Channel, OrderBook, SnapshotBar, StreamEvent, StreamStatus, Tick } from '@/lib/stream/types';

export type LiveQuote = {
  tick: Tick;
  /** browser clock when the tick arrived (ms) */
  clientReceivedAt: number;
  /** ticks received for this symbol since the page subscribed */
  count: number;
  fromSnapshot: boolean;
};

export type LiveBook = {
  /** null: the server knows no order book for the symbol yet */
  book: OrderBook | null;
  clientReceivedAt: number;
  fromSnapshot: boolean;
  /** why the server refused the subscription (e.g. SYMBOL_LIMIT) */
  rejected?: string;
};

/** Trades kept per symbol for the 체결 tape, newest first. */
export const TAPE_LENGTH = 30;

export function streamUrl(token: string, loc: Pick<Location, 'protocol' | 'host'> = window.location): string {
  const path = env.wsPath;
  const base = /^wss?:\/\//.test(path) ? path : `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}${path}`;
  return `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

export const streamClient = new StreamClient({
  url: (token) => streamUrl(token),
  getToken: () => freshAccessToken(),
  refreshAuth: async () => {
    try {
      return (await refreshSession()) !== null;
    } catch {
      return false;
    }
  },
});

// Streaming needs a signed-in user; follow the session.
let lastToken = authStore.get()?.accessToken ?? null;
let lastUser = authStore.get()?.user?.userId ?? null;
streamClient.setEnabled(authStore.get() !== null);
authStore.subscribe(() => {
  const s = authStore.get();
  const userChanged = (s?.user?.userId ?? null) !== lastUser;
  const signedInNow = s !== null && lastToken === null;
  lastToken = s?.accessToken ?? null;
  lastUser = s?.user?.userId ?? null;
  streamClient.setEnabled(s !== null);
  if (s && (userChanged || signedInNow)) streamClient.reconnectNow();
  if (!s) {
    // Signed out: live prices are for members only, drop what was received.
    const symbols = [...new Set([...quotes.keys(), ...books.keys()])];
    quotes.clear();
    bars.clear();
    tapes.clear();
    books.clear();
    symbols.forEach(emitQuote);
  }
});
if (typeof window !== 'undefined') {
  window.addEventListener('online', () => streamClient.reconnectNow());
}

// ---- quote store -------------------------------------------------------------------------

const quotes = new Map<string, LiveQuote>();
const bars = new Map<string, SnapshotBar>();
const tapes = new Map<string, Tick[]>();
const books = new Map<string, LiveBook>();
const quoteListeners = new Map<string, Set<() => void>>();
const refCounts = new Map<string, { count: number; release: () => void }>();

function emitQuote(symbol: string) {
  for (const l of [...(quoteListeners.get(symbol) ?? [])]) l();
}

function onEvent(symbol: string, e: StreamEvent) {
  if (e.kind === 'tick') {
    const prev = quotes.get(symbol);
    quotes.set(symbol, { tick: e.tick, clientReceivedAt: e.clientReceivedAt, count: (prev?.count ?? 0) + 1, fromSnapshot: false });
    tapes.set(symbol, [e.tick, ...(tapes.get(symbol) ?? [])].slice(0, TAPE_LENGTH));
    emitQuote(symbol);
  } else if (e.kind === 'snapshot') {
    if (e.bar) bars.set(symbol, e.bar);
    if (e.tick && !quotes.has(symbol)) {
      quotes.set(symbol, { tick: e.tick, clientReceivedAt: e.clientReceivedAt, count: 0, fromSnapshot: true });
      if (!tapes.has(symbol) && e.tick.source !== 'poll') tapes.set(symbol, [e.tick]);
      emitQuote(symbol);
    }
  } else {
    emitQuote(symbol);
  }
}

function onBookEvent(symbol: string, e: StreamEvent) {
  if (e.kind === 'rejected') {
    books.set(symbol, { book: null, clientReceivedAt: Date.now(), fromSnapshot: true, rejected: e.reason });
    emitQuote(symbol);
    return;
  }
  if (e.kind !== 'book') return;
  // a snapshot never replaces a live book that arrived first
  if (e.fromSnapshot && books.get(symbol)?.fromSnapshot === false) return;
  books.set(symbol, { book: e.book, clientReceivedAt: e.clientReceivedAt, fromSnapshot: e.fromSnapshot });
  emitQuote(symbol);
}

function forget(symbol: string, channel: Channel) {
  if (channel === 'orderbook') {
    books.delete(symbol);
    return;
  }
  quotes.delete(symbol);
  bars.delete(symbol);
  tapes.delete(symbol);
}

/** Keeps the store fed for a symbol's channel while at least one component needs it. */
function retain(symbol: string, channel: Channel = 'ticks'): () => void {
  const key = `${channel}:${symbol}`;
  const entry = refCounts.get(key);
  if (entry) {
    entry.count += 1;
  } else {
    const handler = channel === 'ticks' ? onEvent : onBookEvent;
    const release = streamClient.subscribe(symbol, (e) => handler(symbol, e), channel);
    refCounts.set(key, { count: 1, release });
  }
  return () => {
    const cur = refCounts.get(key);
    if (!cur) return;
    cur.count -= 1;
    if (cur.count <= 0) {
      cur.release();
      refCounts.delete(key);
      // Nobody watches it any more: forget it, so a later visit never shows an old "live" figure.
      forget(symbol, channel);
    }
  };
}

function subscribeQuote(symbol: string, listener: () => void): () => void {
  let set = quoteListeners.get(symbol);
  if (!set) {
    set = new Set();
    quoteListeners.set(symbol, set);
  }
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}

export function getQuote(symbol: string): LiveQuote | undefined {
  return quotes.get(symbol);
}

/** Latest live quote for a symbol (undefined until one arrives); subscribes while mounted. */
export function useLiveQuote(symbol: string | null | undefined, enabled = true): LiveQuote | undefined {
  const active = Boolean(symbol) && enabled;
  useEffect(() => {
    if (!active || !symbol) return;
    return retain(symbol);
  }, [active, symbol]);
  const subscribe = useCallback((l: () => void) => (symbol ? subscribeQuote(symbol, l) : () => {}), [symbol]);
  const read = useCallback(() => (symbol ? quotes.get(symbol) : undefined), [symbol]);
  return useSyncExternalStore(subscribe, read, () => undefined);
}

/** The last trades of a symbol, newest first (체결 tape); subscribes to its ticks while mounted. */
export function useTradeTape(symbol: string, enabled = true): readonly Tick[] | undefined {
  useEffect(() => {
    if (!enabled) return;
    return retain(symbol);
  }, [enabled, symbol]);
  const subscribe = useCallback((l: () => void) => subscribeQuote(symbol, l), [symbol]);
  const read = useCallback(() => tapes.get(symbol), [symbol]);
  return useSyncExternalStore(subscribe, read, () => undefined);
}

/** The latest order book of a symbol (undefined until the server answered); subscribes while mounted. */
export function useOrderBook(symbol: string, enabled = true): LiveBook | undefined {
  useEffect(() => {
    if (!enabled) return;
    return retain(symbol, 'orderbook');
  }, [enabled, symbol]);
  const subscribe = useCallback((l: () => void) => subscribeQuote(symbol, l), [symbol]);
  const read = useCallback(() => books.get(symbol), [symbol]);
  return useSyncExternalStore(subscribe, read, () => undefined);
}

/** Live quotes for several symbols (favorites list). */
export function useLiveQuotes(symbols: readonly string[], enabled = true): Map<string, LiveQuote> {
  const key = [...symbols].sort().join(',');
  const [, force] = useState(0);
  useEffect(() => {
    if (!enabled || key === '') return;
    const list = key.split(',');
    const releases = list.map((s) => retain(s));
    const unsubs = list.map((s) => subscribeQuote(s, () => force((n) => n + 1)));
    return () => {
      unsubs.forEach((u) => u());
      releases.forEach((r) => r());
    };
  }, [key, enabled]);
  const out = new Map<string, LiveQuote>();
  for (const s of symbols) {
    const q = quotes.get(s);
    if (q) out.set(s, q);
  }
  return out;
}

/** Subscribe to raw events for a symbol outside React (the chart updates its series directly). */
export function subscribeSymbolEvents(symbol: string, listener: (e: StreamEvent) => void): () => void {
  const release = retain(symbol);
  const unsub = streamClient.subscribe(symbol, listener);
  return () => {
    unsub();
    release();
  };
}

export function getSnapshotBar(symbol: string): SnapshotBar | undefined {
  return bars.get(symbol);
}

export type StreamState = {
  status: StreamStatus;
  serverStream: 'ok' | 'unavailable';
  error: string | null;
};

let cachedState: StreamState = { status: streamClient.getStatus(), serverStream: streamClient.getServerStream(), error: null };
function readState(): StreamState {
  const status = streamClient.getStatus();
  const serverStream = streamClient.getServerStream();
  const error = streamClient.getLastError();
  if (status !== cachedState.status || serverStream !== cachedState.serverStream || error !== cachedState.error) {
    cachedState = { status, serverStream, error };
  }
  return cachedState;
}

export function useStreamState(): StreamState {
  return useSyncExternalStore((l) => streamClient.onStatus(l), readState, readState);
}

/** Re-renders every `ms` milliseconds; returns the current time. */
export function useNow(ms = 5_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/**
 * "Stale": connected, within KRX trading hours, and no tick for `staleAfterSeconds`
 * (counted from the later of the last tick and the moment we started watching).
 */
export function isStale(opts: {
  status: StreamStatus;
  lastTickAt: number | null;
  watchingSince: number;
  now: number;
  staleAfterSeconds?: number;
}): boolean {
  const limit = (opts.staleAfterSeconds ?? env.staleAfterSeconds) * 1000;
  if (opts.status !== 'connected') return false;
  if (!isMarketHours(new Date(opts.now))) return false;
  const since = Math.max(opts.lastTickAt ?? 0, opts.watchingSince);
  return opts.now - since > limit;
}
