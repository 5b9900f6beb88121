import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { PlatformStatusView } from '@/features/platform-status/components/platform-status-view';
import { stubHealthFetch } from '@/testing/health-fixture';

afterEach(() => vi.unstubAllGlobals());

function renderView() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <PlatformStatusView />
    </QueryClientProvider>,
  );
  return client;
}

describe('PlatformStatusView', () => {
  it('shows a degraded (503) report: part cards, collectors with Korean names, states and reasons', async () => {
    const fetchMock = stubHealthFetch();
    const client = renderView();
    const rows = await screen.findAllByTestId('collector-row');
    expect(fetchMock.mock.calls[0][0]).toBe('/api/health');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByTestId('platform-overall').dataset.status).toBe('degraded');

    expect(rows.map((r) => r.dataset.collector)).toEqual(['news', 'dart', 'prices', 'analysis', 'mystery']);
    const news = within(rows[0]);
    expect(news.getByRole('rowheader').textContent).toBe('뉴스 수집(Naver)');
    expect(news.getByText('대기')).toBeTruthy();
    expect(news.getByText(/NAVER_CLIENT_ID \/ NAVER_CLIENT_SECRET가 설정되지 않았습니다/)).toBeTruthy();
    expect(news.getAllByText('방금 전').length).toBeGreaterThan(0);
    expect(within(rows[1]).getByText('정상')).toBeTruthy();
    expect(within(rows[2]).getByText('실행 중')).toBeTruthy();
    expect(within(rows[3]).getByText('오류')).toBeTruthy();
    expect(within(rows[4]).getByRole('rowheader').textContent).toBe('mystery');

    const ingest = screen.getByTestId('status-ingest');
    expect(ingest.textContent).toContain('시뮬레이터');
    expect(ingest.textContent).toContain('실시간 스트림');
    expect(ingest.textContent).toContain('3초 전');
    expect(screen.getByTestId('status-database').textContent).toContain('0.4ms');
    expect(screen.getByTestId('status-search').textContent).toContain('OpenSearch');
    expect(screen.getByRole('heading', { name: '실시간 시세' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: '검색' }).closest('section')?.textContent).toContain('장애');

    // The status page polls every 15 s.
    expect(client.getQueryCache().findAll()[0].observers[0].options.refetchInterval).toBe(15_000);
  });

  it('shows an error state when the api cannot be reached', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(new Response('<h1>Bad Gateway</h1>', { status: 502, headers: { 'Content-Type': 'text/html' } }))),
    );
    renderView();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('데이터 현황을 불러오지 못했습니다');
  });
});
