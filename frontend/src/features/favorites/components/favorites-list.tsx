// The signed-in user's favorites with live prices from the stream.
import { Link } from 'react-router';
import { ChangeText } from '@/components/ui/change';
import { SkeletonRows } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { AsOfText, MarketAsOf } from '@/components/ui/source-note';
import { useFavorites, useRemoveFavorite } from '@/features/favorites/api/favorites';
import { isSimulatedSource } from '@/lib/data-source';
import { formatPrice } from '@/lib/format';
import { useLiveQuotes } from '@/lib/stream/live';

export function FavoritesList({ compact = false }: { compact?: boolean }) {
  const favorites = useFavorites();
  const remove = useRemoveFavorite();
  const list = favorites.data?.data ?? [];
  const quotes = useLiveQuotes(list.map((f) => f.symbol));

  if (favorites.isPending) return <SkeletonRows rows={3} rowClass="h-12" />;
  if (favorites.isError) return <ErrorState error={favorites.error} onRetry={() => void favorites.refetch()} />;
  if (list.length === 0) return <EmptyState>관심종목이 없습니다. 기업 페이지에서 ☆ 관심종목 추가를 눌러 보세요.</EmptyState>;
  const meta = favorites.data;
  return (
    <>
      {!compact ? (
        <MarketAsOf asOf={meta?.asOf} source={meta?.source} excluded={meta?.excluded as number | undefined} className="mb-1 block" />
      ) : null}
      <ul className="divide-y divide-slate-100" data-testid="favorites-list">
        {list.map((f) => {
          const live = quotes.get(f.symbol);
          // a list shows real figures of one day: a simulated tick does not replace them
          const q = live && !isSimulatedSource(live.tick.source) ? live : undefined;
          const price = q?.tick.price ?? f.price;
          const change = q?.tick.change ?? f.change;
          const pct = q?.tick.changePercent ?? f.changePercent;
          return (
            <li key={f.favoriteId} className="flex items-center gap-3 py-2.5">
              <Link to={`/companies/${f.companyId}`} className="min-w-0 flex-1 hover:underline">
                <span className="block truncate font-medium">{f.name}</span>
                <span className="block text-xs text-slate-500">
                  {f.symbol} · {f.market}
                  {q ? (
                    <span className="ml-1 text-emerald-700">· 실시간</span>
                  ) : f.asOf ? (
                    <AsOfText asOf={f.asOf} className="ml-1" />
                  ) : null}
                </span>
              </Link>
              <span className="text-right text-sm">
                <span className="block font-semibold">{formatPrice(price)}</span>
                <ChangeText change={compact ? undefined : change} changePercent={pct} className="text-xs" showAbsolute={!compact} />
              </span>
              {!compact ? (
                <button
                  type="button"
                  className="rounded px-2 py-1 text-xs text-slate-500 hover:bg-slate-100 hover:text-slate-800"
                  aria-label={`${f.name} 관심종목 해제`}
                  disabled={remove.isPending}
                  onClick={() => remove.mutate(f.favoriteId)}
                >
                  해제
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
    </>
  );
}
