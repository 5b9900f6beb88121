// Browser suite (@playwright/test) driving Debian's Chromium: no browser is downloaded.
// Environment: see e2e/env.ts. Everything it writes goes to E2E_OUTPUT_DIR.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { BASE, CHROMIUM, MODE, OUT, RETRIES, STEP_TIMEOUT } from './e2e/env';

if (!existsSync(CHROMIUM)) {
  throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium fonts-noto-cjk, or set CHROMIUM_PATH)`);
}

export default defineConfig({
  testDir: 'e2e',
  testMatch: MODE === 'smoke' ? 'smoke.spec.ts' : 'user-flow.spec.ts',
  globalSetup: './e2e/global-setup.ts',
  outputDir: join(OUT, 'test-results'),
  fullyParallel: false,
  workers: 1,
  retries: RETRIES,
  forbidOnly: true,
  timeout: STEP_TIMEOUT,
  expect: { timeout: STEP_TIMEOUT },
  metadata: { base: BASE, mode: MODE },
  reporter: [['list'], ['html', { outputFolder: join(OUT, 'report'), open: 'never' }], ['json', { outputFile: join(OUT, 'results.json') }]],
  use: {
    browserName: 'chromium',
    baseURL: BASE,
    headless: true,
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    viewport: { width: 1280, height: 900 },
    locale: 'ko-KR',
    timezoneId: 'Asia/Seoul',
    actionTimeout: STEP_TIMEOUT,
    navigationTimeout: STEP_TIMEOUT,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
