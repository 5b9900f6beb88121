// The indicators a trader can toggle on the price chart: ids, Korean labels, parameters, colours,
// the pane each one draws in, and which are on for a first visit. One place for all of it, so
// the toolbar, the chart and the legend agree.
import { CHART_COLORS } from '@/lib/format';

export type IndicatorId = 'ma5' | 'ma20' | 'ma60' | 'ma120' | 'bb' | 'volMa' | 'rsi' | 'macd';

/** Where an indicator is drawn: on the candles, on the volume bars, or in its own pane below. */
export type IndicatorPane = 'price' | 'volume' | 'rsi' | 'macd';

export type IndicatorSpec = {
  id: IndicatorId;
  /** Short button text. */
  short: string;
  /** Full Korean name with parameters (tooltips, screen readers, legend). */
  label: string;
  pane: IndicatorPane;
  color: string;
};

export const MA_PERIODS = { ma5: 5, ma20: 20, ma60: 60, ma120: 120 } as const;
export type MaId = keyof typeof MA_PERIODS;
export const MA_IDS = Object.keys(MA_PERIODS) as MaId[];

export const BOLLINGER = { period: 20, k: 2 } as const;
export const VOLUME_MA_PERIOD = 20;
export const RSI_PERIOD = 14;
export const RSI_BANDS = { overbought: 70, oversold: 30 } as const;
export const MACD_PERIODS = { fast: 12, slow: 26, signal: 9 } as const;

export const INDICATOR_COLORS = {
  ma5: CHART_COLORS.ma5,
  ma20: CHART_COLORS.ma20,
  ma60: CHART_COLORS.ma60,
  ma120: '#64748b',
  bb: '#0ea5e9',
  volMa: '#b45309',
  rsi: '#7c3aed',
  macd: '#2563eb',
  macdSignal: '#f97316',
  macdUp: CHART_COLORS.upVolume,
  macdDown: CHART_COLORS.downVolume,
} as const;

export const INDICATORS: readonly IndicatorSpec[] = [
  { id: 'ma5', short: '이평 5', label: '이동평균 5', pane: 'price', color: INDICATOR_COLORS.ma5 },
  { id: 'ma20', short: '이평 20', label: '이동평균 20', pane: 'price', color: INDICATOR_COLORS.ma20 },
  { id: 'ma60', short: '이평 60', label: '이동평균 60', pane: 'price', color: INDICATOR_COLORS.ma60 },
  { id: 'ma120', short: '이평 120', label: '이동평균 120', pane: 'price', color: INDICATOR_COLORS.ma120 },
  {
    id: 'bb',
    short: '볼린저',
    label: `볼린저 밴드 (${BOLLINGER.period}, ${BOLLINGER.k}σ)`,
    pane: 'price',
    color: INDICATOR_COLORS.bb,
  },
  { id: 'volMa', short: '거래량 이평', label: `거래량 이동평균 ${VOLUME_MA_PERIOD}`, pane: 'volume', color: INDICATOR_COLORS.volMa },
  { id: 'rsi', short: 'RSI', label: `RSI (${RSI_PERIOD})`, pane: 'rsi', color: INDICATOR_COLORS.rsi },
  {
    id: 'macd',
    short: 'MACD',
    label: `MACD (${MACD_PERIODS.fast}, ${MACD_PERIODS.slow}, ${MACD_PERIODS.signal})`,
    pane: 'macd',
    color: INDICATOR_COLORS.macd,
  },
];

export const INDICATOR_IDS: readonly IndicatorId[] = INDICATORS.map((s) => s.id);

export type IndicatorSelection = Record<IndicatorId, boolean>;

/** A first visit shows what the chart always showed: MA 5/20/60. */
export const DEFAULT_SELECTION: IndicatorSelection = {
  ma5: true,
  ma20: true,
  ma60: true,
  ma120: false,
  bb: false,
  volMa: false,
  rsi: false,
  macd: false,
};

export type LowerPane = 'rsi' | 'macd';

/** The panes below the price pane, top to bottom, for a selection. */
export function lowerPanes(selection: IndicatorSelection): LowerPane[] {
  return (['rsi', 'macd'] as const).filter((id) => selection[id]);
}

/** Height of each indicator pane below the price pane, in pixels. */
export const LOWER_PANE_HEIGHT = 120;

/** The whole chart's height: the price pane plus one pane per lower indicator. */
export function chartHeight(priceHeight: number, selection: IndicatorSelection): number {
  return priceHeight + LOWER_PANE_HEIGHT * lowerPanes(selection).length;
}
