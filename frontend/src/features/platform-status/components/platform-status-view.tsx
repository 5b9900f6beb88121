// "데이터 현황": the platform's parts as cards and the background collectors as a table,
// each collector with its state and, when idle or failing, the reason (e.g. missing API keys).
import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { Skeleton, SkeletonRows } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { usePlatformStatus } from '@/features/platform-status/api/health';
import { formatKstDateTime, formatRelative } from '@/lib/format';
import {
  collectorLabel,
  collectorStateLabel,
  collectorStateTone,
  formatAgeSeconds,
  formatLatencyMs,
  ingestModeLabel,
  ingestSourceLabel,
  searchBackendLabel,
  sortCollectors,
  type CollectorStatus,
  type PlatformHealth,
} from '@/lib/platform-health';

const dotClass = { green: 'bg-emerald-600', amber: 'bg-amber-500', red: 'bg-red-600', blue: 'bg-blue-600', gray: 'bg-slate-400' } as const;

function OkBadge({ ok }: { ok: boolean | undefined }) {
  const tone = ok === undefined ? 'gray' : ok ? 'green' : 'red';
  return (
    <Badge tone={tone}>
      <span aria-hidden="true" className={`inline-block h-1.5 w-1.5 rounded-full ${dotClass[tone]}`} />
      {ok === undefined ? '보고 없음' : ok ? '정상' : '장애'}
    </Badge>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="font-medium text-slate-900">{children}</dd>
    </div>
  );
}

function PartCard({ title, ok, testId, children }: { title: string; ok: boolean | undefined; testId: string; children: ReactNode }) {
  return (
    <Card title={title} headingLevel={3} action={<OkBadge ok={ok} />} className="h-full">
      <dl className="grid grid-cols-2 gap-3 text-sm" data-testid={testId}>
        {children}
      </dl>
    </Card>
  );
}

export function PartsGrid({ health }: { health: PlatformHealth }) {
  const { database, redis, search, ingest } = health;
  return (
    <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
      <PartCard title="데이터베이스" ok={database?.ok} testId="status-database">
        <Fact label="응답 시간">{formatLatencyMs(database?.latencyMs)}</Fact>
        {database?.error ? <Fact label="오류">{database.error}</Fact> : null}
      </PartCard>
      <PartCard title="Redis" ok={redis?.ok} testId="status-redis">
        <Fact label="응답 시간">{formatLatencyMs(redis?.latencyMs)}</Fact>
        {redis?.error ? <Fact label="오류">{redis.error}</Fact> : null}
      </PartCard>
      <PartCard title="검색" ok={search?.ok} testId="status-search">
        <Fact label="검색 엔진">{searchBackendLabel(search?.backend)}</Fact>
        {search?.error ? <Fact label="오류">{search.error}</Fact> : null}
      </PartCard>
      <PartCard title="실시간 시세" ok={ingest?.ok} testId="status-ingest">
        <Fact label="시세 출처">{ingestSourceLabel(ingest?.source)}</Fact>
        <Fact label="수신 방식">{ingestModeLabel(ingest?.mode)}</Fact>
        <Fact label="마지막 체결">{formatAgeSeconds(ingest?.lastTickAgeSeconds)}</Fact>
        <Fact label="수집기 응답">{formatAgeSeconds(ingest?.heartbeatAgeSeconds)}</Fact>
      </PartCard>
    </div>
  );
}

function StateBadge({ state }: { state: string }) {
  const tone = collectorStateTone(state);
  return (
    <Badge tone={tone}>
      <span aria-hidden="true" className={`inline-block h-1.5 w-1.5 rounded-full ${dotClass[tone]}`} />
      {collectorStateLabel(state)}
    </Badge>
  );
}

export function CollectorTable({ collectors }: { collectors: Record<string, CollectorStatus> }) {
  const names = sortCollectors(Object.keys(collectors));
  if (names.length === 0) return <EmptyState>보고된 수집기가 없습니다.</EmptyState>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="collector-table">
        <caption className="sr-only">데이터 수집기 상태</caption>
        <thead className="border-b border-slate-200 text-xs text-slate-500">
          <tr>
            <th scope="col" className="py-2 pr-2 text-left font-medium">
              수집기
            </th>
            <th scope="col" className="pr-2 text-left font-medium">
              상태
            </th>
            <th scope="col" className="pr-2 text-left font-medium">
              사유
            </th>
            <th scope="col" className="hidden text-right font-medium sm:table-cell">
              시각
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {names.map((name) => {
            const c = collectors[name];
            return (
              <tr key={name} data-testid="collector-row" data-collector={name} data-state={c.state} className="align-top">
                <th scope="row" className="py-2 pr-2 text-left font-medium text-slate-900">
                  {collectorLabel(name)}
                </th>
                <td className="py-2 pr-2">
                  <StateBadge state={c.state} />
                </td>
                <td className="py-2 pr-2 text-slate-700 wrap-anywhere sm:min-w-[12rem]">
                  {c.reason || '-'}
                  {c.at ? <span className="mt-0.5 block text-xs text-slate-500 sm:hidden">{formatRelative(c.at)}</span> : null}
                </td>
                <td className="hidden py-2 text-right text-xs whitespace-nowrap text-slate-500 sm:table-cell">
                  {c.at ? (
                    <time dateTime={new Date(c.at).toISOString()} title={formatKstDateTime(c.at, true)}>
                      {formatRelative(c.at)}
                    </time>
                  ) : (
                    '-'
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function PlatformStatusView() {
  const q = usePlatformStatus();
  if (q.isPending) {
    return (
      <div className="space-y-4" role="status" aria-label="데이터 현황 불러오는 중">
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {[0, 1, 2, 3].map((i) => (
            <Skeleton key={i} className="h-32 w-full" />
          ))}
        </div>
        <SkeletonRows rows={9} rowClass="h-10" />
      </div>
    );
  }
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} title="데이터 현황을 불러오지 못했습니다" />;
  const health = q.data.data;
  const degraded = health.status !== 'ok';
  return (
    <div className="space-y-4">
      <div
        data-testid="platform-overall"
        data-status={health.status}
        className={`flex flex-wrap items-center gap-2 rounded-lg border p-3 text-sm ${degraded ? 'border-amber-300 bg-amber-50 text-amber-900' : 'border-emerald-300 bg-emerald-50 text-emerald-900'}`}
      >
        <span className="font-semibold">{degraded ? '일부 구성 요소에 문제가 있습니다' : '모든 구성 요소가 정상입니다'}</span>
        <span className="text-xs opacity-80">{formatKstDateTime(q.dataUpdatedAt, true)} 기준 · 15초마다 갱신</span>
      </div>
      <PartsGrid health={health} />
      <Card title="데이터 수집기">
        <p className="mb-3 text-xs text-slate-600">API 키가 없는 수집기는 대기 상태로 남고 그 이유를 여기에 표시합니다.</p>
        <CollectorTable collectors={health.collectors ?? {}} />
      </Card>
    </div>
  );
}
