// Financials: yearly revenue / operating profit / net income bars with the margin line, a
// table of the same figures, and revenue composition (segments) or the main products text.
import { FinancialBars } from '@/components/charts/financial-bars';
import { ShareBar } from '@/components/charts/share-bar';
import { SkeletonRows, Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { useFinancials } from '@/features/companies/api/company';
import { formatKrwCompact, formatPercent, toneTextClass } from '@/lib/format';
import type { YearlyFinancial } from '@/types/api';

function yearLabel(y: YearlyFinancial) {
  const period = y.period && !/^(FY|annual|연간|12M)$/i.test(y.period) ? ` ${y.period}` : '';
  return `${y.fiscalYear}${period}`;
}

export function FinancialsTab({ companyId, mainProducts }: { companyId: string; mainProducts?: string | null }) {
  const q = useFinancials(companyId);
  if (q.isPending)
    return (
      <div className="space-y-3">
        <Skeleton className="h-[290px] w-full" />
        <SkeletonRows rows={4} rowClass="h-8" />
      </div>
    );
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} title="재무 정보를 불러오지 못했습니다" />;
  const f = q.data.data;
  const yearly = [...(f.yearly ?? [])].sort((a, b) => String(a.fiscalYear).localeCompare(String(b.fiscalYear))).slice(-6);
  const segments = (f.segments ?? []).filter((s) => s.segment);
  const products = f.mainProducts ?? mainProducts;
  const unit = f.currency && f.currency !== 'KRW' ? ` (${f.currency})` : '';

  return (
    <div className="space-y-6">
      <div>
        <h3 className="mb-2 text-sm font-semibold">
          연도별 실적{unit}
          {f.basis ? <span className="ml-2 text-xs font-normal text-slate-500">{f.basis}</span> : null}
        </h3>
        {yearly.length === 0 ? (
          <EmptyState>공시된 연간 재무 데이터가 없습니다.</EmptyState>
        ) : (
          <>
            <FinancialBars
              data={yearly.map((y) => ({
                label: yearLabel(y),
                revenue: y.revenue ?? null,
                operatingProfit: y.operatingProfit ?? null,
                netIncome: y.netIncome ?? null,
                margin: y.operatingMargin ?? null,
              }))}
            />
            <div className="mt-3 overflow-x-auto">
              <table className="w-full min-w-[520px] text-right text-sm">
                <caption className="sr-only">연도별 재무 지표</caption>
                <thead className="border-b border-slate-200 text-xs text-slate-500">
                  <tr>
                    <th scope="col" className="py-2 text-left font-medium">
                      회계연도
                    </th>
                    <th scope="col" className="font-medium">
                      매출액
                    </th>
                    <th scope="col" className="font-medium">
                      영업이익
                    </th>
                    <th scope="col" className="font-medium">
                      순이익
                    </th>
                    <th scope="col" className="font-medium">
                      영업이익률
                    </th>
                    <th scope="col" className="font-medium">
                      매출 성장률
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {[...yearly].reverse().map((y) => (
                    <tr key={yearLabel(y)}>
                      <th scope="row" className="py-2 text-left font-medium">
                        {yearLabel(y)}
                      </th>
                      <td>{formatKrwCompact(y.revenue)}</td>
                      <td className={toneTextClass(y.operatingProfit)}>{formatKrwCompact(y.operatingProfit)}</td>
                      <td className={toneTextClass(y.netIncome)}>{formatKrwCompact(y.netIncome)}</td>
                      <td>{formatPercent(y.operatingMargin, 1, false)}</td>
                      <td className={toneTextClass(y.revenueGrowth)}>{formatPercent(y.revenueGrowth, 1)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </div>
      <div>
        <h3 className="mb-2 text-sm font-semibold">
          매출 구성
          {segments[0]?.fiscalYear ? <span className="ml-1 text-xs font-normal text-slate-500">({segments[0].fiscalYear})</span> : null}
        </h3>
        {segments.length > 0 ? (
          <ShareBar items={segments.map((s) => ({ label: s.segment, value: s.revenue ?? null, sharePct: s.sharePct ?? null }))} />
        ) : products ? (
          <p className="rounded-lg bg-slate-50 p-3 text-sm text-slate-800">
            <span className="mr-1 font-medium">주요 제품:</span>
            {products}
            <span className="mt-1 block text-xs text-slate-500">사업부문별 매출 자료가 없어 주요 제품 정보를 표시합니다.</span>
          </p>
        ) : (
          <EmptyState>매출 구성 정보가 없습니다.</EmptyState>
        )}
      </div>
    </div>
  );
}
