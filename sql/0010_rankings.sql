-- Daily rankings (거래량, 거래대금, 상승률/하락률, 52주 신고가/신저가; api/rankings/queries.py).
-- For each stock traded on the ranking day they read the previous close and the highest high and
-- lowest low of the 52 weeks before it. With the heap in write order (ingest and the daily backfill
-- append one day of every stock at a time) the primary key finds those ~250 rows per stock on ~250
-- different heap pages; carrying high, low and close in the index makes both lookups index-only
-- scans: ~1,250 stocks × 52 weeks in 9.7 k buffer hits instead of 307 k (sql/README.md).
CREATE INDEX IF NOT EXISTS stock_prices_1d_symbol_range_idx ON stock_prices_1d (symbol, bucket) INCLUDE (high, low, close);
