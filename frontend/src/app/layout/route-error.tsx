// Route-level error page: failed chunk loads, unknown errors — never a blank page.
import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { errorMessage } from '@/lib/api-client';

export function RouteError({ inline = false }: { inline?: boolean }) {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const body = (
    <div role="alert" className="mx-auto mt-10 max-w-lg rounded-xl border border-slate-200 bg-white p-6 text-center shadow-sm">
      <h1 className="text-lg font-bold">{notFound ? '페이지를 찾을 수 없습니다' : '페이지를 표시할 수 없습니다'}</h1>
      <p className="mt-2 text-sm text-slate-700">{notFound ? '주소를 확인해 주세요.' : errorMessage(error)}</p>
      <div className="mt-4 flex justify-center gap-2">
        <button type="button" className="rounded-md border border-slate-300 px-4 py-2 text-sm" onClick={() => window.location.reload()}>
          새로고침
        </button>
        <Link to="/" className="rounded-md bg-slate-900 px-4 py-2 text-sm text-white">
          홈으로
        </Link>
      </div>
    </div>
  );
  if (inline) return body;
  return <div className="min-h-screen bg-slate-50 p-4">{body}</div>;
}
