// News search results: highlighted title and summary, source, time and the companies an article is about.
import { Link } from 'react-router';
import { HighlightedText } from '@/features/news/components/highlighted-text';
import { formatKstDateTime, formatRelative } from '@/lib/format';
import type { NewsSearchItem } from '@/types/api';

export function NewsSearchResults({ items }: { items: NewsSearchItem[] }) {
  return (
    <ul className="divide-y divide-slate-100" data-testid="news-results">
      {items.map((n) => (
        <li key={n.newsId} className="py-3" data-testid="news-result">
          <a href={n.url} target="_blank" rel="noopener noreferrer" className="group block">
            <HighlightedText html={n.highlight.title} className="block font-medium text-slate-900 group-hover:underline" />
            <span className="sr-only"> (새 창)</span>
            {n.highlight.summary ? (
              <HighlightedText html={n.highlight.summary} className="mt-0.5 line-clamp-2 block text-sm text-slate-600" />
            ) : null}
          </a>
          <div className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-slate-500">
            <span>{n.source ?? '출처 미상'}</span>
            {n.publishedAt ? (
              <time dateTime={n.publishedAt} title={formatKstDateTime(n.publishedAt)}>
                {formatRelative(n.publishedAt)}
              </time>
            ) : (
              <span>발행 시각 미상</span>
            )}
            {n.companies.map((c) => (
              <Link
                key={c.companyId}
                to={`/companies/${c.companyId}`}
                className="rounded-full bg-slate-100 px-2 py-0.5 text-slate-700 hover:bg-slate-200"
              >
                {c.name}
              </Link>
            ))}
          </div>
        </li>
      ))}
    </ul>
  );
}
