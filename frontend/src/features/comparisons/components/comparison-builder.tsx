// Build a comparison: search and add 2–10 companies, name it, save it.
import { useMemo, useState, type FormEvent } from 'react';
import { CompanyCombobox } from '@/components/company-combobox';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/states';
import { fetchCompanySuggestions, useCreateComparison } from '@/features/comparisons/api/comparisons';
import type { CompanySearchItem } from '@/types/api';

export const MIN_COMPANIES = 2;
export const MAX_COMPANIES = 10;

export function ComparisonBuilder({ onCreated }: { onCreated: (id: number) => void }) {
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<CompanySearchItem[]>([]);
  const [touched, setTouched] = useState(false);
  const create = useCreateComparison();
  const pickedIds = useMemo(() => new Set(picked.map((p) => p.companyId)), [picked]);

  const nameError = touched && name.trim().length === 0 ? '비교 이름을 입력해 주세요.' : null;
  const countError = touched && picked.length < MIN_COMPANIES ? `기업을 ${MIN_COMPANIES}개 이상 추가해 주세요.` : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!name.trim() || picked.length < MIN_COMPANIES || picked.length > MAX_COMPANIES) return;
    create.mutate({ name: name.trim(), companies: picked.map((p) => p.companyId) }, { onSuccess: (c) => onCreated(c.comparisonId) });
  };

  return (
    <Card title="새 비교 만들기">
      <form onSubmit={submit} noValidate className="space-y-4">
        <div>
          <label htmlFor="comparison-name" className="mb-1 block text-sm font-medium">
            비교 이름
          </label>
          <input
            id="comparison-name"
            className="h-11 w-full rounded-lg border border-slate-300 px-3 text-sm focus:border-blue-600 focus:outline-none focus:ring-2 focus:ring-blue-200"
            value={name}
            maxLength={100}
            placeholder="예: 반도체 기업 비교"
            onChange={(e) => setName(e.target.value)}
            aria-invalid={!!nameError}
            aria-describedby={nameError ? 'comparison-name-error' : undefined}
          />
          {nameError ? (
            <p id="comparison-name-error" className="mt-1 text-sm text-red-700">
              {nameError}
            </p>
          ) : null}
        </div>
        <div>
          <p className="mb-1 text-sm font-medium" id="comparison-add-label">
            기업 추가{' '}
            <span className="text-xs font-normal text-slate-500">
              ({picked.length}/{MAX_COMPANIES}, 최소 {MIN_COMPANIES}개)
            </span>
          </p>
          {picked.length < MAX_COMPANIES ? (
            <CompanyCombobox
              label="비교할 기업 검색"
              testId="comparison-search"
              fetchSuggestions={fetchCompanySuggestions}
              excludeIds={pickedIds}
              onSelect={(c) => setPicked((p) => (p.some((x) => x.companyId === c.companyId) || p.length >= MAX_COMPANIES ? p : [...p, c]))}
            />
          ) : (
            <p className="text-sm text-slate-600">최대 {MAX_COMPANIES}개까지 비교할 수 있습니다.</p>
          )}
          <ul className="mt-3 flex flex-wrap gap-2" aria-label="선택한 기업" data-testid="comparison-picked">
            {picked.map((c) => (
              <li key={c.companyId} className="inline-flex items-center gap-1 rounded-full bg-slate-100 py-1 pl-3 pr-1 text-sm">
                {c.name}
                <span className="text-xs text-slate-500">{c.symbol}</span>
                <button
                  type="button"
                  className="ml-1 inline-flex h-7 w-7 items-center justify-center rounded-full text-slate-600 hover:bg-slate-200"
                  aria-label={`${c.name} 빼기`}
                  onClick={() => setPicked((p) => p.filter((x) => x.companyId !== c.companyId))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
          {countError ? <p className="mt-1 text-sm text-red-700">{countError}</p> : null}
        </div>
        {create.isError ? <ErrorState error={create.error} title="비교를 저장하지 못했습니다" /> : null}
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? '저장 중…' : '비교 저장'}
        </Button>
      </form>
    </Card>
  );
}
