// GET /indices/kospi|kosdaq?interval=1d|1w|1mo — index levels for the home page's cards.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiRequest, type Envelope } from '@/lib/api-client';
import type { IndexPoint } from '@/types/api';

export type IndexName = 'kospi' | 'kosdaq';
export type IndexInterval = '1d' | '1w' | '1mo';
export const INDEX_INTERVALS: readonly IndexInterval[] = ['1d', '1w', '1mo'];

/** About a year of trading days: the daily card shows the trend, not the whole history. */
export const INDEX_POINTS = 250;

export function useIndex(name: IndexName, interval: IndexInterval = '1d') {
  return useQuery({
    queryKey: ['indices', name, interval],
    // No start date: the bundled index history may end long before today, so let the api pick
    // its default window (ending at the newest stored point: 1 year of days, 3 of weeks, 10 of
    // months) and keep the last year of days.
    queryFn: async ({ signal }): Promise<Envelope<IndexPoint[]>> => {
      const res = await apiRequest<IndexPoint[]>(`/indices/${name}`, { query: { interval }, signal });
      const rows = Array.isArray(res.data) ? res.data : [];
      return { ...res, data: interval === '1d' ? rows.slice(-INDEX_POINTS) : rows };
    },
    staleTime: 5 * 60_000,
    placeholderData: keepPreviousData,
  });
}
