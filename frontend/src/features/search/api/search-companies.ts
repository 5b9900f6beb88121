// GET /companies?keyword= — company search (Korean fragments, codes, English names, 초성).
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { CompanySearchItem } from '@/types/api';

export function searchCompanies(params: { keyword: string; page?: number; size?: number }, signal?: AbortSignal) {
  return apiRequest<CompanySearchItem[]>('/companies', {
    query: { keyword: params.keyword, page: params.page ?? 1, size: params.size ?? 20 },
    signal,
  });
}

export async function fetchSuggestions(keyword: string, signal: AbortSignal): Promise<CompanySearchItem[]> {
  const res = await searchCompanies({ keyword, size: 8 }, signal);
  return Array.isArray(res.data) ? res.data : [];
}

export const searchQueryOptions = (keyword: string, page: number) =>
  queryOptions({
    queryKey: ['companies', 'search', keyword, page],
    queryFn: ({ signal }) => searchCompanies({ keyword, page, size: 20 }, signal),
    enabled: keyword.trim().length > 0,
  });

export function useCompanySearch(keyword: string, page: number) {
  return useQuery(searchQueryOptions(keyword, page));
}
