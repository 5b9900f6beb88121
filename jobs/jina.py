"""Article text from Jina Reader for news that lacks it (bounded concurrency) → news.content."""

from __future__ import annotations

import asyncio
import logging

import aiohttp

from core.services import AuthError, ServiceError
from jobs.clients.jina import JinaClient
from jobs.context import JobContext
from search import index as search_index

log = logging.getLogger(__name__)
CONCURRENCY = 4
PER_RUN = 200


async def fetch_articles(ctx: JobContext) -> dict[str, int]:
    limit = int(ctx.options.get("limit") or PER_RUN)
    async with ctx.db.acquire() as conn:
        rows = await conn.fetch(
            """SELECT id, url FROM news WHERE content IS NULL AND content_fetched_at IS NULL
                                   ORDER BY published_at DESC NULLS LAST LIMIT $1""",
            limit,
        )
    sem = asyncio.Semaphore(int(ctx.options.get("concurrency") or CONCURRENCY))
    counts = {"fetched": 0, "failed": 0}
    fetched_ids: list[int] = []
    bar = ctx.progress(total=len(rows), desc="jina")
    async with aiohttp.ClientSession() as session:
        client = JinaClient(
            session,
            ctx.settings.collectors.jina_api_url,
            ctx.settings.collectors.jina_api_key,
            retry_delay=float(ctx.options.get("retry_delay", 2.0)),
        )

        async def one(row) -> None:
            async with sem:
                try:
                    article = await client.read(row["url"])
                    content = article.content
                    counts["fetched"] += 1
                    fetched_ids.append(row["id"])
                except AuthError:
                    raise
                except ServiceError as exc:
                    log.info("jina %s: %s", row["url"], exc)
                    content = None
                    counts["failed"] += 1
                async with ctx.db.acquire() as conn:  # failures are marked too, so they are not retried forever
                    await conn.execute(
                        "UPDATE news SET content = $2, content_fetched_at = now() WHERE id = $1", row["id"], content
                    )
                bar.update(1)

        await asyncio.gather(*(one(r) for r in rows))
    bar.close()
    if fetched_ids and ctx.settings.opensearch_url:
        async with ctx.db.acquire() as conn:
            docs = await search_index.news_rows(conn, fetched_ids)
        await search_index.index_news(ctx.settings.opensearch_url, docs)  # the text becomes searchable now
    return {"candidates": len(rows), **counts}
