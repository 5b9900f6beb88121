// Renders the api's highlighted text as text nodes with the matches in <mark>.
import { parseHighlight } from '@/features/news/highlight';

export function HighlightedText({ html, className = '' }: { html: string; className?: string }) {
  return (
    <span className={className}>
      {parseHighlight(html).map((s, i) =>
        s.match ? (
          <mark key={i} className="rounded-sm bg-amber-100 px-0.5 text-inherit">
            {s.text}
          </mark>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </span>
  );
}
