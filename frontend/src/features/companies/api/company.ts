// GET /companies/{id} and its sub-resources (financials, news, reports, analysis).
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest, ApiError } from '@/lib/api-client';
import type { Analysis, Company, Financials, NewsItem, Report } from '@/types/api';

export const companyQueryOptions = (companyId: string) =>
  queryOptions({
    queryKey: ['companies', companyId],
    queryFn: ({ signal }) => apiRequest<Company>(`/companies/${encodeURIComponent(companyId)}`, { signal }),
    staleTime: 15_000,
  });

export function useCompany(companyId: string) {
  return useQuery(companyQueryOptions(companyId));
}

export function useFinancials(companyId: string, enabled = true) {
  return useQuery({
    queryKey: ['companies', companyId, 'financials'],
    queryFn: ({ signal }) => apiRequest<Financials>(`/companies/${encodeURIComponent(companyId)}/financials`, { signal }),
    staleTime: 10 * 60_000,
    enabled,
  });
}

export function useCompanyNews(companyId: string, page: number, enabled = true) {
  return useQuery({
    queryKey: ['companies', companyId, 'news', page],
    queryFn: ({ signal }) =>
      apiRequest<NewsItem[]>(`/companies/${encodeURIComponent(companyId)}/news`, { query: { page, size: 10 }, signal }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useReports(companyId: string, enabled = true) {
  return useQuery({
    queryKey: ['companies', companyId, 'reports'],
    queryFn: ({ signal }) => apiRequest<Report[]>(`/companies/${encodeURIComponent(companyId)}/reports`, { signal }),
    staleTime: 10 * 60_000,
    enabled,
  });
}

/** The analysis, or null when none has been generated yet (404). */
export function useCompanyAnalysis(companyId: string, enabled = true) {
  return useQuery({
    queryKey: ['companies', companyId, 'analysis'],
    queryFn: async ({ signal }) => {
      try {
        return (await apiRequest<Analysis>(`/companies/${encodeURIComponent(companyId)}/analysis`, { signal })).data;
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
    staleTime: 10 * 60_000,
    enabled,
  });
}
