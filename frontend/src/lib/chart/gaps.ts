// Gaps in the real-time feed (the ohlcv response's `gaps`): when no ingest process streamed, the
// broker's trades of that time were never received. Backfills share the record: today's 1-minute
// bars from before ingest followed the stock, filled from the broker's minute-bar API — named in the
// note under the chart, not marked bar by bar. Repaired 1-minute bars (from the broker's
// minute-bar API) are marked on the chart, and any gap not (yet) repaired is marked as such —
// on bars of 15 minutes and more the gap's bars are incomplete, so the gap is always shown there.
import { bucketStart, toChartTime, type Bar, type Interval } from '@/lib/chart/bars';
import { formatKstTime } from '@/lib/format';

export type GapStatus = 'pending' | 'repaired' | 'partial' | 'failed';
export type GapCause = 'restart' | 'backfill';
export type FeedGap = { start: number; end: number; cause: GapCause; status: GapStatus; repairedTimes: number[] };

export type GapMarker = {
  time: number; // chart time of the bar marked
  kind: 'repaired' | 'gap';
};

const STATUSES: readonly GapStatus[] = ['pending', 'repaired', 'partial', 'failed'];

/** The response's `gaps`, checked; anything malformed is left out. */
export function normalizeGaps(raw: unknown): FeedGap[] {
  if (!Array.isArray(raw)) return [];
  const out: FeedGap[] = [];
  for (const g of raw) {
    if (!g || typeof g !== 'object') continue;
    const { start, end, cause, status, repairedTimes } = g as Record<string, unknown>;
    if (typeof start !== 'number' || typeof end !== 'number' || !STATUSES.includes(status as GapStatus)) continue;
    const times = Array.isArray(repairedTimes) ? repairedTimes.filter((t): t is number => typeof t === 'number') : [];
    out.push({ start, end, cause: cause === 'backfill' ? 'backfill' : 'restart', status: status as GapStatus, repairedTimes: times });
  }
  return out;
}

/** Markers for the bars shown: each repaired 1-minute bar, and the bars a remaining gap falls in. */
export function gapMarkers(gaps: readonly FeedGap[], bars: readonly Bar[], interval: Interval): GapMarker[] {
  const shown = new Set(bars.map((b) => b.time));
  const markers = new Map<number, GapMarker>();
  for (const gap of gaps) {
    if (gap.cause === 'backfill') continue; // bars from before streaming began are complete, not a gap
    const repairedHere = interval === '1m' && gap.status === 'repaired';
    if (repairedHere) {
      for (const t of gap.repairedTimes) {
        const time = toChartTime(t);
        if (shown.has(time)) markers.set(time, { time, kind: 'repaired' });
      }
      continue;
    }
    for (const time of bucketsOf(gap, interval)) {
      if (shown.has(time)) markers.set(time, { time, kind: 'gap' });
    }
  }
  return [...markers.values()].sort((a, b) => a.time - b.time);
}

/** The chart times of the bars a gap falls in (minute by minute, so weeks and months work too). */
function bucketsOf(gap: FeedGap, interval: Interval): Set<number> {
  const out = new Set<number>([bucketStart(gap.end, interval)]);
  const last = Math.min(gap.end, gap.start + 60 * 60 * 24 * 40); // a longer gap: its first 40 days
  for (let t = gap.start; t <= last; t += 60) out.add(bucketStart(t, interval));
  return out;
}

/** One line for the note under the chart. */
export function describeGap(gap: FeedGap, interval: Interval): string {
  const span = `${formatKstTime(gap.start * 1000)}–${formatKstTime(gap.end * 1000)}`;
  const bars = gap.repairedTimes.length;
  if (gap.cause === 'backfill') {
    return gap.status === 'failed'
      ? `오늘 ${span} 1분봉을 증권사 분봉 조회로 불러오지 못했습니다. 다시 시도합니다.`
      : `오늘 ${span}의 1분봉 ${bars}개는 실시간 수집 전 구간으로, 증권사 분봉 조회(주식당일분봉조회)로 채웠습니다.`;
  }
  switch (gap.status) {
    case 'repaired':
      return interval === '1m'
        ? `실시간 수집 공백 ${span}: 1분봉 ${bars}개를 증권사 분봉 API로 복구했습니다.`
        : `실시간 수집 공백 ${span}: 1분봉은 복구했지만 이 간격의 봉에는 공백 구간 체결이 빠져 있을 수 있습니다.`;
    case 'pending':
      return `실시간 수집 공백 ${span}: 1분봉 복구 대기 중입니다.`;
    case 'partial':
      return `실시간 수집 공백 ${span}: 일부 종목만 복구했습니다. 이 구간의 봉은 불완전할 수 있습니다.`;
    case 'failed':
      return `실시간 수집 공백 ${span}: 복구하지 못했습니다. 이 구간의 봉은 불완전합니다.`;
  }
}
