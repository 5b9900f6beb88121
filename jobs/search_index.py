"""The `search_index` job: rebuild the OpenSearch indexes (companies, news) from PostgreSQL."""

from __future__ import annotations

from typing import Any

from jobs.context import JobContext
from search import index


async def rebuild(ctx: JobContext) -> dict[str, Any]:
    assert ctx.settings.opensearch_url is not None  # the registry runs this job only when it is set
    return await index.rebuild_all(ctx.settings.opensearch_url, ctx.db)
