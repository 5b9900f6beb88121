// GET /indices/kospi|kosdaq — daily index levels for the home page.
import { useQuery } from '@tanstack/react-query';
import { apiRequest, type Envelope } from '@/lib/api-client';
import type { IndexPoint } from '@/types/api';

export type IndexName = 'kospi' | 'kosdaq';

/** About a year of trading days: the card shows the trend, not the whole history. */
export const INDEX_POINTS = 250;

export function useIndex(name: IndexName) {
  return useQuery({
    queryKey: ['indices', name, '1d'],
    // No start date: the bundled index history may end long before today, so let the api pick
    // its default window (ending at the newest stored point) and keep the last year of it.
    queryFn: async ({ signal }): Promise<Envelope<IndexPoint[]>> => {
      const res = await apiRequest<IndexPoint[]>(`/indices/${name}`, { query: { interval: '1d' }, signal });
      return { ...res, data: Array.isArray(res.data) ? res.data.slice(-INDEX_POINTS) : [] };
    },
    staleTime: 5 * 60_000,
  });
}
