// Home: KOSPI/KOSDAQ, market-cap top 10, industry ranking, favorites (signed in), trending keywords.
import { Link } from 'react-router';
import { Card } from '@/components/ui/card';
import { MarketAsOf } from '@/components/ui/source-note';
import { FavoritesList } from '@/features/favorites/components/favorites-list';
import { IndexCard } from '@/features/indices/components/index-card';
import { KeywordsPanel } from '@/features/news/components/keywords-panel';
import { useCompanyRanking, useIndustryRanking } from '@/features/rankings/api/rankings';
import { CompanyRankingTable, IndustryRankingTable } from '@/features/rankings/components/ranking-tables';
import { useDocumentTitle } from '@/hooks/use-document-title';
import { useSession } from '@/lib/use-session';

export default function HomeRoute() {
  useDocumentTitle(null);
  const session = useSession();
  const top = useCompanyRanking({ market: 'ALL', page: 1, size: 10 });
  const industries = useIndustryRanking();
  return (
    <div className="space-y-4">
      <h1 className="sr-only">시장 개요</h1>
      <div className="grid grid-cols-1 gap-4 [&>*]:min-w-0 md:grid-cols-2">
        <IndexCard name="kospi" />
        <IndexCard name="kosdaq" />
      </div>
      <div className="grid grid-cols-1 gap-4 [&>*]:min-w-0 lg:grid-cols-3">
        <Card
          className="lg:col-span-2"
          title="시가총액 상위"
          id="home-top"
          action={
            <span className="flex items-center gap-2">
              <MarketAsOf asOf={top.data?.asOf} source={top.data?.source} excluded={top.data?.excluded as number | undefined} />
              <Link to="/rankings" className="text-sm font-medium text-blue-700 hover:underline">
                전체 순위 →
              </Link>
            </span>
          }
        >
          <CompanyRankingTable query={top} compact rows={10} />
        </Card>
        <div className="space-y-4">
          {session ? (
            <Card
              title="내 관심종목"
              id="home-fav"
              action={
                <Link to="/favorites" className="text-sm font-medium text-blue-700 hover:underline">
                  관리 →
                </Link>
              }
            >
              <FavoritesList compact />
            </Card>
          ) : (
            <Card title="내 관심종목" id="home-fav">
              <p className="text-sm text-slate-700">
                <Link to="/login" className="font-semibold text-blue-700 underline">
                  로그인
                </Link>
                하면 관심종목을 저장하고 실시간 시세로 볼 수 있습니다.
              </p>
            </Card>
          )}
          <Card title="뉴스 트렌드 키워드" id="home-kw">
            <KeywordsPanel initialDays={7} />
          </Card>
        </div>
      </div>
      <Card
        title="산업별 시가총액 순위"
        id="home-ind"
        action={
          <span className="flex items-center gap-2">
            <MarketAsOf
              asOf={industries.data?.asOf}
              source={industries.data?.source}
              excluded={industries.data?.excluded as number | undefined}
            />
            <Link to="/rankings?tab=industries" className="text-sm font-medium text-blue-700 hover:underline">
              전체 보기 →
            </Link>
          </span>
        }
      >
        <IndustryRankingTable query={industries} limit={10} />
      </Card>
    </div>
  );
}
