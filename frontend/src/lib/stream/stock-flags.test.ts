import { describe, expect, it } from 'vitest';
import { stockFlags } from '@/lib/stream/stock-flags';
import type { Tick } from '@/lib/stream/types';

const base: Tick = {
  symbol: '005930',
  price: 70_000,
  timestamp: '2026-11-30T01:00:00.000Z',
  session: '0',
  sign: 2,
  halted: false,
  viPrice: 70_200,
};

describe('stockFlags', () => {
  it('shows nothing for an ordinary trade, even though KIS always sends a VI reference price', () => {
    expect(stockFlags(base)).toEqual([]);
    expect(stockFlags(undefined)).toEqual([]);
  });

  it('marks a VI by the time class C: static at 10 % from its reference price, which it names', () => {
    const [vi] = stockFlags({ ...base, session: 'C', price: 77_300 });
    expect(vi.key).toBe('vi');
    expect(vi.label).toBe('정적 VI');
    expect(vi.title).toContain('70,200원');
    expect(stockFlags({ ...base, session: 'C', price: 63_100 })[0].label).toBe('정적 VI');
  });

  it('calls a VI closer than 10 % to the static reference dynamic', () => {
    const [vi] = stockFlags({ ...base, session: 'C', price: 74_400 });
    expect(vi.label).toBe('동적 VI');
    expect(vi.title).not.toContain('70,200원');
    expect(stockFlags({ ...base, session: 'C', viPrice: null })[0].label).toBe('동적 VI');
  });

  it('marks halts and the daily limits (sign 1 상한, 4 하한)', () => {
    expect(stockFlags({ ...base, halted: true }).map((f) => f.key)).toEqual(['halted']);
    expect(stockFlags({ ...base, sign: 1 }).map((f) => f.label)).toEqual(['상한가']);
    expect(stockFlags({ ...base, sign: 4 }).map((f) => f.label)).toEqual(['하한가']);
    expect(stockFlags({ ...base, sign: 5 })).toEqual([]);
  });
});
