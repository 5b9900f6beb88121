// Revenue composition as one stacked bar plus a legend list.
import { formatKrwCompact, formatPercent } from '@/lib/format';

const COLORS = ['#334155', '#d6263b', '#1d5fd1', '#f59e0b', '#10b981', '#8b5cf6', '#ec4899', '#64748b'];

export function ShareBar({ items }: { items: { label: string; value: number | null; sharePct: number | null }[] }) {
  const total = items.reduce((s, i) => s + (i.value ?? 0), 0);
  const withShare = items
    .map((i) => ({ ...i, share: i.sharePct ?? (total > 0 && i.value ? (i.value / total) * 100 : 0) }))
    .sort((a, b) => b.share - a.share);
  return (
    <div>
      <div
        className="flex h-6 w-full overflow-hidden rounded-md"
        role="img"
        aria-label={`매출 구성: ${withShare.map((i) => `${i.label} ${formatPercent(i.share, 1, false)}`).join(', ')}`}
      >
        {withShare.map((i, k) => (
          <span
            key={i.label}
            style={{ width: `${Math.max(0, i.share)}%`, background: COLORS[k % COLORS.length] }}
            title={`${i.label} ${formatPercent(i.share, 1, false)}`}
          />
        ))}
      </div>
      <ul className="mt-3 grid gap-1 text-sm sm:grid-cols-2">
        {withShare.map((i, k) => (
          <li key={i.label} className="flex items-center gap-2">
            <span
              aria-hidden="true"
              className="inline-block h-2.5 w-2.5 shrink-0 rounded-sm"
              style={{ background: COLORS[k % COLORS.length] }}
            />
            <span className="min-w-0 flex-1 truncate">{i.label}</span>
            <span className="text-slate-700">{formatPercent(i.share, 1, false)}</span>
            {i.value !== null ? <span className="w-16 text-right text-xs text-slate-500">{formatKrwCompact(i.value)}</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
