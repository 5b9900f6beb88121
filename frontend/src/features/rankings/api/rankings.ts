// GET /rankings/companies, /rankings/daily, /rankings/industries, /rankings/industries/{id}/companies.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { CompanyRankingRow, DailyRankingKind, DailyRankingRow, IndustryRankingRow } from '@/types/api';

export type MarketFilter = 'ALL' | 'KOSPI' | 'KOSDAQ';

export function useCompanyRanking({ market, page, size }: { market: MarketFilter; page: number; size: number }) {
  return useQuery({
    queryKey: ['rankings', 'companies', market, page, size],
    queryFn: ({ signal }) =>
      apiRequest<CompanyRankingRow[]>('/rankings/companies', {
        query: { market: market === 'ALL' ? undefined : market, page, size },
        signal,
      }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/** 거래량, 거래대금, 상승률, 하락률, 52주 신고가/신저가 of one trading day (the response's asOf). */
export function useDailyRanking({
  kind,
  market,
  page,
  size,
}: {
  kind: DailyRankingKind;
  market: MarketFilter;
  page: number;
  size: number;
}) {
  return useQuery({
    queryKey: ['rankings', 'daily', kind, market, page, size],
    queryFn: ({ signal }) =>
      apiRequest<DailyRankingRow[]>('/rankings/daily', {
        query: { kind, market: market === 'ALL' ? undefined : market, page, size },
        signal,
      }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

export function useIndustryRanking() {
  return useQuery({
    queryKey: ['rankings', 'industries'],
    queryFn: ({ signal }) => apiRequest<IndustryRankingRow[]>('/rankings/industries', { signal }),
    staleTime: 5 * 60_000,
  });
}

export function useIndustryCompanies(industryId: string, page: number, size = 20) {
  return useQuery({
    queryKey: ['rankings', 'industries', industryId, 'companies', page, size],
    queryFn: ({ signal }) =>
      apiRequest<CompanyRankingRow[]>(`/rankings/industries/${encodeURIComponent(industryId)}/companies`, {
        query: { page, size },
        signal,
      }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}
