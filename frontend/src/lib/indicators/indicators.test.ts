// Hand-checked small cases and edge cases of the indicator modules (the real-data comparison is
// reference.test.ts).
import { describe, expect, it } from 'vitest';
import { bollinger } from '@/lib/indicators/bollinger';
import { DEFAULT_SELECTION, lowerPanes } from '@/lib/indicators/catalog';
import { computeIndicators } from '@/lib/indicators/compute';
import { macd } from '@/lib/indicators/macd';
import { ema, sma, type Series } from '@/lib/indicators/moving-average';
import { FLAT_RSI, rsi } from '@/lib/indicators/rsi';

const close = (xs: Series, digits = 9) => xs.map((x) => (x === null ? null : Number(x.toFixed(digits))));
const defined = (xs: Series) => xs.filter((x): x is number => x !== null);

describe('SMA', () => {
  it('averages the last n values, undefined before n values', () => {
    expect(sma([1, 2, 3, 4, 5], 3)).toEqual([null, null, 2, 3, 4]);
    expect(sma([10, 20], 1)).toEqual([10, 20]);
  });

  it('is all undefined with fewer values than the period, and empty for no values', () => {
    expect(sma([1, 2], 3)).toEqual([null, null]);
    expect(sma([], 5)).toEqual([]);
  });

  it('rejects a period that is not a positive integer', () => {
    expect(() => sma([1, 2, 3], 0)).toThrow(RangeError);
    expect(() => sma([1, 2, 3], 2.5)).toThrow(RangeError);
  });
});

describe('EMA', () => {
  it('is seeded with the SMA of the first n values, then α = 2/(n+1)', () => {
    // n = 3, α = 0.5: seed (1+2+3)/3 = 2; then 2 + 0.5·(6−2) = 4; 4 + 0.5·(2−4) = 3
    expect(ema([1, 2, 3, 6, 2], 3)).toEqual([null, null, 2, 4, 3]);
  });

  it('starts later with `from`', () => {
    expect(ema([0, 0, 1, 2, 3, 6], 3, 2)).toEqual([null, null, null, null, 2, 4]);
    expect(ema([1, 2], 3)).toEqual([null, null]);
  });
});

describe('Bollinger bands (population σ)', () => {
  it('is the SMA ± k·σ with σ over N, not N − 1', () => {
    // mean 3; deviations −2…2; population variance (4+1+0+1+4)/5 = 2
    const bb = bollinger([1, 2, 3, 4, 5], 5, 2);
    expect(bb.middle).toEqual([null, null, null, null, 3]);
    expect(bb.upper[4]).toBeCloseTo(3 + 2 * Math.SQRT2, 12);
    expect(bb.lower[4]).toBeCloseTo(3 - 2 * Math.SQRT2, 12);
    // the sample σ would be √2.5: make sure we are not computing that
    expect(bb.upper[4]).not.toBeCloseTo(3 + 2 * Math.sqrt(2.5), 6);
  });

  it('has zero width on a flat series, even at large prices', () => {
    const bb = bollinger(new Array<number>(30).fill(1_234_000), 20, 2);
    expect(defined(bb.upper)).toEqual(new Array<number>(11).fill(1_234_000));
    expect(defined(bb.lower)).toEqual(new Array<number>(11).fill(1_234_000));
  });

  it('is undefined with fewer closes than the period', () => {
    const bb = bollinger([1, 2, 3], 20, 2);
    expect([bb.middle, bb.upper, bb.lower]).toEqual([
      [null, null, null],
      [null, null, null],
      [null, null, null],
    ]);
  });
});

describe("RSI (Wilder's smoothing)", () => {
  it('matches a hand calculation', () => {
    // closes 10 11 10 12 13, n = 2: changes +1 −1 +2 +1
    // seed: gain (1+0)/2 = 0.5, loss (0+1)/2 = 0.5 → 50
    // +2: gain (0.5·1+2)/2 = 1.25, loss (0.5·1+0)/2 = 0.25 → 100·1.25/1.5 = 83.333…
    // +1: gain (1.25+1)/2 = 1.125, loss 0.125 → 100·1.125/1.25 = 90
    expect(close(rsi([10, 11, 10, 12, 13], 2))).toEqual([null, null, 50, 83.333333333, 90]);
  });

  it('is 100 for only gains, 0 for only losses', () => {
    const up = Array.from({ length: 20 }, (_, i) => 100 + i);
    expect(defined(rsi(up, 14))).toEqual(new Array<number>(6).fill(100));
    expect(defined(rsi([...up].reverse(), 14))).toEqual(new Array<number>(6).fill(0));
  });

  it(`defines a flat series as ${FLAT_RSI} (no gains, no losses)`, () => {
    expect(defined(rsi(new Array<number>(20).fill(7000), 14))).toEqual(new Array<number>(6).fill(50));
  });

  it('returns to 100 − … after a flat stretch and stays within 0…100', () => {
    const xs = [...new Array<number>(16).fill(100), 101, 100, 102, 99, 99, 99];
    const out = defined(rsi(xs, 14));
    expect(out[0]).toBe(50);
    expect(out.every((v) => v >= 0 && v <= 100)).toBe(true);
    expect(out[out.length - 1]).toBeLessThan(50); // the last move was down
  });

  it('needs period + 1 closes (period changes) for the first value', () => {
    expect(rsi(new Array<number>(14).fill(1), 14)).toEqual(new Array<null>(14).fill(null));
    expect(rsi(new Array<number>(15).fill(1), 14)[14]).toBe(50);
  });
});

describe('MACD', () => {
  it('matches a hand calculation with small periods (2, 3, 2)', () => {
    const xs = [1, 2, 3, 4, 8, 6];
    // EMA2 (α 2/3): seed 1.5 @1; 2.5 @2; 3.5 @3; 6.5 @4; 6.166… @5
    // EMA3 (α 1/2): seed 2 @2; 3 @3; 5.5 @4; 5.75 @5
    // MACD: 0.5 @2; 0.5 @3; 1 @4; 0.41666… @5
    // signal EMA2 of MACD from @2: seed 0.5 @3; 0.5 + 2/3·(1−0.5) = 0.8333… @4; 0.8333 + 2/3·(0.41666−0.8333) = 0.5555… @5
    const m = macd(xs, 2, 3, 2);
    expect(close(m.macd)).toEqual([null, null, 0.5, 0.5, 1, 0.416666667]);
    expect(close(m.signal)).toEqual([null, null, null, 0.5, 0.833333333, 0.555555556]);
    expect(close(m.histogram)).toEqual([null, null, null, 0, 0.166666667, -0.138888889]);
  });

  it('starts at index slow − 1 (line) and slow + signal − 2 (signal, histogram)', () => {
    const xs = Array.from({ length: 40 }, (_, i) => 1000 + 10 * Math.sin(i));
    const m = macd(xs, 12, 26, 9);
    expect(m.macd.findIndex((v) => v !== null)).toBe(25);
    expect(m.signal.findIndex((v) => v !== null)).toBe(33);
    expect(m.histogram.findIndex((v) => v !== null)).toBe(33);
  });

  it('is zero on a flat series and undefined on a short one', () => {
    const flat = macd(new Array<number>(40).fill(5000));
    expect(defined(flat.histogram).every((v) => v === 0)).toBe(true);
    const short = macd(new Array<number>(30).fill(5000));
    expect(short.macd.filter((v) => v !== null)).toHaveLength(5);
    expect(short.signal.every((v) => v === null)).toBe(true);
  });

  it('rejects a fast period that is not shorter than the slow one', () => {
    expect(() => macd([1, 2, 3], 26, 12, 9)).toThrow(RangeError);
  });
});

describe('computeIndicators', () => {
  const bars = Array.from({ length: 150 }, (_, i) => ({ close: 1000 + ((i * 37) % 50), volume: 100 + i }));

  it('computes only what is selected', () => {
    const v = computeIndicators(bars, DEFAULT_SELECTION);
    expect(Object.keys(v.ma).sort()).toEqual(['ma20', 'ma5', 'ma60']);
    expect([v.bb, v.volMa, v.rsi, v.macd]).toEqual([null, null, null, null]);
  });

  it('counts bars, not calendar days: a hole in time changes nothing', () => {
    // The same closes once on consecutive days and once with a two-month hole: the indicators
    // only see the sequence of bars.
    const selection = { ...DEFAULT_SELECTION, ma120: true, bb: true, rsi: true, macd: true, volMa: true };
    const withHole = bars.map((b, i) => ({ ...b, time: i < 70 ? i * 86400 : (i + 60) * 86400 }));
    expect(computeIndicators(withHole, selection)).toEqual(computeIndicators(bars, selection));
    expect(computeIndicators(withHole, selection).ma.ma120?.[149]).not.toBeNull();
  });

  it('names the lower panes in order', () => {
    expect(lowerPanes({ ...DEFAULT_SELECTION, macd: true })).toEqual(['macd']);
    expect(lowerPanes({ ...DEFAULT_SELECTION, macd: true, rsi: true })).toEqual(['rsi', 'macd']);
    expect(lowerPanes(DEFAULT_SELECTION)).toEqual([]);
  });
});
