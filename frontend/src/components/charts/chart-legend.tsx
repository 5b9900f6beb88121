// The candle chart's crosshair legends: OHLCV with the price-pane indicators on top, and one line
// at the top of each indicator pane below (RSI, MACD). They show the hovered bar, else the last.
import type { Time } from 'lightweight-charts';
import type { Bar } from '@/lib/chart/bars';
import { BOLLINGER, INDICATORS, INDICATOR_COLORS, MACD_PERIODS, MA_IDS, RSI_PERIOD, VOLUME_MA_PERIOD } from '@/lib/indicators/catalog';
import type { IndicatorValues } from '@/lib/indicators/compute';
import type { Series } from '@/lib/indicators/moving-average';
import { formatNumber, formatPercent, formatPrice, formatVolume, toneTextClass } from '@/lib/format';
import { formatChartTime } from '@/components/charts/chart-theme';

export type LegendData = { bar: Bar; prevClose: number | null; index: number; values: IndicatorValues };

const at = (s: Series | null | undefined, i: number) => s?.[i] ?? null;
/** Indicator prices: whole won like the axis from 1,000 up, two decimals below. */
const price = (v: number | null) => (v === null ? '-' : formatPrice(Math.abs(v) >= 1000 ? Math.round(v) : Math.round(v * 100) / 100));
const label = (id: string) => INDICATORS.find((s) => s.id === id)?.label ?? id;

const BOX =
  'pointer-events-none absolute left-2 z-10 flex max-w-[calc(100%-5rem)] flex-wrap gap-x-2 gap-y-0.5 rounded bg-white/85 px-1.5 py-0.5 text-[11px] leading-4 text-slate-700';

export function PriceLegend({ data, intraday }: { data: LegendData | null; intraday: boolean }) {
  if (!data) return <div className={`${BOX} top-1`} data-testid="chart-legend" aria-hidden="true" />;
  const { bar, prevClose, index: i, values: v } = data;
  const change = prevClose ? ((bar.close - prevClose) / prevClose) * 100 : null;
  return (
    <div className={`${BOX} top-1`} data-testid="chart-legend" aria-hidden="true">
      <span className="font-medium text-slate-900">{formatChartTime(bar.time as Time, intraday)}</span>
      <span>시 {formatPrice(bar.open)}</span>
      <span>
        고 <span className="text-up">{formatPrice(bar.high)}</span>
      </span>
      <span>
        저 <span className="text-down">{formatPrice(bar.low)}</span>
      </span>
      <span>
        종 <span className={toneTextClass(change)}>{formatPrice(bar.close)}</span>
        {change !== null ? <span className={`ml-1 ${toneTextClass(change)}`}>{formatPercent(change)}</span> : null}
      </span>
      <span className="hidden sm:inline">거래량 {formatVolume(bar.volume, true)}</span>
      {v.volMa ? (
        <span className="hidden sm:inline" style={{ color: INDICATOR_COLORS.volMa }} data-testid="legend-volMa">
          거래량 이평{VOLUME_MA_PERIOD} {at(v.volMa, i) === null ? '-' : formatVolume(Math.round(at(v.volMa, i) as number), true)}
        </span>
      ) : null}
      {MA_IDS.filter((id) => v.ma[id]).map((id) => (
        <span key={id} className="hidden sm:inline" style={{ color: INDICATOR_COLORS[id] }} data-testid={`legend-${id}`}>
          {label(id).replace('이동평균 ', '이평')} {price(at(v.ma[id], i))}
        </span>
      ))}
      {v.bb ? (
        <span className="hidden sm:inline" style={{ color: INDICATOR_COLORS.bb }} data-testid="legend-bb">
          볼린저({BOLLINGER.period}, {BOLLINGER.k}σ) 상단 {price(at(v.bb.upper, i))} · 중심 {price(at(v.bb.middle, i))} · 하단{' '}
          {price(at(v.bb.lower, i))}
        </span>
      ) : null}
    </div>
  );
}

export function RsiLegend({ data, top }: { data: LegendData | null; top: number }) {
  const value = data ? at(data.values.rsi, data.index) : null;
  return (
    <div className={BOX} style={{ top: top + 2 }} data-testid="legend-rsi" aria-hidden="true">
      <span style={{ color: INDICATOR_COLORS.rsi }}>
        RSI({RSI_PERIOD}) {value === null ? '-' : formatNumber(value, 2)}
      </span>
    </div>
  );
}

export function MacdLegend({ data, top }: { data: LegendData | null; top: number }) {
  const m = data?.values.macd;
  const i = data?.index ?? -1;
  return (
    <div className={BOX} style={{ top: top + 2 }} data-testid="legend-macd" aria-hidden="true">
      <span style={{ color: INDICATOR_COLORS.macd }}>
        MACD({MACD_PERIODS.fast}, {MACD_PERIODS.slow}, {MACD_PERIODS.signal}) {price(at(m?.macd, i))}
      </span>
      <span style={{ color: INDICATOR_COLORS.macdSignal }}>시그널 {price(at(m?.signal, i))}</span>
      <span className={toneTextClass(at(m?.histogram, i))}>히스토그램 {price(at(m?.histogram, i))}</span>
    </div>
  );
}
