import { beforeEach, describe, expect, it } from 'vitest';
import { addRecent, clearRecent, loadRecent, MAX_RECENT, removeRecent, resetRecentCache } from '@/features/search/recent-searches';

const c = (id: number) => ({ companyId: id, symbol: String(id).padStart(6, '0'), name: `기업${id}`, market: 'KOSPI' });

beforeEach(() => {
  localStorage.clear();
  resetRecentCache();
});

describe('recent searches', () => {
  it('keeps newest first, moves a repeat to the front and caps the list', () => {
    for (let i = 1; i <= MAX_RECENT + 2; i++) addRecent(c(i));
    addRecent(c(5));
    const list = loadRecent();
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0].companyId).toBe(5);
    expect(list.filter((r) => r.companyId === 5)).toHaveLength(1);
    resetRecentCache();
    expect(loadRecent()[0].companyId).toBe(5); // persisted
  });

  it('removes and clears, and survives corrupt storage', () => {
    addRecent(c(1));
    addRecent(c(2));
    removeRecent(1);
    expect(loadRecent().map((r) => r.companyId)).toEqual([2]);
    clearRecent();
    expect(loadRecent()).toEqual([]);
    localStorage.setItem('krx.recentSearches', '{not json');
    resetRecentCache();
    expect(loadRecent()).toEqual([]);
  });
});
