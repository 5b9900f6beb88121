// Company page: header with live price, chart beside the 호가창 and 체결 tape, profile and tabs
// (financials, news, reports, outlook).
import { useParams, useSearchParams } from 'react-router';
import { Skeleton } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { Tabs, TabPanel } from '@/components/ui/tabs';
import { useCompany } from '@/features/companies/api/company';
import { AnalysisTab } from '@/features/companies/components/analysis-tab';
import { CompanyHeader } from '@/features/companies/components/company-header';
import { CompanyProfile } from '@/features/companies/components/company-profile';
import { FinancialsTab } from '@/features/companies/components/financials-tab';
import { LiveDepth } from '@/features/companies/components/live-depth';
import { NewsTab } from '@/features/companies/components/news-tab';
import { PriceChart } from '@/features/companies/components/price-chart';
import { ReportsTab } from '@/features/companies/components/reports-tab';
import { FavoriteToggle } from '@/features/favorites/components/favorite-toggle';
import { useDocumentTitle } from '@/hooks/use-document-title';
import { ApiError } from '@/lib/api-client';
import { isInterval, type Interval } from '@/lib/chart/bars';
import { useSession } from '@/lib/use-session';

type Tab = 'financials' | 'news' | 'reports' | 'analysis';
const TABS: { id: Tab; label: string }[] = [
  { id: 'financials', label: '재무' },
  { id: 'news', label: '뉴스' },
  { id: 'reports', label: '공시' },
  { id: 'analysis', label: 'AI 전망' },
];

export default function CompanyRoute() {
  const { companyId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const session = useSession();
  const q = useCompany(companyId);
  const company = q.data?.data;
  useDocumentTitle(company ? `${company.name} (${company.symbol})` : null);

  const interval: Interval = isInterval(params.get('interval')) ? (params.get('interval') as Interval) : '1d';
  const tabParam = params.get('tab');
  const tab: Tab = TABS.some((t) => t.id === tabParam) ? (tabParam as Tab) : 'financials';
  const setParam = (k: string, v: string) =>
    setParams(
      (p) => {
        const n = new URLSearchParams(p);
        n.set(k, v);
        return n;
      },
      { replace: true, preventScrollReset: true },
    );

  if (q.isPending) {
    return (
      <div className="space-y-4" role="status" aria-label="기업 정보 불러오는 중">
        <Skeleton className="h-[236px] w-full" />
        <Skeleton className="h-[488px] w-full" />
      </div>
    );
  }
  if (q.isError || !company) {
    const notFound = q.error instanceof ApiError && q.error.status === 404;
    return (
      <ErrorState
        error={q.error}
        title={notFound ? '기업을 찾을 수 없습니다' : '기업 정보를 불러오지 못했습니다'}
        onRetry={notFound ? undefined : () => void q.refetch()}
      />
    );
  }

  return (
    <div className="space-y-4">
      <CompanyHeader company={company} favoriteSlot={<FavoriteToggle companyId={company.companyId} name={company.name} />} />
      <div className="grid grid-cols-1 gap-4 [&>*]:min-w-0 lg:grid-cols-[minmax(0,1fr)_300px]">
        <PriceChart
          companyId={companyId}
          symbol={company.symbol}
          interval={interval}
          onInterval={(i) => setParam('interval', i)}
          live={session !== null}
        />
        <LiveDepth company={company} live={session !== null} />
      </div>
      <div className="grid grid-cols-1 gap-4 [&>*]:min-w-0 lg:grid-cols-3">
        <section className="rounded-xl border border-slate-200 bg-white p-3 shadow-sm sm:p-4 lg:col-span-2" aria-label="기업 상세 정보">
          <Tabs idPrefix="company" label="기업 상세" items={TABS} value={tab} onChange={(t) => setParam('tab', t)} />
          <TabPanel idPrefix="company" id={tab}>
            {tab === 'financials' ? <FinancialsTab companyId={companyId} mainProducts={company.mainProducts} /> : null}
            {tab === 'news' ? <NewsTab companyId={companyId} /> : null}
            {tab === 'reports' ? <ReportsTab companyId={companyId} /> : null}
            {tab === 'analysis' ? <AnalysisTab companyId={companyId} /> : null}
          </TabPanel>
        </section>
        <CompanyProfile company={company} />
      </div>
    </div>
  );
}
