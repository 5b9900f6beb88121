// One comparison: % performance lines normalised at the server's base date, and a
// side-by-side table of key figures.
import { useMemo } from 'react';
import { Link } from 'react-router';
import { LineOverlayChart } from '@/components/charts/lazy';
import { Card } from '@/components/ui/card';
import { ChangeText } from '@/components/ui/change';
import { Skeleton, SkeletonRows } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { MarketAsOf } from '@/components/ui/source-note';
import { PERIODS, useComparison } from '@/features/comparisons/api/comparisons';
import { normalizeLinePoints } from '@/lib/chart/bars';
import { formatKrwCompact, formatKstDate, formatNumber, formatPercent, formatPrice, toneTextClass } from '@/lib/format';
import type { ComparisonDetail, ComparisonPeriod } from '@/types/api';

const PALETTE = ['#d6263b', '#1d5fd1', '#059669', '#f59e0b', '#8b5cf6', '#0f172a', '#ec4899', '#0891b2', '#65a30d', '#b45309'];

export function ComparisonView({
  id,
  period,
  onPeriod,
}: {
  id: string;
  period: ComparisonPeriod;
  onPeriod: (p: ComparisonPeriod) => void;
}) {
  const q = useComparison(id, period);
  const detail = q.data?.data;
  const series = useMemo(() => {
    if (!detail) return [];
    return detail.performance.map((p, i) => {
      const c = detail.companies.find((x) => x.companyId === p.companyId);
      return {
        id: String(p.companyId),
        name: c?.companyName ?? p.symbol,
        color: PALETTE[i % PALETTE.length],
        points: normalizeLinePoints(p.points),
      };
    });
  }, [detail]);

  if (q.isPending)
    return (
      <div className="space-y-4">
        <Skeleton className="h-8 w-60" />
        <Skeleton className="h-[420px] w-full" />
        <SkeletonRows rows={6} />
      </div>
    );
  if (q.isError || !detail) return <ErrorState error={q.error} onRetry={() => void q.refetch()} title="비교를 불러오지 못했습니다" />;

  const rows: { label: string; render: (c: ComparisonDetail['companies'][number]) => React.ReactNode }[] = [
    { label: '시장', render: (c) => c.market ?? '-' },
    { label: '현재가', render: (c) => formatPrice(c.price) },
    { label: '등락률', render: (c) => <ChangeText change={c.change} changePercent={c.changePercent} /> },
    {
      label: '기간 수익률',
      render: (c) => {
        const s = series.find((x) => x.id === String(c.companyId));
        const v = s?.points[s.points.length - 1]?.value;
        return <span className={toneTextClass(v)}>{formatPercent(v)}</span>;
      },
    },
    { label: '시가총액', render: (c) => formatKrwCompact(c.marketCap) },
    { label: '매출액', render: (c) => formatKrwCompact(c.revenue) },
    { label: '영업이익률', render: (c) => formatPercent(c.operatingMargin, 1, false) },
    { label: '매출 성장률', render: (c) => <span className={toneTextClass(c.revenueGrowth)}>{formatPercent(c.revenueGrowth, 1)}</span> },
    { label: 'PER', render: (c) => (c.per === null || c.per === undefined ? '-' : `${formatNumber(c.per, 2)}배`) },
    { label: '재무 기준연도', render: (c) => c.fiscalYear ?? '-' },
  ];

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 className="text-xl font-bold sm:text-2xl" data-testid="comparison-name">
            {detail.name}
          </h1>
          <p className="text-xs text-slate-500">
            {detail.createdAt ? `${formatKstDate(detail.createdAt)} 생성 · ` : ''}
            {detail.baseDate ? `기준일 ${formatKstDate(detail.baseDate)} 종가 = 0%` : ''}
          </p>
          <MarketAsOf asOf={detail.asOf} source={detail.source} excluded={detail.excluded} className="block" />
        </div>
        <div role="group" aria-label="비교 기간" className="inline-flex rounded-lg border border-slate-300 bg-slate-50 p-0.5">
          {PERIODS.map((p) => (
            <button
              key={p.id}
              type="button"
              aria-pressed={p.id === period}
              onClick={() => onPeriod(p.id)}
              className={`min-h-9 rounded-md px-2.5 text-sm ${p.id === period ? 'bg-slate-900 font-semibold text-white' : 'text-slate-700 hover:bg-white'}`}
            >
              {p.label}
            </button>
          ))}
        </div>
      </div>
      <Card title="수익률 비교 (%)">
        <div className={q.isPlaceholderData ? 'opacity-60' : ''}>
          {series.every((s) => s.points.length === 0) ? (
            <EmptyState className="h-[384px]">이 기간의 가격 데이터가 없습니다.</EmptyState>
          ) : (
            <LineOverlayChart series={series} height={360} />
          )}
        </div>
      </Card>
      <Card title="주요 지표 비교">
        <div className="overflow-x-auto">
          <table className="w-full min-w-[480px] text-sm" data-testid="comparison-table">
            <caption className="sr-only">기업별 주요 지표</caption>
            <thead>
              <tr className="border-b border-slate-200">
                <th scope="col" className="sticky left-0 bg-white py-2 text-left text-xs font-medium text-slate-500">
                  지표
                </th>
                {detail.companies.map((c, i) => (
                  <th key={c.companyId} scope="col" className="px-2 py-2 text-right font-semibold">
                    <span
                      aria-hidden="true"
                      className="mr-1 inline-block h-2 w-2 rounded-full"
                      style={{ background: PALETTE[i % PALETTE.length] }}
                    />
                    <Link to={`/companies/${c.companyId}`} className="hover:underline">
                      {c.companyName}
                    </Link>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((r) => (
                <tr key={r.label}>
                  <th scope="row" className="sticky left-0 bg-white py-2 text-left text-xs font-medium text-slate-500">
                    {r.label}
                  </th>
                  {detail.companies.map((c) => (
                    <td key={c.companyId} className="px-2 text-right">
                      {r.render(c)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
    </div>
  );
}
