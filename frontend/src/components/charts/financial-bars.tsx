// Grouped bars per fiscal year (revenue, operating profit, net income) with an operating-margin
// line on a second axis. Plain SVG: small, accessible (a data table follows for screen readers).
import { useElementWidth } from '@/hooks/use-element-width';
import { formatKrwCompact, formatPercent } from '@/lib/format';

export type FinancialBarDatum = {
  label: string;
  revenue: number | null;
  operatingProfit: number | null;
  netIncome: number | null;
  margin: number | null;
};

const SERIES = [
  { key: 'revenue', label: '매출액', color: '#334155' },
  { key: 'operatingProfit', label: '영업이익', color: '#d6263b' },
  { key: 'netIncome', label: '순이익', color: '#f59e0b' },
] as const;

export function FinancialBars({ data, height = 260 }: { data: FinancialBarDatum[]; height?: number }) {
  const [ref, measured] = useElementWidth<HTMLDivElement>(640);
  const W = Math.max(300, measured);
  const H = height;
  const pad = { top: 16, right: 44, bottom: 28, left: 56 };
  const innerW = W - pad.left - pad.right;
  const innerH = H - pad.top - pad.bottom;
  const values = data
    .flatMap((d) => [d.revenue, d.operatingProfit, d.netIncome])
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const max = Math.max(0, ...values);
  const min = Math.min(0, ...values);
  const span = max - min || 1;
  const y = (v: number) => pad.top + ((max - v) / span) * innerH;
  const margins = data.map((d) => d.margin).filter((v): v is number => v !== null && Number.isFinite(v));
  const mMax = Math.max(5, ...margins);
  const mMin = Math.min(0, ...margins);
  const mSpan = mMax - mMin || 1;
  const my = (v: number) => pad.top + ((mMax - v) / mSpan) * innerH;
  const groupW = innerW / Math.max(1, data.length);
  const barW = Math.min(18, (groupW * 0.7) / 3);
  const ticks = [max, max - span / 2, min].filter((v, i, a) => a.indexOf(v) === i);
  const linePts = data
    .map((d, i) => (d.margin === null || !Number.isFinite(d.margin) ? null : `${pad.left + groupW * (i + 0.5)},${my(d.margin)}`))
    .filter(Boolean)
    .join(' ');

  return (
    <figure>
      <div className="mb-2 flex flex-wrap gap-3 text-xs text-slate-700" aria-hidden="true">
        {SERIES.map((s) => (
          <span key={s.key} className="flex items-center gap-1">
            <span className="inline-block h-2.5 w-2.5 rounded-sm" style={{ background: s.color }} />
            {s.label}
          </span>
        ))}
        <span className="flex items-center gap-1">
          <span className="inline-block h-0.5 w-4 bg-emerald-600" />
          영업이익률(우축)
        </span>
      </div>
      <div ref={ref} className="w-full">
        <svg
          viewBox={`0 0 ${W} ${H}`}
          width={W}
          height={H}
          className="block max-w-full"
          role="img"
          aria-label="연도별 매출액, 영업이익, 순이익과 영업이익률 차트"
        >
          {ticks.map((v) => (
            <g key={v}>
              <line x1={pad.left} x2={W - pad.right} y1={y(v)} y2={y(v)} stroke="#e2e8f0" />
              <text x={pad.left - 6} y={y(v) + 4} textAnchor="end" fontSize="11" fill="#475569">
                {formatKrwCompact(v)}
              </text>
            </g>
          ))}
          <line x1={pad.left} x2={W - pad.right} y1={y(0)} y2={y(0)} stroke="#94a3b8" />
          {data.map((d, i) => {
            const gx = pad.left + groupW * i + (groupW - barW * 3) / 2;
            return (
              <g key={d.label}>
                {SERIES.map((s, j) => {
                  const v = d[s.key];
                  if (v === null || !Number.isFinite(v)) return null;
                  const top = Math.min(y(v), y(0));
                  return (
                    <rect
                      key={s.key}
                      x={gx + j * barW}
                      y={top}
                      width={barW - 2}
                      height={Math.max(1, Math.abs(y(v) - y(0)))}
                      fill={s.color}
                      rx="1.5"
                    >
                      <title>{`${d.label} ${s.label} ${formatKrwCompact(v)}`}</title>
                    </rect>
                  );
                })}
                <text x={pad.left + groupW * (i + 0.5)} y={H - 8} textAnchor="middle" fontSize="11" fill="#475569">
                  {d.label}
                </text>
              </g>
            );
          })}
          {linePts ? <polyline points={linePts} fill="none" stroke="#059669" strokeWidth="2" /> : null}
          {data.map((d, i) =>
            d.margin === null || !Number.isFinite(d.margin) ? null : (
              <circle key={d.label} cx={pad.left + groupW * (i + 0.5)} cy={my(d.margin)} r="3" fill="#059669">
                <title>{`${d.label} 영업이익률 ${formatPercent(d.margin, 1, false)}`}</title>
              </circle>
            ),
          )}
          {[mMax, mMin].map((v) => (
            <text key={v} x={W - pad.right + 6} y={my(v) + 4} fontSize="11" fill="#047857">
              {formatPercent(v, 0, false)}
            </text>
          ))}
        </svg>
      </div>
    </figure>
  );
}
