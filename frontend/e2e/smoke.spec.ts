// E2E_MODE=smoke: the built SPA with no api behind it (e.g. `vite preview` proxying to a closed
// port): the shell renders and every failed request becomes a readable Korean error, never a blank page.
import { expect, test } from '@playwright/test';
import { sharedPage } from './support';

test.describe.configure({ mode: 'serial' });

test.describe('api 없는 SPA', () => {
  const shared = sharedPage();
  const { go, shot } = shared;
  const headerSearch = () => shared.page.locator('[data-testid="header-search"] input');

  test('SPA 셸이 렌더링된다', async () => {
    const { page } = shared;
    await go('/');
    await expect(headerSearch()).toBeVisible();
    await expect(page.getByRole('link', { name: 'K-주식정보 홈' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: '주요 메뉴' })).toBeVisible();
  });

  test('api가 없으면 읽을 수 있는 한국어 오류를 보여준다', async () => {
    const { page } = shared;
    const error = page.locator('[data-testid="error-message"]').first();
    await expect(error).toBeVisible({ timeout: 20_000 });
    const text = (await error.textContent()) ?? '';
    expect(text, 'error text is Korean').toMatch(/[가-힣]/);
    expect(text.length, `error text "${text}" is a sentence`).toBeGreaterThan(5);
    await shot('01-home-no-api');
  });

  test('기업 페이지도 빈 화면 대신 오류 상태를 보여준다', async () => {
    const { page } = shared;
    await go('/companies/1');
    await expect(page.locator('[role="alert"]').first()).toBeVisible({ timeout: 20_000 });
    await shot('02-company-no-api');
  });

  test('검색 제안 상자가 오류를 안내한다', async () => {
    const { page } = shared;
    await headerSearch().fill('삼성');
    await expect(
      page
        .locator('[data-testid="header-search"]')
        .getByText(/서버|연결|응답/)
        .first(),
    ).toBeVisible({ timeout: 20_000 });
    await shot('03-search-no-api');
  });

  test('로그인·회원가입 폼이 렌더링된다 (375px)', async () => {
    const { page } = shared;
    await page.setViewportSize({ width: 375, height: 800 });
    await go('/signup');
    await page.getByLabel('비밀번호', { exact: true }).fill('abc1');
    await expect(page.locator('[data-testid="password-rules"] li'), 'password rules shown').toHaveCount(4);
    await expect(page.locator('[data-testid="password-rules"] li[data-ok="true"]'), 'live rule check').toHaveCount(2);
    await shot('04-signup-375');
    await go('/login');
    await expect(page.getByRole('button', { name: '로그인', exact: true })).toBeVisible();
    await shot('05-login-375');
  });
});
