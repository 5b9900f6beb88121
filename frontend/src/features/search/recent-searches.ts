// Recent searches (companies opened from the search box), newest first, in localStorage.
import { useSyncExternalStore } from 'react';
import type { CompanySearchItem } from '@/types/api';

const KEY = 'krx.recentSearches';
export const MAX_RECENT = 8;

export type RecentCompany = Pick<CompanySearchItem, 'companyId' | 'symbol' | 'name' | 'market'>;

const listeners = new Set<() => void>();
let cache: RecentCompany[] | null = null;

function isRecent(v: unknown): v is RecentCompany {
  const o = v as RecentCompany;
  return !!o && typeof o === 'object' && typeof o.companyId === 'number' && typeof o.name === 'string' && typeof o.symbol === 'string';
}

export function loadRecent(): RecentCompany[] {
  if (cache) return cache;
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    cache = Array.isArray(parsed) ? parsed.filter(isRecent).slice(0, MAX_RECENT) : [];
  } catch {
    cache = [];
  }
  return cache;
}

function save(list: RecentCompany[]) {
  cache = list;
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // storage full or disabled: keep the in-memory list
  }
  for (const l of listeners) l();
}

export function addRecent(c: RecentCompany) {
  const item: RecentCompany = { companyId: c.companyId, symbol: c.symbol, name: c.name, market: c.market };
  save([item, ...loadRecent().filter((r) => r.companyId !== c.companyId)].slice(0, MAX_RECENT));
}

export function removeRecent(companyId: number) {
  save(loadRecent().filter((r) => r.companyId !== companyId));
}

export function clearRecent() {
  save([]);
}

/** For tests: forget the in-memory copy. */
export function resetRecentCache() {
  cache = null;
}

export function useRecentSearches(): RecentCompany[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    loadRecent,
    loadRecent,
  );
}
