// Price change in Korean colours: ▲ red for up, ▼ blue for down.
import { formatChangeArrow, formatPercent, toneTextClass } from '@/lib/format';

export function ChangeText({
  change,
  changePercent,
  className = '',
  showAbsolute = true,
}: {
  change?: number | null;
  changePercent?: number | null;
  className?: string;
  showAbsolute?: boolean;
}) {
  const sign = changePercent ?? change;
  return (
    <span className={`${toneTextClass(sign)} ${className}`}>
      {showAbsolute && change !== undefined && change !== null ? <span className="mr-1.5">{formatChangeArrow(change)}</span> : null}
      <span>{formatPercent(changePercent)}</span>
    </span>
  );
}
