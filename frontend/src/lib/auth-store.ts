// Session tokens: kept in localStorage so a reload keeps the session, exposed as a tiny
// external store (useSyncExternalStore) so components re-render only on login/logout.

export type SessionUser = { userId: number | string; email: string; username: string };

export type Session = {
  accessToken: string;
  refreshToken: string | null;
  /** epoch ms when the access token expires (from its exp claim, else expiresIn). */
  expiresAt: number | null;
  user: SessionUser | null;
};

const STORAGE_KEY = 'krx.session';
type Listener = () => void;

let current: Session | null = read();
const listeners = new Set<Listener>();

function read(): Session | null {
  try {
    const raw = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Session>;
    if (typeof parsed.accessToken !== 'string' || parsed.accessToken === '') return null;
    return {
      accessToken: parsed.accessToken,
      refreshToken: typeof parsed.refreshToken === 'string' ? parsed.refreshToken : null,
      expiresAt: typeof parsed.expiresAt === 'number' ? parsed.expiresAt : null,
      user: parsed.user ?? null,
    };
  } catch {
    return null;
  }
}

function emit() {
  for (const l of listeners) l();
}

/** Decodes a JWT's payload without verifying it (the server verifies); null when malformed. */
export function decodeJwtPayload(token: string): Record<string, unknown> | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
    const bin = atob(padded);
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export function expiryOf(accessToken: string, expiresInSeconds?: number | null, now = Date.now()): number | null {
  const payload = decodeJwtPayload(accessToken);
  if (payload && typeof payload.exp === 'number') return payload.exp * 1000;
  if (typeof expiresInSeconds === 'number' && expiresInSeconds > 0) return now + expiresInSeconds * 1000;
  return null;
}

// Arrow functions, not methods: `get` and `subscribe` are handed to useSyncExternalStore unbound.
export const authStore = {
  get: (): Session | null => current,
  set: (next: Session | null) => {
    current = next;
    try {
      if (next) globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(next));
      else globalThis.localStorage?.removeItem(STORAGE_KEY);
    } catch {
      // Private mode or full storage: the session still works for this tab.
    }
    emit();
  },
  update: (patch: Partial<Session>) => {
    if (!current) return;
    authStore.set({ ...current, ...patch });
  },
  clear: () => {
    authStore.set(null);
  },
  subscribe: (listener: Listener): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** Re-reads storage (another tab logged in or out). */
  syncFromStorage: () => {
    const next = read();
    if (next?.accessToken !== current?.accessToken) {
      current = next;
      emit();
    }
  },
};

if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key === STORAGE_KEY) authStore.syncFromStorage();
  });
}
