// "As of" line shown next to every piece of market data: where it comes from and how old it is.
import { describeSource } from '@/lib/data-source';
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
  const tone =
    info.kind === 'live'
      ? 'green'
      : info.kind === 'simulated'
        ? 'violet'
        : info.kind === 'snapshot'
          ? 'blue'
          : info.kind === 'delayed'
            ? 'amber'
            : 'gray';
  return (
    <span className={`inline-flex items-center gap-1.5 text-xs text-slate-600 ${className}`} data-testid="source-note">
      <Badge tone={tone}>{info.badge}</Badge>
      <span>{info.label}</span>
    </span>
  );
}

export function AsOfText({ asOf, className = '' }: { asOf?: string | null; className?: string }) {
  if (!asOf) return null;
  return <span className={`text-xs text-slate-500 ${className}`}>{describeSource(null, asOf).label}</span>;
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
      {excluded ? <span data-testid="market-excluded"> · 이날 가격이 없는 {excluded.toLocaleString('ko-KR')}개 기업 제외</span> : null}
    </span>
  );
}
