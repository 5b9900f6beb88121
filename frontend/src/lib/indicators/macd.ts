// MACD (Gerald Appel): the fast EMA of closes minus the slow EMA, its signal line (an EMA of the
// MACD line) and the histogram (MACD − signal). Each EMA is seeded with the simple mean of its
// first `period` inputs (moving-average.ts), so with 12/26/9 the MACD line starts at index 25 and
// the signal and histogram at index 33.
import { checkPeriod, ema, type Series } from '@/lib/indicators/moving-average';

export type Macd = { macd: Series; signal: Series; histogram: Series };

export function macd(closes: readonly number[], fast = 12, slow = 26, signalPeriod = 9): Macd {
  checkPeriod(fast);
  checkPeriod(slow);
  checkPeriod(signalPeriod);
  if (fast >= slow) throw new RangeError(`the fast period (${fast}) must be shorter than the slow one (${slow})`);
  const n = closes.length;
  const fastEma = ema(closes, fast);
  const slowEma = ema(closes, slow);
  const line: Series = new Array<number | null>(n).fill(null);
  // Dense copy for the signal EMA; positions before `start` are never read.
  const dense = new Array<number>(n).fill(0);
  const start = slow - 1;
  for (let i = start; i < n; i++) {
    const v = (fastEma[i] as number) - (slowEma[i] as number);
    line[i] = v;
    dense[i] = v;
  }
  const signal = ema(dense, signalPeriod, start);
  const histogram: Series = new Array<number | null>(n).fill(null);
  for (let i = start + signalPeriod - 1; i < n; i++) histogram[i] = (line[i] as number) - (signal[i] as number);
  return { macd: line, signal, histogram };
}
