import { useSyncExternalStore } from 'react';
import { authStore, type Session } from '@/lib/auth-store';

export function useSession(): Session | null {
  return useSyncExternalStore(authStore.subscribe, authStore.get, authStore.get);
}
