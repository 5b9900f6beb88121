import { OutlookCard } from '@/components/outlook-card';
import { Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { useCompanyAnalysis } from '@/features/companies/api/company';

export function AnalysisTab({ companyId }: { companyId: string }) {
  const q = useCompanyAnalysis(companyId);
  if (q.isPending) return <Skeleton className="h-64 w-full" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} title="전망 분석을 불러오지 못했습니다" />;
  if (!q.data) return <EmptyState>아직 전망 분석이 없습니다. 분석 작업이 실행되면 이곳에 표시됩니다.</EmptyState>;
  return <OutlookCard analysis={q.data} />;
}
