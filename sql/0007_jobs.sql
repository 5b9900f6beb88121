-- jobs: DART company ids (corpCode.xml), mapped to our companies by stock code.
CREATE TABLE dart_corp_codes (
    corp_code   text PRIMARY KEY,          -- 8 digits, leading zeros kept
    corp_name   text NOT NULL,
    stock_code  text,                      -- NULL for unlisted filers
    modify_date date,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dart_corp_codes_stock_idx ON dart_corp_codes (stock_code) WHERE stock_code IS NOT NULL;

-- Articles still waiting for their text from Jina Reader (newest first).
CREATE INDEX news_content_missing_idx ON news (published_at DESC) WHERE content IS NULL;
