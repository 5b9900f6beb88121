"""News, outlook analyses and keyword counts, as collected by the jobs."""
