// News items with source and time, opening the article in a new tab.
import { formatKstDateTime, formatRelative } from '@/lib/format';
import type { NewsItem } from '@/types/api';

export function NewsList({ items }: { items: NewsItem[] }) {
  return (
    <ul className="divide-y divide-slate-100">
      {items.map((n) => (
        <li key={n.newsId} className="py-3">
          <a href={n.url} target="_blank" rel="noopener noreferrer" className="group block">
            <span className="block font-medium text-slate-900 group-hover:underline">
              {n.title}
              <span className="sr-only"> (새 창)</span>
            </span>
            {n.summary ? <span className="mt-0.5 line-clamp-2 block text-sm text-slate-600">{n.summary}</span> : null}
            <span className="mt-1 block text-xs text-slate-500">
              {n.source ?? '출처 미상'}
              {n.publishedAt ? (
                <>
                  {' · '}
                  <time dateTime={n.publishedAt} title={formatKstDateTime(n.publishedAt)}>
                    {formatRelative(n.publishedAt)}
                  </time>
                </>
              ) : null}
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}
