"""Retention on plain PostgreSQL: `SELECT * FROM enforce_retention()` (TimescaleDB: a no-op,
its own policies do the work and `retention_policies` is empty)."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


async def run(ctx) -> dict:
    async with ctx.db.acquire() as conn:
        rows = await conn.fetch("SELECT * FROM enforce_retention()")
    deleted = {r["table_name"]: r["deleted"] for r in rows}
    for table, n in deleted.items():
        if n:
            log.info("retention: %d old rows deleted from %s", n, table)
    return {"tables": len(deleted), "deleted": sum(deleted.values()), "detail": deleted}
