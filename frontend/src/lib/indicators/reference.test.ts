// The indicator modules against reference values computed independently (pandas and plain Python
// loops, reference/make_fixture.py) from Samsung Electronics' real daily bars in the bundled KRX
// snapshot — 614 bars including the snapshot's two-month hole of 2025.
import { describe, expect, it } from 'vitest';
import { bollinger } from '@/lib/indicators/bollinger';
import { computeIndicators } from '@/lib/indicators/compute';
import { INDICATOR_IDS, type IndicatorSelection } from '@/lib/indicators/catalog';
import { macd } from '@/lib/indicators/macd';
import { sma, type Series } from '@/lib/indicators/moving-average';
import { rsi } from '@/lib/indicators/rsi';
import fixture from '@/lib/indicators/reference/fixture-005930.json';

type Fixture = {
  symbol: string;
  dates: string[];
  close: number[];
  volume: number[];
  sma: Record<string, Series>;
  volumeSma: Series;
  bollinger: { middle: Series; upper: Series; lower: Series };
  rsi: Series;
  macd: { macd: Series; signal: Series; histogram: Series };
};

const ref = fixture as Fixture;
const RELATIVE = 1e-9;

/** Same positions undefined, defined values equal to 1e-9 relative (float rounding only). */
function expectSeries(actual: Series, expected: Series, what: string) {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const mismatches: string[] = [];
  actual.forEach((a, i) => {
    const e = expected[i];
    if ((a === null) !== (e === null)) mismatches.push(`[${i}] ${a} vs ${e}`);
    else if (a !== null && e !== null && Math.abs(a - e) > RELATIVE * Math.max(1, Math.abs(e))) mismatches.push(`[${i}] ${a} vs ${e}`);
  });
  expect(mismatches.slice(0, 5), `${what}: ${mismatches.length} mismatches`).toEqual([]);
}

describe(`indicators vs the reference (${ref.symbol}, ${ref.dates.length} daily bars)`, () => {
  it('is real data with a hole in it', () => {
    expect(ref.dates.length).toBeGreaterThan(500);
    expect(ref.dates).toContain('2025-06-17');
    expect(ref.dates[ref.dates.indexOf('2025-06-17') + 1] > '2025-08-01').toBe(true);
  });

  it.each([5, 20, 60, 120])('SMA %i', (period) => {
    expectSeries(sma(ref.close, period), ref.sma[String(period)], `SMA${period}`);
  });

  it('volume SMA 20', () => {
    expectSeries(sma(ref.volume, 20), ref.volumeSma, 'volume SMA20');
  });

  it('Bollinger bands (20, 2σ population)', () => {
    const bb = bollinger(ref.close, 20, 2);
    expectSeries(bb.middle, ref.bollinger.middle, 'BB middle');
    expectSeries(bb.upper, ref.bollinger.upper, 'BB upper');
    expectSeries(bb.lower, ref.bollinger.lower, 'BB lower');
  });

  it("RSI 14 (Wilder's smoothing)", () => {
    expectSeries(rsi(ref.close, 14), ref.rsi, 'RSI14');
  });

  it('MACD 12/26/9', () => {
    const m = macd(ref.close, 12, 26, 9);
    expectSeries(m.macd, ref.macd.macd, 'MACD line');
    expectSeries(m.signal, ref.macd.signal, 'MACD signal');
    expectSeries(m.histogram, ref.macd.histogram, 'MACD histogram');
  });

  it('computeIndicators gives the same series for bars', () => {
    const all = Object.fromEntries(INDICATOR_IDS.map((id) => [id, true])) as IndicatorSelection;
    const bars = ref.close.map((close, i) => ({ close, volume: ref.volume[i] }));
    const v = computeIndicators(bars, all);
    expectSeries(v.ma.ma120 ?? [], ref.sma['120'], 'ma120');
    expectSeries(v.bb?.upper ?? [], ref.bollinger.upper, 'bb upper');
    expectSeries(v.volMa ?? [], ref.volumeSma, 'volMa');
    expectSeries(v.rsi ?? [], ref.rsi, 'rsi');
    expectSeries(v.macd?.histogram ?? [], ref.macd.histogram, 'macd histogram');
  });
});
