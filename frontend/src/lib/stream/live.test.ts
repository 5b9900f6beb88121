import { describe, expect, it } from 'vitest';
import { isStale, streamUrl } from '@/lib/stream/live';

// Monday 2026-01-12, 10:00 KST = 01:00 UTC; Saturday 2026-01-10 10:00 KST.
const MARKET_OPEN = Date.parse('2026-01-12T01:00:00Z');
const WEEKEND = Date.parse('2026-01-10T01:00:00Z');

describe('stale detection', () => {
  it('is stale only when connected, during market hours, and quiet for longer than the limit', () => {
    const base = { status: 'connected' as const, staleAfterSeconds: 60 };
    expect(isStale({ ...base, lastTickAt: MARKET_OPEN - 61_000, watchingSince: MARKET_OPEN - 600_000, now: MARKET_OPEN })).toBe(true);
    expect(isStale({ ...base, lastTickAt: MARKET_OPEN - 30_000, watchingSince: MARKET_OPEN - 600_000, now: MARKET_OPEN })).toBe(false);
    // No tick yet: counted from when the page started watching.
    expect(isStale({ ...base, lastTickAt: null, watchingSince: MARKET_OPEN - 10_000, now: MARKET_OPEN })).toBe(false);
    expect(isStale({ ...base, lastTickAt: null, watchingSince: MARKET_OPEN - 120_000, now: MARKET_OPEN })).toBe(true);
    // Outside trading hours silence is normal.
    expect(isStale({ ...base, lastTickAt: WEEKEND - 3_600_000, watchingSince: WEEKEND - 3_600_000, now: WEEKEND })).toBe(false);
    // Not connected: the indicator already says reconnecting/offline.
    expect(isStale({ ...base, status: 'reconnecting', lastTickAt: null, watchingSince: 0, now: MARKET_OPEN })).toBe(false);
  });
});

describe('stream URL', () => {
  it('uses the page origin with ws/wss and passes the token as a query parameter', () => {
    expect(streamUrl('a.b+c', { protocol: 'http:', host: '127.0.0.1:8000' })).toBe('ws://127.0.0.1:8000/ws/stocks/?token=a.b%2Bc');
    expect(streamUrl('t', { protocol: 'https:', host: 'example.com' })).toBe('wss://example.com/ws/stocks/?token=t');
  });
});
