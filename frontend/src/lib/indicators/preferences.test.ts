import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authStore } from '@/lib/auth-store';
import { DEFAULT_SELECTION } from '@/lib/indicators/catalog';
import { loadSelection, parseSelection, resetSelectionCache, storageKey, useIndicatorSelection } from '@/lib/indicators/preferences';

const signIn = (userId: number) =>
  authStore.set({
    accessToken: `token-${userId}`,
    refreshToken: null,
    expiresAt: null,
    user: { userId, email: `u${userId}@example.com`, username: `u${userId}` },
  });

beforeEach(() => resetSelectionCache());
afterEach(() => authStore.set(null));

describe('indicator selection storage', () => {
  it('keys the selection by user, visitors share "guest"', () => {
    expect(storageKey(42)).toBe('krx.chartIndicators.42');
    expect(storageKey(null)).toBe('krx.chartIndicators.guest');
    expect(storageKey('')).toBe('krx.chartIndicators.guest');
  });

  it('starts from the defaults and ignores what it does not know', () => {
    expect(parseSelection(null)).toEqual(DEFAULT_SELECTION);
    expect(parseSelection('{not json')).toEqual(DEFAULT_SELECTION);
    expect(parseSelection('[true]')).toEqual(DEFAULT_SELECTION);
    expect(parseSelection('{"rsi": true, "ma5": false, "ma7": true, "macd": "yes"}')).toEqual({
      ...DEFAULT_SELECTION,
      rsi: true,
      ma5: false,
    });
  });

  it('toggles, persists and keeps one selection per user', () => {
    signIn(1);
    const { result } = renderHook(() => useIndicatorSelection());
    expect(result.current[0]).toEqual(DEFAULT_SELECTION);
    act(() => result.current[1]('rsi'));
    act(() => result.current[1]('ma5'));
    expect(result.current[0]).toMatchObject({ rsi: true, ma5: false });
    expect(JSON.parse(localStorage.getItem('krx.chartIndicators.1') ?? '{}')).toMatchObject({ rsi: true, ma5: false });

    // Another user on the same browser has their own choice; the first one's comes back with them.
    act(() => signIn(2));
    expect(result.current[0]).toEqual(DEFAULT_SELECTION);
    act(() => result.current[1]('macd'));
    act(() => signIn(1));
    expect(result.current[0]).toMatchObject({ rsi: true, ma5: false, macd: false });

    // A reload reads it back from storage.
    resetSelectionCache();
    expect(loadSelection('krx.chartIndicators.2')).toMatchObject({ macd: true, rsi: false });
  });

  it('follows a change made in another tab', () => {
    const { result } = renderHook(() => useIndicatorSelection());
    expect(result.current[0].bb).toBe(false);
    act(() => {
      localStorage.setItem('krx.chartIndicators.guest', JSON.stringify({ ...DEFAULT_SELECTION, bb: true }));
      window.dispatchEvent(new StorageEvent('storage', { key: 'krx.chartIndicators.guest' }));
    });
    expect(result.current[0].bb).toBe(true);
  });
});
