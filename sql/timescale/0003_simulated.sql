-- TimescaleDB for the simulated schema (0014): the same shapes as the real history, so the live
-- chart of the demo reads the same way; kept shorter (ticks 7 days, bars 30 days).
SELECT create_hypertable('sim.stock_ticks', 'time', chunk_time_interval => interval '1 day', migrate_data => true);
SELECT create_hypertable('sim.stock_prices_1m', 'bucket', chunk_time_interval => interval '7 days', migrate_data => true);
SELECT create_hypertable('sim.stock_prices_1d', 'bucket', chunk_time_interval => interval '7 days', migrate_data => true);

DROP TABLE sim.stock_prices_15m;
DROP TABLE sim.stock_prices_1h;

CREATE MATERIALIZED VIEW sim.stock_prices_15m
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT symbol, time_bucket(interval '15 minutes', bucket) AS bucket,
       first(open, bucket) AS open, max(high) AS high, min(low) AS low, last(close, bucket) AS close,
       sum(volume)::bigint AS volume, CASE WHEN count(amount) = count(*) THEN sum(amount)::bigint END AS amount,
       sum(trade_count)::integer AS trade_count, min(first_trade_at) AS first_trade_at,
       max(last_trade_at) AS last_trade_at, last(source, bucket) AS source
FROM sim.stock_prices_1m
GROUP BY symbol, time_bucket(interval '15 minutes', bucket)
WITH NO DATA;

CREATE MATERIALIZED VIEW sim.stock_prices_1h
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT symbol, time_bucket(interval '1 hour', bucket) AS bucket,
       first(open, bucket) AS open, max(high) AS high, min(low) AS low, last(close, bucket) AS close,
       sum(volume)::bigint AS volume, CASE WHEN count(amount) = count(*) THEN sum(amount)::bigint END AS amount,
       sum(trade_count)::integer AS trade_count, min(first_trade_at) AS first_trade_at,
       max(last_trade_at) AS last_trade_at, last(source, bucket) AS source
FROM sim.stock_prices_1m
GROUP BY symbol, time_bucket(interval '1 hour', bucket)
WITH NO DATA;

SELECT add_continuous_aggregate_policy('sim.stock_prices_15m', start_offset => interval '3 days',
    end_offset => interval '15 minutes', schedule_interval => interval '5 minutes');
SELECT add_continuous_aggregate_policy('sim.stock_prices_1h', start_offset => interval '3 days',
    end_offset => interval '1 hour', schedule_interval => interval '15 minutes');

ALTER TABLE sim.stock_ticks SET (timescaledb.compress, timescaledb.compress_segmentby = 'symbol',
                                 timescaledb.compress_orderby = 'time, acc_volume');
ALTER TABLE sim.stock_prices_1m SET (timescaledb.compress, timescaledb.compress_segmentby = 'symbol',
                                     timescaledb.compress_orderby = 'bucket');
SELECT add_compression_policy('sim.stock_ticks', compress_after => interval '1 day');
SELECT add_compression_policy('sim.stock_prices_1m', compress_after => interval '1 day');

SELECT add_retention_policy('sim.stock_ticks', interval '7 days');
SELECT add_retention_policy('sim.stock_prices_1m', interval '30 days');
SELECT add_retention_policy('sim.stock_prices_15m', interval '30 days');
SELECT add_retention_policy('sim.stock_prices_1h', interval '30 days');
SELECT add_retention_policy('sim.stock_prices_1d', interval '30 days');

-- TimescaleDB enforces retention itself (0014 added the simulated tables for plain PostgreSQL).
DELETE FROM retention_policies;
