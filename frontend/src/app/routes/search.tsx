import { useSearchParams } from 'react-router';
import { SearchResults } from '@/features/search/components/search-results';
import { useDocumentTitle } from '@/hooks/use-document-title';

export default function SearchRoute() {
  const [params, setParams] = useSearchParams();
  const q = (params.get('q') ?? '').trim();
  const page = Math.max(1, Number(params.get('page')) || 1);
  useDocumentTitle(q ? `'${q}' 검색` : '검색');
  return (
    <div>
      <h1 className="sr-only">기업 검색 결과</h1>
      <SearchResults keyword={q} page={page} onPage={(p) => setParams({ q, page: String(p) })} />
    </div>
  );
}
