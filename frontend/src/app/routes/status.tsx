// Platform status: database, Redis, search, live prices and the background data collectors.
import { PlatformStatusView } from '@/features/platform-status/components/platform-status-view';
import { useDocumentTitle } from '@/hooks/use-document-title';

export default function StatusRoute() {
  useDocumentTitle('데이터 현황');
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-bold">데이터 현황</h1>
        <p className="mt-1 text-sm text-slate-600">
          플랫폼 구성 요소와 데이터 수집기의 상태입니다. 수집기가 대기 중이면 그 이유를 함께 보여줍니다.
        </p>
      </div>
      <PlatformStatusView />
    </div>
  );
}
