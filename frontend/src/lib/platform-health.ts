// GET /health — the platform's parts (database, Redis, search, live ingest) and the background
// collectors with their state and reason. Shared: the status page polls it, and empty states
// elsewhere read it to explain that a collector is idle (e.g. missing credentials).
// A 503 carries the same body as a 200 ("degraded"), so it is data here, not an error.
import { useQuery } from '@tanstack/react-query';
import { apiRequest, type Envelope } from '@/lib/api-client';

export type CollectorState = 'idle' | 'running' | 'ok' | 'error';

export type CollectorStatus = {
  state: CollectorState | (string & {});
  reason?: string | null;
  /** Epoch milliseconds of the last state change. */
  at?: number | null;
};

export type IngestMode = 'stream' | 'poll' | 'disconnected' | 'standby' | 'stopped';

export type PlatformHealth = {
  status: 'ok' | 'degraded' | (string & {});
  database?: { ok: boolean; latencyMs?: number | null; error?: string | null };
  redis?: { ok: boolean; latencyMs?: number | null; error?: string | null };
  search?: { ok: boolean; backend?: 'postgres' | 'opensearch' | (string & {}) | null; error?: string | null };
  ingest?: {
    ok: boolean;
    heartbeatAgeSeconds?: number | null;
    lastTickAgeSeconds?: number | null;
    source?: 'kissim' | 'kis' | (string & {}) | null;
    mode?: IngestMode | (string & {}) | null;
    connected?: boolean | null;
    detail?: Record<string, unknown> | null;
  };
  collectors?: Record<string, CollectorStatus>;
};

export const HEALTH_QUERY_KEY = ['platform', 'health'] as const;
export const HEALTH_REFETCH_MS = 15_000;

export function fetchPlatformHealth(signal?: AbortSignal): Promise<Envelope<PlatformHealth>> {
  return apiRequest<PlatformHealth>('/health', { signal, acceptStatuses: [503], timeoutMs: 10_000 });
}

/** The health report; pass `poll` to refresh it every 15 s while mounted. */
export function usePlatformHealth({ poll = false }: { poll?: boolean } = {}) {
  return useQuery({
    queryKey: HEALTH_QUERY_KEY,
    queryFn: ({ signal }) => fetchPlatformHealth(signal),
    staleTime: poll ? 0 : 60_000,
    refetchInterval: poll ? HEALTH_REFETCH_MS : false,
  });
}

/** One collector's status, or null while loading, on error, or when the api does not report it. */
export function useCollectorStatus(name: string): CollectorStatus | null {
  const q = usePlatformHealth();
  return q.data?.data?.collectors?.[name] ?? null;
}

// ---- Korean labels ----

const COLLECTOR_LABELS: Record<string, string> = {
  news: '뉴스 수집(Naver)',
  dart: '재무·공시(DART)',
  jina: '기사 본문(Jina)',
  kis_master: '종목 마스터(KIS)',
  prices: '일봉 보강(KIS/yfinance)',
  search_index: '검색 색인(OpenSearch)',
  analysis: '전망 분석',
  keywords: '뉴스 키워드',
  retention: '데이터 보관',
};

/** Display order of the known collectors; unknown ones follow alphabetically. */
export const KNOWN_COLLECTORS = Object.keys(COLLECTOR_LABELS);

export function collectorLabel(name: string): string {
  return COLLECTOR_LABELS[name] ?? name;
}

export function sortCollectors(names: string[]): string[] {
  const rank = (n: string) => {
    const i = KNOWN_COLLECTORS.indexOf(n);
    return i === -1 ? KNOWN_COLLECTORS.length : i;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export type BadgeTone = 'gray' | 'green' | 'amber' | 'red' | 'blue';

const STATE_LABELS: Record<string, { label: string; tone: BadgeTone }> = {
  idle: { label: '대기', tone: 'amber' },
  running: { label: '실행 중', tone: 'blue' },
  ok: { label: '정상', tone: 'green' },
  error: { label: '오류', tone: 'red' },
};

export function collectorStateLabel(state: string | null | undefined): string {
  if (!state) return '알 수 없음';
  return STATE_LABELS[state]?.label ?? state;
}

export function collectorStateTone(state: string | null | undefined): BadgeTone {
  return (state && STATE_LABELS[state]?.tone) || 'gray';
}

const MODE_LABELS: Record<string, string> = {
  stream: '실시간 스트림',
  poll: '주기 조회(폴링)',
  disconnected: '연결 끊김',
  standby: '대기(장 마감)',
  stopped: '중지됨',
};

export function ingestModeLabel(mode: string | null | undefined): string {
  if (!mode) return '-';
  return MODE_LABELS[mode] ?? mode;
}

export function ingestSourceLabel(source: string | null | undefined): string {
  if (source === 'kis') return '실제 KIS';
  if (source === 'kissim') return '시뮬레이터 (kissim)';
  return source || '-';
}

export function searchBackendLabel(backend: string | null | undefined): string {
  if (backend === 'postgres') return 'PostgreSQL';
  if (backend === 'opensearch') return 'OpenSearch';
  return backend || '-';
}

/** Age in seconds as "방금 전" / "12초 전" / "3분 전" / "2시간 전" / "1일 전". */
export function formatAgeSeconds(seconds: number | null | undefined): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '-';
  if (seconds < 1) return '방금 전';
  if (seconds < 60) return `${Math.floor(seconds)}초 전`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}분 전`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}시간 전`;
  return `${Math.floor(seconds / 86400)}일 전`;
}

/** Round-trip latency: 0.4 → "0.4ms", 12.3 → "12ms". */
export function formatLatencyMs(ms: number | null | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '-';
  if (ms < 10) return `${ms.toFixed(1)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(1)}초`;
}
