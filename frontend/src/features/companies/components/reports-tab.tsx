import { CollectorIdleNotice } from '@/components/collector-idle-notice';
import { SkeletonRows } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { useReports } from '@/features/companies/api/company';
import { formatKstDate } from '@/lib/format';

export function ReportsTab({ companyId }: { companyId: string }) {
  const q = useReports(companyId);
  if (q.isPending) return <SkeletonRows rows={5} rowClass="h-12" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} title="공시 목록을 불러오지 못했습니다" />;
  const items = q.data.data ?? [];
  if (items.length === 0) {
    return (
      <EmptyState>
        <div className="space-y-2">
          <p>등록된 공시 보고서가 없습니다.</p>
          <CollectorIdleNotice collector="dart" label="공시 수집기" />
        </div>
      </EmptyState>
    );
  }
  return (
    <ul className="divide-y divide-slate-100">
      {items.map((r) => (
        <li key={r.reportId} className="flex flex-wrap items-center gap-2 py-3">
          <a href={r.url} target="_blank" rel="noopener noreferrer" className="min-w-0 flex-1 font-medium text-slate-900 hover:underline">
            {r.reportName}
            <span className="sr-only"> (DART 새 창)</span>
          </a>
          {r.reportType ? <span className="text-xs text-slate-500">{r.reportType}</span> : null}
          <time className="w-24 text-right text-xs text-slate-500" dateTime={r.filedAt ?? undefined}>
            {formatKstDate(r.filedAt)}
          </time>
        </li>
      ))}
      <li className="pt-3 text-xs text-slate-500">보고서 원문은 금융감독원 전자공시시스템(DART)에서 열립니다.</li>
    </ul>
  );
}
