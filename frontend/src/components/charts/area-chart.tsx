// A small area chart (index levels) — lazy-loaded with the chart library.
import { useEffect, useRef } from 'react';
import { AreaSeries, createChart, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts';
import type { LinePoint } from '@/lib/chart/bars';
import { CHART_COLORS, formatIndex } from '@/lib/format';
import { baseChartOptions } from '@/components/charts/chart-theme';

export default function AreaChart({ points, rising, height = 160 }: { points: LinePoint[]; rising: boolean; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<IChartApi | null>(null);
  const seriesRef = useRef<ISeriesApi<'Area'> | null>(null);

  useEffect(() => {
    if (!ref.current) return;
    const chart = createChart(ref.current, {
      ...baseChartOptions({ intraday: false, priceFormatter: (p) => formatIndex(p) }),
      handleScroll: false,
      handleScale: false,
    });
    chart.applyOptions({
      layout: { attributionLogo: false },
      rightPriceScale: { visible: false },
      leftPriceScale: { visible: false },
      grid: { horzLines: { visible: false }, vertLines: { visible: false } },
    });
    seriesRef.current = chart.addSeries(AreaSeries, { lineWidth: 2, priceLineVisible: false });
    chartRef.current = chart;
    return () => {
      chart.remove();
      chartRef.current = null;
      seriesRef.current = null;
    };
  }, []);

  useEffect(() => {
    const color = rising ? CHART_COLORS.up : CHART_COLORS.down;
    seriesRef.current?.applyOptions({
      lineColor: color,
      topColor: rising ? 'rgba(214,38,59,0.25)' : 'rgba(29,95,209,0.25)',
      bottomColor: 'rgba(255,255,255,0)',
    });
    seriesRef.current?.setData(points.map((p) => ({ time: p.time as UTCTimestamp, value: p.value })));
    chartRef.current?.timeScale().fitContent();
  }, [points, rising]);

  return <div ref={ref} style={{ height }} className="w-full" />;
}
