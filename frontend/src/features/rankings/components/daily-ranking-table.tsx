// The daily rankings (거래량, 거래대금, 상승률, 하락률, 52주 신고가/신저가): one table whose last
// columns depend on the ranking.
import { Link } from 'react-router';
import { ChangeText } from '@/components/ui/change';
import { SkeletonRows } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { formatChangeArrow, formatKrw, formatKrwCompact, formatPrice, formatVolume, toneTextClass } from '@/lib/format';
import { DAILY_RANKINGS } from '@/features/rankings/daily-rankings';
import type { DailyRankingKind, DailyRankingRow } from '@/types/api';

type QueryLike = {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data?: { data: DailyRankingRow[] };
  refetch: () => unknown;
  isPlaceholderData?: boolean;
};

type Column = { header: string; cell: (r: DailyRankingRow) => React.ReactNode; title?: (r: DailyRankingRow) => string | undefined };

const volume: Column = { header: '거래량', cell: (r) => formatVolume(r.volume), title: (r) => `${r.volume.toLocaleString('ko-KR')}주` };
const amount: Column = {
  header: '거래대금',
  cell: (r) => (
    <>
      {r.amountEstimated ? (
        <span className="mr-0.5 text-slate-400" aria-label="추정">
          ≈
        </span>
      ) : null}
      {formatKrwCompact(r.amount)}
    </>
  ),
  title: (r) => `${formatKrw(r.amount)}${r.amountEstimated ? ' (종가 × 거래량 추정)' : ''}`,
};
const change: Column = {
  header: '전일 대비',
  cell: (r) => <span className={toneTextClass(r.change)}>{formatChangeArrow(r.change)}</span>,
};

const EXTRA: Record<DailyRankingKind, Column[]> = {
  volume: [volume],
  amount: [amount],
  gainers: [change, volume],
  losers: [change, volume],
  high52w: [
    { header: '고가', cell: (r) => formatPrice(r.high) },
    { header: '직전 52주 최고', cell: (r) => formatPrice(r.priorWeek52High) },
  ],
  low52w: [
    { header: '저가', cell: (r) => formatPrice(r.low) },
    { header: '직전 52주 최저', cell: (r) => formatPrice(r.priorWeek52Low) },
  ],
};

export function DailyRankingTable({ kind, query, rows = 15 }: { kind: DailyRankingKind; query: QueryLike; rows?: number }) {
  const meta = DAILY_RANKINGS.find((d) => d.kind === kind) ?? DAILY_RANKINGS[0];
  if (query.isPending) return <SkeletonRows rows={rows} rowClass="h-10" />;
  if (query.isError)
    return <ErrorState error={query.error} onRetry={() => query.refetch()} title={`${meta.title}를 불러오지 못했습니다`} />;
  const list = query.data?.data ?? [];
  if (list.length === 0) return <EmptyState>{meta.empty}</EmptyState>;
  const extra = EXTRA[kind];
  return (
    <div className={`overflow-x-auto ${query.isPlaceholderData ? 'opacity-60' : ''}`}>
      <table className="w-full text-sm" data-testid="daily-ranking" data-kind={kind}>
        <caption className="sr-only">{meta.title}</caption>
        <thead className="border-b border-slate-200 text-xs text-slate-500">
          <tr>
            <th scope="col" className="w-10 py-2 text-left font-medium">
              순위
            </th>
            <th scope="col" className="text-left font-medium">
              종목
            </th>
            <th scope="col" className="text-right font-medium">
              종가
            </th>
            <th scope="col" className="text-right font-medium">
              등락률
            </th>
            {extra.map((c, i) => (
              <th key={c.header} scope="col" className={`text-right font-medium ${i > 0 ? 'hidden sm:table-cell' : ''}`}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {list.map((r) => (
            <tr key={r.companyId} className="hover:bg-slate-50">
              <td className="py-2 text-slate-500">{r.rank}</td>
              <td className="max-w-[9rem] sm:max-w-none">
                <Link to={`/companies/${r.companyId}`} className="block truncate font-medium hover:underline">
                  {r.name}
                </Link>
                <span className="text-xs text-slate-500">
                  {r.symbol} · {r.market}
                </span>
              </td>
              <td className="text-right">{formatPrice(r.price)}</td>
              <td className="text-right">
                <ChangeText changePercent={r.changePercent} showAbsolute={false} />
              </td>
              {extra.map((c, i) => (
                <td key={c.header} className={`text-right text-slate-700 ${i > 0 ? 'hidden sm:table-cell' : ''}`} title={c.title?.(r)}>
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
