"""Rankings: companies by market cap (per market and per industry) and industries by total market cap."""
