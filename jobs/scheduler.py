"""`python -m jobs scheduler`: enqueues the periodic jobs on cron schedules in Asia/Seoul time.

Trading-day jobs (`Job.trading_days_only`: the KIS master, daily prices) are scheduled Monday to
Friday and skip KRX holidays by the calendar (core/market.py), saying so in the log and in their
collector's status. At start it reports idle collectors and enqueues the jobs that give
the demo its data (analysis, keyword counts) plus a buffer flush that recovers anything a crash
left between the Redis buffer and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
from collections.abc import Callable
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from dramatiq.brokers.redis import RedisBroker

from core import market
from core.contract import keys, status
from core.settings import Settings
from core.time import kst_today
from jobs import registry, worker

log = logging.getLogger(__name__)
SEOUL = ZoneInfo("Asia/Seoul")

# job name → trigger (Asia/Seoul)
SCHEDULE = {
    "news": CronTrigger(day_of_week="mon-fri", hour="7-20", minute="*/10", timezone=SEOUL),
    "news_flush": IntervalTrigger(seconds=30, timezone=SEOUL),
    "jina": CronTrigger(minute="5,35", timezone=SEOUL),
    "keywords": CronTrigger(minute=15, timezone=SEOUL),
    "analysis": CronTrigger(hour=6, minute=30, timezone=SEOUL),
    "retention": CronTrigger(hour=3, minute=30, timezone=SEOUL),
    "search_index": CronTrigger(hour=4, minute=0, timezone=SEOUL),
    "kis_master": CronTrigger(day_of_week="mon-fri", hour=7, minute=40, timezone=SEOUL),
    "prices": CronTrigger(day_of_week="mon-fri", hour=16, minute=10, timezone=SEOUL),
    "dart_corp_codes": CronTrigger(day_of_week="sun", hour=1, minute=0, timezone=SEOUL),
    "dart_financials": CronTrigger(hour=2, minute=0, timezone=SEOUL),
    "dart_filings": CronTrigger(hour=19, minute=30, timezone=SEOUL),
}
AT_START = ("news_flush", "keywords", "analysis", "retention", "search_index")


def closed_market_reason(name: str, day: dt.date) -> str | None:
    """Why a scheduled run of `name` on `day` is skipped (a KRX holiday), None when it runs."""
    if not registry.JOBS[name].trading_days_only:
        return None
    calendar = market.calendar()
    if calendar.is_trading_day(day):
        return None
    return f"{day} 휴장일 — 예약 실행을 건너뜁니다 (다음 거래일 {calendar.next_session(day).day})"


def build(settings: Settings, broker: RedisBroker) -> tuple[BlockingScheduler, Callable[[str], None]]:
    """The scheduler with every job of SCHEDULE, and the function that enqueues one job now."""
    scheduler = BlockingScheduler(timezone=SEOUL)

    import redis

    client = redis.Redis.from_url(settings.redis_url)

    def enqueue(name: str) -> None:
        reason = registry.JOBS[name].requires(settings)
        if reason:
            log.debug("not enqueuing %s: %s", name, reason)
            return
        closed = closed_market_reason(name, kst_today())
        if closed:
            log.info("not enqueuing %s: %s", name, closed)
            collector = registry.JOBS[name].collector
            try:
                if collector:
                    status.set_collector_sync(client, collector, "idle", closed)
            except redis.RedisError as exc:
                log.warning("cannot report the skipped %s run: %s", name, exc)
            return
        if name == "news_flush":
            try:
                if not (client.llen(keys.NEWS_BUFFER) or client.llen(keys.NEWS_PROCESSING)):
                    return  # nothing buffered: no message every 30 s
            except redis.RedisError as exc:
                log.warning("cannot read the news buffer length: %s", exc)
        worker.enqueue(broker, name)
        log.debug("enqueued %s", name)

    for name, trigger in SCHEDULE.items():
        scheduler.add_job(
            enqueue, trigger, args=[name], id=name, name=name, coalesce=True, max_instances=1, misfire_grace_time=300
        )
    return scheduler, enqueue


def main(settings: Settings) -> None:
    broker = worker.setup_broker(settings)

    registry.announce_idle(settings)
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    scheduler, enqueue = build(settings, broker)
    for name in AT_START:
        enqueue(name)

    def stop(*_: object) -> None:
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for job in scheduler.get_jobs():
        log.info("scheduled %s: %s", job.id, job.trigger)
    log.info("scheduler started (Asia/Seoul)")
    scheduler.start()
    log.info("scheduler stopped")
