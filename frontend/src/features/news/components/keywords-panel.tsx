// Trending news keywords as a word cloud, with a 1/7/30-day switch.
import { useState } from 'react';
import { KeywordCloud } from '@/components/keyword-cloud';
import { Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { useKeywords, type KeywordScope } from '@/features/news/api/keywords';

const DAYS = [1, 7, 30] as const;

export function KeywordsPanel({ scope = {}, initialDays = 7 }: { scope?: KeywordScope; initialDays?: 1 | 7 | 30 }) {
  const [days, setDays] = useState<1 | 7 | 30>(initialDays);
  const q = useKeywords(scope, days);
  return (
    <div>
      <div role="group" aria-label="기간" className="mb-2 flex gap-1">
        {DAYS.map((d) => (
          <button
            key={d}
            type="button"
            aria-pressed={d === days}
            onClick={() => setDays(d)}
            className={`min-h-8 rounded-md px-2 text-xs ${d === days ? 'bg-slate-900 text-white' : 'bg-slate-100 text-slate-700 hover:bg-slate-200'}`}
          >
            {d === 1 ? '오늘' : `${d}일`}
          </button>
        ))}
      </div>
      <div className="min-h-40">
        {q.isPending ? (
          <Skeleton className="h-40 w-full" />
        ) : q.isError ? (
          <ErrorState error={q.error} onRetry={() => void q.refetch()} title="키워드를 불러오지 못했습니다" />
        ) : (q.data.data ?? []).length === 0 ? (
          <EmptyState className="h-40">이 기간에 수집된 뉴스 키워드가 없습니다.</EmptyState>
        ) : (
          <KeywordCloud keywords={q.data.data} />
        )}
      </div>
    </div>
  );
}
