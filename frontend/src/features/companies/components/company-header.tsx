// Company header: identity, the market's state, live price flashing red/blue on change, change
// and %, the stock's VI / 거래정지 / 상·하한가 badges, day and 52-week ranges, market cap, the
// data's source and as-of time, stream state and latency.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { Badge } from '@/components/ui/badge';
import { SourceNote } from '@/components/ui/source-note';
import { isSimulatedSource } from '@/lib/data-source';
import { StreamStatusBadge } from '@/components/stream-status';
import {
  formatChangeArrow,
  formatKrw,
  formatLatency,
  formatNumber,
  formatPercent,
  formatPrice,
  formatVolume,
  toneTextClass,
} from '@/lib/format';
import { MarketStateBadge } from '@/components/market-state-badge';
import { StockBadges } from '@/components/stock-badges';
import { isStale, useLiveQuote, useNow, useStreamState, type LiveQuote } from '@/lib/stream/live';
import { useSession } from '@/lib/use-session';
import type { Company } from '@/types/api';

function RangeBar({ low, high, value, label }: { low?: number | null; high?: number | null; value?: number | null; label: string }) {
  const ok = typeof low === 'number' && typeof high === 'number' && high > low && typeof value === 'number';
  const pos = ok ? Math.max(0, Math.min(100, ((value - low) / (high - low)) * 100)) : null;
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-sm">
        <span className="text-down">{formatPrice(low)}</span>
        <span className="mx-1 text-slate-400">~</span>
        <span className="text-up">{formatPrice(high)}</span>
        <span className="relative mt-1 block h-1 w-full rounded bg-slate-200" aria-hidden="true">
          {pos !== null ? (
            <span className="absolute top-1/2 h-2.5 w-1 -translate-y-1/2 rounded bg-slate-800" style={{ left: `calc(${pos}% - 2px)` }} />
          ) : null}
        </span>
      </dd>
    </div>
  );
}

function useFlash(quote: LiveQuote | undefined) {
  const [flash, setFlash] = useState<{ dir: 'up' | 'down'; key: number } | null>(null);
  const prev = useRef<number | null>(null);
  useEffect(() => {
    if (!quote) return;
    const p = quote.tick.price;
    if (prev.current !== null && p !== prev.current) {
      setFlash({ dir: p > prev.current ? 'up' : 'down', key: quote.count });
    }
    prev.current = p;
  }, [quote]);
  return flash;
}

function LatencyNote({ quote }: { quote: LiveQuote }) {
  const ts = Date.parse(quote.tick.timestamp);
  const rx = quote.tick.receivedAt ? Date.parse(quote.tick.receivedAt) : Number.NaN;
  const toScreen = Number.isFinite(ts) ? quote.clientReceivedAt - ts : null;
  const toIngest = Number.isFinite(ts) && Number.isFinite(rx) ? rx - ts : null;
  if (toScreen === null) return null;
  return (
    <span
      className="text-[11px] text-slate-500"
      data-testid="latency"
      title={`체결→수집 ${formatLatency(toIngest)}, 수집→화면 ${formatLatency(Number.isFinite(rx) ? quote.clientReceivedAt - rx : null)} (브라우저와 서버 시계 차이가 포함될 수 있습니다)`}
    >
      체결→화면 {formatLatency(toScreen)}
    </span>
  );
}

export function CompanyHeader({ company, favoriteSlot }: { company: Company; favoriteSlot?: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  const live = session !== null;
  const quote = useLiveQuote(company.symbol, live);
  const flash = useFlash(quote);
  const now = useNow(5_000);
  const [watchingSince] = useState(() => Date.now());

  // A simulated tick (kissim's demo) never stands in for the company's real figures: it is shown
  // on its own line, labelled, and the header keeps the real history's price, range and market cap.
  const simulatedTick = quote && isSimulatedSource(quote.tick.source) ? quote.tick : undefined;
  const tick = simulatedTick ? undefined : quote?.tick;
  const price = tick?.price ?? company.price;
  const change = tick?.change ?? company.change;
  const pct = tick?.changePercent ?? company.changePercent;
  const dayHigh = Math.max(tick?.high ?? company.high ?? -Infinity, price ?? -Infinity);
  const dayLow = Math.min(tick?.low ?? company.low ?? Infinity, price ?? Infinity);
  const marketCap = tick && company.sharesOutstanding ? tick.price * company.sharesOutstanding : company.marketCap;
  const { status } = useStreamState();
  const stale = live && isStale({ status, lastTickAt: quote?.clientReceivedAt ?? null, watchingSince, now });

  return (
    <section aria-labelledby="company-name" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <h1 id="company-name" className="text-xl font-bold sm:text-2xl">
              {company.name}
            </h1>
            <span className="text-sm text-slate-600" data-testid="company-symbol">
              {company.symbol}
            </span>
            <Badge tone="blue">{company.market}</Badge>
            {company.industryName ? (
              company.industryId ? (
                <Link to={`/industries/${company.industryId}`} className="text-sm text-slate-700 underline-offset-2 hover:underline">
                  {company.industryName}
                </Link>
              ) : (
                <span className="text-sm text-slate-700">{company.industryName}</span>
              )
            ) : null}
          </div>
          {company.nameEn ? <p className="text-xs text-slate-500">{company.nameEn}</p> : null}
        </div>
        <div className="flex items-center gap-2">
          <MarketStateBadge />
          {favoriteSlot}
        </div>
      </div>

      <div className="mt-3 flex flex-wrap items-end gap-x-4 gap-y-1">
        <span
          key={tick ? (flash?.key ?? 'static') : 'static'}
          className={`rounded px-1 text-3xl font-bold tracking-tight sm:text-4xl ${toneTextClass(change ?? pct)} ${tick && flash ? (flash.dir === 'up' ? 'flash-up' : 'flash-down') : ''}`}
          data-testid="live-price"
          data-tick-count={quote?.count ?? 0}
          aria-live="off"
        >
          {formatPrice(price)}
          <span className="ml-0.5 text-base font-medium">원</span>
        </span>
        <span className={`pb-1 text-base font-medium ${toneTextClass(change ?? pct)}`}>
          {formatChangeArrow(change)} ({formatPercent(pct)})
        </span>
        <StockBadges tick={tick} />
        {tick?.source === 'poll' ? (
          <Badge tone="amber" title="스트림 대신 주기적 조회로 받은 가격입니다.">
            폴링 시세
          </Badge>
        ) : null}
      </div>
      {simulatedTick ? (
        <p className="mt-1 flex flex-wrap items-center gap-2 text-sm" data-testid="simulated-price">
          <Badge tone="violet">시뮬레이션</Badge>
          <span
            key={flash?.key ?? 'static'}
            className={`rounded px-1 font-semibold ${toneTextClass(simulatedTick.change ?? simulatedTick.changePercent)} ${flash ? (flash.dir === 'up' ? 'flash-up' : 'flash-down') : ''}`}
          >
            {formatPrice(simulatedTick.price)}원 {formatChangeArrow(simulatedTick.change)} ({formatPercent(simulatedTick.changePercent)})
          </span>
          <span className="text-xs text-slate-500">
            시뮬레이터(kissim)의 재생 시세입니다. 실제 시세가 아니며 위 수치에 반영되지 않습니다.
          </span>
        </p>
      ) : null}

      <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1">
        {tick ? (
          <SourceNote source={tick.source ?? null} asOf={tick.timestamp} />
        ) : simulatedTick ? (
          <>
            <SourceNote source={company.source} asOf={company.asOf} />
            <SourceNote source={simulatedTick.source ?? null} asOf={simulatedTick.timestamp} />
          </>
        ) : (
          <SourceNote source={company.source} asOf={company.asOf} />
        )}
        {live ? <StreamStatusBadge stale={stale} /> : null}
        {quote && !quote.fromSnapshot ? <LatencyNote quote={quote} /> : null}
      </div>

      {!live ? (
        <p className="mt-3 rounded-lg bg-blue-50 p-3 text-sm text-blue-950" data-testid="visitor-notice">
          실시간 시세는 로그인한 회원에게 제공됩니다. 지금 보이는 가격은 위에 표시된 기준 시각의 마지막 저장 가격입니다.{' '}
          <Link className="font-semibold underline" to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`}>
            로그인하고 실시간 시세 보기
          </Link>
        </p>
      ) : null}

      <dl className="mt-4 grid grid-cols-2 gap-x-4 gap-y-3 sm:grid-cols-3 lg:grid-cols-6">
        <RangeBar
          label="당일 범위"
          low={Number.isFinite(dayLow) ? dayLow : null}
          high={Number.isFinite(dayHigh) ? dayHigh : null}
          value={price}
        />
        <RangeBar label="52주 범위" low={company.week52Low} high={company.week52High} value={price} />
        <div>
          <dt className="text-xs text-slate-500">시가총액</dt>
          <dd className="text-sm font-medium">{formatKrw(marketCap)}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">거래량</dt>
          <dd className="text-sm">{formatVolume(tick?.accVolume ?? company.volume)}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">시가 / 전일종가</dt>
          <dd className="text-sm">
            {formatPrice(tick?.open ?? company.open)} / {formatPrice(company.prevClose)}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">PER / EPS</dt>
          <dd className="text-sm">
            {company.per !== null && company.per !== undefined ? `${formatNumber(company.per, 2)}배` : '-'} / {formatPrice(company.eps)}
          </dd>
        </div>
      </dl>
    </section>
  );
}
