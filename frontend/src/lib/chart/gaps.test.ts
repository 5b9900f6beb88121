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
    expect(gaps).toEqual([{ start: T + 70, end: T + 130, cause: 'restart', status: 'repaired', repairedTimes: [T + 60, T + 120] }]);
    expect(normalizeGaps([{ start: T, end: T + 60, cause: 'backfill', status: 'repaired', repairedTimes: [T] }])[0].cause).toBe('backfill');
    expect(normalizeGaps(undefined)).toEqual([]);
  });

  it('marks each repaired 1-minute bar', () => {
    const gap: FeedGap = { cause: 'restart', start: T + 70, end: T + 130, status: 'repaired', repairedTimes: [T + 60, T + 120] };
    expect(gapMarkers([gap], minuteBars, '1m')).toEqual([
      { time: toChartTime(T + 60), kind: 'repaired' },
      { time: toChartTime(T + 120), kind: 'repaired' },
    ]);
  });

  it('marks the bars of a gap not repaired', () => {
    const gap: FeedGap = { cause: 'restart', start: T + 70, end: T + 190, status: 'failed', repairedTimes: [] };
    expect(gapMarkers([gap], minuteBars, '1m').map((m) => [m.time, m.kind])).toEqual([
      [toChartTime(T + 60), 'gap'],
      [toChartTime(T + 120), 'gap'],
      [toChartTime(T + 180), 'gap'],
    ]);
  });

  it('marks a repaired gap on longer bars too: they miss its trades', () => {
    const bars = normalizeBars([{ time: T - 300, open: 1, high: 1, low: 1, close: 1, volume: 1 }], '15m');
    const gap: FeedGap = { cause: 'restart', start: T + 70, end: T + 130, status: 'repaired', repairedTimes: [T + 60] };
    expect(gapMarkers([gap], bars, '15m')).toEqual([{ time: bars[0].time, kind: 'gap' }]);
  });

  it('says what happened in Korean', () => {
    const gap: FeedGap = { cause: 'restart', start: T + 70, end: T + 130, status: 'repaired', repairedTimes: [T + 60, T + 120] };
    expect(describeGap(gap, '1m')).toBe('실시간 수집 공백 10:06:10–10:07:10: 1분봉 2개를 증권사 분봉 API로 복구했습니다.');
    expect(describeGap({ ...gap, status: 'failed' }, '1m')).toContain('복구하지 못했습니다');
  });

  it('names a backfill in the note but marks none of its bars: they are complete, not a gap', () => {
    const backfill: FeedGap = { cause: 'backfill', start: T, end: T + 360, status: 'repaired', repairedTimes: [T, T + 60, T + 120] };
    expect(gapMarkers([backfill], minuteBars, '1m')).toEqual([]);
    expect(gapMarkers([backfill], normalizeBars([{ time: T, open: 1, high: 1, low: 1, close: 1, volume: 1 }], '15m'), '15m')).toEqual([]);
    expect(describeGap(backfill, '1m')).toBe(
      '오늘 10:05:00–10:11:00의 1분봉 3개는 실시간 수집 전 구간으로, 증권사 분봉 조회(주식당일분봉조회)로 채웠습니다.',
    );
    expect(describeGap({ ...backfill, status: 'failed' }, '1m')).toContain('불러오지 못했습니다');
  });
});
