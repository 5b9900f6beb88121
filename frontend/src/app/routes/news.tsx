// News search: keyword (Korean morphology on the server), company, period, newest or most relevant
// first; matches highlighted. The search lives in the URL (?q=&company=&industry=&from=&to=&sort=&page=).
import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { CollectorIdleNotice } from '@/components/collector-idle-notice';
import { CompanyCombobox } from '@/components/company-combobox';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Pagination } from '@/components/ui/pagination';
import { SkeletonRows } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { inputClass } from '@/features/auth/components/auth-card';
import { companyQueryOptions } from '@/features/companies/api/company';
import { useNewsSearch } from '@/features/news/api/news-search';
import { NewsSearchResults } from '@/features/news/components/news-search-results';
import { fetchSuggestions } from '@/features/search/api/search-companies';
import { useDocumentTitle } from '@/hooks/use-document-title';
import { apiRequest } from '@/lib/api-client';
import type { Industry, NewsSort } from '@/types/api';

const PAGE_SIZE = 20;
const SORTS: { id: NewsSort; label: string }[] = [
  { id: 'latest', label: '최신순' },
  { id: 'relevance', label: '관련도순' },
];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function positiveId(raw: string | null): number | null {
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : null;
}

function FilterChip({ label, onClear, testId }: { label: string; onClear: () => void; testId: string }) {
  return (
    <span className="inline-flex items-center gap-1 rounded-full bg-slate-100 py-1 pl-3 pr-1 text-sm" data-testid={testId}>
      {label}
      <button
        type="button"
        onClick={onClear}
        aria-label={`${label} 필터 해제`}
        className="rounded-full px-1.5 text-slate-500 hover:bg-slate-200"
      >
        ×
      </button>
    </span>
  );
}

export default function NewsRoute() {
  useDocumentTitle('뉴스 검색');
  const [params, setParams] = useSearchParams();
  const keyword = params.get('q') ?? '';
  const company = positiveId(params.get('company'));
  const industry = positiveId(params.get('industry'));
  const from = DATE.test(params.get('from') ?? '') ? (params.get('from') as string) : '';
  const to = DATE.test(params.get('to') ?? '') ? (params.get('to') as string) : '';
  const sort: NewsSort = params.get('sort') === 'relevance' ? 'relevance' : 'latest';
  const page = Math.max(1, Number(params.get('page')) || 1);

  const [draft, setDraft] = useState(keyword);
  const [shown, setShown] = useState(keyword);
  if (shown !== keyword) {
    // the URL changed (back/forward, a link): the box shows its keyword
    setShown(keyword);
    setDraft(keyword);
  }
  const companyInfo = useQuery({ ...companyQueryOptions(String(company ?? 0)), enabled: company !== null });
  const industryInfo = useQuery({
    queryKey: ['industries', String(industry)],
    queryFn: ({ signal }) => apiRequest<Industry>(`/industries/${industry}`, { signal }),
    enabled: industry !== null,
    staleTime: 60_000,
  });
  const q = useNewsSearch({ keyword, company, industry, from, to, sort, page, size: PAGE_SIZE });

  const update = (patch: Record<string, string | number | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    if (!('page' in patch)) next.delete('page');
    setParams(next);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    update({ q: draft.trim() });
  };

  const filtered = Boolean(company || industry || from || to);
  const list = q.data?.data ?? [];
  const backend = q.data?.searchBackend === 'opensearch' ? 'OpenSearch 형태소 검색' : q.data?.searchBackend ? 'PostgreSQL 기본 검색' : null;

  return (
    <div className="mx-auto max-w-4xl space-y-4">
      <h1 className="text-xl font-bold">뉴스 검색</h1>
      <Card>
        <form role="search" aria-label="뉴스 검색" onSubmit={submit} className="flex gap-2" data-testid="news-search-form">
          <label htmlFor="news-keyword" className="sr-only">
            검색어
          </label>
          <input
            id="news-keyword"
            type="search"
            className={inputClass}
            placeholder="예: 반도체 수출, 삼성전자 실적"
            value={draft}
            maxLength={100}
            onChange={(e) => setDraft(e.target.value)}
          />
          <Button type="submit" className="shrink-0 whitespace-nowrap">
            검색
          </Button>
        </form>
        <div className="mt-3 flex flex-wrap items-end gap-3 text-sm">
          <div role="group" aria-label="정렬" className="inline-flex rounded-lg border border-slate-300 bg-slate-50 p-0.5">
            {SORTS.map((s) => (
              <button
                key={s.id}
                type="button"
                aria-pressed={s.id === sort}
                onClick={() => update({ sort: s.id === 'latest' ? null : s.id })}
                className={`min-h-9 rounded-md px-2.5 ${s.id === sort ? 'bg-slate-900 font-semibold text-white' : 'text-slate-700 hover:bg-white'}`}
              >
                {s.label}
              </button>
            ))}
          </div>
          <label className="flex flex-col text-xs text-slate-600">
            시작일
            <input
              type="date"
              className={`${inputClass} h-9 w-40`}
              value={from}
              max={to || undefined}
              onChange={(e) => update({ from: e.target.value })}
            />
          </label>
          <label className="flex flex-col text-xs text-slate-600">
            종료일
            <input
              type="date"
              className={`${inputClass} h-9 w-40`}
              value={to}
              min={from || undefined}
              onChange={(e) => update({ to: e.target.value })}
            />
          </label>
          <div className="min-w-56 flex-1">
            <CompanyCombobox
              label="기업으로 좁히기"
              placeholder="기업명 또는 종목코드"
              testId="news-company-filter"
              fetchSuggestions={fetchSuggestions}
              onSelect={(c) => update({ company: c.companyId })}
            />
          </div>
        </div>
        {filtered ? (
          <div className="mt-3 flex flex-wrap gap-2" aria-label="적용된 필터">
            {company ? (
              <FilterChip
                testId="news-filter-company"
                label={companyInfo.data?.data.name ?? `기업 #${company}`}
                onClear={() => update({ company: null })}
              />
            ) : null}
            {industry ? (
              <FilterChip
                testId="news-filter-industry"
                label={industryInfo.data?.data.name ?? `산업 #${industry}`}
                onClear={() => update({ industry: null })}
              />
            ) : null}
            {from || to ? (
              <FilterChip
                testId="news-filter-period"
                label={`${from || '처음'} ~ ${to || '오늘'}`}
                onClear={() => update({ from: null, to: null })}
              />
            ) : null}
          </div>
        ) : null}
      </Card>

      <Card
        title={keyword ? `'${keyword}' 검색 결과` : '최신 뉴스'}
        action={
          q.data ? (
            <span className="text-xs text-slate-500" data-testid="news-total">
              {q.data.total?.toLocaleString('ko-KR') ?? 0}건{backend ? ` · ${backend}` : ''}
            </span>
          ) : null
        }
      >
        {q.isPending ? (
          <SkeletonRows rows={6} rowClass="h-14" />
        ) : q.isError ? (
          <ErrorState error={q.error} onRetry={() => void q.refetch()} title="뉴스를 검색하지 못했습니다" />
        ) : list.length === 0 ? (
          <EmptyState>
            <div className="space-y-2" data-testid="news-empty">
              <p>
                {keyword
                  ? `'${keyword}'에 맞는 뉴스가 없습니다.`
                  : filtered
                    ? '조건에 맞는 뉴스가 없습니다.'
                    : '아직 수집된 뉴스가 없습니다.'}
                {keyword || filtered ? ' 다른 검색어나 더 넓은 기간으로 찾아보세요.' : ''}
              </p>
              <CollectorIdleNotice collector="news" label="뉴스 수집기" />
            </div>
          </EmptyState>
        ) : (
          <div className={q.isPlaceholderData ? 'opacity-60' : ''}>
            <NewsSearchResults items={list} />
          </div>
        )}
        {q.data?.total && list.length ? (
          <Pagination page={page} size={q.data.size ?? PAGE_SIZE} total={q.data.total} onPage={(p) => update({ page: p > 1 ? p : null })} />
        ) : null}
      </Card>
    </div>
  );
}
