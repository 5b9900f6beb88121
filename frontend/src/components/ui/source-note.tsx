// "As of" line shown next to every piece of market data: where it comes from and how old it is.
import { describeSource, type SourceInfo } from '@/lib/data-source';
import { formatKstDate } from '@/lib/format';

/** Who a market day's daily closes come from (api/quotes.py DAILY_PRICE_SETS). */
const DAILY_SOURCE_NAMES: Record<string, string> = { krx: 'KRX 스냅샷', kis: '한국투자증권', yfinance: 'yfinance(지연)' };
import { Badge } from '@/components/ui/badge';

export function SourceNote({
  source,
  asOf,
  className = '',
}: {
  source?: string | null;
  asOf?: string | number | null;
  className?: string;
}) {
  const info = describeSource(source, asOf);
  return (
    <span className={`inline-flex items-center gap-1.5 text-xs text-slate-600 ${className}`} data-testid="source-note">
      <Badge tone={toneOf(info.kind)}>{info.badge}</Badge>
      <span>{info.label}</span>
    </span>
  );
}

/** The badge alone (its label as the tooltip), where the date is already written next to it. */
export function SourceBadge({ source, asOf }: { source?: string | null; asOf?: string | number | null }) {
  const info = describeSource(source, asOf);
  return (
    <span title={info.label} data-testid="source-note">
      <Badge tone={toneOf(info.kind)}>{info.badge}</Badge>
    </span>
  );
}

function toneOf(kind: SourceInfo['kind']) {
  return kind === 'live' ? 'green' : kind === 'simulated' ? 'violet' : kind === 'snapshot' ? 'blue' : kind === 'delayed' ? 'amber' : 'gray';
}

export function AsOfText({ asOf, className = '' }: { asOf?: string | null; className?: string }) {
  if (!asOf) return null;
  return <span className={`text-xs text-slate-500 ${className}`}>{describeSource(null, asOf).label}</span>;
}

/** How many listed companies a list leaves out for having no price on its day (nothing when none). */
export function ExcludedNote({ excluded, className = '' }: { excluded?: number | null; className?: string }) {
  if (!excluded) return null;
  return (
    <span className={className} data-testid="market-excluded">
      이날 가격이 없는 {excluded.toLocaleString('ko-KR')}개 기업 제외
    </span>
  );
}

/**
 * The one market day a list of companies is priced on (api: `asOf`, `source`, `excluded`): where
 * the prices come from, of which day, and how many companies are left out for having no price
 * that day — so a ranking never silently mixes days or sources.
 */
export function MarketAsOf({
  asOf,
  source,
  excluded,
  className = '',
}: {
  asOf?: string | null;
  source?: string | null;
  excluded?: number | null;
  className?: string;
}) {
  if (!asOf) return null;
  return (
    <span className={`text-xs text-slate-500 ${className}`} data-testid="market-as-of">
      {DAILY_SOURCE_NAMES[source ?? ''] ?? source ?? '출처 미상'} {formatKstDate(asOf)} 종가 기준
      {excluded ? (
        <>
          {' · '}
          <ExcludedNote excluded={excluded} />
        </>
      ) : null}
    </span>
  );
}

/** Source badge and age ("3초 전") of a live figure; `at` is when it was produced (ISO or ms). */
export function LiveAge({
  source,
  at,
  now,
  className = '',
}: {
  source?: string | null;
  at?: string | number | null;
  now: number;
  className?: string;
}) {
  const info = describeSource(source, null);
  const t = typeof at === 'string' ? Date.parse(at) : (at ?? Number.NaN);
  const seconds = Number.isFinite(t) ? Math.max(0, Math.round((now - t) / 1000)) : null;
  const age =
    seconds === null
      ? '시각 미상'
      : seconds < 60
        ? `${seconds}초 전`
        : seconds < 3600
          ? `${Math.floor(seconds / 60)}분 전`
          : `${Math.floor(seconds / 3600)}시간 전`;
  return (
    <span
      className={`inline-flex items-center gap-1.5 text-xs text-slate-600 ${className}`}
      data-testid="live-age"
      data-age-seconds={seconds ?? ''}
    >
      <Badge tone={info.kind === 'live' ? 'green' : info.kind === 'simulated' ? 'violet' : info.kind === 'delayed' ? 'amber' : 'gray'}>
        {info.badge}
      </Badge>
      <span>{age}</span>
    </span>
  );
}
