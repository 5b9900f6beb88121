// Live-stream connection indicator: connected / reconnecting / offline, plus "stale" when no
// tick has arrived for a while during market hours and "feed down" when the server says so.
import { Badge } from '@/components/ui/badge';
import { useStreamState } from '@/lib/stream/live';
import { useSession } from '@/lib/use-session';

export function StreamStatusBadge({ stale = false, className = '' }: { stale?: boolean; className?: string }) {
  const { status, serverStream, error } = useStreamState();
  const signedIn = useSession() !== null;
  let tone: 'green' | 'amber' | 'gray' | 'red' = 'gray';
  let text = signedIn ? '실시간 대기' : '실시간 꺼짐';
  let title = signedIn
    ? '실시간 시세가 필요한 화면(기업 페이지, 관심종목)에서 자동으로 연결됩니다.'
    : '로그인하면 실시간 시세를 받을 수 있습니다.';
  if (status === 'connected' && serverStream === 'unavailable') {
    tone = 'red';
    text = '시세 공급 중단';
    title = '서버가 거래소 시세를 받지 못하고 있습니다. 자동으로 다시 연결됩니다.';
  } else if (status === 'connected' && stale) {
    tone = 'amber';
    text = '지연(stale)';
    title = '장중인데 한동안 체결이 들어오지 않았습니다.';
  } else if (status === 'connected') {
    tone = 'green';
    text = '실시간 연결됨';
    title = '실시간 시세 스트림에 연결되어 있습니다.';
  } else if (status === 'connecting') {
    tone = 'amber';
    text = '연결 중';
    title = '실시간 시세 스트림에 연결하는 중입니다.';
  } else if (status === 'reconnecting') {
    tone = 'amber';
    text = '재연결 중';
    title = '연결이 끊겨 자동으로 다시 연결하고 있습니다.';
  } else if (status === 'offline') {
    tone = 'red';
    text = '오프라인';
    title = '실시간 서버에 연결할 수 없습니다. 계속 재시도합니다.';
  } else if (status === 'unauthorized') {
    tone = 'red';
    text = '인증 필요';
    title = error ?? '실시간 시세를 받으려면 다시 로그인해 주세요.';
  }
  return (
    <span
      role="status"
      aria-live="polite"
      className={className}
      data-testid="stream-status"
      data-status={stale && status === 'connected' ? 'stale' : status}
    >
      <Badge tone={tone} title={title}>
        <span
          aria-hidden="true"
          className={`inline-block h-1.5 w-1.5 rounded-full ${tone === 'green' ? 'bg-emerald-600' : tone === 'amber' ? 'bg-amber-500' : tone === 'red' ? 'bg-red-600' : 'bg-slate-400'}`}
        />
        {text}
      </Badge>
    </span>
  );
}
