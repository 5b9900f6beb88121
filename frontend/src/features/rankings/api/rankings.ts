// GET /rankings/companies, /rankings/industries, /rankings/industries/{id}/companies.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { CompanyRankingRow, IndustryRankingRow } from '@/types/api';

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
