// Which indicators are on, remembered per user in localStorage (`krx.chartIndicators.<userId>`,
// `….guest` for visitors), so each account on a shared browser keeps its own chart. Exposed as a
// small external store: a toggle re-renders the charts that use it, in every mounted component.
import { useCallback, useSyncExternalStore } from 'react';
import { DEFAULT_SELECTION, INDICATOR_IDS, type IndicatorId, type IndicatorSelection } from '@/lib/indicators/catalog';
import { useSession } from '@/lib/use-session';

const PREFIX = 'krx.chartIndicators.';
const GUEST = 'guest';

const listeners = new Set<() => void>();
const cache = new Map<string, IndicatorSelection>();

export function storageKey(userId: string | number | null | undefined): string {
  return PREFIX + (userId === null || userId === undefined || userId === '' ? GUEST : String(userId));
}

/** A stored value → a full selection; unknown keys are ignored and missing ones take the default. */
export function parseSelection(raw: string | null): IndicatorSelection {
  const selection = { ...DEFAULT_SELECTION };
  if (!raw) return selection;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      for (const id of INDICATOR_IDS) {
        const v = (parsed as Record<string, unknown>)[id];
        if (typeof v === 'boolean') selection[id] = v;
      }
    }
  } catch {
    // unreadable: the defaults
  }
  return selection;
}

export function loadSelection(key: string): IndicatorSelection {
  let selection = cache.get(key);
  if (!selection) {
    let raw: string | null = null;
    try {
      raw = globalThis.localStorage?.getItem(key) ?? null;
    } catch {
      // storage disabled: the defaults
    }
    selection = parseSelection(raw);
    cache.set(key, selection);
  }
  return selection;
}

export function saveSelection(key: string, selection: IndicatorSelection): void {
  cache.set(key, selection);
  try {
    globalThis.localStorage?.setItem(key, JSON.stringify(selection));
  } catch {
    // storage full or disabled: keep the choice for this tab
  }
  for (const l of listeners) l();
}

/** For tests: forget the in-memory copies. */
export function resetSelectionCache(): void {
  cache.clear();
}

// Another tab changed a selection: drop our copy so the next read sees theirs.
function onStorage(e: StorageEvent) {
  if (e.key === null || e.key.startsWith(PREFIX)) {
    if (e.key === null) cache.clear();
    else cache.delete(e.key);
    for (const l of listeners) l();
  }
}

function subscribe(l: () => void) {
  if (listeners.size === 0) globalThis.addEventListener?.('storage', onStorage);
  listeners.add(l);
  return () => {
    listeners.delete(l);
    if (listeners.size === 0) globalThis.removeEventListener?.('storage', onStorage);
  };
}

/** The signed-in user's (or the visitor's) indicator selection and a toggle for one indicator. */
export function useIndicatorSelection(): [IndicatorSelection, (id: IndicatorId) => void] {
  const session = useSession();
  const key = storageKey(session?.user?.userId);
  const get = useCallback(() => loadSelection(key), [key]);
  const selection = useSyncExternalStore(subscribe, get, get);
  const toggle = useCallback(
    (id: IndicatorId) => {
      const current = loadSelection(key);
      saveSelection(key, { ...current, [id]: !current[id] });
    },
    [key],
  );
  return [selection, toggle];
}
