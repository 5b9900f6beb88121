// The browser suite's environment contract (tests/e2e/test_browser.py and the README rely on it):
//   E2E_BASE_URL         platform URL (default http://127.0.0.1:8000)
//   E2E_OUTPUT_DIR       step screenshots (NN-name.png), results.json, report/ and test-results/
//                        (default frontend/e2e-output)
//   E2E_MODE             full (default): one user's flow against a running platform
//                        smoke: the built SPA with no api behind it — the shell renders, errors are readable
//   E2E_TICK_TIMEOUT_MS  how long to wait for a live tick (default 60000)
//   E2E_RETRIES          retries of a failed run (default 1)
//   E2E_EXPECT_FEED_GAP  1: the platform had a gap in its live feed (tests/e2e kills ingest once);
//                        the 1-minute chart must show it
//   CHROMIUM_PATH        the Chromium to drive (default /usr/bin/chromium); no browser is downloaded
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const frontendDir = join(dirname(fileURLToPath(import.meta.url)), '..');

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

function mode(): 'full' | 'smoke' {
  const raw = process.env.E2E_MODE ?? 'full';
  if (raw !== 'full' && raw !== 'smoke') throw new Error(`E2E_MODE must be full or smoke, got "${raw}"`);
  return raw;
}

export const BASE = (process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8000').replace(/\/+$/, '');
export const OUT = process.env.E2E_OUTPUT_DIR ?? join(frontendDir, 'e2e-output');
export const MODE = mode();
export const TICK_TIMEOUT = positiveNumber('E2E_TICK_TIMEOUT_MS', 60_000);
export const RETRIES = positiveNumber('E2E_RETRIES', 1);
export const EXPECT_FEED_GAP = process.env.E2E_EXPECT_FEED_GAP === '1';
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Every step (test) and every wait inside it. */
export const STEP_TIMEOUT = 30_000;
