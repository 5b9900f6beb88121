-- TimescaleDB: chunk sizes, continuous aggregates, compression and retention of the real history.
-- Why these numbers: sql/README.md ("TimescaleDB"). Applied only where CREATE EXTENSION timescaledb
-- succeeded; plain PostgreSQL keeps the tables and views of 0004 and 0015.

-- Chunks: ticks one UTC day, i.e. one whole KRX session (09:00–15:30 KST is 00:00–06:30 UTC); 1m
-- bars keep 0001's 7 days (a symbol's day is only ~381 bars: a week per chunk compresses ~1.6× better).
SELECT set_chunk_time_interval('stock_ticks', interval '1 day');

-- 15-minute and 1-hour bars: continuous aggregates over the 1-minute bars (they were tables that
-- ingest filled from tickcore's closed bars; tickcore still builds them for the live view).
-- Rows of the old tables are not carried over: the aggregates cover what the 1m history holds.
DROP TABLE stock_prices_15m;
DROP TABLE stock_prices_1h;

CREATE MATERIALIZED VIEW stock_prices_15m
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT symbol, time_bucket(interval '15 minutes', bucket) AS bucket,
       first(open, bucket) AS open, max(high) AS high, min(low) AS low, last(close, bucket) AS close,
       sum(volume)::bigint AS volume, CASE WHEN count(amount) = count(*) THEN sum(amount)::bigint END AS amount,
       sum(trade_count)::integer AS trade_count, min(first_trade_at) AS first_trade_at,
       max(last_trade_at) AS last_trade_at, last(source, bucket) AS source
FROM stock_prices_1m
GROUP BY symbol, time_bucket(interval '15 minutes', bucket)
WITH NO DATA;

CREATE MATERIALIZED VIEW stock_prices_1h
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT symbol, time_bucket(interval '1 hour', bucket) AS bucket,
       first(open, bucket) AS open, max(high) AS high, min(low) AS low, last(close, bucket) AS close,
       sum(volume)::bigint AS volume, CASE WHEN count(amount) = count(*) THEN sum(amount)::bigint END AS amount,
       sum(trade_count)::integer AS trade_count, min(first_trade_at) AS first_trade_at,
       max(last_trade_at) AS last_trade_at, last(source, bucket) AS source
FROM stock_prices_1m
GROUP BY symbol, time_bucket(interval '1 hour', bucket)
WITH NO DATA;

-- Weekly and monthly bars: continuous aggregates over the daily table (replacing 0015's views).
DROP VIEW stock_prices_1w;
DROP VIEW stock_prices_1mo;
DROP VIEW index_data_1w;
DROP VIEW index_data_1mo;

CREATE MATERIALIZED VIEW stock_prices_1w
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT symbol, time_bucket(interval '1 week', bucket, 'Asia/Seoul') AS bucket,
       first(open, bucket) AS open, max(high) AS high, min(low) AS low, last(close, bucket) AS close,
       sum(volume)::bigint AS volume, CASE WHEN count(amount) = count(*) THEN sum(amount)::bigint END AS amount,
       sum(trade_count)::integer AS trade_count, min(first_trade_at) AS first_trade_at,
       max(last_trade_at) AS last_trade_at, last(source, bucket) AS source
FROM stock_prices_1d
GROUP BY symbol, time_bucket(interval '1 week', bucket, 'Asia/Seoul')
WITH NO DATA;

CREATE MATERIALIZED VIEW stock_prices_1mo
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT symbol, time_bucket(interval '1 month', bucket, 'Asia/Seoul') AS bucket,
       first(open, bucket) AS open, max(high) AS high, min(low) AS low, last(close, bucket) AS close,
       sum(volume)::bigint AS volume, CASE WHEN count(amount) = count(*) THEN sum(amount)::bigint END AS amount,
       sum(trade_count)::integer AS trade_count, min(first_trade_at) AS first_trade_at,
       max(last_trade_at) AS last_trade_at, last(source, bucket) AS source
FROM stock_prices_1d
GROUP BY symbol, time_bucket(interval '1 month', bucket, 'Asia/Seoul')
WITH NO DATA;

CREATE MATERIALIZED VIEW index_data_1w
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT index_type, time_bucket(interval '1 week', time, 'Asia/Seoul') AS time,
       first(open, time) AS open, max(high) AS high, min(low) AS low, last(close, time) AS close,
       CASE WHEN count(volume) = count(*) THEN sum(volume)::bigint END AS volume,
       CASE WHEN count(amount) = count(*) THEN sum(amount)::bigint END AS amount,
       last(source, time) AS source
FROM index_data
GROUP BY index_type, time_bucket(interval '1 week', time, 'Asia/Seoul')
WITH NO DATA;

CREATE MATERIALIZED VIEW index_data_1mo
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT index_type, time_bucket(interval '1 month', time, 'Asia/Seoul') AS time,
       first(open, time) AS open, max(high) AS high, min(low) AS low, last(close, time) AS close,
       CASE WHEN count(volume) = count(*) THEN sum(volume)::bigint END AS volume,
       CASE WHEN count(amount) = count(*) THEN sum(amount)::bigint END AS amount,
       last(source, time) AS source
FROM index_data
GROUP BY index_type, time_bucket(interval '1 month', time, 'Asia/Seoul')
WITH NO DATA;

-- Refresh: recent buckets are materialized on a schedule; newer ones are aggregated at query time
-- (materialized_only = false), so a finished minute shows in the 15m/1h bars at once. The windows
-- reach back over what may still change underneath: a restarted ingest merging today's 1m bars,
-- the price backfill filling the last 30 days of daily bars. A load of older history (the snapshot)
-- refreshes the aggregates itself (db/snapshot.py).
SELECT add_continuous_aggregate_policy('stock_prices_15m', start_offset => interval '3 days',
    end_offset => interval '15 minutes', schedule_interval => interval '5 minutes');
SELECT add_continuous_aggregate_policy('stock_prices_1h', start_offset => interval '3 days',
    end_offset => interval '1 hour', schedule_interval => interval '15 minutes');
SELECT add_continuous_aggregate_policy('stock_prices_1w', start_offset => interval '45 days',
    end_offset => NULL, schedule_interval => interval '1 hour');
SELECT add_continuous_aggregate_policy('stock_prices_1mo', start_offset => interval '3 months',
    end_offset => NULL, schedule_interval => interval '1 hour');
SELECT add_continuous_aggregate_policy('index_data_1w', start_offset => interval '45 days',
    end_offset => NULL, schedule_interval => interval '1 hour');
SELECT add_continuous_aggregate_policy('index_data_1mo', start_offset => interval '3 months',
    end_offset => NULL, schedule_interval => interval '1 hour');

-- Compression: per symbol, in time order; a chunk is compressed once its session is over. 0001
-- enabled it with the default order; set it explicitly where nothing is compressed yet.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM timescaledb_information.chunks
                   WHERE hypertable_schema = 'public' AND hypertable_name = 'stock_ticks' AND is_compressed) THEN
        ALTER TABLE stock_ticks SET (timescaledb.compress, timescaledb.compress_segmentby = 'symbol',
                                     timescaledb.compress_orderby = 'time, acc_volume');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM timescaledb_information.chunks
                   WHERE hypertable_schema = 'public' AND hypertable_name = 'stock_prices_1m' AND is_compressed) THEN
        ALTER TABLE stock_prices_1m SET (timescaledb.compress, timescaledb.compress_segmentby = 'symbol',
                                         timescaledb.compress_orderby = 'bucket');
    END IF;
END $$;
SELECT remove_compression_policy('stock_prices_1m');
SELECT add_compression_policy('stock_prices_1m', compress_after => interval '1 day');

-- Retention (ticks 7 days and 1m 30 days stay as 0001 set them): the 15m/1h history is the aggregates'.
SELECT add_retention_policy('stock_prices_15m', interval '90 days');
SELECT add_retention_policy('stock_prices_1h', interval '1 year');
