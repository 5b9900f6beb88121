// 호가창: the 10-level order book of one stock, live from the stream's `orderbook` channel —
// remaining-size bars, totals, the auction's expected price (예상체결), the last trade's level
// marked, source and age; honest states for visitors, loading, no book yet and refusals.
import { Link, useLocation } from 'react-router';
import { Badge } from '@/components/ui/badge';
import { LiveAge } from '@/components/ui/source-note';
import { EmptyState, Spinner } from '@/components/ui/states';
import { formatNumber, formatPercent, formatPrice, toneTextClass } from '@/lib/format';
import { useNow, useOrderBook } from '@/lib/stream/live';
import type { BookLevel } from '@/lib/stream/types';

const LEVELS = 10;
const AUCTION_SESSIONS: Record<string, string> = { A: '장후 예상체결', B: '장전 동시호가', C: 'VI 단일가', D: '시간외 단일가' };

function Row({
  level,
  side,
  maxSize,
  prevClose,
  lastPrice,
}: {
  level: BookLevel | undefined;
  side: 'ask' | 'bid';
  maxSize: number;
  prevClose: number | null;
  lastPrice: number | null;
}) {
  const [price, size] = level ?? [null, null];
  const width = size && maxSize ? Math.max(2, Math.round((size / maxSize) * 100)) : 0;
  const change = price !== null && prevClose ? ((price - prevClose) / prevClose) * 100 : null;
  const current = price !== null && price === lastPrice;
  const sizeCell = (
    <td className={`relative w-[38%] px-2 py-0.5 text-right tabular-nums ${side === 'ask' ? '' : ''}`}>
      {size !== null ? (
        <>
          <span
            aria-hidden="true"
            className={`absolute inset-y-0.5 ${side === 'ask' ? 'right-0 bg-blue-100' : 'left-0 bg-red-100'}`}
            style={{ width: `${width}%` }}
          />
          <span className="relative">{formatNumber(size)}</span>
        </>
      ) : null}
    </td>
  );
  return (
    <tr className={side === 'ask' ? 'bg-blue-50/40' : 'bg-red-50/40'} data-side={side} data-price={price ?? ''}>
      {side === 'ask' ? sizeCell : <td className="w-[38%]" />}
      <td className={`px-2 py-0.5 text-center tabular-nums ${current ? 'outline outline-2 -outline-offset-2 outline-slate-800' : ''}`}>
        {price !== null ? (
          <>
            <span className={`font-semibold ${toneTextClass(change)}`}>{formatPrice(price)}</span>
            <span className={`ml-1 text-[10px] ${toneTextClass(change)}`}>{formatPercent(change)}</span>
          </>
        ) : (
          <span className="text-slate-300">-</span>
        )}
      </td>
      {side === 'bid' ? sizeCell : <td className="w-[38%]" />}
    </tr>
  );
}

export function OrderBookPanel({
  symbol,
  prevClose,
  lastPrice,
  live,
}: {
  symbol: string;
  prevClose: number | null;
  lastPrice: number | null;
  live: boolean;
}) {
  const entry = useOrderBook(symbol, live);
  const now = useNow(1_000);
  const location = useLocation();
  const book = entry?.book ?? null;
  const state = !live ? 'visitor' : !entry ? 'loading' : entry.rejected ? 'rejected' : !book ? 'empty' : 'ready';

  let body;
  if (state === 'visitor') {
    body = (
      <EmptyState className="h-[420px] flex-col gap-2">
        <span>호가는 로그인한 회원에게 실시간으로 제공됩니다.</span>
        <Link className="font-semibold underline" to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`}>
          로그인하고 호가 보기
        </Link>
      </EmptyState>
    );
  } else if (state === 'loading') {
    body = (
      <div className="flex h-[420px] items-center justify-center">
        <Spinner label="호가 불러오는 중" />
      </div>
    );
  } else if (state === 'rejected') {
    body = <EmptyState className="h-[420px]">호가를 받을 수 없습니다: {entry?.rejected}</EmptyState>;
  } else if (state === 'empty' || !book) {
    body = (
      <EmptyState className="h-[420px]">
        아직 받은 호가가 없습니다. 장 시작 전이거나 이 종목의 호가 수신이 시작되는 중입니다 — 들어오는 대로 표시합니다.
      </EmptyState>
    );
  } else {
    const asks = Array.from({ length: LEVELS }, (_, i) => book.asks[LEVELS - 1 - i]);
    const bids = Array.from({ length: LEVELS }, (_, i) => book.bids[i]);
    const maxSize = Math.max(1, ...book.asks.map((l) => l[1]), ...book.bids.map((l) => l[1]));
    const auction = AUCTION_SESSIONS[book.session];
    body = (
      <>
        {book.expected ? (
          <p className="mb-1 rounded bg-amber-50 px-2 py-1 text-xs text-amber-900" data-testid="expected-price">
            예상체결 <b>{formatPrice(book.expected.price)}</b>원 ({formatPercent(book.expected.changePercent)}) ·{' '}
            {formatNumber(book.expected.quantity)}주
          </p>
        ) : null}
        <table className="w-full table-fixed text-xs" aria-label={`${symbol} 10단계 호가`}>
          <thead className="sr-only">
            <tr>
              <th>매도잔량</th>
              <th>호가</th>
              <th>매수잔량</th>
            </tr>
          </thead>
          <tbody>
            {asks.map((level, i) => (
              <Row key={`a${i}`} level={level} side="ask" maxSize={maxSize} prevClose={prevClose} lastPrice={lastPrice} />
            ))}
            {bids.map((level, i) => (
              <Row key={`b${i}`} level={level} side="bid" maxSize={maxSize} prevClose={prevClose} lastPrice={lastPrice} />
            ))}
          </tbody>
          <tfoot>
            <tr className="border-t border-slate-200 text-[11px]">
              <td className="px-2 py-1 text-right tabular-nums text-blue-800" data-testid="total-ask">
                {formatNumber(book.totalAsk)}
              </td>
              <td className="px-2 py-1 text-center text-slate-500">총 잔량</td>
              <td className="px-2 py-1 tabular-nums text-red-800" data-testid="total-bid">
                {formatNumber(book.totalBid)}
              </td>
            </tr>
          </tfoot>
        </table>
        {auction ? (
          <p className="mt-1 text-[11px] text-amber-800">
            <Badge tone="amber">{auction}</Badge>
          </p>
        ) : null}
      </>
    );
  }

  return (
    <section
      aria-labelledby="orderbook-title"
      className="rounded-xl border border-slate-200 bg-white p-3 shadow-sm"
      data-testid="order-book"
      data-state={state}
      data-levels={book ? `${book.asks.length}/${book.bids.length}` : ''}
    >
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 id="orderbook-title" className="text-sm font-semibold">
          호가
        </h2>
        {book ? <LiveAge source={book.source} at={book.receivedAt} now={now} /> : null}
      </div>
      {body}
    </section>
  );
}
