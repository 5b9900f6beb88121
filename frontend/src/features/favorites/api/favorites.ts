// GET/POST/DELETE /users/favorites (signed-in users only).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { useSession } from '@/lib/use-session';
import type { Favorite } from '@/types/api';

const KEY = ['favorites'] as const;

export function useFavorites() {
  const session = useSession();
  return useQuery({
    queryKey: [...KEY, session?.user?.userId ?? 'me'],
    queryFn: ({ signal }) => apiRequest<Favorite[]>('/users/favorites', { auth: 'required', signal }),
    enabled: session !== null,
    staleTime: 15_000,
  });
}

export function useAddFavorite() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (companyId: number) => apiRequest<Favorite>('/users/favorites', { method: 'POST', auth: 'required', body: { companyId } }),
    onSettled: () => qc.invalidateQueries({ queryKey: KEY }),
  });
}

export function useRemoveFavorite() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (favoriteId: number) => apiRequest<null>(`/users/favorites/${favoriteId}`, { method: 'DELETE', auth: 'required' }),
    onSettled: () => qc.invalidateQueries({ queryKey: KEY }),
  });
}
