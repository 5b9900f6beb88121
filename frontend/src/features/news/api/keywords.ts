// GET /news/keywords?companyId=|industryId=&days= — keyword frequencies for word clouds.
import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { Keyword } from '@/types/api';

export type KeywordScope = { companyId?: string | number; industryId?: string | number };

export function useKeywords(scope: KeywordScope, days: 1 | 7 | 30) {
  return useQuery({
    queryKey: ['news', 'keywords', scope.companyId ?? null, scope.industryId ?? null, days],
    queryFn: ({ signal }) =>
      apiRequest<Keyword[]>('/news/keywords', { query: { companyId: scope.companyId, industryId: scope.industryId, days }, signal }),
    staleTime: 5 * 60_000,
  });
}
