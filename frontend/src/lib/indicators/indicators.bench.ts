// How long computing every chart indicator takes (computeIndicators with all eight on), against
// a naive baseline in the same run: every point recomputed from scratch (window sums for SMA and
// Bollinger, the recursive RSI / EMA / MACD re-run from the first bar for each point), which is
// what a per-point implementation does. The chart recomputes on each history load and on each
// live trade (only the last point is then redrawn), so one call must stay far below a 16.7 ms frame.
//
//   cd frontend && npm run bench            (results: bench/RESULTS.md)
import { bench, describe } from 'vitest';
import { INDICATOR_IDS, type IndicatorSelection } from '@/lib/indicators/catalog';
import { computeIndicators, type IndicatorBar } from '@/lib/indicators/compute';

const ALL = Object.fromEntries(INDICATOR_IDS.map((id) => [id, true])) as IndicatorSelection;

/** A seeded random walk of KRW prices on the tick grid (deterministic across runs). */
function walk(n: number, seed = 7): IndicatorBar[] {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const out: IndicatorBar[] = [];
  let price = 70_000;
  for (let i = 0; i < n; i++) {
    price = Math.max(1_000, Math.round((price * (1 + 0.02 * rand())) / 100) * 100);
    out.push({ close: price, volume: Math.round(1e6 * (1.2 + rand())) });
  }
  return out;
}

// ------------------------------------------------------------------------------ naive baseline

type Maybe = number | null;

function naiveSma(xs: number[], n: number, i: number): Maybe {
  if (i < n - 1) return null;
  let s = 0;
  for (let j = i - n + 1; j <= i; j++) s += xs[j];
  return s / n;
}

function naiveEmaAt(xs: number[], n: number, i: number, from = 0): Maybe {
  if (i < from + n - 1) return null;
  let e = 0;
  for (let j = from; j < from + n; j++) e += xs[j];
  e /= n;
  for (let j = from + n; j <= i; j++) e += (2 / (n + 1)) * (xs[j] - e);
  return e;
}

function naiveRsiAt(xs: number[], n: number, i: number): Maybe {
  if (i < n) return null;
  let g = 0;
  let l = 0;
  for (let j = 1; j <= n; j++) {
    const d = xs[j] - xs[j - 1];
    g += Math.max(d, 0) / n;
    l += Math.max(-d, 0) / n;
  }
  for (let j = n + 1; j <= i; j++) {
    const d = xs[j] - xs[j - 1];
    g = (g * (n - 1) + Math.max(d, 0)) / n;
    l = (l * (n - 1) + Math.max(-d, 0)) / n;
  }
  return g + l === 0 ? 50 : (100 * g) / (g + l);
}

function naiveAll(bars: IndicatorBar[]) {
  const c = bars.map((b) => b.close);
  const v = bars.map((b) => b.volume);
  const out: Maybe[][] = [[], [], [], [], [], [], [], [], [], [], []];
  const line: number[] = [];
  for (let i = 0; i < c.length; i++) {
    [5, 20, 60, 120].forEach((n, k) => out[k].push(naiveSma(c, n, i)));
    const mid = naiveSma(c, 20, i);
    let sd: Maybe = null;
    if (mid !== null) {
      let q = 0;
      for (let j = i - 19; j <= i; j++) q += (c[j] - mid) ** 2;
      sd = Math.sqrt(q / 20);
    }
    out[4].push(mid === null || sd === null ? null : mid + 2 * sd);
    out[5].push(mid === null || sd === null ? null : mid - 2 * sd);
    out[6].push(naiveSma(v, 20, i));
    out[7].push(naiveRsiAt(c, 14, i));
    const f = naiveEmaAt(c, 12, i);
    const s = naiveEmaAt(c, 26, i);
    const m = f === null || s === null ? null : f - s;
    line.push(m ?? 0);
    out[8].push(m);
    const sig = naiveEmaAt(line, 9, i, 25);
    out[9].push(sig);
    out[10].push(m === null || sig === null ? null : m - sig);
  }
  return out;
}

// --------------------------------------------------------------------------------- the sizes

const CASES: [string, number][] = [
  ['5 years of daily bars (1,250)', 1250],
  ['a full day of 1-minute bars (09:00–15:30, 390)', 390],
  ["the api's largest answer (5,000 bars)", 5000],
];

for (const [name, n] of CASES) {
  const bars = walk(n);
  // Same answer from both, or the comparison means nothing.
  const fast = computeIndicators(bars, ALL);
  const slow = naiveAll(bars);
  const rsiDiff = Math.max(...slow[7].map((x, i) => (x === null ? 0 : Math.abs(x - (fast.rsi?.[i] ?? NaN)))));
  const macdDiff = Math.max(...slow[10].map((x, i) => (x === null ? 0 : Math.abs(x - (fast.macd?.histogram[i] ?? NaN)))));
  if (!(rsiDiff < 1e-6 && macdDiff < 1e-6)) throw new Error(`naive and computeIndicators disagree (${rsiDiff}, ${macdDiff})`);

  describe(name, () => {
    bench(
      'computeIndicators, all eight',
      () => {
        computeIndicators(bars, ALL);
      },
      { time: 2000 },
    );
    bench(
      'naive baseline, all eight',
      () => {
        naiveAll(bars);
      },
      { time: 2000 },
    );
  });
}
