// Industry page: facts, its companies (ranked), news, keyword cloud, outlook.
import { useState } from 'react';
import { useParams } from 'react-router';
import { Card } from '@/components/ui/card';
import { Pagination } from '@/components/ui/pagination';
import { Skeleton } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { useIndustry } from '@/features/industries/api/industries';
import { IndustryHeader, IndustryNews, IndustryOutlook } from '@/features/industries/components/industry-sections';
import { KeywordsPanel } from '@/features/news/components/keywords-panel';
import { useIndustryCompanies } from '@/features/rankings/api/rankings';
import { CompanyRankingTable } from '@/features/rankings/components/ranking-tables';
import { useDocumentTitle } from '@/hooks/use-document-title';
import { ApiError } from '@/lib/api-client';

export default function IndustryRoute() {
  const { industryId = '' } = useParams();
  const [page, setPage] = useState(1);
  const industry = useIndustry(industryId);
  const companies = useIndustryCompanies(industryId, page);
  useDocumentTitle(industry.data?.data.name ?? '산업');

  return (
    <div className="space-y-4">
      {industry.isPending ? (
        <Skeleton className="h-[150px] w-full" />
      ) : industry.isError ? (
        <ErrorState
          error={industry.error}
          title={
            industry.error instanceof ApiError && industry.error.status === 404
              ? '산업을 찾을 수 없습니다'
              : '산업 정보를 불러오지 못했습니다'
          }
          onRetry={() => void industry.refetch()}
        />
      ) : (
        <IndustryHeader industry={industry.data.data} />
      )}
      <div className="grid grid-cols-1 gap-4 [&>*]:min-w-0 lg:grid-cols-3">
        <Card title="소속 기업 (시가총액 순)" className="lg:col-span-2">
          <CompanyRankingTable query={companies} rows={10} showIndustry={false} />
          {companies.data?.total ? (
            <Pagination page={page} size={companies.data.size ?? 20} total={companies.data.total} onPage={setPage} />
          ) : null}
        </Card>
        <Card title="뉴스 키워드">
          <KeywordsPanel scope={{ industryId }} initialDays={30} />
        </Card>
      </div>
      <div className="grid grid-cols-1 gap-4 [&>*]:min-w-0 lg:grid-cols-2">
        <Card title="산업 전망">
          <IndustryOutlook industryId={industryId} />
        </Card>
        <Card title="산업 뉴스">
          <IndustryNews industryId={industryId} />
        </Card>
      </div>
    </div>
  );
}
