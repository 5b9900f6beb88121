-- Weekly and monthly bars (주봉/월봉) of stocks and indices, rolled up from the daily rows on read.
-- On TimescaleDB sql/timescale/0002 replaces these views by continuous aggregates of the same
-- names and columns, so the api reads `stock_prices_1w` etc. the same way on both.
-- Weeks start on Monday and months on the 1st, 00:00 Asia/Seoul. amount is NULL when a day in the
-- period lacks it (a partial sum would be a wrong figure); source is the newest day's.
CREATE VIEW stock_prices_1w AS
SELECT symbol, date_trunc('week', bucket, 'Asia/Seoul') AS bucket,
       (array_agg(open ORDER BY bucket))[1] AS open, max(high) AS high, min(low) AS low,
       (array_agg(close ORDER BY bucket DESC))[1] AS close, sum(volume)::bigint AS volume,
       CASE WHEN count(amount) = count(*) THEN sum(amount)::bigint END AS amount,
       sum(trade_count)::integer AS trade_count, min(first_trade_at) AS first_trade_at,
       max(last_trade_at) AS last_trade_at, (array_agg(source ORDER BY bucket DESC))[1] AS source
FROM stock_prices_1d
GROUP BY symbol, date_trunc('week', bucket, 'Asia/Seoul');

CREATE VIEW stock_prices_1mo AS
SELECT symbol, date_trunc('month', bucket, 'Asia/Seoul') AS bucket,
       (array_agg(open ORDER BY bucket))[1] AS open, max(high) AS high, min(low) AS low,
       (array_agg(close ORDER BY bucket DESC))[1] AS close, sum(volume)::bigint AS volume,
       CASE WHEN count(amount) = count(*) THEN sum(amount)::bigint END AS amount,
       sum(trade_count)::integer AS trade_count, min(first_trade_at) AS first_trade_at,
       max(last_trade_at) AS last_trade_at, (array_agg(source ORDER BY bucket DESC))[1] AS source
FROM stock_prices_1d
GROUP BY symbol, date_trunc('month', bucket, 'Asia/Seoul');

CREATE VIEW index_data_1w AS
SELECT index_type, date_trunc('week', time, 'Asia/Seoul') AS time,
       (array_agg(open ORDER BY time))[1] AS open, max(high) AS high, min(low) AS low,
       (array_agg(close ORDER BY time DESC))[1] AS close,
       CASE WHEN count(volume) = count(*) THEN sum(volume)::bigint END AS volume,
       CASE WHEN count(amount) = count(*) THEN sum(amount)::bigint END AS amount,
       (array_agg(source ORDER BY time DESC))[1] AS source
FROM index_data
GROUP BY index_type, date_trunc('week', time, 'Asia/Seoul');

CREATE VIEW index_data_1mo AS
SELECT index_type, date_trunc('month', time, 'Asia/Seoul') AS time,
       (array_agg(open ORDER BY time))[1] AS open, max(high) AS high, min(low) AS low,
       (array_agg(close ORDER BY time DESC))[1] AS close,
       CASE WHEN count(volume) = count(*) THEN sum(volume)::bigint END AS volume,
       CASE WHEN count(amount) = count(*) THEN sum(amount)::bigint END AS amount,
       (array_agg(source ORDER BY time DESC))[1] AS source
FROM index_data
GROUP BY index_type, date_trunc('month', time, 'Asia/Seoul');
