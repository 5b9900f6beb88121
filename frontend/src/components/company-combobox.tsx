// Company search box with instant suggestions: debounced, keyboard navigable (↑/↓/Enter/Esc),
// IME-safe for Korean input, ARIA combobox pattern. Used by the header and the comparison builder.
import { useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useDebouncedValue } from '@/hooks/use-debounced-value';
import { errorMessage } from '@/lib/api-client';
import { formatPercent, formatPrice, toneTextClass } from '@/lib/format';
import type { CompanySearchItem } from '@/types/api';

export type SuggestionFetcher = (keyword: string, signal: AbortSignal) => Promise<CompanySearchItem[]>;

function Highlight({ text, query }: { text: string; query: string }) {
  const q = query.trim();
  const i = q ? text.toLowerCase().indexOf(q.toLowerCase()) : -1;
  if (i < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, i)}
      <mark className="rounded-sm bg-amber-100 px-0 text-inherit">{text.slice(i, i + q.length)}</mark>
      {text.slice(i + q.length)}
    </>
  );
}

export function CompanyCombobox({
  label,
  placeholder = '기업명, 종목코드, 초성 검색',
  fetchSuggestions,
  onSelect,
  onSubmitQuery,
  recent = [],
  onRemoveRecent,
  onClearRecent,
  excludeIds,
  clearOnSelect = true,
  inputClassName = '',
  autoFocus,
  footer,
  testId,
}: {
  label: string;
  placeholder?: string;
  fetchSuggestions: SuggestionFetcher;
  onSelect: (item: CompanySearchItem) => void;
  onSubmitQuery?: (query: string) => void;
  recent?: CompanySearchItem[];
  onRemoveRecent?: (item: CompanySearchItem) => void;
  onClearRecent?: () => void;
  excludeIds?: ReadonlySet<number>;
  clearOnSelect?: boolean;
  inputClassName?: string;
  autoFocus?: boolean;
  footer?: ReactNode;
  testId?: string;
}) {
  const id = useId().replace(/:/g, '');
  const inputRef = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const keyword = useDebouncedValue(value.trim(), 200);

  const query = useQuery({
    queryKey: ['company-suggestions', keyword],
    queryFn: ({ signal }) => fetchSuggestions(keyword, signal),
    enabled: keyword.length > 0,
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  });

  const showingRecent = value.trim() === '';
  const items = useMemo(() => {
    const list = showingRecent ? recent : keyword === value.trim() || query.data ? (query.data ?? []) : [];
    return excludeIds ? list.filter((c) => !excludeIds.has(c.companyId)) : list;
  }, [showingRecent, recent, query.data, excludeIds, keyword, value]);

  const listId = `${id}-listbox`;
  const expanded = open && (showingRecent ? recent.length > 0 : true);
  const typingAhead = !showingRecent && keyword !== value.trim();

  const choose = (item: CompanySearchItem) => {
    onSelect(item);
    setOpen(false);
    setActive(-1);
    if (clearOnSelect) setValue('');
    else setValue(item.name);
    inputRef.current?.blur();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.nativeEvent.isComposing || e.keyCode === 229) return; // Korean IME is composing
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      if (items.length) setActive((a) => (a + 1) % items.length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setOpen(true);
      if (items.length) setActive((a) => (a <= 0 ? items.length - 1 : a - 1));
    } else if (e.key === 'Enter') {
      if (open && active >= 0 && items[active]) {
        e.preventDefault();
        choose(items[active]);
      } else if (value.trim() && onSubmitQuery) {
        e.preventDefault();
        onSubmitQuery(value.trim());
        setOpen(false);
      }
    } else if (e.key === 'Escape') {
      if (open) setOpen(false);
      else setValue('');
      setActive(-1);
    } else if (e.key === 'Tab') {
      setOpen(false);
    }
  };

  return (
    <div className="relative w-full" data-testid={testId}>
      <label htmlFor={`${id}-input`} className="sr-only">
        {label}
      </label>
      <input
        ref={inputRef}
        id={`${id}-input`}
        type="search"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        autoFocus={autoFocus}
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `${id}-opt-${active}` : undefined}
        placeholder={placeholder}
        value={value}
        onChange={(e) => {
          setValue(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
        className={`h-10 w-full rounded-lg border border-slate-300 bg-white px-3 text-sm text-slate-900 placeholder:text-slate-500 focus:border-blue-600 focus:outline-none focus:ring-2 focus:ring-blue-200 ${inputClassName}`}
      />
      {expanded ? (
        <div
          className="absolute left-0 right-0 top-full z-50 mt-1 max-h-[min(70vh,28rem)] overflow-y-auto rounded-lg border border-slate-200 bg-white py-1 shadow-lg"
          onMouseDown={(e) => e.preventDefault()}
        >
          {showingRecent ? (
            <div className="flex items-center justify-between px-3 py-1.5 text-xs text-slate-500">
              <span>최근 검색</span>
              {onClearRecent ? (
                <button type="button" className="rounded px-1 underline-offset-2 hover:underline" onClick={onClearRecent}>
                  전체 삭제
                </button>
              ) : null}
            </div>
          ) : null}
          <ul id={listId} role="listbox" aria-label={showingRecent ? '최근 검색' : '검색 결과'}>
            {items.map((c, i) => (
              <li
                key={c.companyId}
                id={`${id}-opt-${i}`}
                role="option"
                aria-selected={i === active}
                onMouseEnter={() => setActive(i)}
                onClick={() => choose(c)}
                className={`flex cursor-pointer items-center gap-3 px-3 py-2 text-sm ${i === active ? 'bg-slate-100' : ''}`}
              >
                <span className="min-w-0 flex-1">
                  <span className="block truncate font-medium text-slate-900">
                    <Highlight text={c.name} query={value} />
                  </span>
                  <span className="block text-xs text-slate-500">
                    {c.symbol} · {c.market}
                    {c.industryName ? ` · ${c.industryName}` : ''}
                  </span>
                </span>
                {c.price !== undefined && c.price !== null ? (
                  <span className="shrink-0 text-right text-xs">
                    <span className="block font-medium text-slate-900">{formatPrice(c.price)}</span>
                    <span className={`block ${toneTextClass(c.changePercent)}`}>{formatPercent(c.changePercent)}</span>
                  </span>
                ) : null}
                {showingRecent && onRemoveRecent ? (
                  <button
                    type="button"
                    aria-label={`${c.name} 최근 검색에서 삭제`}
                    className="shrink-0 rounded px-1.5 text-slate-500 hover:bg-slate-200 hover:text-slate-800"
                    onClick={(e) => {
                      e.stopPropagation();
                      onRemoveRecent(c);
                    }}
                  >
                    ×
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
          {!showingRecent ? (
            <div className="px-3 py-1.5 text-xs text-slate-500" aria-live="polite">
              {query.isError ? (
                <span className="text-red-700">{errorMessage(query.error)}</span>
              ) : typingAhead || query.isFetching ? (
                items.length === 0 ? (
                  '검색 중…'
                ) : (
                  ''
                )
              ) : items.length === 0 ? (
                '일치하는 기업이 없습니다.'
              ) : (
                `${items.length}개 결과 · ↑↓로 이동, Enter로 선택`
              )}
            </div>
          ) : null}
          {footer}
        </div>
      ) : null}
    </div>
  );
}
