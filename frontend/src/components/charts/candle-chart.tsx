// Candlestick + volume chart with the indicators the trader selected (indicator-layer.ts: MA,
// Bollinger, volume MA on the price pane; RSI and MACD in panes below), crosshair legends, day
// separators and a live forming candle. The chart object is owned here: created in an effect,
// removed in its cleanup; history goes through setData, live trades through series.update
// without React.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import {
  CandlestickSeries,
  HistogramSeries,
  createChart,
  createSeriesMarkers,
  type IChartApi,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type MouseEventParams,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { applyTick, commitBar, dayBoundaries, isIntraday, type Bar, type Interval, type TickLike } from '@/lib/chart/bars';
import type { GapMarker } from '@/lib/chart/gaps';
import { DEFAULT_SELECTION, chartHeight, lowerPanes, type IndicatorSelection, type LowerPane } from '@/lib/indicators/catalog';
import { CHART_COLORS } from '@/lib/format';
import { baseChartOptions } from '@/components/charts/chart-theme';
import { MacdLegend, PriceLegend, RsiLegend, type LegendData } from '@/components/charts/chart-legend';
import { DaySeparators } from '@/components/charts/day-separators';
import { IndicatorLayer } from '@/components/charts/indicator-layer';

export type LiveSubscribe = (onTick: (tick: TickLike) => void) => () => void;

const VOLUME_SCALE = 'volume';
/** Roughly 7 px per bar: ~150 bars on a desktop, ~45 on a phone. */
const visibleBars = (width: number) => Math.max(30, Math.min(200, Math.floor(width / 7)));

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
  indicators = DEFAULT_SELECTION,
  onLiveBar,
  gapMarks = [],
}: {
  bars: Bar[];
  interval: Interval;
  subscribeLive?: LiveSubscribe;
  /** Height of the price pane; each RSI / MACD pane adds LOWER_PANE_HEIGHT below it. */
  height?: number;
  indicators?: IndicatorSelection;
  onLiveBar?: (bar: Bar, isNew: boolean) => void;
  /** Bars to mark: repaired from the broker's minute bars, or inside a gap of the feed. */
  gapMarks?: readonly GapMarker[];
}) {
  const containerRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<IChartApi | null>(null);
  const candleRef = useRef<ISeriesApi<'Candlestick'> | null>(null);
  const volumeRef = useRef<ISeriesApi<'Histogram'> | null>(null);
  const layerRef = useRef<IndicatorLayer | null>(null);
  const separatorsRef = useRef<DaySeparators | null>(null);
  const markersRef = useRef<ISeriesMarkersPluginApi<Time> | null>(null);
  const barsRef = useRef<Bar[]>([]);
  const onLiveBarRef = useRef(onLiveBar);
  useLayoutEffect(() => {
    onLiveBarRef.current = onLiveBar;
  }, [onLiveBar]);
  const [legend, setLegend] = useState<LegendData | null>(null);
  const [paneTops, setPaneTops] = useState<Partial<Record<LowerPane, number>>>({});
  const [paneCount, setPaneCount] = useState(0);
  const hoveringRef = useRef(false);
  const intraday = isIntraday(interval);
  const totalHeight = chartHeight(height, indicators);

  const legendAt = (index: number): LegendData | null => {
    const list = barsRef.current;
    const bar = list[index];
    const layer = layerRef.current;
    if (!bar || !layer) return null;
    return { bar, prevClose: index > 0 ? list[index - 1].close : null, index, values: layer.values };
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
      priceScaleId: VOLUME_SCALE,
      lastValueVisible: false,
      priceLineVisible: false,
    });
    vol.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    // Dragging the separators would move the lower panes away from their legends.
    chart.applyOptions({ layout: { panes: { enableResize: false, separatorColor: '#e2e8f0' } } });
    layerRef.current = new IndicatorLayer(chart, VOLUME_SCALE, height);
    const separators = new DaySeparators();
    candles.attachPrimitive(separators);
    markersRef.current = createSeriesMarkers(candles, []);

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
      markersRef.current = null;
      layerRef.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- created once per mount on purpose; the history effect re-applies the options when `intraday` changes
  }, []);

  // Indicator selection: series and panes follow it; the lower legends follow the panes.
  useEffect(() => {
    const chart = chartRef.current;
    const layer = layerRef.current;
    if (!chart || !layer) return;
    layer.setSelection(indicators);
    if (!hoveringRef.current) setLegend(legendAt(barsRef.current.length - 1));
    setPaneCount(chart.panes().length);
    // The panes get their heights when the library lays out (after a resize, on a later frame):
    // measure then, and again whenever the chart's box changes size.
    let frame = 0;
    const measure = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        frame = requestAnimationFrame(() => setPaneTops(layer.lowerPaneTops()));
      });
    };
    measure();
    const observer = new ResizeObserver(measure);
    if (containerRef.current) observer.observe(containerRef.current);
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
    };
  }, [indicators, totalHeight]);

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
    layerRef.current?.setBars(barsRef.current);
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

  // Gaps in the feed: a square under each repaired bar, a circle over each bar of a gap left.
  useEffect(() => {
    markersRef.current?.setMarkers(
      gapMarks.map((m) =>
        m.kind === 'repaired'
          ? { time: t(m.time), position: 'belowBar' as const, shape: 'square' as const, color: CHART_COLORS.repaired, size: 0.6 }
          : { time: t(m.time), position: 'aboveBar' as const, shape: 'circle' as const, color: CHART_COLORS.gap, size: 0.6 },
      ),
    );
  }, [gapMarks, bars]);

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
      layerRef.current?.updateLastBar(list);
      if (merge.isNew && intraday && prevLast && Math.floor(prevLast.time / 86400) !== Math.floor(merge.bar.time / 86400)) {
        separatorsRef.current?.setTimes(dayBoundaries(list));
      }
      if (!hoveringRef.current) setLegend(legendAt(list.length - 1));
      onLiveBarRef.current?.(merge.bar, merge.isNew);
    });
  }, [subscribeLive, interval, intraday]);

  const lower = lowerPanes(indicators);
  return (
    <div
      className="relative w-full"
      style={{ height: totalHeight }}
      data-testid="candle-chart"
      data-indicators={Object.keys(indicators)
        .filter((id) => indicators[id as keyof IndicatorSelection])
        .join(' ')}
      data-panes={paneCount}
    >
      <PriceLegend data={legend} intraday={intraday} />
      {lower.includes('rsi') && paneTops.rsi !== undefined ? <RsiLegend data={legend} top={paneTops.rsi} /> : null}
      {lower.includes('macd') && paneTops.macd !== undefined ? <MacdLegend data={legend} top={paneTops.macd} /> : null}
      <div ref={containerRef} className="h-full w-full" />
    </div>
  );
}
