// The chart library is loaded only when a chart is on screen; the fallback keeps the final
// height so nothing below moves when it arrives.
import { lazy, Suspense, type ComponentProps } from 'react';
import { Skeleton } from '@/components/ui/skeleton';
import { DEFAULT_SELECTION, chartHeight } from '@/lib/indicators/catalog';

const CandleChartImpl = lazy(() => import('@/components/charts/candle-chart'));
const AreaChartImpl = lazy(() => import('@/components/charts/area-chart'));
const LineOverlayChartImpl = lazy(() => import('@/components/charts/line-overlay-chart'));

export function CandleChart(props: ComponentProps<typeof CandleChartImpl>) {
  const h = chartHeight(props.height ?? 420, props.indicators ?? DEFAULT_SELECTION);
  return (
    <Suspense fallback={<Skeleton style={{ height: h }} className="w-full" />}>
      <CandleChartImpl {...props} />
    </Suspense>
  );
}

export function AreaChart(props: ComponentProps<typeof AreaChartImpl>) {
  const h = props.height ?? 160;
  return (
    <Suspense fallback={<Skeleton style={{ height: h }} className="w-full" />}>
      <AreaChartImpl {...props} />
    </Suspense>
  );
}

export function LineOverlayChart(props: ComponentProps<typeof LineOverlayChartImpl>) {
  const h = (props.height ?? 360) + 24;
  return (
    <Suspense fallback={<Skeleton style={{ height: h }} className="w-full" />}>
      <LineOverlayChartImpl {...props} />
    </Suspense>
  );
}
