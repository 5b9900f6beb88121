// The shell shown on every page: header (logo, navigation, search, account), content, footer.
import { Suspense } from 'react';
import { Link, NavLink, Outlet, ScrollRestoration, useNavigate } from 'react-router';
import { Skeleton } from '@/components/ui/skeleton';
import { StreamStatusBadge } from '@/components/stream-status';
import { useLogout } from '@/features/auth/api/auth';
import { MarketStateBadge } from '@/components/market-state-badge';
import { HeaderSearch } from '@/features/search/components/header-search';
import { useSession } from '@/lib/use-session';

function PageFallback() {
  return (
    <div role="status" aria-label="페이지 불러오는 중" className="space-y-4">
      <Skeleton className="h-28 w-full" />
      <Skeleton className="h-[420px] w-full" />
    </div>
  );
}

const navClass = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-2.5 py-2 text-sm font-medium whitespace-nowrap ${isActive ? 'bg-slate-900 text-white' : 'text-slate-700 hover:bg-slate-100'}`;

function AccountArea() {
  const session = useSession();
  const logout = useLogout();
  const navigate = useNavigate();
  if (!session) {
    return (
      <div className="flex items-center gap-1">
        <Link to="/login" className="rounded-md px-2.5 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">
          로그인
        </Link>
        <Link to="/signup" className="rounded-md bg-slate-900 px-2.5 py-2 text-sm font-medium text-white hover:bg-slate-700">
          회원가입
        </Link>
      </div>
    );
  }
  return (
    <div className="flex items-center gap-2">
      <span className="hidden items-center gap-1 lg:inline-flex">
        <MarketStateBadge />
        <StreamStatusBadge />
      </span>
      <Link
        to="/account"
        title="내 계정"
        className="hidden max-w-32 truncate rounded-md px-1.5 py-2 text-sm text-slate-700 hover:bg-slate-100 hover:underline sm:inline"
        data-testid="current-user"
      >
        {session.user?.username ?? session.user?.email}님
      </Link>
      <button
        type="button"
        className="rounded-md px-2.5 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100"
        disabled={logout.isPending}
        onClick={() => logout.mutate(undefined, { onSettled: () => void navigate('/', { replace: true }) })}
      >
        로그아웃
      </button>
    </div>
  );
}

export function AppLayout() {
  const session = useSession();
  return (
    <div className="flex min-h-screen flex-col">
      <a href="#main" className="sr-only z-50 rounded bg-white px-3 py-2 focus:not-sr-only focus:absolute focus:left-2 focus:top-2">
        본문으로 건너뛰기
      </a>
      <header className="sticky top-0 z-40 border-b border-slate-200 bg-white/95 backdrop-blur">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-3 gap-y-2 px-3 py-2 sm:px-4">
          <Link
            to="/"
            className="flex items-center gap-1.5 text-base font-extrabold tracking-tight text-slate-900"
            aria-label="K-주식정보 홈"
          >
            <svg aria-hidden="true" viewBox="0 0 32 32" className="h-7 w-7">
              <rect width="32" height="32" rx="6" fill="#0f172a" />
              <path d="M6 22l6-7 5 4 9-11" stroke="#ef4444" strokeWidth="3" fill="none" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
            <span>K-주식정보</span>
          </Link>
          <nav aria-label="주요 메뉴" className="order-3 flex w-full gap-1 overflow-x-auto md:order-none md:w-auto">
            <NavLink to="/" end className={navClass}>
              홈
            </NavLink>
            <NavLink to="/rankings" className={navClass}>
              순위
            </NavLink>
            <NavLink to="/news" className={navClass}>
              뉴스
            </NavLink>
            <NavLink to="/comparisons" className={navClass}>
              기업 비교
            </NavLink>
            {session ? (
              <NavLink to="/favorites" className={navClass}>
                관심종목
              </NavLink>
            ) : null}
            {/* Phones hide the user name in the header; the account page stays one tap away here. */}
            {session ? (
              <NavLink to="/account" className={(s) => `sm:hidden ${navClass(s)}`}>
                내 계정
              </NavLink>
            ) : null}
            {/* Too wide for the 375px menu row; phones reach it from the footer. */}
            <NavLink to="/status" className={(s) => `hidden sm:inline-block ${navClass(s)}`}>
              데이터 현황
            </NavLink>
          </nav>
          <div className="order-4 w-full md:order-none md:ml-auto md:w-72 lg:w-80">
            <HeaderSearch />
          </div>
          <div className="ml-auto md:ml-0">
            <AccountArea />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-3 py-4 sm:px-4 sm:py-6">
        <Suspense fallback={<PageFallback />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="border-t border-slate-200 bg-white">
        <div className="mx-auto max-w-6xl space-y-1 px-3 py-4 text-xs text-slate-500 sm:px-4">
          <p>
            시세·재무 정보는 참고용이며 투자 권유가 아닙니다. 각 데이터 옆에 출처와 기준 시각을 표시합니다 (KRX 스냅샷·시뮬레이션 시세는
            실제 당일 시세가 아닙니다).
          </p>
          <p>
            차트:{' '}
            <a className="underline" href="https://www.tradingview.com/" target="_blank" rel="noopener noreferrer">
              TradingView Lightweight Charts™
            </a>{' '}
            · 공시: 금융감독원 DART ·{' '}
            <Link to="/status" className="underline">
              데이터 현황
            </Link>
          </p>
        </div>
      </footer>
      <ScrollRestoration />
    </div>
  );
}
