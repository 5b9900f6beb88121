// Pure mapping between the api's OHLCV rows / live ticks and what Lightweight Charts is fed.
// The library is UTC-only, so every time here is shifted +9 h ("chart time") to read as KST,
// bars are ascending and unique, and a tick older than the last bar is never applied.
import { KST_OFFSET_SECONDS } from '@/lib/market-time';

export type Interval = '1m' | '15m' | '1h' | '1d' | '1w' | '1mo';
export const INTERVALS: readonly Interval[] = ['1m', '15m', '1h', '1d', '1w', '1mo'];
export const INTERVAL_LABELS: Record<Interval, string> = {
  '1m': '1분',
  '15m': '15분',
  '1h': '1시간',
  '1d': '일봉',
  '1w': '주봉',
  '1mo': '월봉',
};

/** Daily, weekly and monthly bars start on a KST calendar day; the others are intraday. */
export function isCalendarInterval(interval: Interval): boolean {
  return interval === '1d' || interval === '1w' || interval === '1mo';
}

export function isInterval(v: unknown): v is Interval {
  return typeof v === 'string' && (INTERVALS as readonly string[]).includes(v);
}

/** Length of a fixed-size interval; weeks are 7 days, months have none (null). */
export function intervalSeconds(interval: Interval): number | null {
  switch (interval) {
    case '1m':
      return 60;
    case '15m':
      return 900;
    case '1h':
      return 3600;
    case '1d':
      return 86400;
    case '1w':
      return 7 * 86400;
    case '1mo':
      return null;
  }
}

export type OhlcvRow = {
  time: number | string;
  open: number | string;
  high: number | string;
  low: number | string;
  close: number | string;
  volume?: number | string | null;
  amount?: number | string | null;
};

/** A bar in chart time (epoch seconds + 9 h). */
export type Bar = { time: number; open: number; high: number; low: number; close: number; volume: number };

export type TickLike = {
  price: number;
  volume?: number | null;
  accVolume?: number | null;
  open?: number | null;
  high?: number | null;
  low?: number | null;
  timestamp: string | number;
};

/** Epoch seconds from epoch s/ms, ISO datetime, or a KST calendar date. NaN when unreadable. */
export function toEpochSeconds(t: number | string): number {
  if (typeof t === 'number') return t > 1e12 ? Math.floor(t / 1000) : t;
  const s = t.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return toEpochSeconds(Number(s));
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return Date.parse(`${s}T00:00:00+09:00`) / 1000;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? Number.NaN : Math.floor(ms / 1000);
}

/** Epoch seconds → chart time (reads as KST in a UTC-only chart). */
export function toChartTime(epochSeconds: number): number {
  return epochSeconds + KST_OFFSET_SECONDS;
}

/** Chart time → epoch seconds. */
export function fromChartTime(chartTime: number): number {
  return chartTime - KST_OFFSET_SECONDS;
}

const MONDAY_OFFSET_DAYS = 3; // 1970-01-01 was a Thursday: day + 3 counts from a Monday

/** Start of the bar containing an instant, in chart time. KST is UTC+9 with no DST, so
 *  flooring the shifted time aligns minutes, quarters, hours and KST days alike; weeks start on
 *  Monday and months on the 1st (KST), like the api's 주봉/월봉. */
export function bucketStart(epochSeconds: number, interval: Interval): number {
  const shifted = toChartTime(epochSeconds);
  if (interval === '1w') {
    const day = Math.floor(shifted / 86400);
    return (day - ((day + MONDAY_OFFSET_DAYS) % 7)) * 86400;
  }
  if (interval === '1mo') {
    const d = new Date(shifted * 1000);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
  }
  const step = intervalSeconds(interval) as number;
  return Math.floor(shifted / step) * step;
}

function num(v: number | string | null | undefined): number {
  if (v === null || v === undefined || v === '') return Number.NaN;
  return typeof v === 'number' ? v : Number(v);
}

function rowToBar(row: OhlcvRow, interval: Interval): Bar | null {
  const epoch = toEpochSeconds(row.time);
  const open = num(row.open);
  const high = num(row.high);
  const low = num(row.low);
  const close = num(row.close);
  if (![epoch, open, high, low, close].every(Number.isFinite)) return null;
  const volume = num(row.volume);
  // Daily, weekly and monthly rows are aligned to their KST period; intraday rows keep their bar start.
  const time = isCalendarInterval(interval) ? bucketStart(epoch, interval) : toChartTime(epoch);
  return {
    time,
    open,
    high: Math.max(high, open, close, low),
    low: Math.min(low, open, close, high),
    close,
    volume: Number.isFinite(volume) ? volume : 0,
  };
}

/** API rows → ascending, de-duplicated chart bars (a later row for the same time wins). */
export function normalizeBars(rows: readonly OhlcvRow[], interval: Interval): Bar[] {
  const byTime = new Map<number, Bar>();
  for (const row of rows) {
    const bar = rowToBar(row, interval);
    if (bar) byTime.set(bar.time, bar);
  }
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}

/** Appends or replaces the unfinished bar from the api; an older one is dropped. */
export function mergeOpenBar(bars: Bar[], openBar: OhlcvRow | null | undefined, interval: Interval): Bar[] {
  if (!openBar) return bars;
  const bar = rowToBar(openBar, interval);
  if (!bar) return bars;
  const last = bars[bars.length - 1];
  if (!last || bar.time > last.time) return [...bars, bar];
  if (bar.time === last.time) {
    // The open bar is the live truth for that period, but never loses the range already seen.
    return [
      ...bars.slice(0, -1),
      {
        ...bar,
        open: last.open,
        high: Math.max(last.high, bar.high),
        low: Math.min(last.low, bar.low),
        volume: Math.max(last.volume, bar.volume),
      },
    ];
  }
  return bars;
}

export type TickMerge = { bar: Bar; isNew: boolean };

/**
 * Folds a trade into the last bar. Returns null for a trade older than the last bar (the chart
 * must never be handed an older bar). For daily bars the tick's day open/high/low and
 * accumulated volume are authoritative when present (not for weeks and months: they span days).
 */
export function applyTick(last: Bar | undefined, tick: TickLike, interval: Interval): TickMerge | null {
  const epoch = toEpochSeconds(tick.timestamp);
  const price = tick.price;
  if (!Number.isFinite(epoch) || !Number.isFinite(price) || price <= 0) return null;
  const time = bucketStart(epoch, interval);
  if (last && time < last.time) return null;
  const tradeVolume = Number.isFinite(tick.volume) ? (tick.volume as number) : 0;
  const daily = interval === '1d';
  const dayOpen = daily && Number.isFinite(tick.open) && (tick.open as number) > 0 ? (tick.open as number) : null;
  const dayHigh = daily && Number.isFinite(tick.high) && (tick.high as number) > 0 ? (tick.high as number) : null;
  const dayLow = daily && Number.isFinite(tick.low) && (tick.low as number) > 0 ? (tick.low as number) : null;
  const accVolume = daily && Number.isFinite(tick.accVolume) ? (tick.accVolume as number) : null;

  if (last && time === last.time) {
    return {
      isNew: false,
      bar: {
        time,
        open: dayOpen ?? last.open,
        high: Math.max(last.high, price, dayHigh ?? price),
        low: Math.min(last.low, price, dayLow ?? price),
        close: price,
        volume: accVolume ?? last.volume + tradeVolume,
      },
    };
  }
  const open = dayOpen ?? price;
  return {
    isNew: true,
    bar: {
      time,
      open,
      high: Math.max(open, price, dayHigh ?? price),
      low: Math.min(open, price, dayLow ?? price),
      close: price,
      volume: accVolume ?? tradeVolume,
    },
  };
}

/** Replaces or appends the merged bar in an array (returns the same array, mutated). */
export function commitBar(bars: Bar[], merge: TickMerge): Bar[] {
  if (merge.isNew) bars.push(merge.bar);
  else bars[bars.length - 1] = merge.bar;
  return bars;
}

export type LinePoint = { time: number; value: number };

/** Simple moving average of closes. */
export function movingAverage(bars: readonly Bar[], period: number): LinePoint[] {
  const out: LinePoint[] = [];
  let sum = 0;
  for (let i = 0; i < bars.length; i++) {
    sum += bars[i].close;
    if (i >= period) sum -= bars[i - period].close;
    if (i >= period - 1) out.push({ time: bars[i].time, value: sum / period });
  }
  return out;
}

/** The moving-average point of the last bar, for live updates; null with too few bars. */
export function lastMovingAverage(bars: readonly Bar[], period: number): LinePoint | null {
  if (bars.length < period) return null;
  let sum = 0;
  for (let i = bars.length - period; i < bars.length; i++) sum += bars[i].close;
  return { time: bars[bars.length - 1].time, value: sum / period };
}

/** Chart times where a new KST day starts (for separators on intraday charts). */
export function dayBoundaries(bars: readonly Bar[]): number[] {
  const out: number[] = [];
  let prevDay: number | null = null;
  for (const b of bars) {
    const day = Math.floor(b.time / 86400);
    if (prevDay !== null && day !== prevDay) out.push(b.time);
    prevDay = day;
  }
  return out;
}

/** Performance points ({time, value}) → ascending unique chart-time line points (KST days). */
export function normalizeLinePoints(
  points: readonly { time: number | string; value: number | string | null }[],
  daily = true,
): LinePoint[] {
  const byTime = new Map<number, number>();
  for (const p of points) {
    const epoch = toEpochSeconds(p.time);
    const value = num(p.value);
    if (!Number.isFinite(epoch) || !Number.isFinite(value)) continue;
    const time = daily ? bucketStart(epoch, '1d') : toChartTime(epoch);
    byTime.set(time, value);
  }
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([time, value]) => ({ time, value }));
}
