-- News (deduplicated by URL), who it is about, keyword counts, and outlook analyses.
CREATE TABLE news (
    id           bigserial PRIMARY KEY,
    url          text NOT NULL UNIQUE,
    original_url text,
    title        text NOT NULL,
    summary      text,
    source       text,
    published_at timestamptz,
    content      text,            -- article text from Jina Reader, when fetched
    content_fetched_at timestamptz,
    collected_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX news_published_idx ON news (published_at DESC);

CREATE TABLE news_companies (
    news_id    bigint NOT NULL REFERENCES news (id) ON DELETE CASCADE,
    company_id integer NOT NULL REFERENCES companies (id),
    PRIMARY KEY (company_id, news_id)
);

CREATE TABLE news_industries (
    news_id     bigint NOT NULL REFERENCES news (id) ON DELETE CASCADE,
    industry_id integer NOT NULL REFERENCES industries (id),
    PRIMARY KEY (industry_id, news_id)
);

-- Daily keyword counts per subject; the api sums them over 1/7/30 days.
CREATE TABLE news_keywords (
    subject_type text NOT NULL CHECK (subject_type IN ('company', 'industry')),
    subject_id   integer NOT NULL,
    day          date NOT NULL,
    keyword      text NOT NULL,
    count        integer NOT NULL,
    PRIMARY KEY (subject_type, subject_id, day, keyword)
);

CREATE TABLE analyses (
    id           bigserial PRIMARY KEY,
    subject_type text NOT NULL CHECK (subject_type IN ('company', 'industry')),
    subject_id   integer NOT NULL,
    as_of_date   date NOT NULL,
    mode         text NOT NULL CHECK (mode IN ('gemini', 'rule')),
    model        text NOT NULL,
    growth_score smallint NOT NULL CHECK (growth_score BETWEEN 0 AND 100),
    outlook      text NOT NULL,
    summary      text NOT NULL,
    drivers      jsonb NOT NULL,
    risks        jsonb NOT NULL,
    inputs       jsonb NOT NULL DEFAULT '{}',
    usage        jsonb,
    generated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (subject_type, subject_id, as_of_date)
);
