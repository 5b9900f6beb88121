// The daily rankings the api serves (GET /rankings/daily?kind=): tab label, title and empty-state text.
import type { DailyRankingKind } from '@/types/api';

export const DAILY_RANKINGS: { kind: DailyRankingKind; label: string; title: string; empty: string }[] = [
  { kind: 'volume', label: '거래량', title: '거래량 순위', empty: '이 거래일의 거래량 데이터가 없습니다.' },
  { kind: 'amount', label: '거래대금', title: '거래대금 순위', empty: '이 거래일의 거래대금 데이터가 없습니다.' },
  { kind: 'gainers', label: '상승률', title: '상승률 순위', empty: '이 거래일의 등락률 데이터가 없습니다.' },
  { kind: 'losers', label: '하락률', title: '하락률 순위', empty: '이 거래일의 등락률 데이터가 없습니다.' },
  { kind: 'high52w', label: '52주 신고가', title: '52주 신고가', empty: '이 거래일에 52주 신고가를 경신한 종목이 없습니다.' },
  { kind: 'low52w', label: '52주 신저가', title: '52주 신저가', empty: '이 거래일에 52주 신저가를 경신한 종목이 없습니다.' },
];
