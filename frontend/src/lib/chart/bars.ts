// Pure mapping between the api's OHLCV rows / live ticks and what Lightweight Charts is fed.
// The library is UTC-only, so every time here is shifted +9 h ("chart time") to read as KST,
// bars are ascending and unique, and a tick older than the last bar is never applied.
import { KST_OFFSET_SECONDS } from '@/lib/market-time';

export type Interval = '1m' | '15m' | '1h' | '1d' | '1w' | '1mo';
export const INTERVALS: readonly Interval[] = ['1m', '15m', '1h', '1d', '1w', '1mo'];
/** Button text. */
export const INTERVAL_LABELS: Record<Interval, string> = { '1m': '1분', '15m': '15분', '1h': '1시간', '1d': '일', '1w': '주', '1mo': '월' };
/** The bar's name in sentences (봉 = candle). */
export const INTERVAL_NAMES: Record<Interval, string> = {
  '1m': '1분봉',
  '15m': '15분봉',
  '1h': '1시간봉',
  '1d': '일봉',
  '1w': '주봉',
  '1mo': '월봉',
};

export function isInterval(v: unknown): v is Interval {
  return typeof v === 'string' && (INTERVALS as readonly string[]).includes(v);
}

/** Bars shorter than a day: their time of day matters and they are not aligned to KST days. */
export function isIntraday(interval: Interval): boolean {
  return interval === '1m' || interval === '15m' || interval === '1h';
}

const FIXED_SECONDS = { '1m': 60, '15m': 900, '1h': 3600, '1d': 86400 } as const;
const DAY = 86400;

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

/** Start of the bar containing an instant, in chart time. KST is UTC+9 with no DST, so
 *  flooring the shifted time aligns minutes, quarters, hours and KST days alike; weeks start on
 *  the KST Monday and months on the KST first of the month (the api's weekly / monthly buckets). */
export function bucketStart(epochSeconds: number, interval: Interval): number {
  const shifted = toChartTime(epochSeconds);
  if (interval === '1w') {
    const day = Math.floor(shifted / DAY);
    // Day 0 (1970-01-01) was a Thursday: (day + 3) % 7 is the number of days since Monday.
    return (day - ((((day + 3) % 7) + 7) % 7)) * DAY;
  }
  if (interval === '1mo') {
    const d = new Date(shifted * 1000);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
  }
  const step = FIXED_SECONDS[interval];
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
  // Daily, weekly and monthly rows are aligned to their KST bucket; intraday rows keep their bar start.
  const time = isIntraday(interval) ? toChartTime(epoch) : bucketStart(epoch, interval);
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
 * must never be handed an older bar). The tick's day open/high/low and accumulated volume are
 * authoritative for a daily bar. A weekly or monthly bar takes the day's high/low as bounds; the
 * day's open and volume only when the bar is new (the period starts with this day), otherwise
 * the trade's own volume adds up.
 */
export function applyTick(last: Bar | undefined, tick: TickLike, interval: Interval): TickMerge | null {
  const epoch = toEpochSeconds(tick.timestamp);
  const price = tick.price;
  if (!Number.isFinite(epoch) || !Number.isFinite(price) || price <= 0) return null;
  const time = bucketStart(epoch, interval);
  if (last && time < last.time) return null;
  const tradeVolume = Number.isFinite(tick.volume) ? (tick.volume as number) : 0;
  const dayScoped = !isIntraday(interval);
  const positive = (v: number | null | undefined) => (dayScoped && Number.isFinite(v) && (v as number) > 0 ? (v as number) : null);
  const dayOpen = positive(tick.open);
  const dayHigh = positive(tick.high);
  const dayLow = positive(tick.low);
  const accVolume = dayScoped && Number.isFinite(tick.accVolume) ? (tick.accVolume as number) : null;

  if (last && time === last.time) {
    const daily = interval === '1d';
    return {
      isNew: false,
      bar: {
        time,
        open: daily ? (dayOpen ?? last.open) : last.open,
        high: Math.max(last.high, price, dayHigh ?? price),
        low: Math.min(last.low, price, dayLow ?? price),
        close: price,
        volume: daily ? (accVolume ?? last.volume + tradeVolume) : last.volume + tradeVolume,
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

export type LinePoint = { time: number; value: number };

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
