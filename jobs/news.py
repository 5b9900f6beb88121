"""News: Naver search per company and industry → Redis buffer → PostgreSQL (+ OpenSearch).

`collect` searches Naver for a rotating slice of subjects (largest companies first, then the
rest and the industries, `NEWS_QUERIES_PER_RUN` a run — 150 × 6/h × 14 h stays under the
25,000-a-day quota) and RPUSHes one JSON item per article to `news:buffer`.

`flush` moves items with an at-least-once protocol:

1. items already in `news:processing` (left there by a flush that crashed) are taken first;
2. new items are taken with `LMOVE news:buffer news:processing LEFT RIGHT` — atomically, so an
   item is always in one of the two lists;
3. the batch is written to PostgreSQL in one transaction (`news` upserted by URL, so writing an
   item twice changes nothing), then bulk-indexed into OpenSearch when configured;
4. only then are the items removed from `news:processing` (LREM).

A crash between 2 and 3 leaves the items in `news:processing`, and the next flush writes them;
a crash between 3 and 4 makes the next flush write them again, which the URL key absorbs.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import aiohttp
import orjson

from core.contract import keys
from core.services import AuthError, QuotaExceeded, ServiceError
from jobs.clients.naver import NaverNewsClient, NewsItem
from search import index as search_index

log = logging.getLogger(__name__)

QUERIES_PER_RUN = 150
TOP_EVERY_RUN = 30
FLUSH_BATCH = 500


def buffer_item(item: NewsItem, *, company_id: int | None = None, industry_id: int | None = None) -> bytes:
    data = item.to_json()
    data["companyIds"] = [company_id] if company_id is not None else []
    data["industryIds"] = [industry_id] if industry_id is not None else []
    return orjson.dumps(data)


async def _subjects(conn) -> tuple[list[tuple[str, int, str]], list[tuple[str, int, str]]]:
    companies = await conn.fetch("""
        SELECT c.id, c.name FROM companies c
        LEFT JOIN LATERAL (SELECT close FROM stock_prices_1d p WHERE p.symbol = c.symbol
                           ORDER BY bucket DESC LIMIT 1) p ON true
        WHERE c.delisted_at IS NULL
        ORDER BY coalesce(p.close * c.shares_outstanding, 0) DESC, c.id""")
    industries = await conn.fetch("SELECT id, name FROM industries ORDER BY id")
    top = [("company", r["id"], r["name"]) for r in companies[:TOP_EVERY_RUN]]
    rest = [("company", r["id"], r["name"]) for r in companies[TOP_EVERY_RUN:]]
    rest += [("industry", r["id"], r["name"]) for r in industries]
    return top, rest


async def collect(ctx) -> dict:
    s = ctx.settings
    per_run = int(ctx.options.get("limit") or QUERIES_PER_RUN)
    async with ctx.db.acquire() as conn:
        top, rest = await _subjects(conn)
    cursor = int(await ctx.redis.get(keys.NEWS_CURSOR) or 0) % max(1, len(rest))
    take = max(0, per_run - len(top))
    chosen = (top + rest[cursor : cursor + take] + rest[: max(0, cursor + take - len(rest))])[:per_run]
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=int(ctx.options.get("days") or 7))
    pushed = errors = 0
    async with aiohttp.ClientSession() as session:
        client = NaverNewsClient(
            session, s.collectors.naver_api_url, s.collectors.naver_client_id, s.collectors.naver_client_secret
        )
        for kind, subject_id, name in ctx.progress(chosen, desc="news"):
            try:
                items = await client.search_all(name, max_items=int(ctx.options.get("per_query") or 100), since=since)
            except (QuotaExceeded, AuthError):
                raise
            except ServiceError as exc:
                errors += 1
                log.warning("news search %r failed: %s", name, exc)
                continue
            if items:
                payload = [
                    buffer_item(
                        i,
                        company_id=subject_id if kind == "company" else None,
                        industry_id=subject_id if kind == "industry" else None,
                    )
                    for i in items
                ]
                await ctx.redis.rpush(keys.NEWS_BUFFER, *payload)
                pushed += len(payload)
    await ctx.redis.set(keys.NEWS_CURSOR, (cursor + take) % max(1, len(rest)))
    return {"queries": len(chosen), "buffered": pushed, "errors": errors}


# --------------------------------------------------------------------------- the at-least-once flush


async def take(redis, limit: int = FLUSH_BATCH) -> list[bytes]:
    """Items to write now: what a crashed flush left in processing, then new ones (LMOVE)."""
    batch = list(await redis.lrange(keys.NEWS_PROCESSING, 0, limit - 1))
    while len(batch) < limit:
        raw = await redis.lmove(keys.NEWS_BUFFER, keys.NEWS_PROCESSING, "LEFT", "RIGHT")
        if raw is None:
            break
        batch.append(raw)
    return batch


async def ack(redis, batch: list[bytes]) -> None:
    pipe = redis.pipeline(transaction=False)
    for raw in batch:
        pipe.lrem(keys.NEWS_PROCESSING, 1, raw)
    await pipe.execute()


def _parse(raw: bytes) -> dict[str, Any] | None:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict) or not data.get("url") or not data.get("title"):
        return None
    return data


async def write(conn, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Upsert the items into news (by URL) and their company/industry links; returns rows with ids."""
    merged: dict[str, dict[str, Any]] = {}
    for it in items:
        m = merged.setdefault(it["url"], {**it, "companyIds": set(), "industryIds": set()})
        m["companyIds"].update(it.get("companyIds") or [])
        m["industryIds"].update(it.get("industryIds") or [])
    if not merged:
        return []
    values = list(merged.values())
    async with conn.transaction():
        rows = await conn.fetch(
            """
            INSERT INTO news (url, original_url, title, summary, source, published_at)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
            ON CONFLICT (url) DO UPDATE SET title = EXCLUDED.title, summary = EXCLUDED.summary
            RETURNING id, url""",
            [v["url"] for v in values],
            [v.get("link") for v in values],
            [v["title"] for v in values],
            [v.get("summary") for v in values],
            [v.get("source") for v in values],
            [dt.datetime.fromisoformat(v["publishedAt"]) if v.get("publishedAt") else None for v in values],
        )
        ids = {r["url"]: r["id"] for r in rows}
        company_links = [(ids[v["url"]], c) for v in values for c in v["companyIds"]]
        industry_links = [(ids[v["url"]], i) for v in values for i in v["industryIds"]]
        if company_links:
            await conn.execute(
                """
                INSERT INTO news_companies (news_id, company_id)
                SELECT n, c FROM unnest($1::bigint[], $2::int[]) AS t(n, c)
                WHERE EXISTS (SELECT 1 FROM companies WHERE id = c) ON CONFLICT DO NOTHING""",
                [n for n, _ in company_links],
                [c for _, c in company_links],
            )
        if industry_links:
            await conn.execute(
                """
                INSERT INTO news_industries (news_id, industry_id)
                SELECT n, i FROM unnest($1::bigint[], $2::int[]) AS t(n, i)
                WHERE EXISTS (SELECT 1 FROM industries WHERE id = i) ON CONFLICT DO NOTHING""",
                [n for n, _ in industry_links],
                [i for _, i in industry_links],
            )
    for v in values:
        v["id"] = ids[v["url"]]
        v["companyIds"], v["industryIds"] = sorted(v["companyIds"]), sorted(v["industryIds"])
    return values


async def flush(ctx) -> dict:
    written = batches = malformed = 0
    while True:
        batch = await take(ctx.redis, FLUSH_BATCH)
        if not batch:
            break
        items = [p for p in map(_parse, batch) if p is not None]
        malformed += len(batch) - len(items)
        async with ctx.db.acquire() as conn:
            rows = await write(conn, items)
        if ctx.settings.opensearch_url and rows:
            await search_index.index_news(ctx.settings.opensearch_url, rows)
        await ack(ctx.redis, batch)
        written += len(rows)
        batches += 1
        if len(batch) < FLUSH_BATCH:
            break
    if malformed:
        log.warning("news flush dropped %d malformed buffer items", malformed)
    return {"written": written, "batches": batches, "malformed": malformed}
