// 체결: the stock's last trades, newest first — time (KST), price, volume coloured by the side
// that took liquidity (red 매수 체결, blue 매도 체결) and 체결강도 — with source and age.
import { LiveAge } from '@/components/ui/source-note';
import { EmptyState, Spinner } from '@/components/ui/states';
import { formatKstTime, formatNumber, formatPrice, toneTextClass } from '@/lib/format';
import { useNow, useStreamState, useTradeTape } from '@/lib/stream/live';

const SIDE_CLASS: Record<number, string> = { 1: 'text-up', 5: 'text-down' };
const SIDE_LABEL: Record<number, string> = { 1: '매수 체결', 5: '매도 체결' };

export function TradeTape({ symbol, prevClose, live }: { symbol: string; prevClose: number | null; live: boolean }) {
  const tape = useTradeTape(symbol, live);
  const now = useNow(1_000);
  const { status } = useStreamState();
  if (!live) return null;
  const latest = tape?.[0];
  const state = !tape ? (status === 'connected' ? 'empty' : 'loading') : 'ready';
  return (
    <section
      aria-labelledby="tape-title"
      className="rounded-xl border border-slate-200 bg-white p-3 shadow-sm"
      data-testid="trade-tape"
      data-state={state}
      data-rows={tape?.length ?? 0}
    >
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 id="tape-title" className="text-sm font-semibold">
          체결{' '}
          {typeof latest?.strength === 'number' ? (
            <span className="ml-1 text-xs font-normal text-slate-600" title="체결강도: 매수 체결량 ÷ 매도 체결량 × 100 (오늘 누적)">
              체결강도 <b className={toneTextClass(latest.strength - 100)}>{latest.strength.toFixed(2)}%</b>
            </span>
          ) : null}
        </h2>
        {latest ? <LiveAge source={latest.source} at={latest.receivedAt ?? latest.timestamp} now={now} /> : null}
      </div>
      {state === 'loading' ? (
        <div className="flex h-40 items-center justify-center">
          <Spinner label="체결 불러오는 중" />
        </div>
      ) : state === 'empty' || !tape ? (
        <EmptyState className="h-40">아직 받은 체결이 없습니다. 체결이 들어오는 대로 표시합니다.</EmptyState>
      ) : (
        <div className="max-h-64 overflow-y-auto">
          <table className="w-full text-xs" aria-label={`${symbol} 최근 체결`}>
            <thead className="sticky top-0 bg-white text-slate-500">
              <tr>
                <th className="px-1 py-1 text-left font-normal">시간</th>
                <th className="px-1 py-1 text-right font-normal">체결가</th>
                <th className="px-1 py-1 text-right font-normal">체결량</th>
                <th className="px-1 py-1 text-right font-normal">체결강도</th>
              </tr>
            </thead>
            <tbody>
              {tape.map((t, i) => {
                const change = prevClose ? t.price - prevClose : null;
                const side = t.side ?? 0;
                return (
                  <tr key={`${t.timestamp}-${t.accVolume ?? i}-${i}`} className="border-t border-slate-100" data-side={side}>
                    <td className="px-1 py-0.5 tabular-nums text-slate-600">{formatKstTime(t.timestamp)}</td>
                    <td className={`px-1 py-0.5 text-right tabular-nums ${toneTextClass(change)}`}>{formatPrice(t.price)}</td>
                    <td
                      className={`px-1 py-0.5 text-right tabular-nums ${SIDE_CLASS[side] ?? ''}`}
                      title={SIDE_LABEL[side] ?? '체결 방향 미상'}
                    >
                      {formatNumber(t.volume)}
                    </td>
                    <td className="px-1 py-0.5 text-right tabular-nums text-slate-600">
                      {typeof t.strength === 'number' ? t.strength.toFixed(2) : '-'}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
