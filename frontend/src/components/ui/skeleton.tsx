// Placeholders with the final element's size, so nothing shifts when data arrives.
import type { CSSProperties } from 'react';

export function Skeleton({ className = '', style }: { className?: string; style?: CSSProperties }) {
  return <span aria-hidden="true" className={`skeleton block ${className}`} style={style} />;
}

export function SkeletonRows({ rows = 5, rowClass = 'h-10' }: { rows?: number; rowClass?: string }) {
  return (
    <div role="status" aria-label="불러오는 중" className="space-y-2">
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} className={`${rowClass} w-full`} />
      ))}
    </div>
  );
}
