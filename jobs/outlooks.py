"""The `analysis` job: an outlook for every company and industry, once a day → table `analyses`.

Subjects and their figures come from `jobs.analysis.load_subjects`; each gets the rule-based
analyser's result, or — when GEMINI_API_KEY is set — Gemini's for the largest subjects (at
most `GEMINI_CALLS_PER_RUN` a run and one call per subject per day, remembered in Redis).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson

from core.contract import keys
from core.time import kst_today
from jobs.analysis import Analyzer, RuleAnalyzer, Subject, load_subjects
from jobs.context import JobContext
from jobs.gemini import GeminiAnalyzer

_UPSERT = """
INSERT INTO analyses (subject_type, subject_id, as_of_date, mode, model, growth_score, outlook, summary,
                      drivers, risks, inputs, usage, generated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11::jsonb, $12::jsonb, now())
ON CONFLICT (subject_type, subject_id, as_of_date) DO UPDATE SET
    mode = EXCLUDED.mode, model = EXCLUDED.model, growth_score = EXCLUDED.growth_score,
    outlook = EXCLUDED.outlook, summary = EXCLUDED.summary, drivers = EXCLUDED.drivers,
    risks = EXCLUDED.risks, inputs = EXCLUDED.inputs, usage = EXCLUDED.usage, generated_at = now()
WHERE analyses.mode = 'rule' OR $13
"""


GEMINI_CALLS_PER_RUN = 300  # the largest subjects get Gemini; the rest the rule result


async def _headlines(conn, s: Subject) -> list[str]:
    table, column = (
        ("news_companies", "company_id") if s.subject_type == "company" else ("news_industries", "industry_id")
    )
    rows = await conn.fetch(
        f"""SELECT n.title FROM news n JOIN {table} l ON l.news_id = n.id
        WHERE l.{column} = $1 ORDER BY n.published_at DESC NULLS LAST LIMIT 10""",
        s.subject_id,
    )
    return [r["title"] for r in rows]


def _json(value: Any) -> str:
    return orjson.dumps(value, default=str).decode()


async def run(ctx: JobContext) -> dict[str, Any]:
    """Analyse every company and industry for today (Asia/Seoul)."""
    force = bool(ctx.options.get("force"))
    limit = ctx.options.get("limit")
    today: dt.date = ctx.options.get("as_of") or kst_today()
    rule = RuleAnalyzer()
    gemini: GeminiAnalyzer | None = None
    if ctx.settings.collectors.gemini_api_key:
        gemini = GeminiAnalyzer(ctx.settings, fallback=rule)
    async with ctx.db.acquire() as conn:
        companies, industries = await load_subjects(conn, today)
        done_gemini = {
            (r["subject_type"], r["subject_id"])
            for r in await conn.fetch(
                "SELECT subject_type, subject_id FROM analyses WHERE as_of_date = $1 AND mode = 'gemini'", today
            )
        }
    subjects = industries + sorted(companies, key=lambda s: -(s.figures.get("market_cap") or 0))
    if limit:
        subjects = subjects[:limit]
    counts = {"rule": 0, "gemini": 0, "kept": 0}
    gemini_calls, gemini_limit = 0, int(ctx.options.get("gemini_limit") or GEMINI_CALLS_PER_RUN)
    rows = []
    for s in ctx.progress(subjects, desc="analysis"):
        if (s.subject_type, s.subject_id) in done_gemini and not force:
            counts["kept"] += 1
            continue
        analyzer: Analyzer = rule
        if gemini is not None and gemini_calls < gemini_limit:
            attempted_key = keys.gemini_attempts(today.isoformat())
            member = f"{s.subject_type}:{s.subject_id}"
            if force or await ctx.redis.sadd(attempted_key, member):  # at most one call per subject per day
                await ctx.redis.expire(attempted_key, 3 * 86400)
                async with ctx.db.acquire() as conn:
                    s.figures["headlines"] = await _headlines(conn, s)
                analyzer = gemini
                gemini_calls += 1
        result = await analyzer.analyse(s)
        counts[result.mode] += 1
        rows.append(
            (
                s.subject_type,
                s.subject_id,
                today,
                result.mode,
                result.model,
                result.growth_score,
                result.outlook,
                result.summary,
                _json(result.drivers),
                _json(result.risks),
                _json(result.inputs),
                None if result.usage is None else _json(result.usage),
                force,
            )
        )
        s.figures.pop("headlines", None)
        if len(rows) >= 500:
            async with ctx.db.acquire() as conn:
                await conn.executemany(_UPSERT, rows)
            rows.clear()
    if rows:
        async with ctx.db.acquire() as conn:
            await conn.executemany(_UPSERT, rows)
    return {"companies": len(companies), "industries": len(industries), "asOfDate": today.isoformat(), **counts}
