"""Market indices (KOSPI, KOSDAQ): daily history and weekly/monthly aggregates."""
