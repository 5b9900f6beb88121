// TanStack Query defaults: no retries for client errors, a couple for network/server ones.
import { QueryClient } from '@tanstack/react-query';
import { ApiError } from '@/lib/api-client';

export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError) {
    if (error.status === 429) return false;
    if (error.status >= 400 && error.status < 500) return false;
    if (error.code === 'BAD_RESPONSE') return false;
  }
  return failureCount < 2;
}

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        gcTime: 5 * 60_000,
        retry: shouldRetry,
        retryDelay: (n) => Math.min(500 * 2 ** n, 4000),
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
}
