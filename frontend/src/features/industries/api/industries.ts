// GET /industries, /industries/{id}, its news and its outlook analysis.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiRequest, ApiError } from '@/lib/api-client';
import type { Analysis, Industry, NewsItem } from '@/types/api';

export function useIndustries() {
  return useQuery({
    queryKey: ['industries'],
    queryFn: ({ signal }) => apiRequest<Industry[]>('/industries', { signal }),
    staleTime: 10 * 60_000,
  });
}

export function useIndustry(industryId: string) {
  return useQuery({
    queryKey: ['industries', industryId],
    queryFn: ({ signal }) => apiRequest<Industry>(`/industries/${encodeURIComponent(industryId)}`, { signal }),
    staleTime: 60_000,
  });
}

export function useIndustryNews(industryId: string, page: number) {
  return useQuery({
    queryKey: ['industries', industryId, 'news', page],
    queryFn: ({ signal }) =>
      apiRequest<NewsItem[]>(`/industries/${encodeURIComponent(industryId)}/news`, { query: { page, size: 10 }, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useIndustryAnalysis(industryId: string) {
  return useQuery({
    queryKey: ['industries', industryId, 'analysis'],
    queryFn: async ({ signal }) => {
      try {
        return (await apiRequest<Analysis>(`/industries/${encodeURIComponent(industryId)}/analysis`, { signal })).data;
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
    staleTime: 10 * 60_000,
  });
}
