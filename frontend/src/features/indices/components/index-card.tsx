// KOSPI / KOSDAQ card: latest level, the day's change and a one-year area chart.
import { AreaChart } from '@/components/charts/lazy';
import { ChangeText } from '@/components/ui/change';
import { Skeleton } from '@/components/ui/skeleton';
import { SourceNote } from '@/components/ui/source-note';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { useIndex, type IndexName } from '@/features/indices/api/indices';
import { normalizeLinePoints } from '@/lib/chart/bars';
import { formatIndex } from '@/lib/format';
import { useMemo } from 'react';

const TITLES: Record<IndexName, string> = { kospi: '코스피', kosdaq: '코스닥' };
const CHART_H = 150;

type Latest = { close?: number; change?: number; changePercent?: number; time?: number | string };

export function IndexCard({ name }: { name: IndexName }) {
  const q = useIndex(name);
  const rows = q.data?.data;
  const points = useMemo(() => normalizeLinePoints((rows ?? []).map((r) => ({ time: r.time, value: r.close }))), [rows]);
  const latest = (q.data?.latest as Latest | undefined) ?? (rows && rows.length ? rows[rows.length - 1] : undefined);
  const rising = (latest?.change ?? 0) >= 0;

  return (
    <section
      aria-labelledby={`idx-${name}`}
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      data-testid={`index-${name}`}
    >
      <div className="flex items-baseline justify-between gap-2">
        <h2 id={`idx-${name}`} className="text-sm font-semibold text-slate-700">
          {TITLES[name]}
        </h2>
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
          <AreaChart points={points} rising={rising} height={CHART_H} />
        )}
      </div>
    </section>
  );
}
