"""Operator entry point for jobs.

python -m jobs scheduler          # APScheduler: enqueue periodic jobs (Asia/Seoul cron)
python -m jobs worker             # Dramatiq workers on the Redis broker
python -m jobs run NAME [--force] # run one job now, in the foreground, with a progress bar
python -m jobs list               # jobs, schedules and whether each can run here
python -m jobs status             # the collectors' states from Redis
"""

from __future__ import annotations

import argparse
import asyncio
import sys

import orjson

from core import logs
from core import settings as settings_mod


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jobs", description="background jobs")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("scheduler", help="enqueue periodic jobs on their cron schedules")
    w = sub.add_parser("worker", help="run Dramatiq workers")
    w.add_argument("--threads", type=int, default=4)
    r = sub.add_parser("run", help="run one job now in the foreground")
    r.add_argument("name")
    r.add_argument("--force", action="store_true", help="redo work already done today (analysis)")
    r.add_argument("--limit", type=int, default=None, help="at most this many subjects")
    sub.add_parser("list", help="list jobs")
    sub.add_parser("status", help="show collector states")
    args = parser.parse_args(argv)

    settings = settings_mod.load_or_exit()
    service = {"scheduler": "scheduler", "worker": "worker"}.get(args.command, "jobs")
    logs.configure(service, settings.log_level, "text" if args.command == "run" else settings.log_format)

    from jobs import registry

    if args.command == "scheduler":
        from jobs import scheduler

        scheduler.main(settings)
    elif args.command == "worker":
        from jobs import worker

        worker.main(settings, threads=args.threads)
    elif args.command == "run":
        if args.name not in registry.JOBS:
            print(f"unknown job {args.name!r}; known: {', '.join(registry.JOBS)}", file=sys.stderr)
            return 2
        options = {"force": args.force}
        if args.limit is not None:
            options["limit"] = args.limit
        result = asyncio.run(registry.run_job(args.name, settings, show_progress=True, **options))
        print(orjson.dumps(result, default=str, option=orjson.OPT_INDENT_2).decode())
        return 0 if "skipped" not in result else 3
    elif args.command == "list":
        from jobs.scheduler import SCHEDULE

        for name, job in registry.JOBS.items():
            reason = job.requires(settings)
            print(f"{name:16} {str(SCHEDULE.get(name, '-')):60} {'ready' if not reason else 'idle: ' + reason}")
    elif args.command == "status":
        import redis.asyncio as aioredis

        from core.contract import status

        async def show() -> dict:
            client = aioredis.Redis.from_url(settings.redis_url)
            try:
                return await status.read_collectors(client)
            finally:
                await client.aclose()

        print(orjson.dumps(asyncio.run(show()), option=orjson.OPT_INDENT_2).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
