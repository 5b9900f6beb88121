// E2E_MODE=full: one user's flow against the running platform, from sign-up to log-out. The steps
// share one page and run in order (each needs the state the previous one left); a failed step skips
// the rest and the whole flow is retried with a new user.
import { expect, test } from '@playwright/test';
import { BASE, STEP_TIMEOUT, TICK_TIMEOUT } from './env';
import { sharedPage } from './support';

test.describe.configure({ mode: 'serial' });

test.describe('사용자 흐름', () => {
  const shared = sharedPage();
  const { go, shot } = shared;
  const stamp = Date.now();
  const email = `e2e-${stamp}@example.com`;
  const password = `E2e-Test-${stamp % 10000}!`;
  let companyUrl: string | null = null;

  const headerSearch = () => shared.page.locator('[data-testid="header-search"] input');

  test('홈', async () => {
    const { page } = shared;
    await go('/');
    await expect(headerSearch()).toBeVisible();
    await expect(page.locator('[data-testid="company-ranking"] tbody tr').first()).toBeVisible();
    await expect(page.locator('[data-testid="index-kospi"] canvas').first()).toBeVisible();
    await shot('01-home');
  });

  test('회원가입 (비밀번호 규칙 실시간 표시)', async () => {
    const { page } = shared;
    await go('/signup');
    await page.getByLabel('이메일').fill(email);
    await page.getByLabel('사용자명').fill(`e2e${stamp % 100000}`);
    const passwordInput = page.getByLabel('비밀번호', { exact: true });
    const rules = page.locator('[data-testid="password-rules"] li');
    const rulesOk = page.locator('[data-testid="password-rules"] li[data-ok="true"]');
    await passwordInput.fill('short');
    await expect(rules).toHaveCount(4);
    await expect(rulesOk, 'a weak password must not pass all rules').toHaveCount(1); // only "영문 포함"
    await passwordInput.fill(password);
    await expect(rulesOk, 'a strong password must pass every rule').toHaveCount(4);
    await page.getByLabel('비밀번호 확인').fill(password);
    await shot('02-signup');
    await page.getByRole('button', { name: '회원가입', exact: true }).click();
    await expect(page).toHaveURL(/\/login\?/);
    await expect(page.getByText('회원가입이 완료되었습니다')).toBeVisible();
  });

  test('로그인', async () => {
    const { page } = shared;
    if (!page.url().includes('/login')) await go(`/login?email=${encodeURIComponent(email)}`);
    const emailInput = page.getByLabel('이메일');
    if (!(await emailInput.inputValue())) await emailInput.fill(email);
    await page.getByLabel('비밀번호').fill(password);
    await page.getByRole('button', { name: '로그인', exact: true }).click();
    await expect(page.locator('[data-testid="current-user"]')).toBeVisible();
    await shot('03-logged-in');
  });

  test('"삼성" 검색 후 삼성전자(005930) 열기', async () => {
    const { page } = shared;
    if (!page.url().startsWith(BASE)) await go('/');
    await headerSearch().click();
    await headerSearch().fill('삼성');
    const option = page.locator('[role="option"]', { hasText: '005930' });
    await expect(option).toBeVisible();
    await shot('04-search-suggestions');
    await option.click();
    await expect(page).toHaveURL(/\/companies\/[^/?]+/);
    await expect(page.locator('[data-testid="company-symbol"]', { hasText: '005930' })).toBeVisible();
    companyUrl = page.url().replace(BASE, '').split('?')[0];
  });

  test('캔들 차트 표시', async () => {
    const { page } = shared;
    const chart = page.locator('[data-testid="price-chart"][data-state="ready"]');
    await expect(chart).toBeVisible();
    expect(Number(await chart.getAttribute('data-bars')), 'bars in the chart').toBeGreaterThan(0);
    await expect(chart.locator('canvas').first()).toBeVisible();
    await expect(page.locator('[data-testid="source-note"]').first()).toBeVisible();
    await shot('05-company');
  });

  test('실시간 체결 수신', async () => {
    test.setTimeout(TICK_TIMEOUT + STEP_TIMEOUT);
    const { page } = shared;
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="live-price"]')?.getAttribute('data-tick-count') ?? 0) >= 1,
      null,
      { timeout: TICK_TIMEOUT },
    );
    // the demo's live ticks are kissim's: on their own labelled line, never standing in for the real price
    await expect(page.locator('[data-testid="simulated-price"]')).toContainText('시뮬레이션');
    const status = await page.locator('[data-testid="stream-status"]').first().getAttribute('data-status');
    expect(['connected', 'stale'], `stream status is ${status}`).toContain(status);
    // The latency appears with the first tick that carries an exchange time; not every source has one.
    await page
      .locator('[data-testid="latency"]')
      .waitFor({ timeout: 5_000 })
      .catch(() => {});
    await shot('06-company-live');
  });

  (['1m', '15m', '1h', '1d', '1w', '1mo'] as const).forEach((interval, i) => {
    test(`차트 주기 전환 ${interval}`, async () => {
      const { page } = shared;
      await page.locator('[data-testid="price-chart"]').scrollIntoViewIfNeeded();
      await page.locator(`button[data-interval="${interval}"]`).click();
      await page.waitForFunction((want) => {
        const el = document.querySelector('[data-testid="price-chart"]');
        return el?.getAttribute('data-interval') === want && ['ready', 'empty', 'error'].includes(el.getAttribute('data-state') ?? '');
      }, interval);
      const state = await page.locator('[data-testid="price-chart"]').getAttribute('data-state');
      expect(state, `chart state for ${interval}`).not.toBe('error');
      // daily and longer charts are the real KRX history, never simulated bars
      if (['1d', '1w', '1mo'].includes(interval)) {
        await expect(page.locator('[data-testid="price-chart"]')).toHaveAttribute('data-simulated', 'false');
      }
      await shot(`${String(7 + i).padStart(2, '0')}-chart-${interval}`);
    });
  });

  test('관심종목 추가', async () => {
    const { page } = shared;
    if (companyUrl && !page.url().includes(companyUrl)) await go(companyUrl);
    const toggle = page.locator('[data-testid="favorite-toggle"]');
    await expect(toggle).toBeVisible();
    await expect(toggle).toBeEnabled();
    if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
    await expect(page.locator('[data-testid="favorite-toggle"][aria-pressed="true"]')).toBeVisible();
    await go('/favorites');
    await expect(page.locator('[data-testid="favorites-list"]', { hasText: '삼성전자' })).toBeVisible();
    await shot('11-favorites');
  });

  test('비교 만들기와 열기', async () => {
    const { page } = shared;
    await go('/comparisons/new');
    await page.getByLabel('비교 이름').fill('E2E 반도체 비교');
    const search = page.locator('[data-testid="comparison-search"] input');
    for (const [query, code] of [
      ['삼성전자', '005930'],
      ['SK하이닉스', '000660'],
    ]) {
      await search.click();
      await search.fill(query);
      const option = page.locator('[data-testid="comparison-search"] [role="option"]', { hasText: code });
      await expect(option).toBeVisible();
      await option.click();
    }
    await expect(page.locator('[data-testid="comparison-picked"] li'), 'two companies picked').toHaveCount(2);
    await shot('12-comparison-builder');
    await page.getByRole('button', { name: '비교 저장' }).click();
    await expect(page).toHaveURL(/\/comparisons\/\d+/);
    await expect(page.locator('[data-testid="comparison-table"]')).toBeVisible();
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="comparison-chart"]');
      return el !== null && Number(el.getAttribute('data-series')) >= 2 && el.querySelector('canvas') !== null;
    });
    await shot('13-comparison');
    await go('/comparisons');
    await expect(page.locator('[data-testid="comparison-list"]', { hasText: 'E2E 반도체 비교' })).toBeVisible();
    await shot('14-comparisons');
  });

  test('순위와 산업 페이지', async () => {
    const { page } = shared;
    await go('/rankings');
    await expect(page.locator('[data-testid="company-ranking"] tbody tr').first()).toBeVisible();
    // one market day: the snapshot's, with the companies that have no price that day counted out loud
    await expect(page.locator('[data-testid="market-as-of"]').first()).toContainText('KRX 스냅샷');
    await expect(page.locator('[data-testid="market-excluded"]').first()).toContainText('개 기업 제외');
    await page.getByRole('button', { name: '코스닥' }).click();
    await expect(page).toHaveURL(/market=KOSDAQ/);
    await expect(page.locator('[data-testid="company-ranking"] tbody tr').first()).toBeVisible();
    await shot('15-rankings');
    await page.getByRole('tab', { name: '산업' }).click();
    const first = page.locator('[data-testid="industry-ranking"] tbody tr a').first();
    await expect(first).toBeVisible();
    await first.click();
    await expect(page).toHaveURL(/\/industries\/[^/]+/);
    await expect(page.locator('[data-testid="industry-name"]')).toBeVisible();
    await shot('16-industry');
  });

  test('데이터 현황 (수집기 상태)', async () => {
    const { page } = shared;
    await go('/status');
    await expect(page.getByRole('heading', { name: '데이터 현황', level: 1 })).toBeVisible();
    const rows = page.locator('[data-testid="collector-row"]');
    await expect(rows.first()).toBeVisible();
    expect(await rows.count(), 'collector rows on /status').toBeGreaterThanOrEqual(1);
    const ingest = page.locator('[data-testid="status-ingest"]');
    await expect(ingest).toBeVisible();
    await expect(ingest, '실시간 시세 card names the simulator').toContainText('시뮬레이터', { useInnerText: true });
    await shot('17-status');
  });

  test('휴대폰 화면(375px): 가로 스크롤 없음', async () => {
    const { page } = shared;
    expect(companyUrl, 'company page was reached').not.toBeNull();
    await page.setViewportSize({ width: 375, height: 812 });
    for (const [path, ready, name] of [
      ['/', '[data-testid="company-ranking"] tbody tr', '18-home-375'],
      [companyUrl ?? '', '[data-testid="price-chart"][data-state="ready"]', '19-company-375'],
      ['/rankings', '[data-testid="company-ranking"] tbody tr', '20-rankings-375'],
      ['/status', '[data-testid="collector-row"]', '21-status-375'],
    ]) {
      await go(path);
      await expect(page.locator(ready).first()).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${path} scrolls horizontally at 375px`).toBeLessThanOrEqual(1);
      await shot(name);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  test('로그아웃', async () => {
    const { page } = shared;
    await go('/');
    await page.locator('header').getByRole('button', { name: '로그아웃' }).click();
    await expect(page.locator('header').getByRole('link', { name: '로그인', exact: true })).toBeVisible();
    const stored = await page.evaluate(() => localStorage.getItem('krx.session'));
    expect(stored, 'session removed from localStorage').toBeNull();
    await shot('22-logged-out');
  });
});
