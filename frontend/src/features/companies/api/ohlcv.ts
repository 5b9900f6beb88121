// GET /companies/{id}/ohlcv?interval= — history plus the unfinished bar, mapped for the chart.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { isIntraday, mergeOpenBar, normalizeBars, type Bar, type Interval, type OhlcvRow } from '@/lib/chart/bars';
import { normalizeGaps, type FeedGap } from '@/lib/chart/gaps';
import type { OhlcvPoint } from '@/types/api';

/** `simulated`: the bars are kissim's replay (true), real history (false), or there are none (null). */
export type OhlcvResult = {
  bars: Bar[];
  interval: Interval;
  asOf: string | null;
  source: string | null;
  simulated: boolean | null;
  gaps: FeedGap[];
};

export async function fetchOhlcv(companyId: string, interval: Interval, signal?: AbortSignal): Promise<OhlcvResult> {
  const res = await apiRequest<OhlcvPoint[]>(`/companies/${encodeURIComponent(companyId)}/ohlcv`, { query: { interval }, signal });
  const rows = Array.isArray(res.data) ? (res.data as OhlcvRow[]) : [];
  const bars = mergeOpenBar(normalizeBars(rows, interval), (res.openBar as OhlcvRow | null | undefined) ?? null, interval);
  return {
    bars,
    interval,
    asOf: (res.asOf as string | null) ?? null,
    source: (res.source as string | null) ?? null,
    simulated: typeof res.simulated === 'boolean' ? res.simulated : null,
    gaps: normalizeGaps(res.gaps),
  };
}

export function useOhlcv(companyId: string, interval: Interval) {
  return useQuery({
    queryKey: ['companies', companyId, 'ohlcv', interval],
    queryFn: ({ signal }) => fetchOhlcv(companyId, interval, signal),
    staleTime: isIntraday(interval) ? 30_000 : 5 * 60_000,
    placeholderData: keepPreviousData,
    // an intraday chart with no bars yet: ingest is filling today's bars from the broker (ingest/backfill.py)
    refetchInterval: (query) => (isIntraday(interval) && query.state.data?.bars.length === 0 ? 5_000 : false),
  });
}
