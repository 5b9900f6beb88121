// A /health report as the platform sends it when running on the simulator with no API keys.
import { vi } from 'vitest';

export const degradedHealth = {
  status: 503,
  message: '일부 구성 요소에 문제가 있습니다',
  data: {
    status: 'degraded',
    database: { ok: true, latencyMs: 0.4 },
    redis: { ok: true, latencyMs: 0.2 },
    search: { ok: false, backend: 'opensearch' },
    ingest: { ok: true, heartbeatAgeSeconds: 1.2, lastTickAgeSeconds: 3.4, source: 'kissim', mode: 'stream', connected: true, detail: {} },
    collectors: {
      news: {
        state: 'idle',
        reason: 'NAVER_CLIENT_ID / NAVER_CLIENT_SECRET가 설정되지 않았습니다 (not set) — 뉴스 수집 대기',
        at: Date.now() - 30_000,
      },
      dart: { state: 'ok', reason: null, at: Date.now() - 120_000 },
      prices: { state: 'running', reason: '일봉 보강 중', at: Date.now() },
      analysis: { state: 'error', reason: 'LLM 호출 실패', at: Date.now() - 60_000 },
      mystery: { state: 'idle', reason: '', at: null },
    },
  },
};

/** Stubs the browser fetch API: /api/health answers with `body` and `status`. */
export function stubHealthFetch(body: unknown = degradedHealth, status = 503) {
  const fn = vi.fn((url: string) => {
    if (!String(url).endsWith('/health'))
      return Promise.resolve(new Response('{}', { status: 404, headers: { 'Content-Type': 'application/json' } }));
    return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
  });
  vi.stubGlobal('fetch', fn);
  return fn;
}
