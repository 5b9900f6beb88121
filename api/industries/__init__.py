"""Industries (KSIC): list, detail with the largest companies, news and outlook analysis."""
