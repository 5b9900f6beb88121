-- News search without OpenSearch (search/postgres.py): every keyword term is matched with ILIKE
-- '%term%' (Korean) or ~* '\mterm\M' (Latin/digits) against title + summary + article text. A
-- trigram index over exactly that expression serves terms of three or more characters; shorter
-- ones (two-syllable Korean words such as 금리) cannot use trigrams and are checked row by row.
CREATE INDEX IF NOT EXISTS news_text_trgm_idx ON news
    USING gin ((title || ' ' || coalesce(summary, '') || ' ' || coalesce(left(content, 20000), '')) gin_trgm_ops);
