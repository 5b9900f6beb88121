import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { DailyRankingTable } from '@/features/rankings/components/daily-ranking-table';
import type { DailyRankingKind, DailyRankingRow } from '@/types/api';

const row: DailyRankingRow = {
  rank: 1,
  companyId: 1,
  symbol: '005930',
  name: '삼성전자',
  market: 'KOSPI',
  price: 285000,
  change: 10500,
  changePercent: 3.87,
  high: 286000,
  low: 271000,
  volume: 27672117,
  amount: 7886553345000,
  amountEstimated: true,
  priorWeek52High: 374500,
  priorWeek52Low: 150000,
  asOf: '2026-08-21',
  source: 'krx',
};

function show(kind: DailyRankingKind, rows: DailyRankingRow[]) {
  const query = { isPending: false, isError: false, error: null, data: { data: rows }, refetch: () => undefined };
  return render(
    <MemoryRouter>
      <DailyRankingTable kind={kind} query={query} />
    </MemoryRouter>,
  );
}

describe('DailyRankingTable', () => {
  it('shows the columns of each ranking', () => {
    const headers = (kind: DailyRankingKind) => {
      const { unmount } = show(kind, [row]);
      const names = within(screen.getByTestId('daily-ranking'))
        .getAllByRole('columnheader')
        .map((h) => h.textContent);
      unmount();
      return names;
    };
    expect(headers('volume')).toEqual(['순위', '종목', '종가', '등락률', '거래량']);
    expect(headers('amount')).toEqual(['순위', '종목', '종가', '등락률', '거래대금']);
    expect(headers('gainers')).toEqual(['순위', '종목', '종가', '등락률', '전일 대비', '거래량']);
    expect(headers('high52w')).toEqual(['순위', '종목', '종가', '등락률', '고가', '직전 52주 최고']);
  });

  it('marks an estimated traded value', () => {
    show('amount', [row]);
    expect(screen.getByLabelText('추정')).toBeTruthy();
    expect(screen.getByTitle(/종가 × 거래량 추정/)).toBeTruthy();
  });

  it('says so in Korean when no stock qualifies', () => {
    show('high52w', []);
    expect(screen.getByText('이 거래일에 52주 신고가를 경신한 종목이 없습니다.')).toBeTruthy();
  });
});
