// Runtime configuration, read once from Vite's env and validated so a bad build fails loudly.

export type AppEnv = Readonly<{
  /** REST prefix, same origin by default. */
  apiBase: string;
  /** WebSocket path (or absolute ws:// URL) of the tick stream. */
  wsPath: string;
  /** Seconds without a tick during market hours before the stream is called stale. */
  staleAfterSeconds: number;
}>;

export function parseEnv(raw: Record<string, string | boolean | undefined>): AppEnv {
  const problems: string[] = [];
  const apiBase = String(raw.VITE_API_BASE ?? '/api').replace(/\/+$/, '');
  const wsPath = String(raw.VITE_WS_PATH ?? '/ws/stocks/');
  const stale = Number(raw.VITE_STALE_AFTER_SECONDS ?? 60);
  if (!apiBase.startsWith('/') && !/^https?:\/\//.test(apiBase)) {
    problems.push(`VITE_API_BASE는 '/'나 http(s)://로 시작해야 합니다: ${apiBase}`);
  }
  if (!wsPath.startsWith('/') && !/^wss?:\/\//.test(wsPath)) {
    problems.push(`VITE_WS_PATH는 '/'나 ws(s)://로 시작해야 합니다: ${wsPath}`);
  }
  if (!Number.isFinite(stale) || stale <= 0) {
    problems.push(`VITE_STALE_AFTER_SECONDS는 양수여야 합니다: ${String(raw.VITE_STALE_AFTER_SECONDS)}`);
  }
  if (problems.length > 0) {
    throw new Error(`환경 설정 오류:\n- ${problems.join('\n- ')}`);
  }
  return Object.freeze({ apiBase, wsPath, staleAfterSeconds: stale });
}

export const env: AppEnv = parseEnv(import.meta.env);
