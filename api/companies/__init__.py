"""Companies: search, profile, financials, OHLCV (stored bars + the open bar), news, filings, outlook."""
