// Industry page parts: header facts, news, outlook.
import { useState } from 'react';
import { NewsList } from '@/components/news-list';
import { CollectorIdleNotice } from '@/components/collector-idle-notice';
import { OutlookCard } from '@/components/outlook-card';
import { Button } from '@/components/ui/button';
import { MarketAsOf } from '@/components/ui/source-note';
import { ChangeText } from '@/components/ui/change';
import { Skeleton, SkeletonRows } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { useIndustryAnalysis, useIndustryNews } from '@/features/industries/api/industries';
import { formatKrw, formatNumber } from '@/lib/format';
import type { Industry } from '@/types/api';

export function IndustryHeader({ industry }: { industry: Industry }) {
  return (
    <section aria-labelledby="industry-name" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
      <p className="text-xs text-slate-500">산업{industry.ksicCode ? ` · KSIC ${industry.ksicCode}` : ''}</p>
      <h1 id="industry-name" className="text-xl font-bold sm:text-2xl" data-testid="industry-name">
        {industry.name}
      </h1>
      <dl className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-3">
        <div>
          <dt className="text-xs text-slate-500">상장 기업 수 (가격 있는 기업)</dt>
          <dd className="font-medium">{formatNumber(industry.companyCount)}개</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">시가총액 합계</dt>
          <dd className="font-medium">{formatKrw(industry.marketCap)}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">등락률(시총 가중)</dt>
          <dd>
            <ChangeText changePercent={industry.changePercent} showAbsolute={false} className="font-medium" />
          </dd>
        </div>
      </dl>
      <MarketAsOf asOf={industry.asOf} source={industry.source} excluded={industry.excluded} className="mt-2 block" />
    </section>
  );
}

export function IndustryNews({ industryId }: { industryId: string }) {
  const [page, setPage] = useState(1);
  const q = useIndustryNews(industryId, page);
  if (q.isPending) return <SkeletonRows rows={5} rowClass="h-16" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} title="산업 뉴스를 불러오지 못했습니다" />;
  const items = q.data.data ?? [];
  if (items.length === 0 && page === 1) {
    return (
      <EmptyState>
        <div className="space-y-2">
          <p>수집된 산업 뉴스가 없습니다.</p>
          <CollectorIdleNotice collector="news" label="뉴스 수집기" />
        </div>
      </EmptyState>
    );
  }
  const hasMore = q.data.total ? page * 10 < q.data.total : items.length === 10;
  return (
    <div>
      <NewsList items={items} />
      <div className="mt-3 flex justify-center gap-2">
        <Button variant="secondary" size="sm" disabled={page === 1} onClick={() => setPage((p) => p - 1)}>
          이전
        </Button>
        <Button variant="secondary" size="sm" disabled={!hasMore} onClick={() => setPage((p) => p + 1)}>
          다음
        </Button>
      </div>
    </div>
  );
}

export function IndustryOutlook({ industryId }: { industryId: string }) {
  const q = useIndustryAnalysis(industryId);
  if (q.isPending) return <Skeleton className="h-56 w-full" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} title="산업 전망을 불러오지 못했습니다" />;
  if (!q.data) return <EmptyState>아직 산업 전망 분석이 없습니다.</EmptyState>;
  return <OutlookCard analysis={q.data} />;
}
