// Shared by the specs: one browser page for a whole serial flow (it is one user's session), step
// screenshots under fixed names, and browser errors that fail the step in which they happened.
import { join } from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { BASE, OUT } from './env';

export type SharedPage = {
  /** The flow's page; valid inside tests (created in beforeAll). */
  readonly page: Page;
  /** Opens a path of the platform (BASE + path), like a user typing the address. */
  go: (path: string) => Promise<unknown>;
  /** Full-page screenshot as E2E_OUTPUT_DIR/<name>.png (name is `NN-what`), also attached to the report. */
  shot: (name: string) => Promise<void>;
};

/**
 * Registers the hooks of a serial flow in the current describe block: a fresh context and page
 * before the first step, closed after the last. Page errors and console errors (except failed
 * resource loads, which the UI reports itself) fail the step during which they were logged.
 */
export function sharedPage(): SharedPage {
  let context: BrowserContext | undefined;
  let current: Page | undefined;
  let errors: string[] = [];

  test.beforeAll(async ({ browser }) => {
    // Viewport, locale, time zone and timeouts come from the config's `use`.
    context = await browser.newContext();
    // A Content-Security-Policy violation becomes a console error, so it fails its step too.
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline code'}`);
      });
    });
    current = await context.newPage();
    current.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    current.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`);
    });
  });

  test.afterEach(async () => {
    const info = test.info();
    if (current && info.status !== info.expectedStatus) {
      const name = info.title.replace(/[^\w가-힣-]+/g, '_');
      await current.screenshot({ path: join(OUT, `FAIL-${name}.png`), fullPage: true }).catch(() => {
        // the page may be gone
      });
    }
    const logged = errors;
    errors = [];
    if (logged.length > 0) await info.attach('browser errors', { body: logged.join('\n'), contentType: 'text/plain' });
    expect(logged, 'page errors or console errors during this step').toEqual([]);
  });

  test.afterAll(async () => {
    const logged = errors;
    errors = [];
    await context?.close();
    expect(logged, 'page errors or console errors after the last step').toEqual([]);
  });

  const shared: SharedPage = {
    get page() {
      if (!current) throw new Error('the shared page is created in beforeAll');
      return current;
    },
    go: (path) => shared.page.goto(`${BASE}${path}`, { waitUntil: 'domcontentloaded' }),
    shot: async (name) => {
      const path = join(OUT, `${name}.png`);
      await shared.page.screenshot({ path, fullPage: true });
      await test.info().attach(name, { path, contentType: 'image/png' });
    },
  };
  return shared;
}
