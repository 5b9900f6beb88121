// A stand-in for the platform, faithful to api/README.md, for running the browser suite when
// the real api is not available: serves dist/ (SPA fallback), /api/* and /ws/stocks/.
// Market data comes from the repository's bundled KRX snapshot (../data) when present.
// Usage: node e2e/mock-platform.mjs [port] [--no-api]   (default port 8765)
import { createServer } from 'node:http';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, dirname, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { randomUUID, createHmac } from 'node:crypto';
import { WebSocketServer } from 'ws';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
const dataDir = join(here, '..', '..', 'data');
const port = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? process.env.MOCK_PORT ?? 8765);
// --no-api: behave like a static host whose api upstream is down (proxy answers 502 HTML).
const NO_API = process.argv.includes('--no-api');
const TOP_N = 40;
const SNAPSHOT_DATE = '2026-08-21';

// ---------- data ----------
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (ch !== '\r') field += ch;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  const [head, ...body] = rows;
  return body.filter((r) => r.length === head.length).map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}
const readGz = (f) => gunzipSync(readFileSync(join(dataDir, f))).toString('utf8');
const num = (v) => (v === '' || v === undefined ? null : Number(v));

const haveData = existsSync(join(dataDir, 'companies.csv.gz'));
let companies = [];
const industries = new Map();
const dailyBars = new Map(); // symbol -> [{time, open, high, low, close, volume, amount}]
const financials = new Map();
let indices = { KOSPI: [], KOSDAQ: [] };

const kstMidnight = (date) => Date.parse(`${date}T00:00:00+09:00`) / 1000;

if (haveData) {
  const all = parseCsv(readGz('companies.csv.gz')).sort((a, b) => Number(a.market_cap_rank) - Number(b.market_cap_rank));
  const picked = all.slice(0, TOP_N);
  for (const extra of ['000990']) {
    const c = all.find((x) => x.code === extra);
    if (c && !picked.includes(c)) picked.push(c);
  }
  const industryIds = new Map();
  for (const ind of parseCsv(readFileSync(join(dataDir, 'industries.csv'), 'utf8'))) {
    const id = industryIds.size + 1;
    industryIds.set(ind.ksic_code, id);
    industries.set(id, { industryId: id, ksicCode: ind.ksic_code, name: ind.industry, companyCount: Number(ind.companies), marketCap: Number(ind.market_cap_krw) });
  }
  companies = picked.map((c, i) => ({
    companyId: i + 1,
    symbol: c.code,
    name: c.name,
    nameEn: c.name_en || null,
    market: c.market,
    marketSegment: c.market_segment,
    industryId: industryIds.get(c.ksic_code) ?? null,
    industryName: c.industry,
    themeSector: c.theme_sector || null,
    themeSubsector: c.theme_subsector || null,
    description: null,
    logo: null,
    listingDate: c.listing_date,
    homepage: c.homepage || null,
    ceo: c.ceo,
    region: c.region,
    sharesOutstanding: Number(c.shares_outstanding),
    mainProducts: c.main_products,
    listingAsOf: c.snapshot_date,
  }));
  const codes = new Set(companies.map((c) => c.symbol));
  const text = readGz('prices_daily.csv.gz');
  let start = text.indexOf('\n') + 1;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const code = text.slice(start, start + 6);
    if (codes.has(code)) {
      const [, date, o, h, l, c, v, a] = text.slice(start, end).split(',');
      if (date >= '2025-08-01') {
        if (!dailyBars.has(code)) dailyBars.set(code, []);
        dailyBars.get(code).push({ time: kstMidnight(date), open: +o, high: +h, low: +l, close: +c, volume: +v, amount: a ? +a : null });
      }
    }
    start = end + 1;
  }
  for (const r of parseCsv(readGz('financials.csv.gz'))) {
    if (!codes.has(r.code)) continue;
    if (!financials.has(r.code)) financials.set(r.code, []);
    financials.get(r.code).push(r);
  }
  for (const r of parseCsv(readGz('indices_daily.csv.gz'))) {
    if ((r.index === 'KOSPI' || r.index === 'KOSDAQ') && r.date >= '2025-03-01') {
      indices[r.index].push({ time: kstMidnight(r.date), open: num(r.open), high: num(r.high), low: num(r.low), close: num(r.close), volume: num(r.volume), amount: num(r.amount_krw), change: num(r.change), changePercent: num(r.change_pct), date: r.date });
    }
  }
} else {
  companies = [
    { companyId: 1, symbol: '005930', name: '삼성전자', market: 'KOSPI', industryId: 1, industryName: '통신 및 방송 장비 제조업', sharesOutstanding: 5919637922 },
    { companyId: 2, symbol: '000660', name: 'SK하이닉스', market: 'KOSPI', industryId: 2, industryName: '반도체 제조업', sharesOutstanding: 712702365 },
  ];
  industries.set(1, { industryId: 1, ksicCode: '264', name: '통신 및 방송 장비 제조업', companyCount: 1, marketCap: 0 });
  industries.set(2, { industryId: 2, ksicCode: '261', name: '반도체 제조업', companyCount: 1, marketCap: 0 });
  for (const c of companies) {
    let p = c.symbol === '005930' ? 70000 : 180000;
    const bars = [];
    for (let d = 250; d >= 0; d--) {
      const t = kstMidnight('2026-08-21') - d * 86400;
      const o = p;
      p = Math.round(p * (1 + (Math.random() - 0.5) * 0.04));
      bars.push({ time: t, open: o, high: Math.max(o, p) * 1.01, low: Math.min(o, p) * 0.99, close: p, volume: 1e6 });
    }
    dailyBars.set(c.symbol, bars);
  }
}

for (const c of companies) {
  const bars = dailyBars.get(c.symbol) ?? [];
  const last = bars[bars.length - 1];
  const prev = bars[bars.length - 2];
  const year = bars.filter((b) => b.time >= (last?.time ?? 0) - 365 * 86400);
  Object.assign(c, {
    price: last?.close ?? null,
    change: last && prev ? last.close - prev.close : null,
    changePercent: last && prev ? Math.round(((last.close - prev.close) / prev.close) * 10000) / 100 : null,
    open: last?.open ?? null,
    high: last?.high ?? null,
    low: last?.low ?? null,
    volume: last?.volume ?? null,
    prevClose: prev?.close ?? null,
    marketCap: last ? last.close * c.sharesOutstanding : null,
    week52High: year.length ? Math.max(...year.map((b) => b.high)) : null,
    week52Low: year.length ? Math.min(...year.map((b) => b.low)) : null,
    per: null,
    pbr: null,
    eps: null,
    asOf: SNAPSHOT_DATE,
    source: 'krx',
  });
}
const bySymbol = new Map(companies.map((c) => [c.symbol, c]));
const byId = new Map(companies.map((c) => [c.companyId, c]));

// ---------- auth ----------
const users = new Map(); // email -> user
const refreshTokens = new Map(); // token -> userId
const denied = new Set();
const SECRET = 'mock-secret';
const b64u = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
function accessToken(user) {
  const now = Math.floor(Date.now() / 1000);
  const head = b64u({ alg: 'HS256', typ: 'JWT' });
  const body = b64u({ sub: String(user.userId), jti: randomUUID(), iat: now, exp: now + 900, iss: 'krx-platform', aud: 'krx-platform-api', typ: 'access' });
  const sig = createHmac('sha256', SECRET).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}
function verify(token) {
  if (!token || denied.has(token)) return null;
  const [head, body, sig] = token.split('.');
  if (!sig || createHmac('sha256', SECRET).update(`${head}.${body}`).digest('base64url') !== sig) return null;
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
  if (claims.exp < Date.now() / 1000) return null;
  return [...users.values()].find((u) => String(u.userId) === claims.sub) ?? null;
}
function tokensFor(user) {
  const a = accessToken(user);
  const r = randomUUID();
  refreshTokens.set(r, user.userId);
  const data = { accessToken: a, refreshToken: r, expiresIn: 900, user: { userId: user.userId, email: user.email, username: user.username } };
  return { status: 200, message: '로그인 성공', ...data, data };
}

// ---------- http ----------
const ERR = { 400: 'INVALID_REQUEST', 401: 'UNAUTHORIZED', 404: 'NOT_FOUND', 409: 'ALREADY_EXISTS' };
class HttpError extends Error {
  constructor(status, message, code = ERR[status], extra = {}) { super(message); Object.assign(this, { status, code, extra }); }
}
const ok = (data, extra = {}, status = 200, message = '성공') => ({ status, message, data, ...extra });
const favorites = new Map(); // userId -> [{favoriteId, companyId, createdAt}]
const comparisons = new Map(); // id -> {..., userId}
let seq = 100;

function companyRow(c) {
  const { companyId, symbol, name, nameEn, market, industryId, industryName, logo, price, changePercent, marketCap } = c;
  return { companyId, symbol, name, nameEn, market, industryId, industryName, logo: logo ?? null, price, changePercent, marketCap };
}
function page(list, q, extra = {}) {
  const p = Math.max(1, Number(q.get('page') ?? 1));
  const size = Math.max(1, Math.min(100, Number(q.get('size') ?? 20)));
  return ok(list.slice((p - 1) * size, p * size), { page: p, size, total: list.length, ...extra });
}
const CHO = ['ㄱ','ㄲ','ㄴ','ㄷ','ㄸ','ㄹ','ㅁ','ㅂ','ㅃ','ㅅ','ㅆ','ㅇ','ㅈ','ㅉ','ㅊ','ㅋ','ㅌ','ㅍ','ㅎ'];
const chosung = (s) => [...s].map((ch) => { const c = ch.charCodeAt(0) - 0xac00; return c >= 0 && c < 11172 ? CHO[Math.floor(c / 588)] : ch; }).join('');

function intradayBars(c, interval) {
  // Synthetic intraday history for the last 3 trading days up to now (the snapshot has daily bars only).
  const step = { '1m': 60, '15m': 900, '1h': 3600 }[interval];
  const out = [];
  let p = c.price ?? 10000;
  const now = Math.floor(Date.now() / 1000);
  for (let d = 4; d >= 0; d--) {
    const day = new Date((now + 9 * 3600 - d * 86400) * 1000);
    const wd = day.getUTCDay();
    if (wd === 0 || wd === 6) continue;
    const open = kstMidnight(day.toISOString().slice(0, 10)) + 9 * 3600;
    for (let t = open; t < open + 390 * 60 && t + step <= now; t += step) {
      const o = p;
      p = Math.max(1, Math.round(p * (1 + (Math.random() - 0.5) * 0.004)));
      out.push({ time: t, open: o, high: Math.max(o, p), low: Math.min(o, p), close: p, volume: Math.round(Math.random() * 20000), amount: null });
    }
  }
  return interval === '1m' ? out.slice(-390) : out;
}

function route(method, path, q, body, user) {
  const need = () => { if (!user) throw new HttpError(401, '인증이 필요합니다.'); return user; };
  let m;
  if (method === 'GET' && path === '/health') return ok({ status: 'ok' });
  if (method === 'POST' && path === '/users/signup') {
    for (const f of ['email', 'username', 'password']) if (!body?.[f]) throw new HttpError(400, `${f}을(를) 입력해 주세요.`, 'MISSING_FIELD', { field: f });
    if (!(body.password.length >= 8 && /[A-Za-z]/.test(body.password) && /\d/.test(body.password) && /[^A-Za-z0-9\s]/.test(body.password)))
      throw new HttpError(400, '비밀번호는 영문, 숫자, 특수문자를 포함해 8자 이상이어야 합니다.', 'INVALID_PASSWORD');
    if (users.has(body.email)) throw new HttpError(409, '이미 가입된 이메일입니다.', 'ALREADY_EXISTS', { field: 'email' });
    const u = { userId: ++seq, email: body.email, username: body.username, password: body.password };
    users.set(u.email, u);
    return { status: 201, message: '회원가입이 완료되었습니다.', userId: u.userId, data: { userId: u.userId } };
  }
  if (method === 'POST' && path === '/users/login') {
    const u = users.get(body?.email);
    if (!u || u.password !== body?.password) throw new HttpError(401, '이메일 또는 비밀번호가 올바르지 않습니다.');
    return tokensFor(u);
  }
  if (method === 'POST' && path === '/users/refresh') {
    const uid = refreshTokens.get(body?.refreshToken);
    if (!uid) throw new HttpError(401, '다시 로그인해 주세요.');
    refreshTokens.delete(body.refreshToken);
    return tokensFor([...users.values()].find((u) => u.userId === uid));
  }
  if (method === 'POST' && path === '/users/logout') { need(); if (body?.refreshToken) refreshTokens.delete(body.refreshToken); return ok(null, {}, 200, '로그아웃되었습니다.'); }
  if (method === 'GET' && path === '/users/me') { const u = need(); return ok({ userId: u.userId, email: u.email, username: u.username }); }
  if (path === '/users/favorites' && method === 'GET') {
    const u = need();
    return ok((favorites.get(u.userId) ?? []).map((f) => { const c = byId.get(f.companyId); return { ...f, symbol: c.symbol, name: c.name, market: c.market, price: c.price, change: c.change, changePercent: c.changePercent, asOf: c.asOf }; }));
  }
  if (path === '/users/favorites' && method === 'POST') {
    const u = need();
    if (!byId.has(body?.companyId)) throw new HttpError(404, '기업을 찾을 수 없습니다.');
    const list = favorites.get(u.userId) ?? [];
    if (list.some((f) => f.companyId === body.companyId)) throw new HttpError(409, '이미 즐겨찾기한 기업입니다.');
    const f = { favoriteId: ++seq, companyId: body.companyId, createdAt: new Date().toISOString() };
    favorites.set(u.userId, [...list, f]);
    return ok(f, {}, 201, '즐겨찾기에 추가했습니다.');
  }
  if ((m = path.match(/^\/users\/favorites\/(\d+)$/)) && method === 'DELETE') {
    const u = need();
    const list = favorites.get(u.userId) ?? [];
    if (!list.some((f) => f.favoriteId === +m[1])) throw new HttpError(404, '즐겨찾기를 찾을 수 없습니다.');
    favorites.set(u.userId, list.filter((f) => f.favoriteId !== +m[1]));
    return ok(null, {}, 200, '삭제했습니다.');
  }
  if (method === 'GET' && path === '/companies') {
    const kw = (q.get('keyword') ?? '').trim();
    if (!kw) throw new HttpError(400, '검색어를 입력해 주세요.', 'MISSING_FIELD', { field: 'keyword' });
    const k = kw.toLowerCase();
    const score = (c) => (c.name === kw || c.symbol === kw ? 3 : c.name.startsWith(kw) || c.symbol.startsWith(kw) ? 2 : c.name.includes(kw) || (c.nameEn ?? '').toLowerCase().includes(k) || chosung(c.name).includes(kw) ? 1 : 0);
    const list = companies.filter((c) => score(c) > 0).sort((a, b) => score(b) - score(a) || b.marketCap - a.marketCap).map(companyRow);
    return page(list, q);
  }
  if ((m = path.match(/^\/companies\/(\d+)(\/.*)?$/))) {
    const c = byId.get(+m[1]);
    if (!c) throw new HttpError(404, '기업을 찾을 수 없습니다.');
    const sub = m[2] ?? '';
    if (sub === '') return ok(c);
    if (sub === '/financials') {
      const rows = (financials.get(c.symbol) ?? []).filter((r) => r.currency === 'KRW').sort((a, b) => a.fiscal_year.localeCompare(b.fiscal_year));
      const yearly = rows.map((r, i) => {
        const rev = num(r.revenue), op = num(r.operating_profit), ni = num(r.net_income);
        const prev = rows[i - 1];
        return { fiscalYear: Number(r.fiscal_year), period: r.period, revenue: rev, operatingProfit: op, netIncome: ni,
          operatingMargin: rev && op !== null ? Math.round((op / rev) * 1000) / 10 : null, netMargin: rev && ni !== null ? Math.round((ni / rev) * 1000) / 10 : null,
          revenueGrowth: prev && r.period === 'FY' && prev.period === 'FY' && num(prev.revenue) ? Math.round(((rev - num(prev.revenue)) / num(prev.revenue)) * 1000) / 10 : null, operatingProfitGrowth: null };
      });
      return ok({ currency: 'KRW', basis: 'consolidated', yearly, quarterly: [], segments: [], mainProducts: c.mainProducts ?? null });
    }
    if (sub === '/ohlcv') {
      const interval = q.get('interval') ?? '1d';
      if (!['1m', '15m', '1h', '1d'].includes(interval)) throw new HttpError(400, '지원하지 않는 간격입니다.');
      if (interval === '1d') return ok(dailyBars.get(c.symbol) ?? [], { interval, asOf: SNAPSHOT_DATE, source: 'krx', openBar: null });
      const bars = intradayBars(c, interval);
      return ok(bars, { interval, asOf: new Date().toISOString(), source: 'kissim', openBar: null });
    }
    if (sub === '/news') return page([{ newsId: 1, title: `${c.name}, 신규 투자 발표 (모의 뉴스)`, summary: '브라우저 테스트용 모의 데이터입니다.', url: 'https://example.com/news/1', source: '모의통신', publishedAt: new Date(Date.now() - 3600_000).toISOString() }], q);
    if (sub === '/reports') return ok([{ reportId: 1, reportName: '사업보고서 (2025.12)', reportType: '정기공시', filedAt: '2026-03-15', url: 'https://dart.fss.or.kr/dsaf001/main.do?rcpNo=20260315000001' }]);
    if (sub === '/analysis') {
      if (c.symbol !== '005930') throw new HttpError(404, '아직 전망 분석이 없습니다.');
      return ok({ growthScore: 68, outlook: '긍정적', summary: '메모리 업황 회복과 수익성 개선이 예상됩니다 (규칙 기반 모의 분석).', drivers: ['HBM 수요 증가', '영업이익률 개선'], risks: ['환율 변동', '재고 부담'], model: 'rule-v1', mode: 'rule', generatedAt: new Date().toISOString(), asOfDate: SNAPSHOT_DATE });
    }
  }
  if (method === 'GET' && path === '/industries') return ok([...industries.values()]);
  if ((m = path.match(/^\/industries\/(\d+)(\/.*)?$/))) {
    const ind = industries.get(+m[1]);
    if (!ind) throw new HttpError(404, '산업을 찾을 수 없습니다.');
    if (!m[2]) return ok({ ...ind, changePercent: 0.42, topCompanies: companies.filter((c) => c.industryId === ind.industryId).slice(0, 5).map(companyRow) });
    if (m[2] === '/news') return page([], q);
    if (m[2] === '/analysis') throw new HttpError(404, '아직 전망 분석이 없습니다.');
  }
  if ((m = path.match(/^\/indices\/(kospi|kosdaq)$/))) {
    const rows = indices[m[1].toUpperCase()];
    const last = rows[rows.length - 1];
    return ok(rows, { asOf: last?.date ?? null, source: 'krx', latest: last ? { close: last.close, change: last.change, changePercent: last.changePercent, time: last.time } : null });
  }
  if (method === 'GET' && path === '/rankings/companies') {
    const market = q.get('market');
    const list = companies.filter((c) => !market || c.market === market).sort((a, b) => b.marketCap - a.marketCap).map((c, i) => ({ rank: i + 1, ...companyRow(c) }));
    return page(list, q, { asOf: SNAPSHOT_DATE });
  }
  if (method === 'GET' && path === '/rankings/industries') return ok([...industries.values()].slice(0, 30).map((ind, i) => ({ rank: i + 1, ...ind, changePercent: 0.1 * (i % 5) - 0.2 })));
  if ((m = path.match(/^\/rankings\/industries\/(\d+)\/companies$/))) {
    const list = companies.filter((c) => c.industryId === +m[1]).sort((a, b) => b.marketCap - a.marketCap).map((c, i) => ({ rank: i + 1, ...companyRow(c) }));
    return page(list, q, { asOf: SNAPSHOT_DATE });
  }
  if (method === 'GET' && path === '/news/keywords') return ok([['반도체', 42], ['HBM', 30], ['실적', 25], ['금리', 18], ['환율', 15], ['AI', 14], ['수출', 9], ['배터리', 7]].map(([keyword, count]) => ({ keyword, count })));
  if (path === '/comparisons' && method === 'GET') { const u = need(); return ok([...comparisons.values()].filter((x) => x.userId === u.userId).map(({ userId, ...x }) => x)); }
  if (path === '/comparisons' && method === 'POST') {
    const u = need();
    const ids = [...new Set(body?.companies ?? [])];
    if (!body?.name) throw new HttpError(400, '이름을 입력해 주세요.', 'MISSING_FIELD', { field: 'name' });
    if (ids.length < 2 || ids.length > 10 || ids.some((id) => !byId.has(id))) throw new HttpError(400, '기업은 2~10개를 선택해야 합니다.');
    const x = { comparisonId: ++seq, name: body.name, companies: ids.map((id) => ({ companyId: id, companyName: byId.get(id).name, symbol: byId.get(id).symbol })), createdAt: new Date().toISOString().slice(0, 10) };
    comparisons.set(x.comparisonId, { ...x, userId: u.userId });
    return { status: 201, message: '비교를 생성했습니다.', ...x, data: x };
  }
  if ((m = path.match(/^\/comparisons\/(\d+)$/))) {
    const u = need();
    const x = comparisons.get(+m[1]);
    if (!x || x.userId !== u.userId) throw new HttpError(404, '비교를 찾을 수 없습니다.');
    if (method === 'DELETE') { comparisons.delete(x.comparisonId); return ok(null); }
    const period = q.get('period') ?? '1y';
    const days = { '1m': 30, '3m': 91, '6m': 182, '1y': 365, '3y': 1095 }[period] ?? 365;
    const perf = x.companies.map((cc) => {
      const bars = dailyBars.get(cc.symbol) ?? [];
      const from = bars.filter((b) => b.time >= bars[bars.length - 1].time - days * 86400);
      const base = from[0]?.close;
      return { companyId: cc.companyId, symbol: cc.symbol, points: from.map((b) => ({ time: b.time, value: Math.round(((b.close - base) / base) * 10000) / 100 })) };
    });
    const firstBars = dailyBars.get(x.companies[0].symbol) ?? [];
    const baseTime = perf[0]?.points[0]?.time ?? firstBars[0]?.time;
    return ok({ ...x, userId: undefined, period, baseDate: baseTime ? new Date((baseTime + 9 * 3600) * 1000).toISOString().slice(0, 10) : null,
      companies: x.companies.map((cc) => { const c = byId.get(cc.companyId); return { ...cc, market: c.market, price: c.price, change: c.change, changePercent: c.changePercent, marketCap: c.marketCap, revenue: null, operatingMargin: null, revenueGrowth: null, per: null, fiscalYear: 2024 }; }),
      performance: perf });
  }
  throw new HttpError(404, '요청한 경로를 찾을 수 없습니다.');
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png' };

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const requestId = randomUUID();
  res.setHeader('X-Request-Id', requestId);
  if (NO_API && (url.pathname.startsWith('/api/') || url.pathname.startsWith('/ws/'))) {
    res.writeHead(502, { 'Content-Type': 'text/html' });
    res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    return;
  }
  if (url.pathname.startsWith('/api/')) {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    let body = null;
    try { body = raw ? JSON.parse(raw) : null; } catch { body = null; }
    const auth = req.headers.authorization?.replace(/^Bearer /, '');
    const user = verify(auth);
    let status = 200;
    let payload;
    try {
      if (auth && !user && !url.pathname.startsWith('/api/users/login') && !url.pathname.startsWith('/api/users/signup') && !url.pathname.startsWith('/api/users/refresh')) throw new HttpError(401, '토큰이 만료되었거나 올바르지 않습니다.');
      payload = route(req.method, url.pathname.slice(4), url.searchParams, body, user);
      status = payload.status ?? 200;
    } catch (e) {
      status = e.status ?? 500;
      payload = { status, code: e.code ?? 'INTERNAL_ERROR', message: e.status ? e.message : '서버 오류가 발생했습니다.', ...(e.extra ?? {}) };
      if (!e.status) console.error(e);
    }
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(payload));
    return;
  }
  // static files with SPA fallback
  const file = normalize(join(dist, decodeURIComponent(url.pathname)));
  const target = file.startsWith(dist) && existsSync(file) && statSync(file).isFile() ? file : join(dist, 'index.html');
  res.writeHead(200, { 'Content-Type': TYPES[extname(target)] ?? 'application/octet-stream' });
  createReadStream(target).pipe(res);
});

// ---------- websocket ----------
const wss = new WebSocketServer({ noServer: true });
const prices = new Map();
server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname !== '/ws/stocks/' && url.pathname !== '/ws/stocks') { socket.destroy(); return; }
  if (NO_API) { socket.destroy(); return; }
  wss.handleUpgrade(req, socket, head, (ws) => {
    const user = verify(url.searchParams.get('token'));
    if (!user) { ws.close(4401, 'unauthorized'); return; }
    const subs = new Set();
    ws.on('message', (raw) => {
      let msg;
      try { msg = JSON.parse(String(raw)); } catch { ws.send(JSON.stringify({ type: 'error', code: 'INVALID_REQUEST', message: '잘못된 메시지입니다.' })); return; }
      if (msg.action === 'subscribe') {
        const accepted = (msg.symbols ?? []).filter((s) => bySymbol.has(s));
        const rejected = (msg.symbols ?? []).filter((s) => !bySymbol.has(s)).map((symbol) => ({ symbol, reason: '알 수 없는 종목입니다.' }));
        accepted.forEach((s) => subs.add(s));
        ws.send(JSON.stringify({ type: 'subscribed', accepted, rejected }));
        for (const s of accepted) ws.send(JSON.stringify({ type: 'snapshot', symbol: s, tick: null, bar: null }));
      } else if (msg.action === 'unsubscribe') (msg.symbols ?? []).forEach((s) => subs.delete(s));
    });
    const timer = setInterval(() => {
      for (const s of subs) {
        const c = bySymbol.get(s);
        const prev = prices.get(s) ?? c.price;
        const price = Math.max(1, Math.round(prev * (1 + (Math.random() - 0.5) * 0.002)));
        prices.set(s, price);
        const ts = new Date(Date.now() - 40);
        ws.send(JSON.stringify({ type: 'tick', symbol: s, price, volume: Math.ceil(Math.random() * 500), change: price - c.prevClose, changePercent: Math.round(((price - c.prevClose) / c.prevClose) * 10000) / 100,
          accVolume: null, open: null, high: null, low: null, timestamp: ts.toISOString(), receivedAt: new Date(ts.getTime() + 8).toISOString(), source: 'kissim' }));
      }
    }, 800);
    ws.on('close', () => clearInterval(timer));
  });
});

server.listen(port, '127.0.0.1', () =>
  console.log(`mock platform on http://127.0.0.1:${port} (${NO_API ? 'api down' : `${companies.length} companies${haveData ? ', KRX snapshot data' : ', synthetic data'}`})`),
);
