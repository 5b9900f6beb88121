// Honest labels for where shown market data comes from and how old it is: a bundled
// snapshot or a simulated replay is never presented as today's real market.
import { formatKstDate, formatKstDateTime } from '@/lib/format';

export type DataSource = 'krx' | 'kis' | 'kissim' | 'poll' | 'yfinance' | (string & {});

export type SourceInfo = {
  label: string;
  /** short badge text */
  badge: string;
  kind: 'live' | 'simulated' | 'snapshot' | 'delayed' | 'unknown';
};

/** kissim's replay: shown, labelled, never counted as real market data. */
export function isSimulatedSource(source: DataSource | null | undefined): boolean {
  return source === 'kissim';
}

export function describeSource(source: DataSource | null | undefined, asOf: string | number | null | undefined): SourceInfo {
  const when = asOf === null || asOf === undefined || asOf === '' ? null : asOf;
  const dt = when === null ? null : formatKstDateTime(when);
  const d = when === null ? null : formatKstDate(when);
  switch (source) {
    case 'krx':
      return { label: `KRX 스냅샷 기준${d ? ` ${d}` : ''}`, badge: 'KRX 스냅샷', kind: 'snapshot' };
    case 'kissim':
      return { label: `시뮬레이션 시세${dt ? ` · ${dt} 기준` : ''}`, badge: '시뮬레이션', kind: 'simulated' };
    case 'kis':
      return { label: `한국투자증권 실시간${dt ? ` · ${dt} 기준` : ''}`, badge: '실시간', kind: 'live' };
    case 'poll':
      return { label: `폴링 시세(지연 가능)${dt ? ` · ${dt} 기준` : ''}`, badge: '폴링', kind: 'delayed' };
    case 'yfinance':
      return { label: `yfinance 지연 시세${d ? ` · ${d} 기준` : ''}`, badge: '지연 시세', kind: 'delayed' };
    default:
      return { label: dt ? `${dt} 기준` : '기준 시각 정보 없음', badge: source ? String(source) : '출처 미상', kind: 'unknown' };
  }
}
