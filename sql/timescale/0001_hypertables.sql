-- Applied only where CREATE EXTENSION timescaledb succeeded.
SELECT create_hypertable('stock_ticks', 'time', chunk_time_interval => interval '1 day', migrate_data => true);
SELECT create_hypertable('stock_prices_1m', 'bucket', chunk_time_interval => interval '7 days', migrate_data => true);
SELECT create_hypertable('stock_prices_15m', 'bucket', chunk_time_interval => interval '30 days', migrate_data => true);
SELECT create_hypertable('stock_prices_1h', 'bucket', chunk_time_interval => interval '90 days', migrate_data => true);
SELECT create_hypertable('stock_prices_1d', 'bucket', chunk_time_interval => interval '1 year', migrate_data => true);
SELECT create_hypertable('index_data', 'time', chunk_time_interval => interval '5 years', migrate_data => true);

ALTER TABLE stock_ticks SET (timescaledb.compress, timescaledb.compress_segmentby = 'symbol');
SELECT add_compression_policy('stock_ticks', interval '1 day');
ALTER TABLE stock_prices_1m SET (timescaledb.compress, timescaledb.compress_segmentby = 'symbol');
SELECT add_compression_policy('stock_prices_1m', interval '7 days');

SELECT add_retention_policy('stock_ticks', interval '7 days');
SELECT add_retention_policy('stock_prices_1m', interval '30 days');
SELECT add_retention_policy('stock_prices_15m', interval '90 days');
SELECT add_retention_policy('stock_prices_1h', interval '1 year');

-- TimescaleDB enforces retention itself; the plain-PostgreSQL job then has nothing to do.
DELETE FROM retention_policies;
