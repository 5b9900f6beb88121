import { Card } from '@/components/ui/card';
import { FavoritesList } from '@/features/favorites/components/favorites-list';
import { useDocumentTitle } from '@/hooks/use-document-title';

export default function FavoritesRoute() {
  useDocumentTitle('관심종목');
  return (
    <div className="mx-auto max-w-3xl space-y-4">
      <h1 className="text-xl font-bold">관심종목</h1>
      <Card>
        <FavoritesList />
      </Card>
    </div>
  );
}
