// E2E_MODE=full: one user's flow against the running platform, from sign-up to log-out. The steps
// share one page and run in order (each needs the state the previous one left); a failed step skips
// the rest and the whole flow is retried with a new user.
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { BASE, EXPECT_FEED_GAP, STEP_TIMEOUT, TICK_TIMEOUT } from './env';
import { sharedPage } from './support';

test.describe.configure({ mode: 'serial' });

test.describe('사용자 흐름', () => {
  const shared = sharedPage();
  const { go, shot } = shared;
  const stamp = Date.now();
  const email = `e2e-${stamp}@example.com`;
  const password = `E2e-Test-${stamp % 10000}!`;
  const newPassword = `E2e-New-${stamp % 10000}#`;
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

  test('실시간 체결 수신 (호가창·체결 포함)', async () => {
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
    // 호가창: ten levels a side from the orderbook channel, then the 체결 tape beside the chart
    const book = page.locator('[data-testid="order-book"][data-state="ready"]');
    await expect(book).toBeVisible({ timeout: TICK_TIMEOUT });
    await expect(book).toHaveAttribute('data-levels', '10/10');
    await expect(book.locator('tr[data-side="ask"]')).toHaveCount(10);
    await expect(book.locator('[data-testid="live-age"]')).toBeVisible();
    const tape = page.locator('[data-testid="trade-tape"][data-state="ready"]');
    await expect(tape.locator('tbody tr').first()).toBeVisible();
    const market = page.locator('[data-testid="market-state"]').first();
    await expect(market).not.toHaveAttribute('data-state', 'loading');
    await shot('06-company-live');
  });

  (['1m', '15m', '1h', '1d'] as const).forEach((interval, i) => {
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
      // the daily chart is the real KRX history, never simulated bars
      if (interval === '1d') await expect(page.locator('[data-testid="price-chart"]')).toHaveAttribute('data-simulated', 'false');
      if (interval === '1m' && EXPECT_FEED_GAP) {
        // the gap ingest's crash left, said in words under the chart (its bars are marked on the canvas);
        // the morning's backfill may be listed before it
        const gap = page.locator('[data-testid="feed-gaps"] li[data-gap-cause="restart"]').first();
        await expect(gap).toBeVisible();
        expect(['pending', 'repaired']).toContain(await gap.getAttribute('data-gap-status'));
        await expect(gap).toContainText('실시간 수집 공백');
      }
      await shot(`${String(7 + i).padStart(2, '0')}-chart-${interval}`);
    });
  });

  // 주봉/월봉: served by the api (issue 12) from the real daily history; the Korean notice is for an api
  // without them, so here it would be a regression.
  (['1w', '1mo'] as const).forEach((interval, i) => {
    test(`차트 주기 전환 ${interval}`, async () => {
      const { page } = shared;
      await page.locator(`button[data-interval="${interval}"]`).click();
      await page.waitForFunction((want) => {
        const el = document.querySelector<HTMLElement>('[data-testid="price-chart"]');
        const state = el?.dataset.state ?? '';
        return (
          el?.dataset.requestedInterval === want &&
          (state === 'unsupported' || (el.dataset.interval === want && ['ready', 'empty', 'error'].includes(state)))
        );
      }, interval);
      const chart = page.locator('[data-testid="price-chart"]');
      const state = await chart.getAttribute('data-state');
      expect(state, `chart state for ${interval}`).not.toBe('error');
      expect(state, `chart state for ${interval}`).toBe('ready');
      expect(Number(await chart.getAttribute('data-bars')), `${interval} bars`).toBeGreaterThan(0);
      await expect(chart).toHaveAttribute('data-simulated', 'false');
      await shot(`10${'ab'[i]}-chart-${interval}`);
    });
  });

  test('보조지표: 이동평균 120, 볼린저, 거래량 이평, RSI, MACD (사용자별로 유지)', async () => {
    const { page } = shared;
    await page.locator('button[data-interval="1d"]').click();
    const ready = page.locator('[data-testid="price-chart"][data-state="ready"][data-interval="1d"]');
    await expect(ready).toBeVisible();
    for (const id of ['ma120', 'bb', 'volMa', 'rsi', 'macd']) {
      const button = page.locator(`button[data-indicator="${id}"]`);
      if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click();
      await expect(button).toHaveAttribute('aria-pressed', 'true');
    }
    const candles = page.locator('[data-testid="candle-chart"]');
    await expect(candles, 'price pane + RSI pane + MACD pane').toHaveAttribute('data-panes', '3');
    await expect(candles).toHaveAttribute('data-indicators', /\brsi\b.*\bmacd\b/);
    // Legends show numbers for the last bar (a year of daily bars is enough for MA120 and MACD).
    await expect(page.getByTestId('legend-ma120')).toHaveText(/이평120 [\d,]+/);
    await expect(page.getByTestId('legend-bb')).toContainText('상단');
    await expect(page.getByTestId('legend-rsi')).toHaveText(/RSI\(14\) \d+(\.\d+)?/);
    await expect(page.getByTestId('legend-macd')).toHaveText(/MACD\(12, 26, 9\) -?[\d,.]+/);
    // The crosshair moves the legends to the hovered bar.
    const before = await page.getByTestId('chart-legend').innerText();
    // From the top of the page, so the full-page screenshot has the header where it belongs.
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = await candles.boundingBox();
    expect(box, 'chart on screen').not.toBeNull();
    await page.mouse.move(box!.x + box!.width * 0.4, box!.y + 150);
    await expect.poll(() => page.getByTestId('chart-legend').innerText()).not.toBe(before);
    await shot('10c-chart-indicators');
    // Kept for this user: a reload shows the same chart.
    await page.reload({ waitUntil: 'domcontentloaded' });
    await expect(ready).toBeVisible();
    await expect(page.locator('button[data-indicator="macd"]')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator('[data-testid="candle-chart"]')).toHaveAttribute('data-panes', '3');
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

  test('일별 순위: 거래량과 52주 신고가 (한 거래일 기준)', async () => {
    const { page } = shared;
    await go('/rankings?tab=volume');
    const rows = page.locator('[data-testid="daily-ranking"][data-kind="volume"] tbody tr');
    await expect(rows.first()).toBeVisible();
    await expect(page.locator('[data-testid="ranking-as-of"]')).toHaveText(/기준 거래일 \d{4}-\d{2}-\d{2}/);
    await page.getByRole('button', { name: '코스피' }).click();
    await expect(page).toHaveURL(/tab=volume&market=KOSPI|market=KOSPI&tab=volume/);
    await expect(rows.first()).toContainText('KOSPI');
    await shot('16a-rankings-volume');
    await page.getByRole('tab', { name: '52주 신고가' }).click();
    await expect(page).toHaveURL(/tab=high52w/);
    const table = page.locator('[data-testid="daily-ranking"][data-kind="high52w"] tbody tr');
    await expect(table.first().or(page.getByText('52주 신고가를 경신한 종목이 없습니다'))).toBeVisible();
    await shot('16b-rankings-52w-high');
  });

  test('뉴스 검색 (헤더에서)', async () => {
    const { page } = shared;
    await go('/');
    await page.getByRole('navigation', { name: '주요 메뉴' }).getByRole('link', { name: '뉴스' }).click();
    await expect(page).toHaveURL(/\/news/);
    await page.getByLabel('검색어').fill('반도체');
    await page.getByRole('button', { name: '검색', exact: true }).click();
    await expect(page).toHaveURL(/q=%EB%B0%98%EB%8F%84%EC%B2%B4|q=반도체/);
    // the demo collects no news without Naver keys: the result list or the Korean empty state
    await expect(page.locator('[data-testid="news-result"]').first().or(page.getByTestId('news-empty'))).toBeVisible();
    await expect(page.locator('[data-testid="news-total"]')).toContainText('건');
    await shot('16c-news-search');
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
      ['/news?q=%EB%B0%98%EB%8F%84%EC%B2%B4', '[data-testid="news-search-form"]', '21a-news-375'],
      ['/rankings?tab=gainers', '[data-testid="daily-ranking"] tbody tr', '21b-rankings-gainers-375'],
      ['/account', '[data-testid="password-change-form"]', '21c-account-375'],
    ]) {
      await go(path);
      await expect(page.locator(ready).first()).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${path} scrolls horizontally at 375px`).toBeLessThanOrEqual(1);
      await shot(name);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  test('내 계정: 데이터 내보내기와 비밀번호 변경', async () => {
    const { page } = shared;
    await go('/');
    await page.locator('[data-testid="current-user"]').click();
    await expect(page).toHaveURL(/\/account/);
    await expect(page.locator('[data-testid="account-email"]')).toHaveText(email);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /내 데이터 내보내기/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/^krx-my-data-\d{8}\.json$/);
    const exported = JSON.parse(await readFile(await download.path(), 'utf8')) as {
      profile: { email: string };
      favorites: { symbol: string }[];
      comparisons: { name: string }[];
    };
    expect(exported.profile.email).toBe(email);
    expect(exported.favorites.map((f) => f.symbol)).toContain('005930');
    expect(exported.comparisons.map((c) => c.name)).toContain('E2E 반도체 비교');
    expect(JSON.stringify(exported)).not.toContain('$2b$');
    await expect(page.locator('[data-testid="export-done"]')).toBeVisible();

    await page.getByLabel('현재 비밀번호').fill('Wrong-Pass-1!');
    await page.getByLabel('새 비밀번호', { exact: true }).fill(newPassword);
    await page.getByLabel('새 비밀번호 확인').fill(newPassword);
    await page.getByRole('button', { name: '비밀번호 변경' }).click();
    await expect(page.getByText('현재 비밀번호가 올바르지 않습니다.')).toBeVisible();
    await page.getByLabel('현재 비밀번호').fill(password);
    await page.getByRole('button', { name: '비밀번호 변경' }).click();
    await expect(page.locator('[data-testid="password-changed"]')).toBeVisible();
    await shot('21d-account-password-changed');
    // this browser stays signed in with the fresh tokens
    await page.reload();
    await expect(page.locator('[data-testid="current-user"]')).toBeVisible();
    await go('/favorites');
    await expect(page.locator('[data-testid="favorites-list"]', { hasText: '삼성전자' })).toBeVisible();
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

  test('회원 탈퇴 (확인 대화상자)', async () => {
    const { page } = shared;
    await go(`/login?email=${encodeURIComponent(email)}&next=%2Faccount`);
    await page.getByLabel('비밀번호').fill(newPassword);
    await page.getByRole('button', { name: '로그인', exact: true }).click();
    await expect(page).toHaveURL(/\/account/);
    await page.getByRole('button', { name: '회원 탈퇴' }).click();
    const dialog = page.getByRole('dialog', { name: '정말 탈퇴하시겠어요?' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: '탈퇴하기' })).toBeDisabled();
    await dialog.getByLabel('비밀번호 확인').fill(newPassword);
    await dialog.getByRole('checkbox').check();
    await shot('23-account-delete-dialog');
    await dialog.getByRole('button', { name: '탈퇴하기' }).click();
    await expect(page).toHaveURL(/\/login\?deleted=1/);
    await expect(page.getByText('회원 탈퇴가 완료되었습니다')).toBeVisible();
    expect(await page.evaluate(() => localStorage.getItem('krx.session')), 'session removed').toBeNull();
    await shot('24-account-deleted');
    // the account is gone: its password no longer logs in
    await page.getByLabel('이메일').fill(email);
    await page.getByLabel('비밀번호').fill(newPassword);
    await page.getByRole('button', { name: '로그인', exact: true }).click();
    await expect(page.getByText('이메일 또는 비밀번호가 올바르지 않습니다.')).toBeVisible();
  });

  test('API 문서 (Swagger UI, 보안 헤더 아래에서)', async () => {
    const { page } = shared;
    const response = await go('/api/docs');
    const csp = (response as { headers: () => Record<string, string> } | null)?.headers()['content-security-policy'] ?? '';
    expect(csp, 'the page is served with the Content-Security-Policy').toContain("script-src 'self'");
    await expect(page.locator('.swagger-ui .opblock').first()).toBeVisible();
    await expect(page.locator('.swagger-ui')).toContainText('/api/companies/{companyId}/ohlcv');
    await shot('25-api-docs');
  });
});
