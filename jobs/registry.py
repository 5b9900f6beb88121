"""Every job the platform runs: its collector name, what it needs, its schedule and time limit.

A job is an async function `run(ctx: JobContext) -> dict` (a short summary of what it did).
`run_job` is the one way to run one: it checks the job's requirements (a collector without its
key stays idle and says why), reports the collector's state in Redis and logs the outcome.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.contract import cache, status
from core.settings import Settings
from jobs.context import open_context

log = logging.getLogger(__name__)


def _needs_naver(s: Settings) -> str | None:
    if not (s.collectors.naver_client_id and s.collectors.naver_client_secret):
        return "NAVER_CLIENT_ID / NAVER_CLIENT_SECRET가 설정되지 않았습니다 (not set) — 뉴스 수집 대기"
    return None


def _needs_dart(s: Settings) -> str | None:
    if not s.collectors.dart_api_key:
        return "DART_API_KEY가 설정되지 않았습니다 (not set) — 번들 KRX 재무 스냅샷을 사용합니다"
    return None


def _needs_jina(s: Settings) -> str | None:
    if not s.collectors.jina_api_key:
        return "JINA_API_KEY가 설정되지 않았습니다 (not set) — 기사 본문 수집 대기"
    return None


def _needs_kis(s: Settings) -> str | None:
    if s.ingest.source != "kis" or not s.kis.app_keys:
        return (
            "KIS_APP_KEYS가 설정되지 않았습니다 (not set; replay simulator mode) — "
            "번들 KRX 스냅샷의 종목·시세를 사용합니다"
        )
    return None


def _needs_prices(s: Settings) -> str | None:
    if _needs_kis(s) is None or s.collectors.yfinance_enabled:
        return None
    return "KIS_APP_KEYS가 없고 YFINANCE_ENABLED가 꺼져 있습니다 (not set) — 번들 KRX 스냅샷의 일봉을 사용합니다"


def _needs_opensearch(s: Settings) -> str | None:
    if not s.opensearch_url:
        return "OPENSEARCH_URL이 설정되지 않았습니다 (not set) — PostgreSQL 검색을 사용합니다"
    return None


def _always(s: Settings) -> str | None:
    return None


@dataclass(frozen=True)
class Job:
    name: str
    target: str  # "module:function"
    description: str
    collector: str | None = None  # status field in jobs:collectors (None: not reported)
    requires: Callable[[Settings], str | None] = _always
    time_limit_s: int = 600
    max_retries: int = 3
    # What the api may have cached from the data this job changes (core.contract.cache.invalidate flags).
    invalidates: tuple[str, ...] = ()
    trading_days_only: bool = False  # scheduled runs skip KRX holidays (a manual run still runs)

    def function(self):
        module, _, func = self.target.partition(":")
        return getattr(importlib.import_module(module), func)


JOBS: dict[str, Job] = {
    job.name: job
    for job in [
        Job(
            "kis_master",
            "jobs.listings:sync_master",
            "KIS 종목 마스터 → companies/industries",
            "kis_master",
            _needs_kis,
            900,
            invalidates=("everything",),
            trading_days_only=True,
        ),
        Job(
            "prices",
            "jobs.prices:backfill_prices",
            "일봉·지수 백필 (KIS 기간별시세, yfinance 대체)",
            "prices",
            _needs_prices,
            3600,
            invalidates=("prices",),
            trading_days_only=True,
        ),
        Job("dart_corp_codes", "jobs.dart:sync_corp_codes", "DART 고유번호 맵", "dart", _needs_dart, 600),
        Job(
            "dart_financials",
            "jobs.dart:sync_financials",
            "DART 주요계정 → financials",
            "dart",
            _needs_dart,
            3 * 3600,
            invalidates=("everything",),
        ),
        Job("dart_filings", "jobs.dart:sync_filings", "DART 정기보고서 → filings", "dart", _needs_dart, 3600),
        Job("news", "jobs.news:collect", "네이버 뉴스 검색 → Redis 버퍼", "news", _needs_naver, 1800),
        Job("news_flush", "jobs.news:flush", "뉴스 버퍼 → PostgreSQL (+ OpenSearch)", None, _always, 120, 5),
        Job("jina", "jobs.jina:fetch_articles", "Jina Reader 기사 본문", "jina", _needs_jina, 1800),
        Job("keywords", "jobs.keywords:count", "뉴스 키워드 집계 (kiwipiepy)", "keywords", _always, 1800),
        Job("analysis", "jobs.outlooks:run", "전망 분석 (Gemini 또는 규칙 기반)", "analysis", _always, 3600),
        Job("retention", "jobs.retention:run", "시계열 보존 기간 적용", "retention", _always, 600),
        Job(
            "search_index",
            "jobs.search_index:rebuild",
            "OpenSearch 색인 재구축",
            "search_index",
            _needs_opensearch,
            1800,
        ),
    ]
}


def idle_reasons(settings: Settings) -> dict[str, str | None]:
    """Collector → the reason it is idle (None when it can run)."""
    reasons: dict[str, str | None] = {}
    for job in JOBS.values():
        if job.collector and job.collector not in reasons:
            reasons[job.collector] = job.requires(settings)
    return reasons


async def report_idle(redis, settings: Settings) -> dict[str, str | None]:
    """Mark every collector that lacks its configuration idle-with-reason (and log it once)."""
    reasons = idle_reasons(settings)
    current = await status.read_collectors(redis)
    for collector, reason in reasons.items():
        if reason:
            log.info("collector %s idle: %s", collector, reason)
            await status.set_collector(redis, collector, "idle", reason)
        elif collector not in current or current[collector].get("state") == "idle":
            await status.set_collector(
                redis, collector, "idle", "설정됨 — 다음 예약 실행 대기 (configured; waiting for schedule)"
            )
    return reasons


def announce_idle(settings: Settings) -> None:
    """`report_idle` from a synchronous entry point (worker and scheduler start-up)."""
    import asyncio

    import redis.asyncio as aioredis

    async def announce() -> None:
        client = aioredis.Redis.from_url(settings.redis_url)
        try:
            await report_idle(client, settings)
        finally:
            await client.aclose()

    asyncio.run(announce())


async def run_in_context(ctx, name: str) -> dict[str, Any]:
    job = JOBS[name]
    reason = job.requires(ctx.settings)
    if reason:
        if job.collector:
            await status.set_collector(ctx.redis, job.collector, "idle", reason)
        log.info("job %s skipped: %s", name, reason)
        return {"skipped": reason}
    if job.collector:
        await status.set_collector(ctx.redis, job.collector, "running", f"{name} 실행 중")
    started = time.monotonic()
    try:
        result = await job.function()(ctx) or {}
    except Exception as exc:
        if job.collector:
            await status.set_collector(ctx.redis, job.collector, "error", f"{name}: {type(exc).__name__}: {exc}"[:500])
        log.exception("job %s failed", name)
        raise
    elapsed = round(time.monotonic() - started, 2)
    if job.invalidates:
        await cache.invalidate(
            ctx.redis, prices="prices" in job.invalidates, everything="everything" in job.invalidates
        )
    if job.collector:
        summary = ", ".join(f"{k}={v}" for k, v in result.items() if not isinstance(v, (dict, list)))
        await status.set_collector(ctx.redis, job.collector, "ok", f"{name}: {summary} ({elapsed}s)"[:500])
    log.log(
        logging.INFO if job.collector else logging.DEBUG,
        "job %s done in %.2fs: %s",
        name,
        elapsed,
        result,
        extra={"job": name, "elapsedS": elapsed},
    )
    return result


async def run_job(name: str, settings: Settings, *, show_progress: bool = False, **options: Any) -> dict[str, Any]:
    if name not in JOBS:
        raise KeyError(f"unknown job {name!r}; known: {', '.join(JOBS)}")
    async with open_context(settings, show_progress=show_progress, **options) as ctx:
        return await run_in_context(ctx, name)
