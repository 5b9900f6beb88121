// GET /news?keyword=&company=&industry=&from=&to=&sort=&page=&size= — news search with highlights.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { NewsSearchItem, NewsSort } from '@/types/api';

export type NewsSearchParams = {
  keyword: string;
  company?: number | null;
  industry?: number | null;
  from?: string;
  to?: string;
  sort: NewsSort;
  page: number;
  size: number;
};

export function useNewsSearch(p: NewsSearchParams) {
  return useQuery({
    queryKey: ['news', 'search', p],
    queryFn: ({ signal }) =>
      apiRequest<NewsSearchItem[]>('/news', {
        query: {
          keyword: p.keyword.trim() || undefined,
          company: p.company ?? undefined,
          industry: p.industry ?? undefined,
          from: p.from || undefined,
          to: p.to || undefined,
          sort: p.sort,
          page: p.page,
          size: p.size,
        },
        signal,
      }),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}
