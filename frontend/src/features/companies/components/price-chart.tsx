// The company's price chart: interval switcher (1분 … 월), indicator switches, history from the
// api, live forming candle from the stream (signed-in users), gaps in the live feed (marked bars and
// a note), and honest loading / empty / error states at the chart's height. One series per chart:
// real history is never extended by simulated ticks, nor the reverse.
import { useCallback, useMemo, useRef } from 'react';
import { IndicatorToolbar } from '@/components/charts/indicator-toolbar';
import { CandleChart } from '@/components/charts/lazy';
import { Button } from '@/components/ui/button';
import { SourceNote } from '@/components/ui/source-note';
import { EmptyState, ErrorState, Spinner } from '@/components/ui/states';
import { Skeleton } from '@/components/ui/skeleton';
import { useOhlcv } from '@/features/companies/api/ohlcv';
import { ApiError } from '@/lib/api-client';
import { INTERVALS, INTERVAL_LABELS, INTERVAL_NAMES, isIntraday, type Interval, type TickLike } from '@/lib/chart/bars';
import { describeGap, gapMarkers } from '@/lib/chart/gaps';
import { isSimulatedSource } from '@/lib/data-source';
import { chartHeight } from '@/lib/indicators/catalog';
import { useIndicatorSelection } from '@/lib/indicators/preferences';
import { subscribeSymbolEvents } from '@/lib/stream/live';

const HEIGHT = 420;

/** A live tick may extend the chart only when it is of the chart's kind (simulated or real). */
function sameKind(tickSource: string | null | undefined, simulatedSeries: boolean | null): boolean {
  return simulatedSeries === null || isSimulatedSource(tickSource) === simulatedSeries;
}

export function PriceChart({
  companyId,
  symbol,
  interval,
  onInterval,
  live,
}: {
  companyId: string;
  symbol: string;
  interval: Interval;
  onInterval: (i: Interval) => void;
  live: boolean;
}) {
  const q = useOhlcv(companyId, interval);
  const [indicators, toggleIndicator] = useIndicatorSelection();
  const height = chartHeight(HEIGHT, indicators);
  const wrapRef = useRef<HTMLDivElement>(null);
  const liveCount = useRef(0);

  const simulatedSeries = q.data?.simulated ?? null;
  const subscribeLive = useCallback(
    (onTick: (t: TickLike) => void) =>
      subscribeSymbolEvents(symbol, (e) => {
        if (e.kind === 'tick' && sameKind(e.tick.source, simulatedSeries)) onTick(e.tick);
      }),
    [symbol, simulatedSeries],
  );

  const onLiveBar = useCallback(() => {
    liveCount.current += 1;
    if (wrapRef.current) wrapRef.current.dataset.liveUpdates = String(liveCount.current);
  }, []);

  const data = q.data;
  const gapMarks = useMemo(() => (data ? gapMarkers(data.gaps, data.bars, data.interval) : []), [data]);
  const switching = q.isFetching && data?.interval !== interval;
  // An api without weekly/monthly bars refuses the interval as a bad request: say so, not "error".
  const unsupported =
    q.isError && !data && !isIntraday(interval) && interval !== '1d' && q.error instanceof ApiError && q.error.code === 'INVALID_REQUEST';
  const state = unsupported
    ? 'unsupported'
    : q.isError && !data
      ? 'error'
      : !data
        ? 'loading'
        : switching
          ? 'loading'
          : data.bars.length === 0
            ? 'empty'
            : 'ready';

  return (
    <section aria-labelledby="chart-title" className="rounded-xl border border-slate-200 bg-white p-3 shadow-sm sm:p-4">
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <h2 id="chart-title" className="text-base font-semibold">
          주가 차트 <span className="text-xs font-normal text-slate-500">(한국시간 기준)</span>
        </h2>
        <div role="group" aria-label="차트 주기" className="inline-flex rounded-lg border border-slate-300 bg-slate-50 p-0.5">
          {INTERVALS.map((i) => (
            <button
              key={i}
              type="button"
              aria-pressed={i === interval}
              data-interval={i}
              onClick={() => onInterval(i)}
              className={`min-h-9 min-w-11 rounded-md px-2.5 text-sm ${i === interval ? 'bg-slate-900 font-semibold text-white' : 'text-slate-700 hover:bg-white'}`}
            >
              {INTERVAL_LABELS[i]}
            </button>
          ))}
        </div>
      </div>
      <div className="mb-2">
        <IndicatorToolbar selection={indicators} onToggle={toggleIndicator} />
      </div>
      <div
        ref={wrapRef}
        className="relative"
        style={{ minHeight: height }}
        data-testid="price-chart"
        data-state={state}
        data-interval={data?.interval ?? ''}
        data-requested-interval={interval}
        data-bars={data?.bars.length ?? 0}
        data-simulated={data?.simulated === null || data?.simulated === undefined ? '' : String(data.simulated)}
      >
        {unsupported ? (
          <div style={{ height }} data-testid="interval-unsupported">
            <EmptyState className="h-full flex-col gap-3">
              <span>이 서버는 아직 {INTERVAL_NAMES[interval]} 시세를 제공하지 않습니다. 일봉으로 확인해 보세요.</span>
              <Button size="sm" onClick={() => onInterval('1d')}>
                일봉 보기
              </Button>
            </EmptyState>
          </div>
        ) : q.isError && !data ? (
          <div className="flex items-center justify-center" style={{ height }}>
            <ErrorState error={q.error} onRetry={() => void q.refetch()} title="시세를 불러오지 못했습니다" />
          </div>
        ) : !data ? (
          <Skeleton style={{ height }} className="w-full" />
        ) : data.bars.length === 0 && !switching ? (
          <div style={{ height }}>
            <EmptyState className="h-full">
              {INTERVAL_NAMES[interval]} 시세 데이터가 없습니다.
              {isIntraday(interval)
                ? ' 거래일이면 오늘 분봉을 증권사에서 불러오는 중입니다 (몇 초 뒤 자동으로 다시 확인합니다). 휴장일에는 일봉을 확인해 보세요.'
                : ''}
            </EmptyState>
          </div>
        ) : (
          <>
            <CandleChart
              bars={data.bars}
              interval={data.interval}
              height={HEIGHT}
              indicators={indicators}
              subscribeLive={live && !switching ? subscribeLive : undefined}
              onLiveBar={onLiveBar}
              gapMarks={gapMarks}
            />
            {switching ? (
              <div className="absolute inset-0 flex items-center justify-center bg-white/60">
                <Spinner label={`${INTERVAL_NAMES[interval]} 시세 불러오는 중`} />
              </div>
            ) : null}
          </>
        )}
      </div>
      {data && data.gaps.length > 0 ? (
        <ul className="mt-2 space-y-0.5 text-xs text-slate-600" data-testid="feed-gaps" aria-label="실시간 수집 공백과 보충">
          {data.gaps.map((gap) => (
            <li
              key={`${gap.start}-${gap.end}`}
              data-gap-status={gap.status}
              data-gap-cause={gap.cause}
              className="flex items-start gap-1.5"
            >
              <span
                aria-hidden="true"
                className={`mt-1 inline-block h-2 w-2 shrink-0 ${gap.status === 'repaired' ? 'bg-amber-700' : 'rounded-full bg-slate-600'}`}
              />
              {describeGap(gap, data.interval)}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="mt-2 flex flex-wrap items-center justify-between gap-2 text-xs text-slate-500">
        {data ? <SourceNote source={data.source} asOf={data.asOf} /> : <span />}
        {q.isError && data ? <span className="text-red-700">최신 시세 갱신 실패 — 마지막으로 받은 데이터를 표시 중입니다.</span> : null}
        {!live ? <span>로그인하면 진행 중인 봉이 실시간으로 갱신됩니다.</span> : null}
      </div>
    </section>
  );
}
