import { Link } from 'react-router';
import { Button } from '@/components/ui/button';
import { SkeletonRows } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { useComparisons, useDeleteComparison } from '@/features/comparisons/api/comparisons';
import { formatKstDate } from '@/lib/format';

export function ComparisonList() {
  const q = useComparisons();
  const del = useDeleteComparison();
  if (q.isPending) return <SkeletonRows rows={4} rowClass="h-14" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} title="비교 목록을 불러오지 못했습니다" />;
  const list = q.data.data ?? [];
  if (list.length === 0) return <EmptyState>저장한 비교가 없습니다. 새 비교를 만들어 보세요.</EmptyState>;
  return (
    <ul className="divide-y divide-slate-100" data-testid="comparison-list">
      {list.map((c) => (
        <li key={c.comparisonId} className="flex flex-wrap items-center gap-3 py-3">
          <Link to={`/comparisons/${c.comparisonId}`} className="min-w-0 flex-1 hover:underline">
            <span className="block font-medium">{c.name}</span>
            <span className="block truncate text-xs text-slate-500">{c.companies.map((x) => x.companyName).join(', ')}</span>
          </Link>
          <span className="text-xs text-slate-500">{formatKstDate(c.createdAt)}</span>
          <Button
            variant="ghost"
            size="sm"
            disabled={del.isPending}
            aria-label={`${c.name} 삭제`}
            onClick={() => {
              if (window.confirm(`'${c.name}' 비교를 삭제할까요?`)) del.mutate(c.comparisonId);
            }}
          >
            삭제
          </Button>
        </li>
      ))}
    </ul>
  );
}
