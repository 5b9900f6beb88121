// Shared Lightweight Charts options: Korean tick labels and formatting of shifted (KST) times.
import type { DeepPartial, ChartOptions, Time } from 'lightweight-charts';
import { formatPrice } from '@/lib/format';

function pad(n: number) {
  return String(n).padStart(2, '0');
}

/** Chart times are already shifted to KST, so read them with UTC getters. */
export function chartTimeToDate(time: Time): Date {
  if (typeof time === 'number') return new Date(time * 1000);
  if (typeof time === 'string') return new Date(`${time}T00:00:00Z`);
  return new Date(Date.UTC(time.year, time.month - 1, time.day));
}

export function formatChartTime(time: Time, withTime: boolean): string {
  const d = chartTimeToDate(time);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return withTime ? `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` : date;
}

// TickMarkType is a const enum in the typings; its values are 0 Year, 1 Month, 2 DayOfMonth, 3 Time, 4 TimeWithSeconds.
export function koreanTickMark(time: Time, type: number): string {
  const d = chartTimeToDate(time);
  switch (type) {
    case 0:
      return `${d.getUTCFullYear()}년`;
    case 1:
      return `${d.getUTCMonth() + 1}월`;
    case 2:
      return `${d.getUTCMonth() + 1}/${d.getUTCDate()}`;
    case 4:
      return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    default:
      return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  }
}

export function baseChartOptions(opts: { intraday: boolean; priceFormatter?: (p: number) => string }): DeepPartial<ChartOptions> {
  return {
    autoSize: true,
    layout: {
      background: { color: '#ffffff' },
      textColor: '#334155',
      fontSize: 11,
      fontFamily: 'Pretendard, "Apple SD Gothic Neo", "Noto Sans KR", "Noto Sans CJK KR", system-ui, sans-serif',
      attributionLogo: true,
    },
    grid: { vertLines: { color: '#f1f5f9' }, horzLines: { color: '#f1f5f9' } },
    rightPriceScale: { borderColor: '#e2e8f0' },
    timeScale: {
      borderColor: '#e2e8f0',
      timeVisible: opts.intraday,
      secondsVisible: false,
      tickMarkFormatter: (time: Time, type: number) => koreanTickMark(time, type),
    },
    localization: {
      locale: 'ko-KR',
      timeFormatter: (time: Time) => formatChartTime(time, opts.intraday),
      priceFormatter: opts.priceFormatter ?? ((p: number) => formatPrice(Math.abs(p) >= 1000 ? Math.round(p) : Math.round(p * 100) / 100)),
    },
    crosshair: { mode: 0 },
  };
}
