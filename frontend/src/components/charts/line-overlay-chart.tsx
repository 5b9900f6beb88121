// Overlay of several % performance lines (comparisons), 0 % baseline at the period start.
import { useEffect, useRef, useState } from 'react';
import {
  LineSeries,
  createChart,
  type IChartApi,
  type ISeriesApi,
  type MouseEventParams,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import type { LinePoint } from '@/lib/chart/bars';
import { formatPercent, toneTextClass } from '@/lib/format';
import { baseChartOptions, formatChartTime } from '@/components/charts/chart-theme';

export type OverlaySeries = { id: string; name: string; color: string; points: LinePoint[] };

export default function LineOverlayChart({ series, height = 360 }: { series: OverlaySeries[]; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<IChartApi | null>(null);
  const seriesRefs = useRef<Map<string, ISeriesApi<'Line'>>>(new Map());
  const [hover, setHover] = useState<{ time: Time; values: Map<string, number> } | null>(null);

  useEffect(() => {
    if (!ref.current) return;
    const chart = createChart(ref.current, baseChartOptions({ intraday: false, priceFormatter: (p) => formatPercent(p) }));
    // TradingView is credited in the page footer; the logo would cover the start of the lines.
    chart.applyOptions({ layout: { attributionLogo: false } });
    const onMove = (param: MouseEventParams<Time>) => {
      if (param.time === undefined || !param.point) {
        setHover(null);
        return;
      }
      const values = new Map<string, number>();
      for (const [id, s] of seriesRefs.current) {
        const d = param.seriesData.get(s) as { value?: number } | undefined;
        if (d && typeof d.value === 'number') values.set(id, d.value);
      }
      setHover({ time: param.time, values });
    };
    chart.subscribeCrosshairMove(onMove);
    chartRef.current = chart;
    const refs = seriesRefs.current;
    return () => {
      chart.unsubscribeCrosshairMove(onMove);
      chart.remove();
      chartRef.current = null;
      refs.clear();
    };
  }, []);

  useEffect(() => {
    const chart = chartRef.current;
    if (!chart) return;
    for (const s of seriesRefs.current.values()) chart.removeSeries(s);
    seriesRefs.current.clear();
    series.forEach((s, i) => {
      const line = chart.addSeries(LineSeries, { color: s.color, lineWidth: 2, priceLineVisible: false, title: '' });
      line.setData(s.points.map((p) => ({ time: p.time as UTCTimestamp, value: p.value })));
      if (i === 0) line.createPriceLine({ price: 0, color: '#94a3b8', lineWidth: 1, lineStyle: 2, axisLabelVisible: true, title: '기준' });
      seriesRefs.current.set(s.id, line);
    });
    chart.timeScale().fitContent();
  }, [series]);

  return (
    <div>
      <ul className="mb-2 flex flex-wrap gap-x-4 gap-y-1 text-xs" aria-label="범례">
        {series.map((s) => {
          const v = hover ? hover.values.get(s.id) : s.points[s.points.length - 1]?.value;
          return (
            <li key={s.id} className="flex items-center gap-1.5">
              <span aria-hidden="true" className="inline-block h-2.5 w-2.5 rounded-full" style={{ background: s.color }} />
              <span className="font-medium text-slate-800">{s.name}</span>
              <span className={toneTextClass(v)}>{v === undefined ? '-' : formatPercent(v)}</span>
            </li>
          );
        })}
        {hover ? <li className="text-slate-500">{formatChartTime(hover.time, false)}</li> : null}
      </ul>
      <div ref={ref} style={{ height }} className="w-full" data-testid="comparison-chart" data-series={series.length} />
    </div>
  );
}
