import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import { CollectorIdleNotice } from '@/components/collector-idle-notice';
import { degradedHealth, stubHealthFetch } from '@/testing/health-fixture';

afterEach(() => vi.unstubAllGlobals());

function renderNotice(collector: string, label: string) {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter>
        <p data-testid="host">비어 있음</p>
        <CollectorIdleNotice collector={collector} label={label} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('CollectorIdleNotice', () => {
  it('explains an idle collector with its reason and links to the status page', async () => {
    stubHealthFetch();
    renderNotice('news', '뉴스 수집기');
    const notice = await screen.findByTestId('collector-idle-notice');
    expect(notice.textContent).toContain('뉴스 수집기가 대기 중입니다: NAVER_CLIENT_ID / NAVER_CLIENT_SECRET가 설정되지 않았습니다');
    expect(screen.getByRole('link', { name: '데이터 현황 보기' }).getAttribute('href')).toBe('/status');
  });

  it('stays silent when the collector is fine', async () => {
    const fetchMock = stubHealthFetch({ ...degradedHealth, status: 200 }, 200);
    renderNotice('dart', '공시 수집기');
    await vi.waitFor(() => expect(fetchMock).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId('collector-idle-notice')).toBeNull();
  });
});
