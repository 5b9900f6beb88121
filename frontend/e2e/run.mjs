// Browser end-to-end suite: playwright-core drives Debian's Chromium (no browser download).
//   E2E_BASE_URL   platform URL (default http://127.0.0.1:8000)
//   E2E_OUTPUT_DIR screenshots + results.json (default frontend/e2e-output)
//   E2E_MODE       full (default): the user flow against a running platform
//                  smoke: the built SPA with no api behind it — shell renders, errors are readable
//   E2E_TICK_TIMEOUT_MS  how long to wait for a live tick (default 60000)
//   CHROMIUM_PATH  default /usr/bin/chromium
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const frontendDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const BASE = (process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8000').replace(/\/+$/, '');
const OUT = process.env.E2E_OUTPUT_DIR ?? join(frontendDir, 'e2e-output');
const MODE = process.env.E2E_MODE ?? 'full';
const TICK_TIMEOUT = Number(process.env.E2E_TICK_TIMEOUT_MS ?? 60_000);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const STEP_TIMEOUT = 30_000;

if (!existsSync(CHROMIUM)) {
  console.error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  process.exit(2);
}
mkdirSync(OUT, { recursive: true });
// Drop the previous run's screenshots so the folder shows this run only.
for (const f of readdirSync(OUT)) if (/^(\d\d-.+|FAIL-.+)\.png$|^results\.json$/.test(f)) rmSync(join(OUT, f));

const userDataDir = mkdtempSync(join(tmpdir(), 'krx-e2e-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
  locale: 'ko-KR',
  timezoneId: 'Asia/Seoul',
});
context.setDefaultTimeout(STEP_TIMEOUT);
const page = context.pages()[0] ?? (await context.newPage());
const consoleErrors = [];
page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
page.on('console', (m) => {
  if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) consoleErrors.push(`console: ${m.text()}`);
});

const results = [];
let shotNo = 0;
async function shot(name) {
  shotNo += 1;
  const file = join(OUT, `${String(shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true, ms: Date.now() - started });
    console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    results.push({ name, ok: false, ms: Date.now() - started, error: msg });
    console.log(`  ✗ ${name}: ${msg}`);
    try {
      await page.screenshot({ path: join(OUT, `FAIL-${name.replace(/[^\w가-힣-]+/g, '_')}.png`), fullPage: true });
    } catch {
      // the page may be gone
    }
  }
}
function expect(cond, message) {
  if (!cond) throw new Error(message);
}
const go = (path) => page.goto(`${BASE}${path}`, { waitUntil: 'domcontentloaded' });
const headerSearch = () => page.locator('[data-testid="header-search"] input');

console.log(`e2e (${MODE}) against ${BASE}, screenshots in ${OUT}`);

if (MODE === 'smoke') {
  await step('SPA 셸이 렌더링된다', async () => {
    await go('/');
    await headerSearch().waitFor();
    await page.getByRole('link', { name: 'K-주식정보 홈' }).waitFor();
    await page.getByRole('navigation', { name: '주요 메뉴' }).waitFor();
  });
  await step('api가 없으면 읽을 수 있는 한국어 오류를 보여준다', async () => {
    const err = page.locator('[data-testid="error-message"]').first();
    await err.waitFor({ timeout: 20_000 });
    const text = (await err.textContent()) ?? '';
    expect(/[가-힣]/.test(text) && text.length > 5, `error text not readable: "${text}"`);
    await shot('home-no-api');
  });
  await step('기업 페이지도 빈 화면 대신 오류 상태를 보여준다', async () => {
    await go('/companies/1');
    await page.locator('[role="alert"]').first().waitFor({ timeout: 20_000 });
    await shot('company-no-api');
  });
  await step('검색 제안 상자가 오류를 안내한다', async () => {
    await headerSearch().fill('삼성');
    await page.locator('[data-testid="header-search"]').getByText(/서버|연결|응답/).first().waitFor({ timeout: 20_000 });
    await shot('search-no-api');
  });
  await step('로그인·회원가입 폼이 렌더링된다 (375px)', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await go('/signup');
    await page.getByLabel('비밀번호', { exact: true }).fill('abc1');
    const rules = page.locator('[data-testid="password-rules"] li');
    expect((await rules.count()) === 4, 'password rules not shown');
    expect((await page.locator('[data-testid="password-rules"] li[data-ok="true"]').count()) === 2, 'live rule check wrong');
    await shot('signup-375');
    await go('/login');
    await page.getByRole('button', { name: '로그인', exact: true }).waitFor();
    await shot('login-375');
  });
} else {
  const stamp = Date.now();
  const email = `e2e-${stamp}@example.com`;
  const password = `E2e-Test-${stamp % 10000}!`;
  let companyUrl = null;

  await step('홈', async () => {
    await go('/');
    await headerSearch().waitFor();
    await page.locator('[data-testid="company-ranking"] tbody tr').first().waitFor();
    await page.locator('[data-testid="index-kospi"] canvas').first().waitFor();
    await shot('home');
  });

  await step('회원가입 (비밀번호 규칙 실시간 표시)', async () => {
    await go('/signup');
    await page.getByLabel('이메일').fill(email);
    await page.getByLabel('사용자명').fill(`e2e${stamp % 100000}`);
    await page.getByLabel('비밀번호', { exact: true }).fill('short');
    expect((await page.locator('[data-testid="password-rules"] li[data-ok="true"]').count()) < 4, 'weak password passes all rules');
    await page.getByLabel('비밀번호', { exact: true }).fill(password);
    expect((await page.locator('[data-testid="password-rules"] li[data-ok="true"]').count()) === 4, 'strong password fails a rule');
    await page.getByLabel('비밀번호 확인').fill(password);
    await shot('signup');
    await page.getByRole('button', { name: '회원가입', exact: true }).click();
    await page.waitForURL(/\/login\?/);
    await page.getByText('회원가입이 완료되었습니다').waitFor();
  });

  await step('로그인', async () => {
    if (!page.url().includes('/login')) await go(`/login?email=${encodeURIComponent(email)}`);
    const emailInput = page.getByLabel('이메일');
    if (!(await emailInput.inputValue())) await emailInput.fill(email);
    await page.getByLabel('비밀번호').fill(password);
    await page.getByRole('button', { name: '로그인', exact: true }).click();
    await page.locator('[data-testid="current-user"]').waitFor();
    await shot('logged-in');
  });

  await step('"삼성" 검색 후 삼성전자(005930) 열기', async () => {
    if (!page.url().startsWith(BASE)) await go('/');
    await headerSearch().click();
    await headerSearch().fill('삼성');
    const option = page.locator('[role="option"]', { hasText: '005930' });
    await option.waitFor();
    await shot('search-suggestions');
    await option.click();
    await page.waitForURL(/\/companies\/[^/?]+/);
    await page.locator('[data-testid="company-symbol"]', { hasText: '005930' }).waitFor();
    companyUrl = page.url().replace(BASE, '').split('?')[0];
  });

  await step('캔들 차트 표시', async () => {
    const chart = page.locator('[data-testid="price-chart"][data-state="ready"]');
    await chart.waitFor({ timeout: 30_000 });
    expect(Number(await chart.getAttribute('data-bars')) > 0, 'no bars');
    await chart.locator('canvas').first().waitFor();
    await page.locator('[data-testid="source-note"]').first().waitFor();
    await shot('company');
  });

  await step('실시간 체결 수신', async () => {
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="live-price"]')?.getAttribute('data-tick-count') ?? 0) >= 1,
      null,
      { timeout: TICK_TIMEOUT },
    );
    const status = await page.locator('[data-testid="stream-status"]').first().getAttribute('data-status');
    expect(status === 'connected' || status === 'stale', `stream status is ${status}`);
    await page.locator('[data-testid="latency"]').waitFor({ timeout: 5_000 }).catch(() => {});
    await shot('company-live');
  });

  for (const interval of ['1m', '15m', '1h', '1d']) {
    await step(`차트 주기 전환 ${interval}`, async () => {
      await page.locator(`[data-testid="price-chart"]`).scrollIntoViewIfNeeded();
      await page.locator(`button[data-interval="${interval}"]`).click();
      await page.waitForFunction(
        (i) => {
          const el = document.querySelector('[data-testid="price-chart"]');
          return el?.getAttribute('data-interval') === i && ['ready', 'empty', 'error'].includes(el.getAttribute('data-state') ?? '');
        },
        interval,
        { timeout: 30_000 },
      );
      const state = await page.locator('[data-testid="price-chart"]').getAttribute('data-state');
      expect(state !== 'error', `chart error for ${interval}`);
      await shot(`chart-${interval}`);
    });
  }

  await step('관심종목 추가', async () => {
    if (companyUrl && !page.url().includes(companyUrl)) await go(companyUrl);
    const toggle = page.locator('[data-testid="favorite-toggle"]');
    await toggle.waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid="favorite-toggle"]')?.hasAttribute('disabled'));
    if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
    await page.locator('[data-testid="favorite-toggle"][aria-pressed="true"]').waitFor();
    await go('/favorites');
    await page.locator('[data-testid="favorites-list"]', { hasText: '삼성전자' }).waitFor();
    await shot('favorites');
  });

  await step('비교 만들기와 열기', async () => {
    await go('/comparisons/new');
    await page.getByLabel('비교 이름').fill('E2E 반도체 비교');
    const search = page.locator('[data-testid="comparison-search"] input');
    for (const [query, code] of [['삼성전자', '005930'], ['SK하이닉스', '000660']]) {
      await search.click();
      await search.fill(query);
      const opt = page.locator('[data-testid="comparison-search"] [role="option"]', { hasText: code });
      await opt.waitFor();
      await opt.click();
    }
    expect((await page.locator('[data-testid="comparison-picked"] li').count()) === 2, 'two companies not picked');
    await shot('comparison-builder');
    await page.getByRole('button', { name: '비교 저장' }).click();
    await page.waitForURL(/\/comparisons\/\d+/);
    await page.locator('[data-testid="comparison-table"]').waitFor();
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="comparison-chart"]');
      return el && Number(el.getAttribute('data-series')) >= 2 && el.querySelector('canvas');
    }, null, { timeout: 30_000 });
    await shot('comparison');
    await go('/comparisons');
    await page.locator('[data-testid="comparison-list"]', { hasText: 'E2E 반도체 비교' }).waitFor();
    await shot('comparisons');
  });

  await step('순위와 산업 페이지', async () => {
    await go('/rankings');
    await page.locator('[data-testid="company-ranking"] tbody tr').first().waitFor();
    await page.getByRole('button', { name: '코스닥' }).click();
    await page.waitForURL(/market=KOSDAQ/);
    await page.locator('[data-testid="company-ranking"] tbody tr').first().waitFor();
    await shot('rankings');
    await page.getByRole('tab', { name: '산업' }).click();
    const first = page.locator('[data-testid="industry-ranking"] tbody tr a').first();
    await first.waitFor();
    await first.click();
    await page.waitForURL(/\/industries\/[^/]+/);
    await page.locator('[data-testid="industry-name"]').waitFor();
    await shot('industry');
  });

  await step('데이터 현황 (수집기 상태)', async () => {
    await go('/status');
    await page.getByRole('heading', { name: '데이터 현황', level: 1 }).waitFor();
    await page.locator('[data-testid="collector-row"]').first().waitFor();
    const rows = await page.locator('[data-testid="collector-row"]').count();
    expect(rows >= 1, 'no collector rows on /status');
    const ingest = page.locator('[data-testid="status-ingest"]');
    await ingest.waitFor();
    const text = await ingest.innerText();
    expect(text.includes('시뮬레이터'), `실시간 시세 card does not say 시뮬레이터: ${text.replace(/\s+/g, ' ')}`);
    await shot('status');
  });

  await step('휴대폰 화면(375px): 가로 스크롤 없음', async () => {
    if (!companyUrl) throw new Error('company page was not reached');
    await page.setViewportSize({ width: 375, height: 812 });
    for (const [path, ready, name] of [
      ['/', '[data-testid="company-ranking"] tbody tr', 'home-375'],
      [companyUrl, '[data-testid="price-chart"][data-state="ready"]', 'company-375'],
      ['/rankings', '[data-testid="company-ranking"] tbody tr', 'rankings-375'],
      ['/status', '[data-testid="collector-row"]', 'status-375'],
    ]) {
      await go(path);
      await page.locator(ready).first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow <= 1, `${path} scrolls horizontally by ${overflow}px at 375px`);
      await shot(name);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await step('로그아웃', async () => {
    await go('/');
    await page.locator('header').getByRole('button', { name: '로그아웃' }).click();
    await page.locator('header').getByRole('link', { name: '로그인', exact: true }).waitFor();
    const stored = await page.evaluate(() => localStorage.getItem('krx.session'));
    expect(stored === null, 'session still stored after logout');
    await shot('logged-out');
  });
}

await context.close();
rmSync(userDataDir, { recursive: true, force: true });

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
writeFileSync(join(OUT, 'results.json'), JSON.stringify({ base: BASE, mode: MODE, results, consoleErrors }, null, 2));
if (consoleErrors.length) console.log(`browser errors:\n  ${consoleErrors.slice(0, 20).join('\n  ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && results.length > 0 ? 0 : 1);
