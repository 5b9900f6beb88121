import { Card } from '@/components/ui/card';
import { LinkButton } from '@/components/ui/button';
import { ComparisonList } from '@/features/comparisons/components/comparison-list';
import { useDocumentTitle } from '@/hooks/use-document-title';

export default function ComparisonsRoute() {
  useDocumentTitle('기업 비교');
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        <h1 className="text-xl font-bold">기업 비교</h1>
        <LinkButton to="/comparisons/new" variant="primary">
          + 새 비교
        </LinkButton>
      </div>
      <Card title="저장한 비교">
        <ComparisonList />
      </Card>
    </div>
  );
}
