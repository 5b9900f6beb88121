-- Time series: raw trades, OHLCV bars, index history.
-- Column order of stock_ticks and stock_prices_* is the contract of tickcore's COPY encoder.

CREATE TABLE stock_ticks (
    time        timestamptz NOT NULL,      -- exchange trade time
    symbol      text NOT NULL,
    price       bigint NOT NULL,           -- whole won
    volume      bigint NOT NULL,           -- this trade's shares
    acc_volume  bigint NOT NULL,           -- day's accumulated volume after this trade
    change      bigint NOT NULL,           -- vs previous close, won
    change_rate double precision NOT NULL, -- vs previous close, %
    side        smallint NOT NULL,         -- KIS CCLD_DVSN: 1 buy, 3 pre-market, 5 sell
    received_at timestamptz NOT NULL,      -- when ingest read the frame
    source      text NOT NULL              -- kis | kissim | poll
);
-- A trade is identified by symbol, exchange time and accumulated volume (replays never duplicate).
CREATE UNIQUE INDEX stock_ticks_identity ON stock_ticks (symbol, time, acc_volume);

CREATE TABLE stock_prices_1m (
    symbol         text NOT NULL,
    bucket         timestamptz NOT NULL,   -- bar start
    open           bigint NOT NULL,
    high           bigint NOT NULL,
    low            bigint NOT NULL,
    close          bigint NOT NULL,
    volume         bigint NOT NULL,
    amount         bigint,                 -- Σ price × volume, won (NULL when the source lacks it)
    trade_count    integer,
    first_trade_at timestamptz,
    last_trade_at  timestamptz,
    source         text NOT NULL,          -- krx (bundled snapshot) | kis | kissim | yfinance
    PRIMARY KEY (symbol, bucket)
);
CREATE TABLE stock_prices_15m (LIKE stock_prices_1m INCLUDING ALL);
CREATE TABLE stock_prices_1h  (LIKE stock_prices_1m INCLUDING ALL);
CREATE TABLE stock_prices_1d  (LIKE stock_prices_1m INCLUDING ALL);
CREATE INDEX stock_prices_1d_bucket_idx ON stock_prices_1d (bucket);

CREATE TABLE index_data (
    index_type  text NOT NULL,             -- KOSPI | KOSDAQ | KOSPI200
    time        timestamptz NOT NULL,      -- trading day, 00:00 Asia/Seoul
    open        numeric(12, 2),
    high        numeric(12, 2),
    low         numeric(12, 2),
    close       numeric(12, 2) NOT NULL,
    change      numeric(12, 2),
    change_pct  numeric(8, 2),
    volume      bigint,
    amount      bigint,
    market_cap  numeric(24, 0),
    source      text NOT NULL,
    PRIMARY KEY (index_type, time)
);

-- Retention on plain PostgreSQL (TimescaleDB uses its own policies instead; see sql/timescale/).
CREATE TABLE retention_policies (
    table_name text PRIMARY KEY,
    time_column text NOT NULL,
    keep interval NOT NULL
);
INSERT INTO retention_policies VALUES
    ('stock_ticks', 'time', '7 days'),
    ('stock_prices_1m', 'bucket', '30 days'),
    ('stock_prices_15m', 'bucket', '90 days'),
    ('stock_prices_1h', 'bucket', '1 year');

-- Deletes rows older than each policy; returns rows deleted per table. Run by the scheduler.
CREATE FUNCTION enforce_retention() RETURNS TABLE (table_name text, deleted bigint)
LANGUAGE plpgsql AS $$
DECLARE
    p record;
    n bigint;
BEGIN
    FOR p IN SELECT * FROM retention_policies LOOP
        EXECUTE format('DELETE FROM %I WHERE %I < now() - $1', p.table_name, p.time_column) USING p.keep;
        GET DIAGNOSTICS n = ROW_COUNT;
        table_name := p.table_name;
        deleted := n;
        RETURN NEXT;
    END LOOP;
END $$;
