// KRX trading calendar in Korea time (UTC+9, no daylight saving): regular session
// 09:00–15:30 Monday to Friday. Exchange holidays are not known here.

export const KST_OFFSET_SECONDS = 9 * 3600;
const OPEN_MIN = 9 * 60;
const CLOSE_MIN = 15 * 60 + 30;

export type MarketSession = 'pre' | 'open' | 'closed';

export function kstParts(date: Date) {
  const k = new Date(date.getTime() + KST_OFFSET_SECONDS * 1000);
  return {
    year: k.getUTCFullYear(),
    month: k.getUTCMonth() + 1,
    day: k.getUTCDate(),
    weekday: k.getUTCDay(), // 0 = Sunday
    minutes: k.getUTCHours() * 60 + k.getUTCMinutes(),
  };
}

export function isTradingWeekday(date: Date): boolean {
  const { weekday } = kstParts(date);
  return weekday >= 1 && weekday <= 5;
}

export function marketSession(date: Date): MarketSession {
  const { minutes } = kstParts(date);
  if (!isTradingWeekday(date)) return 'closed';
  if (minutes < OPEN_MIN) return 'pre';
  if (minutes < CLOSE_MIN) return 'open';
  return 'closed';
}

export function isMarketHours(date: Date): boolean {
  return marketSession(date) === 'open';
}

export function marketSessionLabel(session: MarketSession, date?: Date): string {
  if (session === 'pre') return '장 시작 전';
  if (session === 'open') return '장중';
  if (date && !isTradingWeekday(date)) return '장 마감 (주말)';
  return '장 마감';
}
