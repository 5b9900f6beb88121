import { describe, expect, it } from 'vitest';
import {
  applyTick,
  bucketStart,
  commitBar,
  dayBoundaries,
  mergeOpenBar,
  normalizeBars,
  normalizeLinePoints,
  toChartTime,
  toEpochSeconds,
  type Bar,
} from '@/lib/chart/bars';

const H = 3600;
// 2026-01-12 09:00 KST = 2026-01-12T00:00:00Z
const OPEN_0900 = Date.UTC(2026, 0, 12, 0, 0, 0) / 1000;

describe('time shifting', () => {
  it('shifts epoch seconds by +9 h so a UTC-only chart reads KST', () => {
    expect(toChartTime(OPEN_0900)).toBe(OPEN_0900 + 9 * H);
    const d = new Date(toChartTime(OPEN_0900) * 1000);
    expect([d.getUTCHours(), d.getUTCMinutes()]).toEqual([9, 0]);
  });

  it('reads epoch seconds, epoch ms, ISO datetimes and KST dates', () => {
    expect(toEpochSeconds(OPEN_0900)).toBe(OPEN_0900);
    expect(toEpochSeconds(OPEN_0900 * 1000)).toBe(OPEN_0900);
    expect(toEpochSeconds('2026-01-12T09:00:00+09:00')).toBe(OPEN_0900);
    expect(toEpochSeconds('2026-01-12')).toBe(OPEN_0900 - 9 * H);
    expect(Number.isNaN(toEpochSeconds('garbage'))).toBe(true);
  });

  it('buckets trades into KST-aligned bars', () => {
    const t = OPEN_0900 + 17 * 60 + 42; // 09:17:42 KST
    expect(bucketStart(t, '1m')).toBe(toChartTime(OPEN_0900 + 17 * 60));
    expect(bucketStart(t, '15m')).toBe(toChartTime(OPEN_0900 + 15 * 60));
    expect(bucketStart(t, '1h')).toBe(toChartTime(OPEN_0900));
    // The daily bar starts at KST midnight: shows as 2026-01-12 00:00 in chart time.
    expect(new Date(bucketStart(t, '1d') * 1000).toISOString()).toBe('2026-01-12T00:00:00.000Z');
    // 00:30 KST on the 13th is already the next KST day although it is still the 12th in UTC.
    const afterMidnightKst = Date.UTC(2026, 0, 12, 15, 30) / 1000;
    expect(new Date(bucketStart(afterMidnightKst, '1d') * 1000).toISOString()).toBe('2026-01-13T00:00:00.000Z');
  });

  it('starts weeks on the KST Monday and months on the KST first', () => {
    const iso = (t: number) => new Date(t * 1000).toISOString();
    // 2026-01-12 is a Monday; Thursday the 15th and Sunday 23:30 KST on the 18th are in its week.
    expect(iso(bucketStart(OPEN_0900, '1w'))).toBe('2026-01-12T00:00:00.000Z');
    expect(iso(bucketStart(OPEN_0900 + 3 * 86400, '1w'))).toBe('2026-01-12T00:00:00.000Z');
    expect(iso(bucketStart(Date.UTC(2026, 0, 18, 14, 30) / 1000, '1w'))).toBe('2026-01-12T00:00:00.000Z');
    // 00:30 KST on Monday the 19th is already the next week (still Sunday in UTC).
    expect(iso(bucketStart(Date.UTC(2026, 0, 18, 15, 30) / 1000, '1w'))).toBe('2026-01-19T00:00:00.000Z');
    expect(iso(bucketStart(OPEN_0900, '1mo'))).toBe('2026-01-01T00:00:00.000Z');
    // 00:30 KST on 1 February is February although it is still 31 January in UTC.
    expect(iso(bucketStart(Date.UTC(2026, 0, 31, 15, 30) / 1000, '1mo'))).toBe('2026-02-01T00:00:00.000Z');
    expect(iso(bucketStart(Date.UTC(2024, 1, 29, 3) / 1000, '1mo'))).toBe('2024-02-01T00:00:00.000Z');
  });
});

describe('normalizeBars', () => {
  it('shifts, sorts ascending and de-duplicates (the later row wins)', () => {
    const rows = [
      { time: OPEN_0900 + 120, open: 3, high: 3, low: 3, close: 3, volume: 3 },
      { time: OPEN_0900, open: 1, high: 1, low: 1, close: 1, volume: 1 },
      { time: OPEN_0900 + 60, open: 2, high: 2, low: 2, close: 2, volume: 2 },
      { time: OPEN_0900 + 60, open: 2, high: 5, low: 2, close: 4, volume: 9 },
    ];
    const bars = normalizeBars(rows, '1m');
    expect(bars.map((b) => b.time - toChartTime(OPEN_0900))).toEqual([0, 60, 120]);
    expect(bars[1]).toMatchObject({ close: 4, high: 5, volume: 9 });
  });

  it('drops unreadable rows, coerces numeric strings and repairs an inconsistent high/low', () => {
    const bars = normalizeBars(
      [
        { time: OPEN_0900, open: '100', high: '90', low: '95', close: '105', volume: null },
        { time: 'nope', open: 1, high: 1, low: 1, close: 1 },
        { time: OPEN_0900 + 60, open: 1, high: 1, low: 1, close: Number.NaN },
      ],
      '1m',
    );
    expect(bars).toHaveLength(1);
    expect(bars[0]).toMatchObject({ open: 100, high: 105, low: 90, close: 105, volume: 0 });
  });

  it('aligns daily rows to the KST day', () => {
    const kstMidnight = Date.UTC(2026, 7, 20, 15) / 1000; // 2026-08-21 00:00 KST
    const bars = normalizeBars([{ time: kstMidnight, open: 1, high: 1, low: 1, close: 1 }], '1d');
    expect(new Date(bars[0].time * 1000).toISOString().slice(0, 10)).toBe('2026-08-21');
  });
});

describe('mergeOpenBar', () => {
  const base = normalizeBars([{ time: OPEN_0900, open: 10, high: 12, low: 9, close: 11, volume: 100 }], '1m');
  it('appends a newer open bar and replaces the same-time bar, keeping the seen range', () => {
    const next = mergeOpenBar(base, { time: OPEN_0900 + 60, open: 11, high: 11, low: 11, close: 11, volume: 5 }, '1m');
    expect(next).toHaveLength(2);
    const same = mergeOpenBar(base, { time: OPEN_0900, open: 10, high: 13, low: 10, close: 12.5, volume: 150 }, '1m');
    expect(same).toHaveLength(1);
    expect(same[0]).toMatchObject({ open: 10, high: 13, low: 9, close: 12.5, volume: 150 });
  });
  it('ignores an open bar older than the last bar', () => {
    expect(mergeOpenBar(base, { time: OPEN_0900 - 60, open: 1, high: 1, low: 1, close: 1 }, '1m')).toBe(base);
  });
});

describe('applyTick', () => {
  const last: Bar = { time: toChartTime(OPEN_0900 + 60), open: 100, high: 110, low: 95, close: 105, volume: 1000 };
  const at = (sec: number) => new Date((OPEN_0900 + sec) * 1000).toISOString();

  it('updates the open bar: close, high/low extend, volume adds up', () => {
    const m = applyTick(last, { price: 112, volume: 7, timestamp: at(90) }, '1m');
    expect(m).toEqual({ isNew: false, bar: { ...last, high: 112, close: 112, volume: 1007 } });
    const m2 = applyTick(last, { price: 90, volume: 3, timestamp: at(119) }, '1m');
    expect(m2?.bar).toMatchObject({ low: 90, close: 90, high: 110, volume: 1003 });
  });

  it('starts a new bar when the trade falls in the next period', () => {
    const m = applyTick(last, { price: 104, volume: 2, timestamp: at(125) }, '1m');
    expect(m).toEqual({ isNew: true, bar: { time: toChartTime(OPEN_0900 + 120), open: 104, high: 104, low: 104, close: 104, volume: 2 } });
  });

  it('never returns a bar older than the last one', () => {
    expect(applyTick(last, { price: 104, volume: 2, timestamp: at(30) }, '1m')).toBeNull();
    expect(applyTick(last, { price: Number.NaN, timestamp: at(90) }, '1m')).toBeNull();
    expect(applyTick(last, { price: 100, timestamp: 'bad' }, '1m')).toBeNull();
  });

  it('uses the day open/high/low and accumulated volume for daily bars', () => {
    const day: Bar = { time: bucketStart(OPEN_0900, '1d'), open: 100, high: 101, low: 99, close: 100, volume: 10 };
    const m = applyTick(day, { price: 103, volume: 1, accVolume: 5000, open: 98, high: 104, low: 97, timestamp: at(3600) }, '1d');
    expect(m).toEqual({ isNew: false, bar: { time: day.time, open: 98, high: 104, low: 97, close: 103, volume: 5000 } });
  });

  it('extends a weekly bar by the trade: day high/low as bounds, the week open and volume kept', () => {
    const week: Bar = { time: bucketStart(OPEN_0900, '1w'), open: 100, high: 105, low: 95, close: 100, volume: 10_000 };
    const wednesday = OPEN_0900 + 2 * 86400 + 600;
    const m = applyTick(week, { price: 103, volume: 7, accVolume: 5000, open: 98, high: 108, low: 97, timestamp: wednesday }, '1w');
    expect(m).toEqual({ isNew: false, bar: { time: week.time, open: 100, high: 108, low: 95, close: 103, volume: 10_007 } });
  });

  it('starts a monthly bar from the day when the month starts with this trade', () => {
    const january: Bar = { time: bucketStart(OPEN_0900, '1mo'), open: 100, high: 105, low: 95, close: 100, volume: 10_000 };
    const february = Date.UTC(2026, 1, 2, 1) / 1000; // Monday 2 February, 10:00 KST
    const m = applyTick(january, { price: 103, volume: 7, accVolume: 5000, open: 101, high: 104, low: 99, timestamp: february }, '1mo');
    expect(m).toEqual({
      isNew: true,
      bar: { time: bucketStart(february, '1mo'), open: 101, high: 104, low: 99, close: 103, volume: 5000 },
    });
  });

  it('aligns weekly and monthly rows to their KST bucket', () => {
    // A week bucket given as Monday 00:00 UTC (09:00 KST) still lands on the KST Monday.
    const rows = [{ time: Date.UTC(2026, 0, 12) / 1000, open: 1, high: 2, low: 1, close: 2, volume: 3 }];
    expect(new Date(normalizeBars(rows, '1w')[0].time * 1000).toISOString()).toBe('2026-01-12T00:00:00.000Z');
    expect(new Date(normalizeBars(rows, '1mo')[0].time * 1000).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('commitBar replaces or appends in place and keeps the array ascending', () => {
    const bars: Bar[] = [{ ...last }];
    commitBar(bars, applyTick(bars[bars.length - 1], { price: 106, volume: 1, timestamp: at(61) }, '1m')!);
    commitBar(bars, applyTick(bars[bars.length - 1], { price: 107, volume: 1, timestamp: at(185) }, '1m')!);
    expect(bars.map((b) => b.close)).toEqual([106, 107]);
    expect(bars[1].time).toBeGreaterThan(bars[0].time);
  });
});

describe('helpers', () => {
  it('finds KST day boundaries for intraday separators', () => {
    const day1 = toChartTime(OPEN_0900);
    const day2 = day1 + 86400;
    const b = [day1, day1 + 60, day2, day2 + 60].map((time) => ({ time, open: 1, high: 1, low: 1, close: 1, volume: 0 }));
    expect(dayBoundaries(b)).toEqual([day2]);
  });

  it('normalises comparison performance points given as dates or epoch seconds', () => {
    const pts = normalizeLinePoints([
      { time: '2026-01-13', value: 2.5 },
      { time: '2026-01-12', value: 0 },
      { time: OPEN_0900 + 86400 - 9 * H, value: 3 }, // KST midnight of the 13th: replaces it
      { time: '2026-01-14', value: null },
    ]);
    expect(pts.map((p) => new Date(p.time * 1000).toISOString().slice(0, 10))).toEqual(['2026-01-12', '2026-01-13']);
    expect(pts[1].value).toBe(3);
  });
});
