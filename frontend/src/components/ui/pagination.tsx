import { Button } from '@/components/ui/button';

export function Pagination({ page, size, total, onPage }: { page: number; size: number; total: number; onPage: (p: number) => void }) {
  const pages = Math.max(1, Math.ceil(total / size));
  return (
    <nav aria-label="페이지" className="mt-3 flex items-center justify-center gap-2 text-sm">
      <Button variant="secondary" size="sm" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        이전
      </Button>
      <span aria-current="page" className="min-w-24 text-center text-slate-700">
        {page} / {pages} 페이지
      </span>
      <Button variant="secondary" size="sm" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        다음
      </Button>
    </nav>
  );
}
