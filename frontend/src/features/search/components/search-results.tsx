// Full search results (Enter in the search box without picking a suggestion).
import { Link } from 'react-router';
import { Card } from '@/components/ui/card';
import { ChangeText } from '@/components/ui/change';
import { Pagination } from '@/components/ui/pagination';
import { SkeletonRows } from '@/components/ui/skeleton';
import { MarketAsOf } from '@/components/ui/source-note';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { useCompanySearch } from '@/features/search/api/search-companies';
import { addRecent } from '@/features/search/recent-searches';
import { formatKrwCompact, formatPrice } from '@/lib/format';

export function SearchResults({ keyword, page, onPage }: { keyword: string; page: number; onPage: (p: number) => void }) {
  const q = useCompanySearch(keyword, page);
  if (!keyword) return <EmptyState>검색어를 입력해 주세요.</EmptyState>;
  return (
    <Card title={`'${keyword}' 검색 결과${q.data?.total !== undefined ? ` ${q.data.total}건` : ''}`}>
      {q.isPending ? (
        <SkeletonRows rows={8} rowClass="h-12" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.data.length === 0 ? (
        <EmptyState>일치하는 기업이 없습니다. 종목코드(예: 005930)나 초성(예: ㅅㅅㅈㅈ)으로도 찾을 수 있습니다.</EmptyState>
      ) : (
        <>
          <MarketAsOf asOf={q.data.asOf} source={q.data.source} excluded={q.data.excluded as number | undefined} className="mb-1 block" />
          <ul className="divide-y divide-slate-100">
            {q.data.data.map((c) => (
              <li key={c.companyId}>
                <Link
                  to={`/companies/${c.companyId}`}
                  onClick={() => addRecent(c)}
                  className="flex items-center gap-3 py-3 hover:bg-slate-50"
                >
                  <span className="min-w-0 flex-1">
                    <span className="block font-medium">{c.name}</span>
                    <span className="block text-xs text-slate-500">
                      {c.symbol} · {c.market}
                      {c.industryName ? ` · ${c.industryName}` : ''}
                    </span>
                  </span>
                  <span className="text-right text-sm">
                    <span className="block">{formatPrice(c.price)}</span>
                    <ChangeText changePercent={c.changePercent} showAbsolute={false} className="text-xs" />
                  </span>
                  <span className="hidden w-24 text-right text-sm text-slate-600 sm:block">{formatKrwCompact(c.marketCap)}</span>
                </Link>
              </li>
            ))}
          </ul>
          {q.data.total && q.data.size ? <Pagination page={page} size={q.data.size} total={q.data.total} onPage={onPage} /> : null}
        </>
      )}
    </Card>
  );
}
