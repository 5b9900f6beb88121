// ☆/★ button on the company page. Visitors are sent to log in and brought back.
import { Link, useLocation } from 'react-router';
import { Button } from '@/components/ui/button';
import { buttonClass } from '@/components/ui/button-class';
import { useAddFavorite, useFavorites, useRemoveFavorite } from '@/features/favorites/api/favorites';
import { ApiError, errorMessage } from '@/lib/api-client';
import { useSession } from '@/lib/use-session';

export function FavoriteToggle({ companyId, name }: { companyId: number; name: string }) {
  const session = useSession();
  const location = useLocation();
  const favorites = useFavorites();
  const add = useAddFavorite();
  const remove = useRemoveFavorite();

  if (!session) {
    return (
      <Link
        to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`}
        className={buttonClass('secondary', 'sm')}
        aria-label={`${name} 관심종목에 추가하려면 로그인`}
      >
        <span aria-hidden="true">☆</span> 관심종목
      </Link>
    );
  }

  const fav = favorites.data?.data.find((f) => f.companyId === companyId);
  const busy = add.isPending || remove.isPending || favorites.isPending;
  const error = add.error ?? remove.error;
  const on = Boolean(fav);
  return (
    <span className="inline-flex flex-col items-end">
      <Button
        variant={on ? 'primary' : 'secondary'}
        size="sm"
        aria-pressed={on}
        disabled={busy}
        data-testid="favorite-toggle"
        onClick={() => {
          if (fav) remove.mutate(fav.favoriteId);
          else add.mutate(companyId);
        }}
      >
        <span aria-hidden="true" className={on ? 'text-amber-300' : ''}>
          {on ? '★' : '☆'}
        </span>
        {on ? '관심종목 해제' : '관심종목 추가'}
      </Button>
      {error && !(error instanceof ApiError && error.status === 409) ? (
        <span role="alert" className="mt-1 text-xs text-red-700">
          {errorMessage(error)}
        </span>
      ) : null}
    </span>
  );
}
