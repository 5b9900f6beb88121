import { Link } from 'react-router';
import { useDocumentTitle } from '@/hooks/use-document-title';

export default function NotFoundRoute() {
  useDocumentTitle('페이지 없음');
  return (
    <div className="mx-auto mt-10 max-w-md rounded-xl border border-slate-200 bg-white p-6 text-center">
      <h1 className="text-lg font-bold">페이지를 찾을 수 없습니다</h1>
      <p className="mt-2 text-sm text-slate-600">주소가 바뀌었거나 없는 페이지입니다.</p>
      <Link to="/" className="mt-4 inline-block rounded-md bg-slate-900 px-4 py-2 text-sm text-white">
        홈으로
      </Link>
    </div>
  );
}
