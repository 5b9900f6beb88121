import { describe, expect, it } from 'vitest';
import { normalizeBars, toChartTime } from '@/lib/chart/bars';
import { describeGap, gapMarkers, normalizeGaps, type FeedGap } from '@/lib/chart/gaps';

// 2026-01-12 10:05:00 KST
const T = Date.UTC(2026, 0, 12, 1, 5, 0) / 1000;
const minuteBars = normalizeBars(
  Array.from({ length: 6 }, (_, i) => ({ time: T + i * 60, open: 1, high: 1, low: 1, close: 1, volume: 1 })),
  '1m',
);

describe('feed gaps', () => {
  it('reads the response and drops malformed entries', () => {
    const gaps = normalizeGaps([
      { start: T + 70, end: T + 130, status: 'repaired', repairSource: 'kis:FHKST03010200', repairedTimes: [T + 60, T + 120] },
      { start: 'x', end: T, status: 'repaired', repairedTimes: [] },
      { start: T, end: T, status: 'weird', repairedTimes: [] },
      null,
    ]);
    expect(gaps).toEqual([{ start: T + 70, end: T + 130, status: 'repaired', repairedTimes: [T + 60, T + 120] }]);
    expect(normalizeGaps(undefined)).toEqual([]);
  });

  it('marks each repaired 1-minute bar', () => {
    const gap: FeedGap = { start: T + 70, end: T + 130, status: 'repaired', repairedTimes: [T + 60, T + 120] };
    expect(gapMarkers([gap], minuteBars, '1m')).toEqual([
      { time: toChartTime(T + 60), kind: 'repaired' },
      { time: toChartTime(T + 120), kind: 'repaired' },
    ]);
  });

  it('marks the bars of a gap not repaired', () => {
    const gap: FeedGap = { start: T + 70, end: T + 190, status: 'failed', repairedTimes: [] };
    expect(gapMarkers([gap], minuteBars, '1m').map((m) => [m.time, m.kind])).toEqual([
      [toChartTime(T + 60), 'gap'],
      [toChartTime(T + 120), 'gap'],
      [toChartTime(T + 180), 'gap'],
    ]);
  });

  it('marks a repaired gap on longer bars too: they miss its trades', () => {
    const bars = normalizeBars([{ time: T - 300, open: 1, high: 1, low: 1, close: 1, volume: 1 }], '15m');
    const gap: FeedGap = { start: T + 70, end: T + 130, status: 'repaired', repairedTimes: [T + 60] };
    expect(gapMarkers([gap], bars, '15m')).toEqual([{ time: bars[0].time, kind: 'gap' }]);
  });

  it('says what happened in Korean', () => {
    const gap: FeedGap = { start: T + 70, end: T + 130, status: 'repaired', repairedTimes: [T + 60, T + 120] };
    expect(describeGap(gap, '1m')).toBe('실시간 수집 공백 10:06:10–10:07:10: 1분봉 2개를 증권사 분봉 API로 복구했습니다.');
    expect(describeGap({ ...gap, status: 'failed' }, '1m')).toContain('복구하지 못했습니다');
  });
});
