// The market's state wherever a live price is shown: 장 시작 전 / 동시호가 / 장중 / 장 마감 /
// 시간외 / 휴장 from the api (KRX calendar + clock, corrected by the KIS feed); while the api cannot
// be reached, the browser's clock alone (weekdays 09:00–15:30, holidays unknown) and says so.
import { Badge } from '@/components/ui/badge';
import { useMarketStatus, type MarketState } from '@/lib/market-status';
import { formatKstDateTime, formatKstTime } from '@/lib/format';
import { marketSession, marketSessionLabel } from '@/lib/market-time';
import { useNow } from '@/lib/stream/live';

const TONES: Record<MarketState, 'green' | 'amber' | 'violet' | 'gray'> = {
  pre_open: 'gray',
  opening_auction: 'amber',
  open: 'green',
  closing_auction: 'amber',
  closed: 'gray',
  after_hours: 'violet',
  holiday: 'gray',
};

export function MarketStateBadge({ className = '' }: { className?: string }) {
  const q = useMarketStatus();
  const now = useNow(30_000);
  const status = q.data;
  if (!status) {
    const session = marketSession(new Date(now));
    return (
      <Badge
        tone={session === 'open' ? 'green' : 'gray'}
        className={className}
        title="시장 상태를 불러오지 못해 브라우저 시계로 표시합니다 (휴장일 미반영)."
      >
        <span data-testid="market-state" data-state={q.isPending ? 'loading' : 'clock'}>
          {marketSessionLabel(session, new Date(now))}
        </span>
      </Badge>
    );
  }
  const session = status.session;
  const hours = session ? `${formatKstTime(session.open).slice(0, 5)}~${formatKstTime(session.close).slice(0, 5)}` : null;
  const title = [
    session ? `오늘 정규장 ${hours}${session.lateOpen ? ' (늦은 개장)' : ''}` : '오늘은 휴장일입니다.',
    `다음 상태 변경 ${formatKstDateTime(status.until)}`,
    status.state === 'holiday' || status.state === 'closed' ? `다음 거래일 ${status.nextSession.date}` : null,
    status.basis === 'feed' ? '거래소 시세(장운영 정보) 기준' : 'KRX 거래일 달력과 시각 기준',
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <Badge tone={TONES[status.state]} className={className} title={title}>
      <span data-testid="market-state" data-state={status.state}>
        {status.label}
        {session?.lateOpen && status.state === 'pre_open' ? ' (10시 개장)' : ''}
      </span>
    </Badge>
  );
}
