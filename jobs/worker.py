"""`python -m jobs worker`: Dramatiq workers on the Redis broker.

One actor, `run_job(name)`, runs any job of `jobs.registry.JOBS`. Dramatiq's middleware gives
each message retries with exponential back-off (`max_retries` per job, 10 s → 10 min), a time
limit (per job), and a dead-letter queue (`dramatiq:jobs.XQ`, kept 7 days) for messages that
exhausted their retries; those are also reported as `error` in `jobs:collectors` and logged.
A Redis lock per job keeps two runs of the same job from overlapping.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import Middleware

from core.contract import keys, status
from core.settings import Settings
from jobs import registry

log = logging.getLogger(__name__)

QUEUE = "jobs"
ACTOR = "run_job"
MIN_BACKOFF_MS = 10_000
MAX_BACKOFF_MS = 600_000
_settings: Settings | None = None


class DeadLetterReporter(Middleware):
    """Makes a message that used up its retries visible: error log + collector status."""

    def __init__(self, redis_url: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(redis_url)
        self._errors: dict[str, BaseException] = {}

    def after_process_message(self, broker, message, *, result=None, exception=None):
        # Middleware "after" hooks run in reverse order, before Retries decides; remember the
        # error and report it when the message is really dead-lettered (nacked).
        if exception is not None:
            self._errors[message.message_id] = exception
        else:
            self._errors.pop(message.message_id, None)

    def after_nack(self, broker, message):
        exception = self._errors.pop(message.message_id, None)
        name = message.args[0] if message.args else "?"
        retries = message.options.get("retries", 0)
        log.error(
            "job %s dead-lettered after %d attempt(s): %s",
            name,
            retries + 1,
            exception,
            extra={"job": name, "messageId": message.message_id},
        )
        job = registry.JOBS.get(name)
        if job and job.collector:
            status.set_collector_sync(
                self.redis,
                job.collector,
                "error",
                f"{name}: 실패 후 dead-lettered ({retries + 1}회 시도): {exception}"[:500],
            )


def _run_job(name: str) -> None:
    """The actor body: one job, once, under a Redis lock."""
    assert _settings is not None
    job = registry.JOBS[name]

    async def run() -> None:
        from jobs.context import open_context

        async with open_context(_settings) as ctx:
            lock_key = keys.job_lock(name)
            if not await ctx.redis.set(lock_key, "1", nx=True, ex=job.time_limit_s + 60):
                log.info("job %s already running elsewhere; skipped", name)
                return
            try:
                await registry.run_in_context(ctx, name)
            finally:
                await ctx.redis.delete(lock_key)

    asyncio.run(run())


def setup_broker(settings: Settings) -> RedisBroker:
    """Create the broker, declare the actor on it, and make it dramatiq's global broker."""
    global _settings
    _settings = settings
    broker = RedisBroker(url=settings.redis_url)
    dramatiq.set_broker(broker)
    from core.services import AuthError, QuotaExceeded

    # A bad key or a used-up daily quota will not heal by retrying: fail at once (dead letter).
    dramatiq.actor(
        actor_name=ACTOR,
        queue_name=QUEUE,
        broker=broker,
        throws=(AuthError, QuotaExceeded),
        max_retries=3,
        min_backoff=MIN_BACKOFF_MS,
        max_backoff=MAX_BACKOFF_MS,
    )(_run_job)
    return broker


def enqueue(broker: RedisBroker, name: str, **options) -> None:
    """Put one run of job `name` on the queue, with the job's own time limit and retries."""
    job = registry.JOBS[name]
    actor = broker.get_actor(ACTOR)
    actor.send_with_options(
        args=(name,), **{"time_limit": job.time_limit_s * 1000, "max_retries": job.max_retries, **options}
    )


def main(settings: Settings, threads: int = 4) -> None:
    broker = setup_broker(settings)
    broker.add_middleware(DeadLetterReporter(settings.redis_url))

    registry.announce_idle(settings)
    worker = dramatiq.Worker(broker, worker_threads=threads, worker_timeout=1000)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    worker.start()
    log.info("worker started: %d threads on queue %s", threads, QUEUE)
    stop.wait()
    log.info("worker stopping")
    worker.stop(timeout=10_000)
    log.info("worker stopped")
