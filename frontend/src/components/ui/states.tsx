// Loading, empty and error states: every data block shows one of these rather than nothing.
import type { ReactNode } from 'react';
import { errorMessage, ApiError } from '@/lib/api-client';
import { Button } from '@/components/ui/button';

export function ErrorState({
  error,
  onRetry,
  title = '정보를 불러오지 못했습니다',
  className = '',
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
  className?: string;
}) {
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  return (
    <div
      role="alert"
      className={`flex flex-col items-start gap-2 rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900 ${className}`}
    >
      <p className="font-semibold">{title}</p>
      <p data-testid="error-message">{errorMessage(error)}</p>
      {requestId ? <p className="text-xs text-red-800/80">요청 ID: {requestId}</p> : null}
      {onRetry ? (
        <Button variant="danger" size="sm" onClick={onRetry}>
          다시 시도
        </Button>
      ) : null}
    </div>
  );
}

export function EmptyState({ children, className = '' }: { children: ReactNode; className?: string }) {
  return (
    <div
      className={`flex items-center justify-center rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600 ${className}`}
    >
      {children}
    </div>
  );
}

export function Spinner({ label = '불러오는 중' }: { label?: string }) {
  return (
    <span role="status" className="inline-flex items-center gap-2 text-sm text-slate-600">
      <span aria-hidden="true" className="h-4 w-4 animate-spin rounded-full border-2 border-slate-300 border-t-slate-700" />
      {label}
    </span>
  );
}
