import { useNavigate } from 'react-router';
import { ComparisonBuilder } from '@/features/comparisons/components/comparison-builder';
import { useDocumentTitle } from '@/hooks/use-document-title';

export default function ComparisonNewRoute() {
  useDocumentTitle('새 비교');
  const navigate = useNavigate();
  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <h1 className="text-xl font-bold">새 비교</h1>
      <ComparisonBuilder onCreated={(id) => void navigate(`/comparisons/${id}`)} />
    </div>
  );
}
