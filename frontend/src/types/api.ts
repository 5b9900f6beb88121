// Data shapes of the REST api (api/README.md). Numbers may be null where the source lacks them.

export type Market = 'KOSPI' | 'KOSDAQ' | (string & {});

export type CompanySearchItem = {
  companyId: number;
  symbol: string;
  name: string;
  nameEn?: string | null;
  market: Market;
  industryId?: number | null;
  industryName?: string | null;
  logo?: string | null;
  price?: number | null;
  changePercent?: number | null;
  marketCap?: number | null;
};

export type Company = {
  companyId: number;
  symbol: string;
  name: string;
  nameEn?: string | null;
  market: Market;
  marketSegment?: string | null;
  industryId?: number | null;
  industryName?: string | null;
  themeSector?: string | null;
  themeSubsector?: string | null;
  description?: string | null;
  logo?: string | null;
  listingDate?: string | null;
  homepage?: string | null;
  ceo?: string | null;
  region?: string | null;
  sharesOutstanding?: number | null;
  price?: number | null;
  change?: number | null;
  changePercent?: number | null;
  open?: number | null;
  high?: number | null;
  low?: number | null;
  volume?: number | null;
  prevClose?: number | null;
  marketCap?: number | null;
  week52High?: number | null;
  week52Low?: number | null;
  per?: number | null;
  pbr?: number | null;
  eps?: number | null;
  asOf?: string | null;
  source?: string | null;
  listingAsOf?: string | null;
  mainProducts?: string | null;
};

export type YearlyFinancial = {
  fiscalYear: number | string;
  period?: string | null;
  revenue?: number | null;
  operatingProfit?: number | null;
  netIncome?: number | null;
  operatingMargin?: number | null;
  netMargin?: number | null;
  revenueGrowth?: number | null;
  operatingProfitGrowth?: number | null;
};

export type Financials = {
  currency?: string | null;
  basis?: string | null;
  yearly: YearlyFinancial[];
  quarterly?: { fiscalQuarter: string; revenue?: number | null; operatingProfit?: number | null }[];
  segments?: { segment: string; revenue?: number | null; sharePct?: number | null; fiscalYear?: number | string | null }[];
  mainProducts?: string | null;
};

export type NewsItem = {
  newsId: number | string;
  title: string;
  summary?: string | null;
  url: string;
  source?: string | null;
  publishedAt?: string | null;
};

export type Report = {
  reportId: number | string;
  reportName: string;
  reportType?: string | null;
  filedAt?: string | null;
  url: string;
};

export type Analysis = {
  growthScore?: number | null;
  outlook?: string | null;
  summary?: string | null;
  drivers?: string[] | null;
  risks?: string[] | null;
  model?: string | null;
  mode?: 'gemini' | 'rule' | (string & {}) | null;
  generatedAt?: string | null;
  asOfDate?: string | null;
};

export type OhlcvPoint = {
  time: number | string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume?: number | null;
  amount?: number | null;
};

export type Favorite = {
  favoriteId: number;
  companyId: number;
  symbol: string;
  name: string;
  market: Market;
  price?: number | null;
  change?: number | null;
  changePercent?: number | null;
  asOf?: string | null;
  createdAt?: string | null;
};

export type ComparisonCompanyRef = { companyId: number; companyName: string; symbol: string };

export type ComparisonSummary = {
  comparisonId: number;
  name: string;
  companies: ComparisonCompanyRef[];
  createdAt?: string | null;
};

export type ComparisonPeriod = '1m' | '3m' | '6m' | '1y' | '3y';

export type ComparisonDetail = {
  comparisonId: number;
  name: string;
  createdAt?: string | null;
  period: ComparisonPeriod;
  baseDate?: string | null;
  endDate?: string | null;
  asOf?: string | null;
  source?: string | null;
  excluded?: number | null;
  companies: (ComparisonCompanyRef & {
    market?: Market;
    price?: number | null;
    change?: number | null;
    changePercent?: number | null;
    marketCap?: number | null;
    revenue?: number | null;
    operatingMargin?: number | null;
    revenueGrowth?: number | null;
    per?: number | null;
    fiscalYear?: number | string | null;
  })[];
  performance: { companyId: number; symbol: string; points: { time: number | string; value: number }[] }[];
};

export type Industry = {
  industryId: number;
  ksicCode?: string | null;
  name: string;
  companyCount?: number | null;
  /** companies of the industry without a price on the list's as-of day (left out of the totals) */
  excludedCount?: number | null;
  marketCap?: number | null;
  changePercent?: number | null;
  topCompanies?: CompanySearchItem[];
  asOf?: string | null;
  source?: string | null;
  excluded?: number | null;
};

export type IndexPoint = OhlcvPoint & { change?: number | null; changePercent?: number | null };

export type CompanyRankingRow = {
  rank: number;
  companyId: number;
  symbol: string;
  name: string;
  market: Market;
  industryName?: string | null;
  price?: number | null;
  changePercent?: number | null;
  marketCap?: number | null;
};

export type IndustryRankingRow = {
  rank: number;
  industryId: number;
  name: string;
  companyCount?: number | null;
  excludedCount?: number | null;
  marketCap?: number | null;
  changePercent?: number | null;
};

export type Keyword = { keyword: string; count: number };

export type DailyRankingKind = 'volume' | 'amount' | 'gainers' | 'losers' | 'high52w' | 'low52w';

/** GET /rankings/daily: one stock on the ranking day (asOf, the same for every row of a response). */
export type DailyRankingRow = {
  rank: number;
  companyId: number;
  symbol: string;
  name: string;
  market: Market;
  industryName?: string | null;
  price: number;
  change?: number | null;
  changePercent?: number | null;
  high: number;
  low: number;
  volume: number;
  amount: number;
  /** the source has no traded value: close × volume */
  amountEstimated: boolean;
  marketCap?: number | null;
  priorWeek52High?: number | null;
  priorWeek52Low?: number | null;
  asOf: string;
  source: string;
};

export type NewsCompanyRef = { companyId: number; name: string; symbol: string };

/** GET /news: highlight.* are HTML — the text escaped, matches in <em>…</em>, nothing else. */
export type NewsSearchItem = NewsItem & {
  companies: NewsCompanyRef[];
  highlight: { title: string; summary?: string | null };
};

export type NewsSort = 'latest' | 'relevance';

export type AccountExport = {
  exportedAt: string;
  profile: { userId: number; email: string; username: string; createdAt: string };
  favorites: { favoriteId: number; companyId: number; symbol: string; name: string; createdAt: string }[];
  comparisons: {
    comparisonId: number;
    name: string;
    createdAt: string;
    companies: { companyId: number; symbol: string; companyName: string }[];
  }[];
};
