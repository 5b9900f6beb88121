// Routes. Every page is its own chunk (React.lazy), rendered inside the always-present shell.
import { lazy, useEffect } from 'react';
import { createBrowserRouter, Navigate, RouterProvider, useLocation } from 'react-router';
import { AppLayout } from '@/app/layout/app-layout';
import { RouteError } from '@/app/layout/route-error';
import { setUnauthorizedHandler } from '@/lib/api-client';
import { useSession } from '@/lib/use-session';

const HomeRoute = lazy(() => import('@/app/routes/home'));
const CompanyRoute = lazy(() => import('@/app/routes/company'));
const SearchRoute = lazy(() => import('@/app/routes/search'));
const RankingsRoute = lazy(() => import('@/app/routes/rankings'));
const IndustryRoute = lazy(() => import('@/app/routes/industry'));
const ComparisonsRoute = lazy(() => import('@/app/routes/comparisons'));
const ComparisonNewRoute = lazy(() => import('@/app/routes/comparison-new'));
const ComparisonRoute = lazy(() => import('@/app/routes/comparison'));
const FavoritesRoute = lazy(() => import('@/app/routes/favorites'));
const LoginRoute = lazy(() => import('@/app/routes/login'));
const SignupRoute = lazy(() => import('@/app/routes/signup'));
const StatusRoute = lazy(() => import('@/app/routes/status'));
const NewsRoute = lazy(() => import('@/app/routes/news'));
const AccountRoute = lazy(() => import('@/app/routes/account'));
const NotFoundRoute = lazy(() => import('@/app/routes/not-found'));

/** Pages that need an account: visitors go to log in and come back. */
function RequireAuth({ children }: { children: React.ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (!session) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <>{children}</>;
}

const router = createBrowserRouter([
  {
    path: '/',
    element: <AppLayout />,
    errorElement: <RouteError />,
    children: [
      {
        errorElement: <RouteError inline />,
        children: [
          { index: true, element: <HomeRoute /> },
          { path: 'search', element: <SearchRoute /> },
          { path: 'companies/:companyId', element: <CompanyRoute /> },
          { path: 'rankings', element: <RankingsRoute /> },
          { path: 'industries/:industryId', element: <IndustryRoute /> },
          {
            path: 'comparisons',
            element: (
              <RequireAuth>
                <ComparisonsRoute />
              </RequireAuth>
            ),
          },
          {
            path: 'comparisons/new',
            element: (
              <RequireAuth>
                <ComparisonNewRoute />
              </RequireAuth>
            ),
          },
          {
            path: 'comparisons/:comparisonId',
            element: (
              <RequireAuth>
                <ComparisonRoute />
              </RequireAuth>
            ),
          },
          {
            path: 'favorites',
            element: (
              <RequireAuth>
                <FavoritesRoute />
              </RequireAuth>
            ),
          },
          { path: 'news', element: <NewsRoute /> },
          { path: 'account', element: <AccountRoute /> }, // guards itself (account.tsx)
          { path: 'status', element: <StatusRoute /> },
          { path: 'login', element: <LoginRoute /> },
          { path: 'signup', element: <SignupRoute /> },
          { path: '*', element: <NotFoundRoute /> },
        ],
      },
    ],
  },
]);

export function AppRouter() {
  useEffect(() => {
    // A request that stays 401 after a refresh sends the user to log in, then back here.
    setUnauthorizedHandler(() => {
      const { pathname, search } = window.location;
      if (pathname === '/login' || pathname === '/signup') return;
      void router.navigate(`/login?next=${encodeURIComponent(pathname + search)}&expired=1`, { replace: true });
    });
  }, []);
  return <RouterProvider router={router} />;
}
