// Explains an empty list when the collector that fills it is idle (e.g. missing API keys) or failing,
// with a link to the status page. Renders nothing while health is loading or the collector is fine.
import { Link } from 'react-router';
import { useCollectorStatus } from '@/lib/platform-health';

export function CollectorIdleNotice({ collector, label, className = '' }: { collector: string; label: string; className?: string }) {
  const status = useCollectorStatus(collector);
  if (!status || (status.state !== 'idle' && status.state !== 'error')) return null;
  const reason = status.reason?.trim();
  const head = status.state === 'idle' ? `${label}가 대기 중입니다` : `${label}에 오류가 있습니다`;
  return (
    <p className={`text-sm text-amber-900 ${className}`} data-testid="collector-idle-notice" data-collector={collector}>
      {reason ? `${head}: ${reason}` : `${head}.`}{' '}
      <Link to="/status" className="whitespace-nowrap font-medium underline">
        데이터 현황 보기
      </Link>
    </p>
  );
}
