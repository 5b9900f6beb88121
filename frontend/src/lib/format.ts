// Number, money and time formatting for Korean readers: 조/억/만 units, explicit signs,
// and the Korean colour convention (red = up, blue = down).

const intFmt = new Intl.NumberFormat('ko-KR', { maximumFractionDigits: 0 });
const JO = 1_0000_0000_0000; // 1조 = 10^12
const EOK = 1_0000_0000; // 1억 = 10^8
const MAN = 1_0000; // 1만 = 10^4

export const DASH = '-';

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function formatNumber(v: number | null | undefined, digits = 0): string {
  if (!isNum(v)) return DASH;
  return new Intl.NumberFormat('ko-KR', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

/** Stock price in whole won: 75000 → "75,000". */
export function formatPrice(v: number | null | undefined): string {
  if (!isNum(v)) return DASH;
  return Number.isInteger(v) ? intFmt.format(v) : formatNumber(v, 2);
}

/** Index level: 2650.1 → "2,650.10". */
export function formatIndex(v: number | null | undefined): string {
  return formatNumber(v, 2);
}

/** Signed absolute change: 500 → "+500", -500 → "-500", 0 → "0". */
export function formatSigned(v: number | null | undefined, digits = 0): string {
  if (!isNum(v)) return DASH;
  const body = digits === 0 && Number.isInteger(v) ? intFmt.format(Math.abs(v)) : formatNumber(Math.abs(v), digits || 2);
  if (v > 0) return `+${body}`;
  if (v < 0) return `-${body}`;
  return body;
}

/** Korean ticker style: ▲500 / ▼500 / 0. */
export function formatChangeArrow(v: number | null | undefined, digits = 0): string {
  if (!isNum(v)) return DASH;
  const body = digits === 0 && Number.isInteger(v) ? intFmt.format(Math.abs(v)) : formatNumber(Math.abs(v), digits || 2);
  if (v > 0) return `▲${body}`;
  if (v < 0) return `▼${body}`;
  return body;
}

/** Percent already in percent units: 0.67 → "+0.67%", -1.2 → "-1.20%", 0 → "0.00%". */
export function formatPercent(v: number | null | undefined, digits = 2, signed = true): string {
  if (!isNum(v)) return DASH;
  const body = formatNumber(Math.abs(v), digits);
  if (Number(body.replace(/,/g, '')) === 0) return `${formatNumber(0, digits)}%`;
  if (!signed) return `${v < 0 ? '-' : ''}${body}%`;
  return `${v > 0 ? '+' : '-'}${body}%`;
}

/** Full Korean money: 1_180_375_801_646_800 → "1,180조 3,758억원" (rounded to 억). */
export function formatKrw(v: number | null | undefined, unit = '원'): string {
  if (!isNum(v)) return DASH;
  const sign = v < 0 ? '-' : '';
  const a = Math.abs(v);
  if (a >= EOK) {
    const eokTotal = Math.round(a / EOK);
    const jo = Math.floor(eokTotal / MAN);
    const eok = eokTotal % MAN;
    const parts: string[] = [];
    if (jo > 0) parts.push(`${intFmt.format(jo)}조`);
    if (eok > 0 || jo === 0) parts.push(`${intFmt.format(eok)}억`);
    return `${sign}${parts.join(' ')}${unit}`;
  }
  if (a >= MAN) return `${sign}${intFmt.format(Math.round(a / MAN))}만${unit}`;
  return `${sign}${intFmt.format(Math.round(a))}${unit}`;
}

/** Short Korean money for tight spaces and axes: "1,180.4조", "3,758억", "1,234만". */
export function formatKrwCompact(v: number | null | undefined): string {
  if (!isNum(v)) return DASH;
  const sign = v < 0 ? '-' : '';
  const a = Math.abs(v);
  if (a >= JO) return `${sign}${formatNumber(a / JO, a >= 100 * JO ? 0 : 1)}조`;
  if (a >= EOK) return `${sign}${intFmt.format(Math.round(a / EOK))}억`;
  if (a >= MAN) return `${sign}${intFmt.format(Math.round(a / MAN))}만`;
  return `${sign}${intFmt.format(Math.round(a))}`;
}

/** Market cap: full units, no fraction of 억. */
export function formatMarketCap(v: number | null | undefined): string {
  return formatKrw(v);
}

/** Share counts: 15234567 → "15,234,567"; compact → "1,523만". */
export function formatVolume(v: number | null | undefined, compact = false): string {
  if (!isNum(v)) return DASH;
  if (!compact) return intFmt.format(v);
  const a = Math.abs(v);
  if (a >= EOK) return `${formatNumber(v / EOK, 1)}억`;
  if (a >= MAN) return `${intFmt.format(Math.round(v / MAN))}만`;
  return intFmt.format(v);
}

export type Tone = 'up' | 'down' | 'flat';

export function toneOf(v: number | null | undefined): Tone {
  if (!isNum(v) || v === 0) return 'flat';
  return v > 0 ? 'up' : 'down';
}

/** Tailwind text colour for a change (red up, blue down). */
export function toneTextClass(v: number | null | undefined): string {
  const t = toneOf(v);
  return t === 'up' ? 'text-up' : t === 'down' ? 'text-down' : 'text-flat';
}

export const CHART_COLORS = {
  up: '#d6263b',
  down: '#1d5fd1',
  upVolume: 'rgba(214, 38, 59, 0.45)',
  downVolume: 'rgba(29, 95, 209, 0.45)',
  ma5: '#f59e0b',
  ma20: '#10b981',
  ma60: '#8b5cf6',
  repaired: '#b45309', // a bar rebuilt from the broker's minute bars after a gap in the feed
  gap: '#475569', // a bar inside a gap of the feed that was not repaired
} as const;

const KST_MS = 9 * 3600 * 1000;

function toDate(v: string | number | Date): Date | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  if (typeof v === 'number') return new Date(v < 1e12 ? v * 1000 : v);
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(`${v}T00:00:00+09:00`);
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

function pad(n: number) {
  return String(n).padStart(2, '0');
}

/** "2026-08-21" in Korea time. Accepts ISO strings, epoch seconds/ms and Dates. */
export function formatKstDate(v: string | number | Date | null | undefined): string {
  if (v === null || v === undefined || v === '') return DASH;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  const d = toDate(v);
  if (!d) return DASH;
  const k = new Date(d.getTime() + KST_MS);
  return `${k.getUTCFullYear()}-${pad(k.getUTCMonth() + 1)}-${pad(k.getUTCDate())}`;
}

/** "2026-08-21 15:30" in Korea time; date-only input stays a date. */
export function formatKstDateTime(v: string | number | Date | null | undefined, withSeconds = false): string {
  if (v === null || v === undefined || v === '') return DASH;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  const d = toDate(v);
  if (!d) return DASH;
  const k = new Date(d.getTime() + KST_MS);
  const base = `${k.getUTCFullYear()}-${pad(k.getUTCMonth() + 1)}-${pad(k.getUTCDate())} ${pad(k.getUTCHours())}:${pad(k.getUTCMinutes())}`;
  return withSeconds ? `${base}:${pad(k.getUTCSeconds())}` : base;
}

export function formatKstTime(v: string | number | Date | null | undefined): string {
  if (v === null || v === undefined || v === '') return DASH;
  const d = toDate(v);
  if (!d) return DASH;
  const k = new Date(d.getTime() + KST_MS);
  return `${pad(k.getUTCHours())}:${pad(k.getUTCMinutes())}:${pad(k.getUTCSeconds())}`;
}

/** "방금 전", "3분 전", "2시간 전", else the date. */
export function formatRelative(v: string | number | Date | null | undefined, now: number = Date.now()): string {
  if (v === null || v === undefined || v === '') return DASH;
  const d = toDate(v);
  if (!d) return DASH;
  const s = Math.round((now - d.getTime()) / 1000);
  if (s < 0) return formatKstDateTime(d);
  if (s < 60) return '방금 전';
  if (s < 3600) return `${Math.floor(s / 60)}분 전`;
  if (s < 86400) return `${Math.floor(s / 3600)}시간 전`;
  if (s < 7 * 86400) return `${Math.floor(s / 86400)}일 전`;
  return formatKstDate(d);
}

/** Latency: 85 → "85ms", 1234 → "1.2초", 125000 → "2분". */
export function formatLatency(ms: number | null | undefined): string {
  if (!isNum(ms)) return DASH;
  if (Math.abs(ms) < 1000) return `${Math.round(ms)}ms`;
  if (Math.abs(ms) < 60_000) return `${(ms / 1000).toFixed(1)}초`;
  return `${Math.round(ms / 60_000)}분`;
}
