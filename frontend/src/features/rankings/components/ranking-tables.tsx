// Market-cap ranking tables for companies and industries.
import { Link } from 'react-router';
import { ChangeText } from '@/components/ui/change';
import { SkeletonRows } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { formatKrw, formatKrwCompact, formatNumber, formatPrice } from '@/lib/format';
import type { CompanyRankingRow, IndustryRankingRow } from '@/types/api';

type QueryLike<T> = {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data?: { data: T[] };
  refetch: () => unknown;
  isPlaceholderData?: boolean;
};

export function CompanyRankingTable({
  query,
  compact = false,
  rows = 10,
  showIndustry = !compact,
}: {
  query: QueryLike<CompanyRankingRow>;
  compact?: boolean;
  rows?: number;
  showIndustry?: boolean;
}) {
  if (query.isPending) return <SkeletonRows rows={rows} rowClass="h-10" />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} title="순위를 불러오지 못했습니다" />;
  const list = query.data?.data ?? [];
  if (list.length === 0) return <EmptyState>순위 데이터가 없습니다.</EmptyState>;
  return (
    <div className={`overflow-x-auto ${query.isPlaceholderData ? 'opacity-60' : ''}`}>
      <table className="w-full text-sm" data-testid="company-ranking">
        <caption className="sr-only">시가총액 순위</caption>
        <thead className="border-b border-slate-200 text-xs text-slate-500">
          <tr>
            <th scope="col" className="w-10 py-2 text-left font-medium">
              순위
            </th>
            <th scope="col" className="text-left font-medium">
              종목
            </th>
            {showIndustry ? (
              <th scope="col" className="hidden text-left font-medium md:table-cell">
                업종
              </th>
            ) : null}
            <th scope="col" className="text-right font-medium">
              현재가
            </th>
            <th scope="col" className="text-right font-medium">
              등락률
            </th>
            <th scope="col" className={`text-right font-medium ${compact ? 'hidden sm:table-cell' : ''}`}>
              시가총액
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {list.map((r) => (
            <tr key={r.companyId} className="hover:bg-slate-50">
              <td className="py-2 text-slate-500">{r.rank}</td>
              <td className="max-w-[10rem] sm:max-w-none">
                <Link to={`/companies/${r.companyId}`} className="block truncate font-medium hover:underline">
                  {r.name}
                </Link>
                <span className="text-xs text-slate-500">
                  {r.symbol} · {r.market}
                </span>
              </td>
              {showIndustry ? <td className="hidden text-slate-600 md:table-cell">{r.industryName ?? '-'}</td> : null}
              <td className="text-right">{formatPrice(r.price)}</td>
              <td className="text-right">
                <ChangeText changePercent={r.changePercent} showAbsolute={false} />
              </td>
              <td className={`text-right text-slate-700 ${compact ? 'hidden sm:table-cell' : ''}`} title={formatKrw(r.marketCap)}>
                {formatKrwCompact(r.marketCap)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function IndustryRankingTable({ query, limit }: { query: QueryLike<IndustryRankingRow>; limit?: number }) {
  if (query.isPending) return <SkeletonRows rows={limit ?? 10} rowClass="h-10" />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} title="산업 순위를 불러오지 못했습니다" />;
  const list = (query.data?.data ?? []).slice(0, limit);
  if (list.length === 0) return <EmptyState>산업 순위 데이터가 없습니다.</EmptyState>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="industry-ranking">
        <caption className="sr-only">산업 시가총액 순위</caption>
        <thead className="border-b border-slate-200 text-xs text-slate-500">
          <tr>
            <th scope="col" className="w-10 py-2 text-left font-medium">
              순위
            </th>
            <th scope="col" className="text-left font-medium">
              산업
            </th>
            <th scope="col" className="text-right font-medium">
              기업 수
            </th>
            <th scope="col" className="text-right font-medium">
              등락률
            </th>
            <th scope="col" className="text-right font-medium">
              시가총액
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {list.map((r) => (
            <tr key={r.industryId} className="hover:bg-slate-50">
              <td className="py-2 text-slate-500">{r.rank}</td>
              <td className="max-w-[11rem] sm:max-w-none">
                <Link to={`/industries/${r.industryId}`} className="block truncate font-medium hover:underline">
                  {r.name}
                </Link>
              </td>
              <td className="text-right text-slate-600">{formatNumber(r.companyCount)}</td>
              <td className="text-right">
                <ChangeText changePercent={r.changePercent} showAbsolute={false} />
              </td>
              <td className="text-right text-slate-700" title={formatKrw(r.marketCap)}>
                {formatKrwCompact(r.marketCap)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
