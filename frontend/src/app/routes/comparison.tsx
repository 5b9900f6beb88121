import { Link, useParams, useSearchParams } from 'react-router';
import { PERIODS } from '@/features/comparisons/api/comparisons';
import { ComparisonView } from '@/features/comparisons/components/comparison-view';
import { useDocumentTitle } from '@/hooks/use-document-title';
import type { ComparisonPeriod } from '@/types/api';

export default function ComparisonRoute() {
  const { comparisonId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const p = params.get('period');
  const period: ComparisonPeriod = PERIODS.some((x) => x.id === p) ? (p as ComparisonPeriod) : '1y';
  useDocumentTitle('기업 비교');
  return (
    <div className="space-y-3">
      <Link to="/comparisons" className="text-sm text-blue-700 hover:underline">
        ← 비교 목록
      </Link>
      <ComparisonView id={comparisonId} period={period} onPeriod={(np) => setParams({ period: np }, { replace: true })} />
    </div>
  );
}
