// Simple and exponential moving averages over a value series. Every indicator module returns a
// series aligned with its input: one entry per input value, null where the indicator is not yet
// defined (fewer values than its period). Inputs are finite numbers (chart bars always are).

/** One value per input; null before the indicator has enough input. */
export type Series = (number | null)[];

export function checkPeriod(period: number): void {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`period must be a positive integer, got ${period}`);
}

/** Simple moving average: the mean of the last `period` values, defined from index period − 1. */
export function sma(values: readonly number[], period: number): Series {
  checkPeriod(period);
  const out: Series = new Array<number | null>(values.length).fill(null);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (i >= period) sum -= values[i - period];
    if (i >= period - 1) out[i] = sum / period;
  }
  return out;
}

/**
 * Exponential moving average with α = 2 / (period + 1), seeded with the simple average of the
 * first `period` values (the seed is the value at index period − 1), as TA-Lib and most charting
 * packages do; `from` skips leading positions (e.g. where the input itself is not yet defined).
 */
export function ema(values: readonly number[], period: number, from = 0): Series {
  checkPeriod(period);
  const out: Series = new Array<number | null>(values.length).fill(null);
  const seedEnd = from + period - 1;
  if (seedEnd >= values.length) return out;
  let seed = 0;
  for (let i = from; i <= seedEnd; i++) seed += values[i];
  let prev = seed / period;
  out[seedEnd] = prev;
  const alpha = 2 / (period + 1);
  for (let i = seedEnd + 1; i < values.length; i++) {
    prev += alpha * (values[i] - prev);
    out[i] = prev;
  }
  return out;
}
