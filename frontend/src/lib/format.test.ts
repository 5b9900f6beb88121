import { describe, expect, it } from 'vitest';
import {
  formatChangeArrow,
  formatIndex,
  formatKrw,
  formatKrwCompact,
  formatKstDate,
  formatKstDateTime,
  formatLatency,
  formatMarketCap,
  formatPercent,
  formatPrice,
  formatRelative,
  formatSigned,
  formatVolume,
  toneOf,
  toneTextClass,
} from '@/lib/format';
import { describeSource } from '@/lib/data-source';
import { marketSession, marketSessionLabel } from '@/lib/market-time';

describe('prices and changes', () => {
  it('formats whole-won prices with separators', () => {
    expect(formatPrice(75000)).toBe('75,000');
    expect(formatPrice(1007000)).toBe('1,007,000');
    expect(formatPrice(null)).toBe('-');
    expect(formatPrice(Number.NaN)).toBe('-');
    expect(formatIndex(2650.1)).toBe('2,650.10');
  });

  it('always signs changes and percents', () => {
    expect(formatSigned(500)).toBe('+500');
    expect(formatSigned(-1500)).toBe('-1,500');
    expect(formatSigned(0)).toBe('0');
    expect(formatSigned(-12.345, 2)).toBe('-12.35');
    expect(formatChangeArrow(500)).toBe('▲500');
    expect(formatChangeArrow(-500)).toBe('▼500');
    expect(formatChangeArrow(0)).toBe('0');
    expect(formatPercent(0.67)).toBe('+0.67%');
    expect(formatPercent(-1.2)).toBe('-1.20%');
    expect(formatPercent(0)).toBe('0.00%');
    expect(formatPercent(-0.001)).toBe('0.00%');
    expect(formatPercent(undefined)).toBe('-');
  });

  it('colours up red and down blue (Korean convention)', () => {
    expect(toneOf(1)).toBe('up');
    expect(toneOf(-1)).toBe('down');
    expect(toneOf(0)).toBe('flat');
    expect(toneOf(null)).toBe('flat');
    expect(toneTextClass(3)).toBe('text-up');
    expect(toneTextClass(-3)).toBe('text-down');
    expect(toneTextClass(0)).toBe('text-flat');
  });
});

describe('Korean money units', () => {
  it('writes 조 and 억 for market caps', () => {
    expect(formatMarketCap(1_180_375_801_646_800)).toBe('1,180조 3,758억원');
    expect(formatMarketCap(717_691_281_555_000)).toBe('717조 6,913억원');
    expect(formatKrw(2_0000_0000_0000)).toBe('2조원');
    expect(formatKrw(3_4000_0000)).toBe('3억원');
    expect(formatKrw(3_5000_0000)).toBe('4억원');
    expect(formatKrw(9_9999_9999_9999)).toBe('10조원'); // rounds to 억, carries into 조
    expect(formatKrw(5_000_0000)).toBe('5,000만원');
    expect(formatKrw(-1_2000_0000_0000)).toBe('-1조 2,000억원');
    expect(formatKrw(1234)).toBe('1,234원');
  });

  it('shortens money for tight spaces', () => {
    expect(formatKrwCompact(1_180_375_801_646_800)).toBe('1,180조');
    expect(formatKrwCompact(43_3000_0000_0000)).toBe('43.3조');
    expect(formatKrwCompact(3_758_0000_0000)).toBe('3,758억');
    expect(formatKrwCompact(3_7580_0000_0000)).toBe('3.8조');
    expect(formatKrwCompact(3758_0000_0000 / 10)).toBe('376억');
    expect(formatKrwCompact(-2_5000_0000)).toBe('-3억');
    expect(formatKrwCompact(12_3400)).toBe('12만');
  });

  it('formats volumes', () => {
    expect(formatVolume(15_234_567)).toBe('15,234,567');
    expect(formatVolume(15_234_567, true)).toBe('1,523만');
    expect(formatVolume(2_5000_0000, true)).toBe('2.5억');
  });
});

describe('time', () => {
  it('shows KST dates and times', () => {
    expect(formatKstDateTime('2026-01-11T00:30:00Z')).toBe('2026-01-11 09:30');
    expect(formatKstDateTime('2026-01-11T15:30:00Z')).toBe('2026-01-12 00:30');
    expect(formatKstDate('2026-01-11T15:30:00Z')).toBe('2026-01-12');
    expect(formatKstDate('2026-08-21')).toBe('2026-08-21');
    expect(formatKstDateTime(null)).toBe('-');
  });

  it('says how long ago and how much latency', () => {
    const now = Date.parse('2026-01-11T01:00:00Z');
    expect(formatRelative('2026-01-11T00:59:30Z', now)).toBe('방금 전');
    expect(formatRelative('2026-01-11T00:57:00Z', now)).toBe('3분 전');
    expect(formatRelative('2026-01-10T23:00:00Z', now)).toBe('2시간 전');
    expect(formatLatency(85.4)).toBe('85ms');
    expect(formatLatency(1234)).toBe('1.2초');
  });

  it('labels the KRX session in Korea time', () => {
    // Monday 2026-01-12
    expect(marketSession(new Date('2026-01-11T23:59:00Z'))).toBe('pre'); // 08:59 KST
    expect(marketSession(new Date('2026-01-12T00:00:00Z'))).toBe('open'); // 09:00 KST
    expect(marketSession(new Date('2026-01-12T06:29:00Z'))).toBe('open'); // 15:29 KST
    expect(marketSession(new Date('2026-01-12T06:30:00Z'))).toBe('closed'); // 15:30 KST
    expect(marketSession(new Date('2026-01-10T02:00:00Z'))).toBe('closed'); // Saturday
    expect(marketSessionLabel('pre')).toBe('장 시작 전');
    expect(marketSessionLabel('open')).toBe('장중');
    expect(marketSessionLabel('closed')).toBe('장 마감');
  });
});

describe('data honesty labels', () => {
  it('never presents a snapshot or a replay as the live market', () => {
    expect(describeSource('krx', '2026-08-21')).toMatchObject({ label: 'KRX 스냅샷 기준 2026-08-21', kind: 'snapshot' });
    expect(describeSource('kissim', '2026-01-12T00:30:00Z')).toMatchObject({
      label: '시뮬레이션 시세 · 2026-01-12 09:30 기준',
      kind: 'simulated',
    });
    expect(describeSource('poll', null).kind).toBe('delayed');
    expect(describeSource('kis', '2026-01-12T00:30:00Z').kind).toBe('live');
    expect(describeSource(undefined, undefined).label).toBe('기준 시각 정보 없음');
  });
});
