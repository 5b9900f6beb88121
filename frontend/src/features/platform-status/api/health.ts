// GET /health for the status page: polled every 15 s; a degraded (503) report is shown, not thrown.
import { usePlatformHealth } from '@/lib/platform-health';

export function usePlatformStatus() {
  return usePlatformHealth({ poll: true });
}
