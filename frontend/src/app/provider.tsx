// App-wide providers: the server cache (TanStack Query) and a last-resort error boundary.
import { Component, useState, type ErrorInfo, type ReactNode } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { errorMessage } from '@/lib/api-client';
import { makeQueryClient } from '@/lib/query-client';

class RootErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  state = { error: null as unknown };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error('Unhandled UI error', error, info.componentStack);
  }
  render() {
    if (this.state.error) {
      return (
        <div role="alert" className="mx-auto mt-16 max-w-md rounded-xl border border-red-200 bg-white p-6 text-center">
          <h1 className="text-lg font-bold">화면을 표시하는 중 문제가 발생했습니다</h1>
          <p className="mt-2 text-sm text-slate-700">{errorMessage(this.state.error)}</p>
          <button
            type="button"
            className="mt-4 rounded-md bg-slate-900 px-4 py-2 text-sm text-white"
            onClick={() => window.location.reload()}
          >
            새로고침
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}

export function AppProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  return (
    <RootErrorBoundary>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </RootErrorBoundary>
  );
}
