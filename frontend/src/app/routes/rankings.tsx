// Rankings: companies by market cap (market filter, paging) and industries.
import { useSearchParams } from 'react-router';
import { Card } from '@/components/ui/card';
import { Pagination } from '@/components/ui/pagination';
import { MarketAsOf } from '@/components/ui/source-note';
import { Tabs, TabPanel } from '@/components/ui/tabs';
import { useCompanyRanking, useIndustryRanking, type MarketFilter } from '@/features/rankings/api/rankings';
import { CompanyRankingTable, IndustryRankingTable } from '@/features/rankings/components/ranking-tables';
import { useDocumentTitle } from '@/hooks/use-document-title';

const PAGE_SIZE = 50;
const MARKETS: { id: MarketFilter; label: string }[] = [
  { id: 'ALL', label: '전체' },
  { id: 'KOSPI', label: '코스피' },
  { id: 'KOSDAQ', label: '코스닥' },
];

type Tab = 'companies' | 'industries';

function CompanyRanking({
  market,
  page,
  onChange,
}: {
  market: MarketFilter;
  page: number;
  onChange: (m: MarketFilter, p: number) => void;
}) {
  const q = useCompanyRanking({ market, page, size: PAGE_SIZE });
  return (
    <Card
      title="시가총액 순위"
      action={
        <div className="flex items-center gap-2">
          <MarketAsOf asOf={q.data?.asOf} source={q.data?.source} excluded={q.data?.excluded as number | undefined} />
          <div role="group" aria-label="시장" className="inline-flex rounded-lg border border-slate-300 bg-slate-50 p-0.5">
            {MARKETS.map((m) => (
              <button
                key={m.id}
                type="button"
                aria-pressed={m.id === market}
                onClick={() => onChange(m.id, 1)}
                className={`min-h-9 rounded-md px-2.5 text-sm ${m.id === market ? 'bg-slate-900 font-semibold text-white' : 'text-slate-700 hover:bg-white'}`}
              >
                {m.label}
              </button>
            ))}
          </div>
        </div>
      }
    >
      <CompanyRankingTable query={q} rows={15} />
      {q.data?.total ? (
        <Pagination page={page} size={q.data.size ?? PAGE_SIZE} total={q.data.total} onPage={(p) => onChange(market, p)} />
      ) : null}
    </Card>
  );
}

export default function RankingsRoute() {
  useDocumentTitle('순위');
  const [params, setParams] = useSearchParams();
  const tab: Tab = params.get('tab') === 'industries' ? 'industries' : 'companies';
  const marketParam = params.get('market');
  const market: MarketFilter = marketParam === 'KOSPI' || marketParam === 'KOSDAQ' ? marketParam : 'ALL';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const industries = useIndustryRanking();

  return (
    <div className="space-y-4">
      <h1 className="text-xl font-bold">순위</h1>
      <Tabs
        idPrefix="rankings"
        label="순위 종류"
        items={[
          { id: 'companies', label: '기업 시가총액' },
          { id: 'industries', label: '산업' },
        ]}
        value={tab}
        onChange={(t) => setParams(t === 'companies' ? {} : { tab: t })}
      />
      <TabPanel idPrefix="rankings" id={tab}>
        {tab === 'companies' ? (
          <CompanyRanking
            market={market}
            page={page}
            onChange={(m, p) =>
              setParams({ ...(m !== 'ALL' ? { market: m } : {}), ...(p > 1 ? { page: String(p) } : {}) }, { preventScrollReset: false })
            }
          />
        ) : (
          <Card
            title="산업 순위 (시가총액 합계)"
            action={
              <MarketAsOf
                asOf={industries.data?.asOf}
                source={industries.data?.source}
                excluded={industries.data?.excluded as number | undefined}
              />
            }
          >
            <IndustryRankingTable query={industries} />
          </Card>
        )}
      </TabPanel>
    </div>
  );
}
