// "As of" line shown next to every piece of market data: where it comes from and how old it is.
import { describeSource, type SourceInfo } from '@/lib/data-source';
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
