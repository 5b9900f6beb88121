// Bollinger bands: the simple moving average of closes ± k standard deviations of the same window.
// σ is the POPULATION standard deviation (divide by N), as Bollinger defined it and as TradingView,
// TA-Lib and most charting packages compute it; the sample σ (N − 1) would be √(20/19) ≈ 2.6 %
// wider at period 20.
import { checkPeriod, sma, type Series } from '@/lib/indicators/moving-average';

export type BollingerBands = { middle: Series; upper: Series; lower: Series };

export function bollinger(closes: readonly number[], period = 20, k = 2): BollingerBands {
  checkPeriod(period);
  const middle = sma(closes, period);
  const upper: Series = new Array<number | null>(closes.length).fill(null);
  const lower: Series = new Array<number | null>(closes.length).fill(null);
  for (let i = period - 1; i < closes.length; i++) {
    const mean = middle[i] as number;
    // Deviations from the window's mean (two passes) rather than Σx² − n·mean², which loses
    // precision for large prices and can go negative on a flat window.
    let squares = 0;
    for (let j = i - period + 1; j <= i; j++) {
      const d = closes[j] - mean;
      squares += d * d;
    }
    const width = k * Math.sqrt(squares / period);
    upper[i] = mean + width;
    lower[i] = mean - width;
  }
  return { middle, upper, lower };
}
