// Word cloud of news keywords: font size by frequency, deterministic layout (no library).
import type { Keyword } from '@/types/api';

const COLORS = ['text-slate-900', 'text-red-700', 'text-blue-800', 'text-emerald-800', 'text-violet-800', 'text-amber-800'];

export function KeywordCloud({ keywords, max = 40 }: { keywords: Keyword[]; max?: number }) {
  const list = [...keywords].sort((a, b) => b.count - a.count).slice(0, max);
  if (list.length === 0) return null;
  const hi = list[0].count;
  const lo = list[list.length - 1].count;
  const size = (c: number) => (hi === lo ? 1.1 : 0.8 + ((c - lo) / (hi - lo)) * 1.2);
  // Interleave big and small words so the cloud looks balanced.
  const arranged = list.map((k, i) => ({ k, i })).sort((a, b) => (a.i % 2) - (b.i % 2) || (a.i % 2 === 0 ? a.i - b.i : b.i - a.i));
  return (
    <ul className="flex flex-wrap items-center justify-center gap-x-3 gap-y-1 py-2" aria-label="뉴스 키워드 빈도">
      {arranged.map(({ k, i }) => (
        <li
          key={k.keyword}
          className={`${COLORS[i % COLORS.length]} leading-tight`}
          style={{ fontSize: `${size(k.count)}rem`, fontWeight: i < 5 ? 700 : 500 }}
          title={`${k.keyword}: ${k.count}회`}
        >
          {k.keyword}
          <span className="sr-only"> {k.count}회</span>
        </li>
      ))}
    </ul>
  );
}
