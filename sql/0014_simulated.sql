-- Simulated market data apart from real history. kissim's ticks and bars go to the same tables in
-- schema `sim`: no real figure (quotes, rankings, industry totals, comparisons) reads them, and
-- ingest empties them when the platform switches to a real source (ingest/writer.py).
CREATE SCHEMA sim;

CREATE TABLE sim.stock_ticks (LIKE public.stock_ticks INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
CREATE UNIQUE INDEX stock_ticks_identity ON sim.stock_ticks (symbol, time, acc_volume);
CREATE TABLE sim.stock_prices_1m (LIKE public.stock_prices_1m INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
                                  PRIMARY KEY (symbol, bucket));
CREATE TABLE sim.stock_prices_15m (LIKE public.stock_prices_1m INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
                                   PRIMARY KEY (symbol, bucket));
CREATE TABLE sim.stock_prices_1h (LIKE public.stock_prices_1m INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
                                  PRIMARY KEY (symbol, bucket));
CREATE TABLE sim.stock_prices_1d (LIKE public.stock_prices_1m INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
                                  PRIMARY KEY (symbol, bucket));

-- What kissim wrote into the real tables before this migration moves to `sim`.
WITH moved AS (DELETE FROM public.stock_ticks WHERE source = 'kissim' RETURNING *)
INSERT INTO sim.stock_ticks SELECT * FROM moved ON CONFLICT DO NOTHING;
WITH moved AS (DELETE FROM public.stock_prices_1m WHERE source = 'kissim' RETURNING *)
INSERT INTO sim.stock_prices_1m SELECT * FROM moved ON CONFLICT DO NOTHING;
WITH moved AS (DELETE FROM public.stock_prices_15m WHERE source = 'kissim' RETURNING *)
INSERT INTO sim.stock_prices_15m SELECT * FROM moved ON CONFLICT DO NOTHING;
WITH moved AS (DELETE FROM public.stock_prices_1h WHERE source = 'kissim' RETURNING *)
INSERT INTO sim.stock_prices_1h SELECT * FROM moved ON CONFLICT DO NOTHING;
WITH moved AS (DELETE FROM public.stock_prices_1d WHERE source = 'kissim' RETURNING *)
INSERT INTO sim.stock_prices_1d SELECT * FROM moved ON CONFLICT DO NOTHING;

-- Retention on plain PostgreSQL, now schema-qualified (TimescaleDB: its own policies, table emptied).
-- Simulated rows are demo material: ticks 7 days, bars of every interval 30 days.
INSERT INTO retention_policies (table_name, time_column, keep) VALUES
    ('sim.stock_ticks', 'time', '7 days'),
    ('sim.stock_prices_1m', 'bucket', '30 days'),
    ('sim.stock_prices_15m', 'bucket', '30 days'),
    ('sim.stock_prices_1h', 'bucket', '30 days'),
    ('sim.stock_prices_1d', 'bucket', '30 days');

CREATE OR REPLACE FUNCTION enforce_retention() RETURNS TABLE (table_name text, deleted bigint)
LANGUAGE plpgsql AS $$
DECLARE
    p record;
    n bigint;
BEGIN
    FOR p IN SELECT * FROM retention_policies ORDER BY 1 LOOP
        EXECUTE format('DELETE FROM %s WHERE %I < now() - $1', p.table_name::regclass, p.time_column) USING p.keep;
        GET DIAGNOSTICS n = ROW_COUNT;
        table_name := p.table_name;
        deleted := n;
        RETURN NEXT;
    END LOOP;
END $$;
