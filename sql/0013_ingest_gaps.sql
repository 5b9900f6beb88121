-- Gaps in the real-time feed: the time ingest was not streaming (its process was down or restarting),
-- whose trades KIS never sends again. Ingest records each gap when it streams again and repairs the
-- gap's 1-minute bars from the broker's minute-bar REST API (주식당일분봉조회); the chart shows both.
CREATE TABLE ingest_gaps (
    id            bigserial PRIMARY KEY,
    source        text NOT NULL,               -- the feed that missed trades: kis | kissim
    cause         text NOT NULL,               -- restart: the ingest process was down (a crash or a restart)
    started_at    timestamptz NOT NULL,        -- the last trade stored before the gap
    ended_at      timestamptz NOT NULL,        -- the first trade received after it
    symbols       text[] NOT NULL,             -- the symbols being streamed when the gap began
    status        text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'repaired', 'partial', 'failed')),
    repair_source text,                        -- where the repaired bars came from, e.g. kissim:FHKST03010200
    repaired      jsonb NOT NULL DEFAULT '{}', -- symbol → epoch seconds of the 1m buckets written from REST
    error         text,                        -- why a repair was partial or failed
    detected_at   timestamptz NOT NULL DEFAULT now(),
    repaired_at   timestamptz
);
CREATE INDEX ingest_gaps_ended_idx ON ingest_gaps (ended_at);
CREATE INDEX ingest_gaps_symbols_idx ON ingest_gaps USING gin (symbols);
