// Relative strength index with Wilder's smoothing (J. Welles Wilder, 1978).
//
// Changes d_i = close_i − close_{i−1}. The first average gain / loss is the simple mean of the
// first `period` gains / losses (changes 1…period), so the first RSI is at index `period`; after
// that avg = (avg_prev · (period − 1) + current) / period. RSI = 100 · avgGain / (avgGain + avgLoss),
// which equals 100 − 100 / (1 + avgGain / avgLoss) and stays defined when avgLoss is 0: only gains
// → 100, only losses → 0. A flat window (no gains and no losses) has no direction: we define it as
// 50 (TA-Lib returns 0 there and TradingView 100; neither says anything about a flat market).
import { checkPeriod, type Series } from '@/lib/indicators/moving-average';

export const FLAT_RSI = 50;

function rsiOf(avgGain: number, avgLoss: number): number {
  const total = avgGain + avgLoss;
  return total === 0 ? FLAT_RSI : (100 * avgGain) / total;
}

export function rsi(closes: readonly number[], period = 14): Series {
  checkPeriod(period);
  const out: Series = new Array<number | null>(closes.length).fill(null);
  if (closes.length <= period) return out;
  let avgGain = 0;
  let avgLoss = 0;
  for (let i = 1; i <= period; i++) {
    const d = closes[i] - closes[i - 1];
    if (d > 0) avgGain += d;
    else avgLoss -= d;
  }
  avgGain /= period;
  avgLoss /= period;
  out[period] = rsiOf(avgGain, avgLoss);
  for (let i = period + 1; i < closes.length; i++) {
    const d = closes[i] - closes[i - 1];
    avgGain = (avgGain * (period - 1) + (d > 0 ? d : 0)) / period;
    avgLoss = (avgLoss * (period - 1) + (d < 0 ? -d : 0)) / period;
    out[i] = rsiOf(avgGain, avgLoss);
  }
  return out;
}
