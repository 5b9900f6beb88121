// Every selected indicator for a list of bars, aligned with the bars (index i ↔ bars[i]). The
// chart draws from this and the crosshair legend reads it by index. Indicators count bars, not
// calendar time: a holiday, a trading halt or a hole in the stored history is simply the next bar.
import { bollinger, type BollingerBands } from '@/lib/indicators/bollinger';
import {
  BOLLINGER,
  MACD_PERIODS,
  MA_IDS,
  MA_PERIODS,
  RSI_PERIOD,
  VOLUME_MA_PERIOD,
  type IndicatorSelection,
  type MaId,
} from '@/lib/indicators/catalog';
import { macd, type Macd } from '@/lib/indicators/macd';
import { sma, type Series } from '@/lib/indicators/moving-average';
import { rsi } from '@/lib/indicators/rsi';

export type IndicatorBar = { close: number; volume: number };

export type IndicatorValues = {
  ma: Partial<Record<MaId, Series>>;
  bb: BollingerBands | null;
  volMa: Series | null;
  rsi: Series | null;
  macd: Macd | null;
};

export function computeIndicators(bars: readonly IndicatorBar[], selection: IndicatorSelection): IndicatorValues {
  const closes = bars.map((b) => b.close);
  const ma: Partial<Record<MaId, Series>> = {};
  for (const id of MA_IDS) if (selection[id]) ma[id] = sma(closes, MA_PERIODS[id]);
  return {
    ma,
    bb: selection.bb ? bollinger(closes, BOLLINGER.period, BOLLINGER.k) : null,
    volMa: selection.volMa
      ? sma(
          bars.map((b) => b.volume),
          VOLUME_MA_PERIOD,
        )
      : null,
    rsi: selection.rsi ? rsi(closes, RSI_PERIOD) : null,
    macd: selection.macd ? macd(closes, MACD_PERIODS.fast, MACD_PERIODS.slow, MACD_PERIODS.signal) : null,
  };
}
