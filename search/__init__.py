"""Search: the company search backends (PostgreSQL, OpenSearch) and the OpenSearch indexes,
used by the api (queries) and the jobs (index rebuilds, news indexing)."""
