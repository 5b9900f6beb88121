// GET /market/status — the KRX market's state now (calendar + clock, corrected by the KIS feed).
import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';

export type MarketState = 'pre_open' | 'opening_auction' | 'open' | 'closing_auction' | 'closed' | 'after_hours' | 'holiday';

export type SessionTimes = { date: string; open: string; close: string; lateOpen: boolean };

export type MarketStatus = {
  state: MarketState;
  label: string;
  tradingDay: boolean;
  /** when this state ends by the calendar (ISO) */
  until: string;
  session: SessionTimes | null;
  nextSession: SessionTimes;
  basis: 'calendar' | 'feed';
  feed: { code: string; state: MarketState | null; at: string; source: string } | null;
  now: string;
};

export function useMarketStatus() {
  return useQuery({
    queryKey: ['market', 'status'],
    queryFn: async ({ signal }) => (await apiRequest<MarketStatus>('/market/status', { signal })).data,
    staleTime: 15_000,
    refetchInterval: 30_000,
    retry: 1,
  });
}
