// Candlestick + volume chart with MA 5/20/60, a crosshair OHLCV legend, day separators and a
// live forming candle. The chart object is owned here: created in an effect, removed in its
// cleanup; history goes through setData, live trades through series.update without React.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import {
  CandlestickSeries,
  HistogramSeries,
  LineSeries,
  createChart,
  type IChartApi,
  type ISeriesApi,
  type MouseEventParams,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import {
  applyTick,
  commitBar,
  dayBoundaries,
  lastMovingAverage,
  movingAverage,
  type Bar,
  type Interval,
  type TickLike,
  isCalendarInterval,
} from '@/lib/chart/bars';
import { CHART_COLORS, formatPercent, formatPrice, formatVolume, toneTextClass } from '@/lib/format';
import { baseChartOptions, formatChartTime } from '@/components/charts/chart-theme';
import { DaySeparators } from '@/components/charts/day-separators';

export type LiveSubscribe = (onTick: (tick: TickLike) => void) => () => void;

const MA_PERIODS = [5, 20, 60] as const;
const MA_COLORS = [CHART_COLORS.ma5, CHART_COLORS.ma20, CHART_COLORS.ma60];
/** Roughly 7 px per bar: ~150 bars on a desktop, ~45 on a phone. */
const visibleBars = (width: number) => Math.max(30, Math.min(200, Math.floor(width / 7)));

type Legend = { bar: Bar; prevClose: number | null; ma: (number | null)[] };

const t = (time: number) => time as UTCTimestamp;
const candle = (b: Bar) => ({ time: t(b.time), open: b.open, high: b.high, low: b.low, close: b.close });
const volume = (b: Bar) => ({
  time: t(b.time),
  value: b.volume,
  color: b.close >= b.open ? CHART_COLORS.upVolume : CHART_COLORS.downVolume,
});

export default function CandleChart({
  bars,
  interval,
  subscribeLive,
  height = 420,
  onLiveBar,
}: {
  bars: Bar[];
  interval: Interval;
  subscribeLive?: LiveSubscribe;
  height?: number;
  onLiveBar?: (bar: Bar, isNew: boolean) => void;
}) {
  const containerRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<IChartApi | null>(null);
  const candleRef = useRef<ISeriesApi<'Candlestick'> | null>(null);
  const volumeRef = useRef<ISeriesApi<'Histogram'> | null>(null);
  const maRefs = useRef<ISeriesApi<'Line'>[]>([]);
  const separatorsRef = useRef<DaySeparators | null>(null);
  const barsRef = useRef<Bar[]>([]);
  const onLiveBarRef = useRef(onLiveBar);
  useLayoutEffect(() => {
    onLiveBarRef.current = onLiveBar;
  }, [onLiveBar]);
  const [legend, setLegend] = useState<Legend | null>(null);
  const hoveringRef = useRef(false);
  const intraday = !isCalendarInterval(interval);

  const legendAt = (index: number): Legend | null => {
    const list = barsRef.current;
    const bar = list[index];
    if (!bar) return null;
    const ma = MA_PERIODS.map((p) => (index + 1 >= p ? list.slice(index + 1 - p, index + 1).reduce((s, b) => s + b.close, 0) / p : null));
    return { bar, prevClose: index > 0 ? list[index - 1].close : null, ma };
  };

  // Create the chart once.
  useEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    const chart = createChart(el, baseChartOptions({ intraday }));
    const candles = chart.addSeries(CandlestickSeries, {
      upColor: CHART_COLORS.up,
      downColor: CHART_COLORS.down,
      borderUpColor: CHART_COLORS.up,
      borderDownColor: CHART_COLORS.down,
      wickUpColor: CHART_COLORS.up,
      wickDownColor: CHART_COLORS.down,
      priceLineVisible: true,
    });
    candles.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.26 } });
    const vol = chart.addSeries(HistogramSeries, {
      priceFormat: { type: 'volume' },
      priceScaleId: 'volume',
      lastValueVisible: false,
      priceLineVisible: false,
    });
    vol.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    maRefs.current = MA_PERIODS.map((_, i) =>
      chart.addSeries(LineSeries, {
        color: MA_COLORS[i],
        lineWidth: 1,
        priceLineVisible: false,
        lastValueVisible: false,
        crosshairMarkerVisible: false,
      }),
    );
    const separators = new DaySeparators();
    candles.attachPrimitive(separators);

    const onMove = (param: MouseEventParams<Time>) => {
      if (param.time === undefined || !param.point) {
        hoveringRef.current = false;
        setLegend(legendAt(barsRef.current.length - 1));
        return;
      }
      hoveringRef.current = true;
      const time = param.time as number;
      const list = barsRef.current;
      // Binary search the hovered bar.
      let lo = 0;
      let hi = list.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid].time < time) lo = mid + 1;
        else hi = mid - 1;
      }
      if (list[lo]?.time === time) setLegend(legendAt(lo));
    };
    chart.subscribeCrosshairMove(onMove);

    chartRef.current = chart;
    candleRef.current = candles;
    volumeRef.current = vol;
    separatorsRef.current = separators;
    return () => {
      chart.unsubscribeCrosshairMove(onMove);
      chart.remove();
      chartRef.current = null;
      candleRef.current = null;
      volumeRef.current = null;
      separatorsRef.current = null;
      maRefs.current = [];
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- created once per mount on purpose; the history effect re-applies the options when `intraday` changes
  }, []);

  // History.
  useEffect(() => {
    const chart = chartRef.current;
    const candles = candleRef.current;
    const vol = volumeRef.current;
    if (!chart || !candles || !vol) return;
    barsRef.current = bars.slice();
    chart.applyOptions(baseChartOptions({ intraday }));
    candles.setData(bars.map(candle));
    vol.setData(bars.map(volume));
    MA_PERIODS.forEach((p, i) => maRefs.current[i]?.setData(movingAverage(bars, p).map((pt) => ({ time: t(pt.time), value: pt.value }))));
    separatorsRef.current?.setTimes(intraday ? dayBoundaries(bars) : []);
    const visible = visibleBars(containerRef.current?.clientWidth ?? 800);
    if (bars.length > visible) {
      chart.timeScale().setVisibleLogicalRange({ from: bars.length - visible, to: bars.length + 2 });
    } else {
      chart.timeScale().fitContent();
    }
    hoveringRef.current = false;
    setLegend(legendAt(bars.length - 1));
  }, [bars, intraday]);

  // Live forming candle.
  useEffect(() => {
    if (!subscribeLive) return;
    return subscribeLive((tick) => {
      const candles = candleRef.current;
      const vol = volumeRef.current;
      const list = barsRef.current;
      if (!candles || !vol) return;
      const merge = applyTick(list[list.length - 1], tick, interval);
      if (!merge) return; // older than the last bar: never fed to the chart
      const prevLast = list[list.length - 1];
      commitBar(list, merge);
      candles.update(candle(merge.bar));
      vol.update(volume(merge.bar));
      MA_PERIODS.forEach((p, i) => {
        const pt = lastMovingAverage(list, p);
        if (pt) maRefs.current[i]?.update({ time: t(pt.time), value: pt.value });
      });
      if (merge.isNew && intraday && prevLast && Math.floor(prevLast.time / 86400) !== Math.floor(merge.bar.time / 86400)) {
        separatorsRef.current?.setTimes(dayBoundaries(list));
      }
      if (!hoveringRef.current) setLegend(legendAt(list.length - 1));
      onLiveBarRef.current?.(merge.bar, merge.isNew);
    });
  }, [subscribeLive, interval, intraday]);

  const change = legend && legend.prevClose ? ((legend.bar.close - legend.prevClose) / legend.prevClose) * 100 : null;

  return (
    <div className="relative w-full" style={{ height }}>
      <div
        className="pointer-events-none absolute left-2 top-1 z-10 flex max-w-[calc(100%-5rem)] flex-wrap gap-x-2 gap-y-0.5 rounded bg-white/85 px-1.5 py-0.5 text-[11px] leading-4 text-slate-700"
        data-testid="chart-legend"
        aria-hidden="true"
      >
        {legend ? (
          <>
            <span className="font-medium text-slate-900">{formatChartTime(legend.bar.time as Time, intraday)}</span>
            <span>시 {formatPrice(legend.bar.open)}</span>
            <span>
              고 <span className="text-up">{formatPrice(legend.bar.high)}</span>
            </span>
            <span>
              저 <span className="text-down">{formatPrice(legend.bar.low)}</span>
            </span>
            <span>
              종 <span className={toneTextClass(change)}>{formatPrice(legend.bar.close)}</span>
              {change !== null ? <span className={`ml-1 ${toneTextClass(change)}`}>{formatPercent(change)}</span> : null}
            </span>
            <span className="hidden sm:inline">거래량 {formatVolume(legend.bar.volume, true)}</span>
            {MA_PERIODS.map((p, i) => (
              <span key={p} className="hidden sm:inline" style={{ color: MA_COLORS[i] }}>
                MA{p} {legend.ma[i] === null ? '-' : formatPrice(Math.round(legend.ma[i]))}
              </span>
            ))}
          </>
        ) : null}
      </div>
      <div ref={containerRef} className="h-full w-full" />
    </div>
  );
}
