// KOSPI / KOSDAQ card: latest level, the day's change and an area chart of closes — a year of
// daily closes, or (일/주/월 switch) three years of weekly or ten of monthly ones.
import { AreaChart } from '@/components/charts/lazy';
import { ChangeText } from '@/components/ui/change';
import { Skeleton } from '@/components/ui/skeleton';
import { SourceNote } from '@/components/ui/source-note';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { INDEX_INTERVALS, useIndex, type IndexInterval, type IndexName } from '@/features/indices/api/indices';
import { INTERVAL_LABELS, INTERVAL_NAMES, normalizeLinePoints } from '@/lib/chart/bars';
import { formatIndex } from '@/lib/format';
import { useMemo, useState } from 'react';

const TITLES: Record<IndexName, string> = { kospi: '코스피', kosdaq: '코스닥' };
const CHART_H = 150;
const SPANS: Record<IndexInterval, string> = { '1d': '최근 1년', '1w': '최근 3년', '1mo': '최근 10년' };

type Latest = { close?: number; change?: number; changePercent?: number; time?: number | string };

export function IndexCard({ name }: { name: IndexName }) {
  const [interval, setChartInterval] = useState<IndexInterval>('1d');
  const q = useIndex(name, interval);
  const rows = q.data?.data;
  const switching = q.isPlaceholderData;
  const points = useMemo(() => normalizeLinePoints((rows ?? []).map((r) => ({ time: r.time, value: r.close }))), [rows]);
  const latest = (q.data?.latest as Latest | undefined) ?? (rows && rows.length ? rows[rows.length - 1] : undefined);
  const rising = (latest?.change ?? 0) >= 0;

  return (
    <section
      aria-labelledby={`idx-${name}`}
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      data-testid={`index-${name}`}
      data-interval={switching ? '' : interval}
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id={`idx-${name}`} className="text-sm font-semibold text-slate-700">
          {TITLES[name]}
        </h2>
        <div
          role="group"
          aria-label={`${TITLES[name]} 차트 주기`}
          className="inline-flex rounded-md border border-slate-300 bg-slate-50 p-0.5"
        >
          {INDEX_INTERVALS.map((i) => (
            <button
              key={i}
              type="button"
              aria-pressed={i === interval}
              aria-label={INTERVAL_NAMES[i]}
              data-index-interval={i}
              onClick={() => setChartInterval(i)}
              className={`min-h-7 min-w-8 rounded px-2 text-xs ${i === interval ? 'bg-slate-900 font-semibold text-white' : 'text-slate-700 hover:bg-white'}`}
            >
              {INTERVAL_LABELS[i]}
            </button>
          ))}
        </div>
      </div>
      <div className="mt-0.5 flex flex-wrap items-baseline justify-between gap-x-2 text-xs text-slate-500">
        <span>
          {SPANS[interval]} {INTERVAL_NAMES[interval]} 종가
        </span>
        {q.data ? <SourceNote source={q.data.source ?? 'krx'} asOf={q.data.asOf ?? latest?.time} /> : null}
      </div>
      <div className="mt-1 flex h-9 items-baseline gap-3">
        {q.isPending ? (
          <Skeleton className="h-8 w-40" />
        ) : latest ? (
          <>
            <span className="text-2xl font-bold">{formatIndex(latest.close)}</span>
            <ChangeText change={latest.change} changePercent={latest.changePercent} className="text-sm font-medium" />
          </>
        ) : null}
      </div>
      <div className="mt-2" style={{ height: CHART_H }}>
        {q.isPending ? (
          <Skeleton style={{ height: CHART_H }} className="w-full" />
        ) : q.isError ? (
          <ErrorState
            error={q.error}
            onRetry={() => void q.refetch()}
            title={`${TITLES[name]} 지수를 불러오지 못했습니다`}
            className="h-full"
          />
        ) : points.length === 0 ? (
          <EmptyState className="h-full">지수 데이터가 없습니다.</EmptyState>
        ) : (
          <div className={switching ? 'opacity-50 transition-opacity' : ''}>
            <AreaChart points={points} rising={rising} height={CHART_H} />
          </div>
        )}
      </div>
    </section>
  );
}
