// Rankings: market cap, the daily rankings (거래량, 거래대금, 상승률, 하락률, 52주 신고가/신저가) —
// each with a market filter and paging — and industries. Tab, market and page live in the URL.
import { useSearchParams } from 'react-router';
import { Card } from '@/components/ui/card';
import { Pagination } from '@/components/ui/pagination';
import { ExcludedNote, MarketAsOf, SourceBadge } from '@/components/ui/source-note';
import { Tabs, TabPanel } from '@/components/ui/tabs';
import { useCompanyRanking, useDailyRanking, useIndustryRanking, type MarketFilter } from '@/features/rankings/api/rankings';
import { DailyRankingTable } from '@/features/rankings/components/daily-ranking-table';
import { DAILY_RANKINGS } from '@/features/rankings/daily-rankings';
import { CompanyRankingTable, IndustryRankingTable } from '@/features/rankings/components/ranking-tables';
import { useDocumentTitle } from '@/hooks/use-document-title';
import type { DailyRankingKind } from '@/types/api';

const PAGE_SIZE = 50;
const MARKETS: { id: MarketFilter; label: string }[] = [
  { id: 'ALL', label: '전체' },
  { id: 'KOSPI', label: '코스피' },
  { id: 'KOSDAQ', label: '코스닥' },
];

type Tab = 'companies' | DailyRankingKind | 'industries';
const TABS: { id: Tab; label: string }[] = [
  { id: 'companies', label: '시가총액' },
  ...DAILY_RANKINGS.map((d) => ({ id: d.kind, label: d.label })),
  { id: 'industries', label: '산업' },
];

function MarketButtons({ market, onChange }: { market: MarketFilter; onChange: (m: MarketFilter) => void }) {
  return (
    <div role="group" aria-label="시장" className="inline-flex rounded-lg border border-slate-300 bg-slate-50 p-0.5">
      {MARKETS.map((m) => (
        <button
          key={m.id}
          type="button"
          aria-pressed={m.id === market}
          onClick={() => onChange(m.id)}
          className={`min-h-9 rounded-md px-2.5 text-sm ${m.id === market ? 'bg-slate-900 font-semibold text-white' : 'text-slate-700 hover:bg-white'}`}
        >
          {m.label}
        </button>
      ))}
    </div>
  );
}

type RankingProps = { market: MarketFilter; page: number; onChange: (m: MarketFilter, p: number) => void };

function CompanyRanking({ market, page, onChange }: RankingProps) {
  const q = useCompanyRanking({ market, page, size: PAGE_SIZE });
  return (
    <Card
      title="시가총액 순위"
      action={
        <div className="flex items-center gap-2">
          <MarketAsOf asOf={q.data?.asOf} source={q.data?.source} excluded={q.data?.excluded as number | undefined} />
          <MarketButtons market={market} onChange={(m) => onChange(m, 1)} />
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

function DailyRanking({ kind, market, page, onChange }: RankingProps & { kind: DailyRankingKind }) {
  const q = useDailyRanking({ kind, market, page, size: PAGE_SIZE });
  const meta = DAILY_RANKINGS.find((d) => d.kind === kind);
  const asOf = q.data?.asOf ?? null;
  return (
    <Card
      title={meta?.title}
      action={
        <div className="flex flex-wrap items-center gap-2">
          {asOf ? (
            <span className="text-xs font-medium text-slate-700" data-testid="ranking-as-of">
              기준 거래일 {asOf}
            </span>
          ) : null}
          {q.data?.source ? <SourceBadge source={q.data.source} asOf={asOf} /> : null}
          <ExcludedNote excluded={q.data?.excluded as number | undefined} className="text-xs text-slate-500" />
          <MarketButtons market={market} onChange={(m) => onChange(m, 1)} />
        </div>
      }
    >
      <DailyRankingTable kind={kind} query={q} rows={15} />
      {kind === 'high52w' || kind === 'low52w' ? (
        <p className="mt-2 text-xs text-slate-500">
          장중 {kind === 'high52w' ? '고가가 직전 52주의 최고가를 넘은' : '저가가 직전 52주의 최저가를 밑돈'} 종목입니다.
        </p>
      ) : null}
      {q.data?.total ? (
        <Pagination page={page} size={q.data.size ?? PAGE_SIZE} total={q.data.total} onPage={(p) => onChange(market, p)} />
      ) : null}
    </Card>
  );
}

export default function RankingsRoute() {
  useDocumentTitle('순위');
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const tab: Tab = TABS.find((t) => t.id === tabParam)?.id ?? 'companies';
  const marketParam = params.get('market');
  const market: MarketFilter = marketParam === 'KOSPI' || marketParam === 'KOSDAQ' ? marketParam : 'ALL';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const industries = useIndustryRanking();

  const change = (m: MarketFilter, p: number) =>
    setParams(
      {
        ...(tab !== 'companies' ? { tab } : {}),
        ...(m !== 'ALL' ? { market: m } : {}),
        ...(p > 1 ? { page: String(p) } : {}),
      },
      { preventScrollReset: false },
    );

  return (
    <div className="space-y-4">
      <h1 className="text-xl font-bold">순위</h1>
      <Tabs
        idPrefix="rankings"
        label="순위 종류"
        items={TABS}
        value={tab}
        // the market stays when switching between company rankings; the page starts over
        onChange={(t) =>
          setParams({ ...(t !== 'companies' ? { tab: t } : {}), ...(t !== 'industries' && market !== 'ALL' ? { market } : {}) })
        }
      />
      <TabPanel idPrefix="rankings" id={tab}>
        {tab === 'companies' ? (
          <CompanyRanking market={market} page={page} onChange={change} />
        ) : tab === 'industries' ? (
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
        ) : (
          <DailyRanking kind={tab} market={market} page={page} onChange={change} />
        )}
      </TabPanel>
    </div>
  );
}
