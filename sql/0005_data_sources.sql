-- What each data set is and how fresh it is, so every screen can state the as-of date.
CREATE TABLE data_sources (
    name       text PRIMARY KEY,          -- e.g. krx_snapshot.prices_daily, dart.financials
    as_of      date,                       -- newest data point the set holds
    loaded_at  timestamptz NOT NULL DEFAULT now(),
    row_count  bigint,
    detail     jsonb NOT NULL DEFAULT '{}'
);
