// /comparisons — saved company comparisons of the signed-in user.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { CompanySearchItem, ComparisonDetail, ComparisonPeriod, ComparisonSummary } from '@/types/api';

const KEY = ['comparisons'] as const;

/** The periods the api accepts for a comparison's performance lines, with their labels. */
export const PERIODS: { id: ComparisonPeriod; label: string }[] = [
  { id: '1m', label: '1개월' },
  { id: '3m', label: '3개월' },
  { id: '6m', label: '6개월' },
  { id: '1y', label: '1년' },
  { id: '3y', label: '3년' },
];

export function useComparisons() {
  return useQuery({
    queryKey: KEY,
    queryFn: ({ signal }) => apiRequest<ComparisonSummary[]>('/comparisons', { auth: 'required', signal }),
  });
}

export function useComparison(id: string, period: ComparisonPeriod) {
  return useQuery({
    queryKey: [...KEY, id, period],
    queryFn: ({ signal }) =>
      apiRequest<ComparisonDetail>(`/comparisons/${encodeURIComponent(id)}`, { auth: 'required', query: { period }, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useCreateComparison() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: { name: string; companies: number[] }) => {
      const res = await apiRequest<ComparisonSummary | null>('/comparisons', { method: 'POST', auth: 'required', body: input });
      const id = res.data?.comparisonId ?? (res.comparisonId as number | undefined);
      if (id === undefined) throw new Error('비교 ID를 받지 못했습니다.');
      return { ...(res.data ?? {}), comparisonId: id } as ComparisonSummary;
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: KEY }),
  });
}

export function useDeleteComparison() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => apiRequest<null>(`/comparisons/${id}`, { method: 'DELETE', auth: 'required' }),
    onSettled: () => qc.invalidateQueries({ queryKey: KEY }),
  });
}

/** Company suggestions for the builder (same endpoint as the header search). */
export async function fetchCompanySuggestions(keyword: string, signal: AbortSignal): Promise<CompanySearchItem[]> {
  const res = await apiRequest<CompanySearchItem[]>('/companies', { query: { keyword, size: 8 }, signal });
  return Array.isArray(res.data) ? res.data : [];
}
