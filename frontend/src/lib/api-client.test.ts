import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiRequest, ApiError, errorMessage, setUnauthorizedHandler } from '@/lib/api-client';
import { authStore } from '@/lib/auth-store';

type Reply = { status: number; body?: unknown; html?: string; headers?: Record<string, string> };

function jwt(expSecondsFromNow: number) {
  const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${b64({ alg: 'HS256' })}.${b64({ sub: '1', exp: Math.floor(Date.now() / 1000) + expSecondsFromNow })}.sig`;
}

function mockFetch(handler: (url: string, init: RequestInit) => Reply) {
  const calls: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit) => {
      calls.push({ url, init });
      const r = handler(url, init);
      const headers = new Headers(r.headers);
      if (r.html !== undefined) {
        headers.set('Content-Type', 'text/html');
        return Promise.resolve(new Response(r.html, { status: r.status, headers }));
      }
      headers.set('Content-Type', 'application/json');
      return Promise.resolve(new Response(JSON.stringify(r.body ?? {}), { status: r.status, headers }));
    }),
  );
  return calls;
}

/** The ApiError a request fails with; fails the test if the request succeeds or fails otherwise. */
async function rejection(request: Promise<unknown>): Promise<ApiError> {
  try {
    await request;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('the request was expected to fail');
}

beforeEach(() => authStore.clear());
afterEach(() => {
  vi.unstubAllGlobals();
  setUnauthorizedHandler(() => {});
});

describe('apiRequest', () => {
  it('returns the whole envelope (data plus top-level extras) and builds the query string', async () => {
    const calls = mockFetch(() => ({ status: 200, body: { status: 200, message: 'ok', data: [1], asOf: '2026-08-21', source: 'krx' } }));
    const res = await apiRequest<number[]>('/companies/1/ohlcv', { query: { interval: '1d', start: undefined, keyword: '삼성' } });
    expect(res.data).toEqual([1]);
    expect(res.asOf).toBe('2026-08-21');
    expect(calls[0].url).toBe('/api/companies/1/ohlcv?interval=1d&keyword=%EC%82%BC%EC%84%B1');
  });

  it("surfaces the api's Korean message and code", async () => {
    mockFetch(() => ({ status: 409, body: { status: 409, code: 'ALREADY_EXISTS', message: '이미 가입된 이메일입니다.', field: 'email' } }));
    const err = await rejection(apiRequest('/users/signup', { method: 'POST', body: {} }));
    expect(err).toMatchObject({ status: 409, code: 'ALREADY_EXISTS', field: 'email', message: '이미 가입된 이메일입니다.' });
    expect(errorMessage(err)).toBe('이미 가입된 이메일입니다.');
  });

  it('turns a proxy error page or an SPA fallback into readable messages', async () => {
    mockFetch(() => ({ status: 502, html: '<h1>Bad Gateway</h1>' }));
    const gateway = await rejection(apiRequest('/rankings/companies'));
    expect(gateway.code).toBe('NETWORK_ERROR');
    expect(errorMessage(gateway)).toMatch(/서버에 연결할 수 없습니다/);

    mockFetch(() => ({ status: 200, html: '<!doctype html><div id="root"></div>' }));
    const fallback = await rejection(apiRequest('/rankings/companies'));
    expect(fallback.code).toBe('BAD_RESPONSE');
    expect(errorMessage(fallback)).toMatch(/서버 응답을 해석할 수 없습니다/);
  });

  it('reports a network failure and the Retry-After of a 429', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))),
    );
    expect(errorMessage(await rejection(apiRequest('/x')))).toMatch(/서버에 연결할 수 없습니다/);
    mockFetch(() => ({
      status: 429,
      body: { status: 429, code: 'TOO_MANY_REQUESTS', message: '요청이 너무 많습니다.' },
      headers: { 'Retry-After': '7' },
    }));
    expect(errorMessage(await rejection(apiRequest('/x')))).toBe('요청이 너무 많습니다. (7초 후 다시 시도)');
  });

  it('refreshes once on 401, retries, and stores the rotated tokens', async () => {
    authStore.set({
      accessToken: jwt(600),
      refreshToken: 'r1',
      expiresAt: Date.now() + 600_000,
      user: { userId: 1, email: 'a@b.c', username: 'a' },
    });
    const fresh = jwt(900);
    const calls = mockFetch((url, init) => {
      if (url.endsWith('/users/refresh')) {
        expect(JSON.parse(init.body as string)).toEqual({ refreshToken: 'r1' });
        return {
          status: 200,
          body: {
            status: 200,
            accessToken: fresh,
            refreshToken: 'r2',
            expiresIn: 900,
            data: { accessToken: fresh, refreshToken: 'r2', expiresIn: 900 },
          },
        };
      }
      const auth = (init.headers as Record<string, string>).Authorization;
      return auth === `Bearer ${fresh}`
        ? { status: 200, body: { status: 200, data: ['fav'] } }
        : { status: 401, body: { status: 401, code: 'UNAUTHORIZED', message: '만료' } };
    });
    const res = await apiRequest<string[]>('/users/favorites', { auth: 'required' });
    expect(res.data).toEqual(['fav']);
    expect(calls.map((c) => c.url)).toEqual(['/api/users/favorites', '/api/users/refresh', '/api/users/favorites']);
    expect(authStore.get()).toMatchObject({ accessToken: fresh, refreshToken: 'r2', user: { username: 'a' } });
  });

  it('clears the session and sends the user to log in when the refresh is refused', async () => {
    authStore.set({ accessToken: jwt(600), refreshToken: 'bad', expiresAt: Date.now() + 600_000, user: null });
    const onUnauthorized = vi.fn();
    setUnauthorizedHandler(onUnauthorized);
    mockFetch(() => ({ status: 401, body: { status: 401, code: 'UNAUTHORIZED', message: '만료' } }));
    const err = await rejection(apiRequest('/comparisons', { auth: 'required' }));
    expect(err).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(errorMessage(err)).toMatch(/다시 로그인/);
    expect(authStore.get()).toBeNull();
    expect(localStorage.getItem('krx.session')).toBeNull();
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('refreshes before sending when the access token is about to expire', async () => {
    authStore.set({ accessToken: jwt(5), refreshToken: 'r1', expiresAt: Date.now() + 5_000, user: null });
    const fresh = jwt(900);
    const calls = mockFetch((url) =>
      url.endsWith('/users/refresh')
        ? { status: 200, body: { status: 200, data: { accessToken: fresh, refreshToken: 'r2', expiresIn: 900 } } }
        : { status: 200, body: { status: 200, data: [] } },
    );
    await apiRequest('/users/favorites', { auth: 'required' });
    expect(calls.map((c) => c.url)).toEqual(['/api/users/refresh', '/api/users/favorites']);
    expect((calls[1].init.headers as Record<string, string>).Authorization).toBe(`Bearer ${fresh}`);
  });
});
