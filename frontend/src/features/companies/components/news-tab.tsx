import { useState } from 'react';
import { NewsList } from '@/components/news-list';
import { CollectorIdleNotice } from '@/components/collector-idle-notice';
import { Button } from '@/components/ui/button';
import { SkeletonRows } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { useCompanyNews } from '@/features/companies/api/company';

export function NewsTab({ companyId }: { companyId: string }) {
  const [page, setPage] = useState(1);
  const q = useCompanyNews(companyId, page);
  if (q.isPending) return <SkeletonRows rows={5} rowClass="h-16" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} title="뉴스를 불러오지 못했습니다" />;
  const items = q.data.data ?? [];
  if (items.length === 0 && page === 1) {
    return (
      <EmptyState>
        <div className="space-y-2">
          <p>수집된 관련 뉴스가 없습니다.</p>
          <CollectorIdleNotice collector="news" label="뉴스 수집기" />
        </div>
      </EmptyState>
    );
  }
  const total = q.data.total ?? 0;
  const hasMore = total ? page * 10 < total : items.length === 10;
  return (
    <div>
      <NewsList items={items} />
      <div className="mt-3 flex justify-center gap-2">
        <Button variant="secondary" size="sm" disabled={page === 1 || q.isFetching} onClick={() => setPage((p) => p - 1)}>
          이전
        </Button>
        <span className="self-center text-sm text-slate-600">{page} 페이지</span>
        <Button variant="secondary" size="sm" disabled={!hasMore || q.isFetching} onClick={() => setPage((p) => p + 1)}>
          다음
        </Button>
      </div>
    </div>
  );
}
