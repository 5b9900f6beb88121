"""Retention: on plain PostgreSQL `SELECT * FROM enforce_retention()` deletes what is older than
`retention_policies` says. On TimescaleDB that table is empty (its own retention policies drop whole
chunks); the job then reports those policies, so `python -m jobs run retention` shows what is kept."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

TIMESCALE_POLICIES_SQL = """
    SELECT hypertable_schema, hypertable_name, config->>'drop_after' AS keep
    FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention'"""
CAGG_NAMES_SQL = """
    SELECT materialization_hypertable_schema AS schema, materialization_hypertable_name AS name,
           view_schema, view_name
    FROM timescaledb_information.continuous_aggregates"""


async def _timescale_policies(conn) -> dict[str, str]:
    """{relation: kept} of TimescaleDB's retention policies (a continuous aggregate by its view name)."""
    if not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')"):
        return {}
    views = {(r["schema"], r["name"]): (r["view_schema"], r["view_name"]) for r in await conn.fetch(CAGG_NAMES_SQL)}
    policies = {}
    for r in await conn.fetch(TIMESCALE_POLICIES_SQL):
        relation = (r["hypertable_schema"], r["hypertable_name"])
        schema, name = views.get(relation, relation)
        policies[name if schema == "public" else f"{schema}.{name}"] = r["keep"]
    return dict(sorted(policies.items()))


async def run(ctx) -> dict:
    async with ctx.db.acquire() as conn:
        rows = await conn.fetch("SELECT * FROM enforce_retention()")
        policies = await _timescale_policies(conn)
    deleted = {r["table_name"]: r["deleted"] for r in rows}
    for table, n in deleted.items():
        if n:
            log.info("retention: %d old rows deleted from %s", n, table)
    return {"tables": len(deleted), "deleted": sum(deleted.values()), "detail": deleted, "timescalePolicies": policies}
