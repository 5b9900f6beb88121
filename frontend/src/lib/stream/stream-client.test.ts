import { beforeEach, describe, expect, it, vi } from 'vitest';
import { StreamClient, CLOSE_AUTH } from '@/lib/stream/stream-client';
import { FakeWebSocket, ManualTimers } from '@/testing/fake-websocket';
import type { StreamEvent } from '@/lib/stream/types';

const flush = () => new Promise((r) => setTimeout(r, 0));

function makeClient(overrides: Partial<ConstructorParameters<typeof StreamClient>[0]> = {}) {
  const timers = new ManualTimers();
  let token: string | null = 'tok-1';
  const client = new StreamClient({
    url: (t) => `ws://test/ws/stocks/?token=${t}`,
    getToken: () => Promise.resolve(token),
    WebSocketImpl: FakeWebSocket,
    timers,
    random: () => 1, // no jitter: delays are exactly the backoff step
    now: () => 1_000,
    initialBackoffMs: 1_000,
    maxBackoffMs: 8_000,
    offlineAfterAttempts: 3,
    idleCloseMs: 5_000,
    ...overrides,
  });
  return { client, timers, setToken: (t: string | null) => (token = t) };
}

const tick = (symbol: string, price: number) => ({
  type: 'tick',
  symbol,
  price,
  volume: 10,
  change: 100,
  changePercent: 0.1,
  timestamp: '2026-01-12T00:30:00.000Z',
  receivedAt: '2026-01-12T00:30:00.010Z',
  source: 'kis',
});

beforeEach(() => FakeWebSocket.reset());

describe('StreamClient', () => {
  it('connects with the token only when enabled and a symbol is wanted, then subscribes on open', async () => {
    const { client } = makeClient();
    client.subscribe('005930', () => {});
    await flush();
    expect(FakeWebSocket.instances).toHaveLength(0); // not enabled (signed out)

    client.setEnabled(true);
    await flush();
    const ws = FakeWebSocket.last();
    expect(ws.url).toBe('ws://test/ws/stocks/?token=tok-1');
    expect(client.getStatus()).toBe('connecting');
    ws.serverOpen();
    expect(client.getStatus()).toBe('connected');
    expect(ws.sent).toEqual([{ action: 'subscribe', symbols: ['005930'] }]);
  });

  it('routes ticks and snapshots to the listeners of their symbol only', async () => {
    const { client } = makeClient();
    client.setEnabled(true);
    const a: StreamEvent[] = [];
    const b: StreamEvent[] = [];
    client.subscribe('005930', (e) => a.push(e));
    client.subscribe('000660', (e) => b.push(e));
    await flush();
    const ws = FakeWebSocket.last();
    ws.serverOpen();
    expect(ws.sent).toEqual([{ action: 'subscribe', symbols: ['005930', '000660'] }]);
    ws.serverSend({ type: 'snapshot', symbol: '005930', tick: null, bar: null });
    ws.serverSend(tick('005930', 75000));
    ws.serverSend(tick('000660', 180000));
    ws.serverSend('not json at all');
    expect(a.map((e) => e.kind)).toEqual(['snapshot', 'tick']);
    expect(b).toHaveLength(1);
    expect(b[0].kind === 'tick' && b[0].tick.price).toBe(180000);
  });

  it('keeps order books on their own channel: subscribe, snapshot, updates, drops, unsubscribe', async () => {
    const { client } = makeClient();
    client.setEnabled(true);
    const ticks: StreamEvent[] = [];
    const books: StreamEvent[] = [];
    client.subscribe('005930', (e) => ticks.push(e));
    const release = client.subscribe('005930', (e) => books.push(e), 'orderbook');
    await flush();
    const ws = FakeWebSocket.last();
    ws.serverOpen();
    expect(ws.sent).toEqual([
      { action: 'subscribe', symbols: ['005930'] },
      { action: 'subscribe', symbols: ['005930'], channel: 'orderbook' },
    ]);
    const book = {
      type: 'orderbook',
      symbol: '005930',
      time: 't',
      session: '0',
      asks: [[70100, 5]],
      bids: [[70000, 7]],
      totalAsk: 5,
      totalBid: 7,
      expected: null,
      receivedAt: 'r',
      source: 'kis',
    };
    ws.serverSend({ type: 'bookSnapshot', symbol: '005930', book: null });
    ws.serverSend(book);
    ws.serverSend({ type: 'dropped', channel: 'orderbook', symbol: '005930', count: 3 });
    ws.serverSend(tick('005930', 70100));
    expect(books.map((e) => e.kind)).toEqual(['book', 'book', 'dropped']);
    expect(books[0].kind === 'book' && books[0].fromSnapshot && books[0].book).toBe(null);
    expect(books[1].kind === 'book' && books[1].book?.bids[0]).toEqual([70000, 7]);
    expect(ticks.map((e) => e.kind)).toEqual(['tick']);
    ws.serverSend({ type: 'subscribed', channel: 'orderbook', accepted: [], rejected: [{ symbol: '005930', reason: 'SYMBOL_LIMIT' }] });
    expect(books.at(-1)).toEqual({ kind: 'rejected', reason: 'SYMBOL_LIMIT' });
    expect(client.getRejection('005930')).toBe(null); // a refused book is not a refused symbol
    release();
    expect(ws.sent.at(-1)).toEqual({ action: 'unsubscribe', symbols: ['005930'], channel: 'orderbook' });
  });

  it('reconnects with exponential backoff and resubscribes every symbol', async () => {
    const { client, timers } = makeClient();
    client.setEnabled(true);
    client.subscribe('005930', () => {});
    client.subscribe('000660', () => {});
    await flush();
    FakeWebSocket.last().serverOpen();

    FakeWebSocket.last().serverClose(1006);
    await flush();
    expect(client.getStatus()).toBe('reconnecting');
    expect(timers.delays()).toEqual([1_000]);
    timers.advance(1_000);
    await flush();
    expect(FakeWebSocket.instances).toHaveLength(2);

    // The second attempt fails before opening: the step doubles.
    FakeWebSocket.last().serverClose(1006);
    await flush();
    expect(timers.delays()).toEqual([2_000]);
    timers.advance(2_000);
    await flush();
    FakeWebSocket.last().serverClose(1006);
    await flush();
    expect(timers.delays()).toEqual([4_000]);
    expect(client.getStatus()).toBe('offline'); // 3 failed attempts
    timers.advance(4_000);
    await flush();

    const ws = FakeWebSocket.last();
    ws.serverOpen();
    expect(client.getStatus()).toBe('connected');
    expect(ws.sent).toEqual([{ action: 'subscribe', symbols: ['005930', '000660'] }]);

    // After a success the backoff starts again from the first step.
    ws.serverClose(1011);
    await flush();
    expect(timers.delays()).toEqual([1_000]);
  });

  it('caps the backoff and applies jitter between 50 and 100 % of the step', async () => {
    const { client, timers } = makeClient({ random: () => 0 });
    client.setEnabled(true);
    client.subscribe('005930', () => {});
    await flush();
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      FakeWebSocket.last().serverClose(1006);
      await flush();
      seen.push(timers.delays()[0]);
      timers.advance(seen[seen.length - 1]);
      await flush();
    }
    expect(seen).toEqual([500, 1_000, 2_000, 4_000, 4_000, 4_000]);
  });

  it('refreshes the token once on an auth close, then gives up as unauthorized', async () => {
    const refreshAuth = vi.fn(() => Promise.resolve(true));
    const { client, setToken } = makeClient({ refreshAuth });
    client.setEnabled(true);
    client.subscribe('005930', () => {});
    await flush();
    setToken('tok-2');
    FakeWebSocket.last().serverClose(CLOSE_AUTH);
    await flush();
    await flush();
    expect(refreshAuth).toHaveBeenCalledTimes(1);
    expect(FakeWebSocket.last().url).toContain('token=tok-2');

    FakeWebSocket.last().serverClose(CLOSE_AUTH);
    await flush();
    await flush();
    expect(refreshAuth).toHaveBeenCalledTimes(1);
    expect(client.getStatus()).toBe('unauthorized');
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  it('sends subscribe/unsubscribe for symbols added or dropped while open, and closes when idle', async () => {
    const { client, timers } = makeClient();
    client.setEnabled(true);
    const off1 = client.subscribe('005930', () => {});
    await flush();
    const ws = FakeWebSocket.last();
    ws.serverOpen();
    const off2 = client.subscribe('000660', () => {});
    const off2b = client.subscribe('000660', () => {});
    expect(ws.sent).toEqual([
      { action: 'subscribe', symbols: ['005930'] },
      { action: 'subscribe', symbols: ['000660'] },
    ]);
    off2();
    expect(ws.sent).toHaveLength(2); // one listener left for 000660
    off2b();
    off1();
    expect(ws.sent.slice(2)).toEqual([
      { action: 'unsubscribe', symbols: ['000660'] },
      { action: 'unsubscribe', symbols: ['005930'] },
    ]);
    timers.advance(5_000);
    expect(ws.closedWith).toBe(1000);
    expect(client.getStatus()).toBe('idle');
  });

  it('stops reconnecting when disabled (logout) and records rejected symbols and server status', async () => {
    const { client, timers } = makeClient();
    client.setEnabled(true);
    const events: StreamEvent[] = [];
    client.subscribe('999999', (e) => events.push(e));
    await flush();
    const ws = FakeWebSocket.last();
    ws.serverOpen();
    ws.serverSend({ type: 'subscribed', accepted: [], rejected: [{ symbol: '999999', reason: '없는 종목' }] });
    ws.serverSend({ type: 'status', stream: 'unavailable' });
    expect(events).toEqual([{ kind: 'rejected', reason: '없는 종목' }]);
    expect(client.getRejection('999999')).toBe('없는 종목');
    expect(client.getServerStream()).toBe('unavailable');

    ws.serverClose(1006);
    await flush();
    expect(timers.size).toBe(1);
    client.setEnabled(false);
    expect(timers.size).toBe(0);
    expect(client.getStatus()).toBe('idle');
  });

  it('reports unauthorized without opening a socket when there is no token', async () => {
    const { client, setToken } = makeClient();
    setToken(null);
    client.setEnabled(true);
    client.subscribe('005930', () => {});
    await flush();
    expect(FakeWebSocket.instances).toHaveLength(0);
    expect(client.getStatus()).toBe('unauthorized');
  });
});
