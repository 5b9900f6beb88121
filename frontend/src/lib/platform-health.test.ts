import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/api-client';
import {
  collectorLabel,
  collectorStateLabel,
  collectorStateTone,
  fetchPlatformHealth,
  formatAgeSeconds,
  formatLatencyMs,
  ingestModeLabel,
  ingestSourceLabel,
  searchBackendLabel,
  sortCollectors,
} from '@/lib/platform-health';

afterEach(() => vi.unstubAllGlobals());

function reply(status: number, body: unknown, type = 'application/json') {
  vi.stubGlobal(
    'fetch',
    vi.fn(() =>
      Promise.resolve(new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'Content-Type': type } })),
    ),
  );
}

describe('collector labels', () => {
  it('names every known collector in Korean and shows unknown ones as-is', () => {
    expect(collectorLabel('news')).toBe('뉴스 수집(Naver)');
    expect(collectorLabel('dart')).toBe('재무·공시(DART)');
    expect(collectorLabel('jina')).toBe('기사 본문(Jina)');
    expect(collectorLabel('kis_master')).toBe('종목 마스터(KIS)');
    expect(collectorLabel('prices')).toBe('일봉 보강(KIS/yfinance)');
    expect(collectorLabel('search_index')).toBe('검색 색인(OpenSearch)');
    expect(collectorLabel('analysis')).toBe('전망 분석');
    expect(collectorLabel('keywords')).toBe('뉴스 키워드');
    expect(collectorLabel('retention')).toBe('데이터 보관');
    expect(collectorLabel('new_thing')).toBe('new_thing');
  });

  it('keeps the known order and puts unknown collectors last', () => {
    expect(sortCollectors(['zeta', 'retention', 'news', 'alpha', 'dart'])).toEqual(['news', 'dart', 'retention', 'alpha', 'zeta']);
  });

  it('maps states to Korean labels and distinct tones', () => {
    expect(collectorStateLabel('idle')).toBe('대기');
    expect(collectorStateLabel('running')).toBe('실행 중');
    expect(collectorStateLabel('ok')).toBe('정상');
    expect(collectorStateLabel('error')).toBe('오류');
    expect(collectorStateLabel('paused')).toBe('paused');
    expect(collectorStateLabel(undefined)).toBe('알 수 없음');
    expect(['idle', 'running', 'ok', 'error'].map(collectorStateTone)).toEqual(['amber', 'blue', 'green', 'red']);
    expect(collectorStateTone('paused')).toBe('gray');
  });

  it('labels ingest source, mode and search backend', () => {
    expect(ingestSourceLabel('kis')).toBe('실제 KIS');
    expect(ingestSourceLabel('kissim')).toContain('시뮬레이터');
    expect(ingestModeLabel('stream')).toBe('실시간 스트림');
    expect(ingestModeLabel('poll')).toContain('폴링');
    expect(ingestModeLabel('disconnected')).toBe('연결 끊김');
    expect(ingestModeLabel('stopped')).toBe('중지됨');
    expect(ingestModeLabel('standby')).toContain('대기');
    expect(ingestModeLabel(null)).toBe('-');
    expect(searchBackendLabel('postgres')).toBe('PostgreSQL');
    expect(searchBackendLabel('opensearch')).toBe('OpenSearch');
  });
});

describe('age and latency formatting', () => {
  it('formats ages as "n초 전" and larger units', () => {
    expect(formatAgeSeconds(0.3)).toBe('방금 전');
    expect(formatAgeSeconds(1.2)).toBe('1초 전');
    expect(formatAgeSeconds(59.9)).toBe('59초 전');
    expect(formatAgeSeconds(125)).toBe('2분 전');
    expect(formatAgeSeconds(7300)).toBe('2시간 전');
    expect(formatAgeSeconds(90000)).toBe('1일 전');
    expect(formatAgeSeconds(null)).toBe('-');
    expect(formatAgeSeconds(Number.NaN)).toBe('-');
    expect(formatAgeSeconds(-1)).toBe('-');
  });

  it('formats latency', () => {
    expect(formatLatencyMs(0.4)).toBe('0.4ms');
    expect(formatLatencyMs(12.3)).toBe('12ms');
    expect(formatLatencyMs(1500)).toBe('1.5초');
    expect(formatLatencyMs(undefined)).toBe('-');
  });
});

describe('fetchPlatformHealth', () => {
  const body = (status: 'ok' | 'degraded') => ({
    status: status === 'ok' ? 200 : 503,
    message: status,
    data: {
      status,
      database: { ok: status === 'ok', latencyMs: 0.4 },
      collectors: { news: { state: 'idle', reason: 'NAVER_CLIENT_ID 없음', at: 1764140000000 } },
    },
  });

  it('returns a 200 report', async () => {
    reply(200, body('ok'));
    const res = await fetchPlatformHealth();
    expect(res.data.status).toBe('ok');
  });

  it('treats a 503 body as data (degraded), not an error', async () => {
    reply(503, body('degraded'));
    const res = await fetchPlatformHealth();
    expect(res.data.status).toBe('degraded');
    expect(res.data.database?.ok).toBe(false);
    expect(res.data.collectors?.news.reason).toBe('NAVER_CLIENT_ID 없음');
  });

  it('still fails on a 503 without a health body (proxy error page) and on other errors', async () => {
    reply(503, '<h1>Service Unavailable</h1>', 'text/html');
    await expect(fetchPlatformHealth()).rejects.toBeInstanceOf(ApiError);
    reply(500, { status: 500, code: 'INTERNAL_ERROR', message: '서버 오류' });
    await expect(fetchPlatformHealth()).rejects.toMatchObject({ status: 500 });
  });
});
