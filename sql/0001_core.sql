-- Core relational tables: users, industries, companies, financials, filings.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    email         text NOT NULL,
    username      text NOT NULL,
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE industries (
    id         serial PRIMARY KEY,
    ksic_code  text NOT NULL UNIQUE,
    name       text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE companies (
    id                    serial PRIMARY KEY,
    symbol                text NOT NULL UNIQUE,
    name                  text NOT NULL,
    name_en               text,
    name_initials         text NOT NULL DEFAULT '',   -- Hangul initial consonants of name (ㅅㅅㅈㅈ)
    market                text NOT NULL CHECK (market IN ('KOSPI', 'KOSDAQ')),
    market_segment        text,
    industry_id           integer REFERENCES industries (id),
    theme_sector          text,
    theme_subsector       text,
    description           text,
    logo_url              text,
    listing_date          date,
    fiscal_year_end_month smallint,
    ceo                   text,
    homepage              text,
    region                text,
    isin                  text,
    shares_outstanding    bigint,
    is_spac               boolean NOT NULL DEFAULT false,
    listing_as_of         date,          -- date of the listing record these fields come from
    delisted_at           date,          -- set by the master-file sync; companies are never deleted
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX companies_industry_idx ON companies (industry_id);
CREATE INDEX companies_name_trgm_idx ON companies USING gin (name gin_trgm_ops);
CREATE INDEX companies_name_en_trgm_idx ON companies USING gin (lower(name_en) gin_trgm_ops);
CREATE INDEX companies_initials_trgm_idx ON companies USING gin (name_initials gin_trgm_ops);

-- Yearly (period 'FY', or '9M' for a nine-month cumulative) and quarterly ('Q1'..'Q4') headline figures.
CREATE TABLE financials (
    company_id        integer NOT NULL REFERENCES companies (id),
    fiscal_year       smallint NOT NULL,
    period            text NOT NULL CHECK (period IN ('FY', '9M', 'Q1', 'Q2', 'Q3', 'Q4')),
    period_end        date,
    fs_basis          text NOT NULL CHECK (fs_basis IN ('consolidated', 'separate')),
    currency          text NOT NULL DEFAULT 'KRW',
    revenue           bigint,
    operating_profit  bigint,
    net_income        bigint,
    net_income_owners bigint,
    source            text NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, fiscal_year, period)
);

-- Revenue composition by business segment / product, where a source provides it.
CREATE TABLE financial_segments (
    company_id  integer NOT NULL REFERENCES companies (id),
    fiscal_year smallint NOT NULL,
    segment     text NOT NULL,
    revenue     bigint,
    share_pct   numeric(6, 2),
    source      text NOT NULL,
    PRIMARY KEY (company_id, fiscal_year, segment)
);

-- Periodic reports (사업/반기/분기보고서) from DART.
CREATE TABLE filings (
    id          bigserial PRIMARY KEY,
    company_id  integer NOT NULL REFERENCES companies (id),
    rcept_no    text NOT NULL UNIQUE,
    report_name text NOT NULL,
    report_type text NOT NULL,
    filer_name  text,
    filed_at    date NOT NULL,
    url         text NOT NULL
);
CREATE INDEX filings_company_idx ON filings (company_id, filed_at DESC);
