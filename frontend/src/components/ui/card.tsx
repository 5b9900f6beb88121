// A titled section box used across pages.
import type { ReactNode } from 'react';

export function Card({
  title,
  action,
  children,
  className = '',
  headingLevel = 2,
  id,
}: {
  title?: ReactNode;
  action?: ReactNode;
  children: ReactNode;
  className?: string;
  headingLevel?: 2 | 3;
  id?: string;
}) {
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section
      aria-labelledby={id && title ? `${id}-title` : undefined}
      className={`rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5 ${className}`}
    >
      {title || action ? (
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          {title ? (
            <H id={id ? `${id}-title` : undefined} className="text-base font-semibold text-slate-900">
              {title}
            </H>
          ) : (
            <span />
          )}
          {action}
        </div>
      ) : null}
      {children}
    </section>
  );
}
