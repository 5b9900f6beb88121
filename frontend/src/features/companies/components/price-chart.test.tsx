import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { PriceChart } from '@/features/companies/components/price-chart';
import type { Interval } from '@/lib/chart/bars';

afterEach(() => vi.unstubAllGlobals());

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function renderChart(interval: Interval, onInterval = vi.fn()) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <PriceChart companyId="1" symbol="005930" interval={interval} onInterval={onInterval} live={false} />
    </QueryClientProvider>,
  );
  return onInterval;
}

describe('PriceChart', () => {
  it('says in Korean that weekly bars are not served yet when the api refuses the interval', async () => {
    const fetchMock = vi.fn(() =>
      Promise.resolve(
        json(400, {
          status: 400,
          code: 'INVALID_REQUEST',
          message: "interval: Input should be '1m', '15m', '1h' or '1d'",
          field: 'interval',
        }),
      ),
    );
    vi.stubGlobal('fetch', fetchMock);
    const onInterval = renderChart('1w');
    const notice = await screen.findByTestId('interval-unsupported');
    expect(String((fetchMock.mock.calls[0] as unknown[])[0])).toContain('interval=1w');
    expect(notice.textContent).toContain('이 서버는 아직 주봉 시세를 제공하지 않습니다');
    expect(screen.getByTestId('price-chart').dataset.state).toBe('unsupported');
    expect(screen.queryByRole('alert')).toBeNull(); // not presented as a failure
    fireEvent.click(screen.getByRole('button', { name: '일봉 보기' }));
    expect(onInterval).toHaveBeenCalledWith('1d');
  });

  it('still shows a daily bad request as an error', async () => {
    vi.stubGlobal('fetch', () => Promise.resolve(json(400, { status: 400, code: 'INVALID_REQUEST', message: '잘못된 요청 형식입니다.' })));
    renderChart('1d');
    expect((await screen.findByRole('alert')).textContent).toContain('잘못된 요청 형식입니다.');
    expect(screen.getByTestId('price-chart').dataset.state).toBe('error');
  });

  it('offers 주 and 월 next to the other intervals and the indicator switches', () => {
    vi.stubGlobal('fetch', () => new Promise(() => {}));
    renderChart('1d');
    const intervals = screen.getByRole('group', { name: '차트 주기' });
    expect([...intervals.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['1분', '15분', '1시간', '일', '주', '월']);
    expect(screen.getByRole('group', { name: '보조지표' })).toBeTruthy();
  });
});
