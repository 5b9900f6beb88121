// The one place that talks HTTP to the api: envelope parsing, Korean error messages,
// bearer tokens, single-flight refresh on 401 and the hand-off to the login page.
import { env } from '@/config/env';
import { authStore, expiryOf, type Session, type SessionUser } from '@/lib/auth-store';

export type Envelope<T> = {
  status: number;
  message?: string;
  data: T;
  page?: number;
  size?: number;
  total?: number;
  asOf?: string | null;
  source?: string | null;
  [extra: string]: unknown;
};

export type ApiErrorCode =
  | 'MISSING_FIELD'
  | 'INVALID_REQUEST'
  | 'INVALID_PASSWORD'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'TOO_MANY_REQUESTS'
  | 'STREAM_UNAVAILABLE'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_ERROR'
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'BAD_RESPONSE';

const DEFAULT_MESSAGES: Record<string, string> = {
  MISSING_FIELD: '필수 입력값이 빠졌습니다.',
  INVALID_REQUEST: '요청 형식이 올바르지 않습니다.',
  INVALID_PASSWORD: '비밀번호는 영문, 숫자, 특수문자를 모두 포함한 8–72자(ASCII)여야 합니다.',
  UNAUTHORIZED: '로그인이 필요합니다.',
  FORBIDDEN: '접근 권한이 없습니다.',
  NOT_FOUND: '요청한 정보를 찾을 수 없습니다.',
  ALREADY_EXISTS: '이미 존재합니다.',
  TOO_MANY_REQUESTS: '요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.',
  STREAM_UNAVAILABLE: '실시간 시세를 일시적으로 사용할 수 없습니다.',
  SERVICE_UNAVAILABLE: '일시적으로 서비스를 사용할 수 없습니다. 잠시 후 다시 시도해 주세요.',
  INTERNAL_ERROR: '서버에 문제가 발생했습니다. 잠시 후 다시 시도해 주세요.',
  NETWORK_ERROR: '서버에 연결할 수 없습니다. 네트워크 상태를 확인하거나 잠시 후 다시 시도해 주세요.',
  TIMEOUT: '서버 응답이 지연되고 있습니다. 잠시 후 다시 시도해 주세요.',
  BAD_RESPONSE: '서버 응답을 해석할 수 없습니다. 서버가 실행 중인지 확인해 주세요.',
};

function codeForStatus(status: number): ApiErrorCode {
  if (status === 400) return 'INVALID_REQUEST';
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'ALREADY_EXISTS';
  if (status === 429) return 'TOO_MANY_REQUESTS';
  if (status === 503) return 'STREAM_UNAVAILABLE';
  return status >= 500 ? 'INTERNAL_ERROR' : 'BAD_RESPONSE';
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode | (string & {});
  readonly field?: string;
  readonly retryAfterSeconds?: number;
  readonly requestId?: string;

  constructor(init: {
    status: number;
    code: ApiErrorCode | (string & {});
    message?: string;
    field?: string;
    retryAfterSeconds?: number;
    requestId?: string;
  }) {
    const fallback = DEFAULT_MESSAGES[init.code] ?? DEFAULT_MESSAGES.INTERNAL_ERROR;
    super(init.message && init.message.trim() ? init.message : fallback);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.field = init.field;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.requestId = init.requestId;
  }

  get isNotFound() {
    return this.status === 404;
  }
}

/** A readable Korean message for anything thrown while loading data. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'TOO_MANY_REQUESTS' && error.retryAfterSeconds) {
      return `${error.message} (${error.retryAfterSeconds}초 후 다시 시도)`;
    }
    return error.message;
  }
  if (error instanceof Error && /chunk|dynamically imported module|Importing a module script/i.test(error.message)) {
    return '새 버전이 배포되었거나 연결이 끊겼습니다. 페이지를 새로고침해 주세요.';
  }
  return '알 수 없는 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.';
}

export type QueryValue = string | number | boolean | null | undefined;

export type RequestOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** 'required': send the bearer token, refresh it on 401, send the user to log in when that fails. */
  auth?: 'none' | 'required';
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Error statuses whose JSON envelope is still the answer (e.g. 503 from /health when degraded). */
  acceptStatuses?: number[];
};

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler = () => {};

/** The app registers how to send the user to the login page (keeps routing out of this module). */
export function setUnauthorizedHandler(handler: UnauthorizedHandler) {
  onUnauthorized = handler;
}

export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    qs.set(k, String(v));
  }
  const s = qs.toString();
  return `${env.apiBase}${path}${s ? `?${s}` : ''}`;
}

async function send(url: string, init: RequestInit, timeoutMs: number, outer?: AbortSignal): Promise<Response> {
  const ctrl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctrl.abort();
  }, timeoutMs);
  const relay = () => ctrl.abort();
  outer?.addEventListener('abort', relay, { once: true });
  try {
    return await fetch(url, { ...init, signal: ctrl.signal });
  } catch (e) {
    if (outer?.aborted) throw e;
    throw new ApiError({ status: 0, code: timedOut ? 'TIMEOUT' : 'NETWORK_ERROR' });
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', relay);
  }
}

async function parse<T>(res: Response, acceptStatuses: readonly number[] = []): Promise<Envelope<T>> {
  const requestId = res.headers.get('X-Request-Id') ?? undefined;
  const type = res.headers.get('Content-Type') ?? '';
  let body: unknown = null;
  if (type.includes('json')) {
    try {
      body = await res.json();
    } catch {
      body = null;
    }
  }
  const obj = body && typeof body === 'object' ? (body as Record<string, unknown>) : null;
  const accepted = obj !== null && 'data' in obj && acceptStatuses.includes(res.status);
  if (!res.ok && !accepted) {
    const code = typeof obj?.code === 'string' ? obj.code : codeForStatus(res.status);
    const retryAfter = Number(res.headers.get('Retry-After'));
    throw new ApiError({
      status: res.status,
      // A proxy's HTML error page means the api itself is not answering.
      code: obj ? code : res.status >= 500 ? 'NETWORK_ERROR' : code,
      message: typeof obj?.message === 'string' ? obj.message : undefined,
      field: typeof obj?.field === 'string' ? obj.field : undefined,
      retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
      requestId,
    });
  }
  if (!obj) {
    // e.g. an SPA fallback answering /api with index.html because no api is behind it.
    throw new ApiError({ status: res.status, code: 'BAD_RESPONSE', requestId });
  }
  return obj as Envelope<T>;
}

type TokenPayload = {
  accessToken?: string;
  refreshToken?: string;
  expiresIn?: number;
  user?: SessionUser;
};

/** Login and refresh put tokens both at the top level and in data; accept either. */
export function sessionFromTokens(env_: Envelope<TokenPayload | null> | Record<string, unknown>, previous?: Session | null): Session {
  const e = env_ as Record<string, unknown>;
  const data = (e.data && typeof e.data === 'object' ? e.data : {}) as TokenPayload;
  const accessToken = (data.accessToken ?? e.accessToken) as string | undefined;
  if (!accessToken) throw new ApiError({ status: 200, code: 'BAD_RESPONSE' });
  const refreshToken = (data.refreshToken ?? e.refreshToken ?? previous?.refreshToken ?? null) as string | null;
  const expiresIn = (data.expiresIn ?? e.expiresIn) as number | undefined;
  return {
    accessToken,
    refreshToken,
    expiresAt: expiryOf(accessToken, expiresIn),
    user: data.user ?? previous?.user ?? null,
  };
}

let refreshing: Promise<Session | null> | null = null;

/** Exchanges the refresh token for a new pair; concurrent callers share one request. */
export function refreshSession(): Promise<Session | null> {
  if (refreshing) return refreshing;
  const session = authStore.get();
  if (!session?.refreshToken) return Promise.resolve(null);
  refreshing = (async () => {
    try {
      const res = await send(
        buildUrl('/users/refresh'),
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ refreshToken: session.refreshToken }),
        },
        15_000,
      );
      const envelope = await parse<TokenPayload>(res);
      const next = sessionFromTokens(envelope, session);
      // Only replace the session if nobody logged out meanwhile.
      if (authStore.get()) authStore.set(next);
      return next;
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 400 || e.status === 403)) return null;
      throw e;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** A usable access token, refreshed first when it expires within 30 s. */
export async function freshAccessToken(now = Date.now()): Promise<string | null> {
  const session = authStore.get();
  if (!session) return null;
  if (session.expiresAt !== null && session.expiresAt - now < 30_000 && session.refreshToken) {
    try {
      const next = await refreshSession();
      return next?.accessToken ?? null;
    } catch {
      return session.accessToken;
    }
  }
  return session.accessToken;
}

export async function apiRequest<T>(path: string, opts: RequestOptions = {}): Promise<Envelope<T>> {
  const { method = 'GET', query, body, auth = 'none', signal, timeoutMs = 15_000, acceptStatuses } = opts;
  const url = buildUrl(path, query);

  const attempt = async (token: string | null) => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await send(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, timeoutMs, signal);
    return parse<T>(res, acceptStatuses);
  };

  if (auth === 'none') return attempt(null);

  const token = await freshAccessToken();
  if (!token) {
    onUnauthorized();
    throw new ApiError({ status: 401, code: 'UNAUTHORIZED', message: '로그인이 필요합니다.' });
  }
  try {
    return await attempt(token);
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
    let next: Session | null;
    try {
      next = await refreshSession();
    } catch {
      next = null;
    }
    if (next) {
      try {
        return await attempt(next.accessToken);
      } catch (e2) {
        if (!(e2 instanceof ApiError) || e2.status !== 401) throw e2;
      }
    }
    authStore.clear();
    onUnauthorized();
    throw new ApiError({ status: 401, code: 'UNAUTHORIZED', message: '로그인이 만료되었습니다. 다시 로그인해 주세요.' });
  }
}
