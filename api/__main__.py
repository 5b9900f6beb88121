"""`python -m api`: run the api server with API_WORKERS worker processes.

With more than one worker, Sanic's manager notices a worker that died (kill -9, out of memory)
but does not start it again, and the main process lives on, so neither `make run`'s supervisor nor
a container restart policy would see anything wrong: the api would serve on the remaining workers
for good. `watch_workers` asks the manager to restart a dead worker in its place instead.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import partial

from sanic import Sanic
from sanic.worker.constants import ProcessState
from sanic.worker.loader import AppLoader
from sanic.worker.manager import WorkerManager

from api.app import create_app
from core import logs, settings

log = logging.getLogger("api")

WATCH_INTERVAL_S = 0.5


def dead_workers(manager: WorkerManager) -> list[tuple[str, int]]:
    """(name, pid) of the server workers that exited on their own (not restarting, not stopping)."""
    dead = []
    for process in manager.transient_processes:
        if process.state in (ProcessState.RESTARTING, ProcessState.STARTING, ProcessState.NONE, ProcessState.IDLE):
            continue
        if process.pid and not process.is_alive():
            dead.append((process.name, process.pid))
    return dead


def watch_workers(manager: WorkerManager) -> None:
    """Until the manager shuts down: have each dead server worker restarted (once per dead pid)."""
    handled: set[int] = set()
    while not getattr(manager, "_shutting_down", False):
        time.sleep(WATCH_INTERVAL_S)
        for name, pid in dead_workers(manager):
            if pid in handled or getattr(manager, "_shutting_down", False):
                continue
            handled.add(pid)
            log.warning("api worker %s (pid %d) died; starting it again", name, pid)
            manager.monitor_publisher.send(f"{name}:")  # the manager's own restart message


def main() -> None:
    config = settings.load_or_exit()
    logs.configure("api", config.log_level, config.log_format)
    loader = AppLoader(factory=partial(create_app, config))
    app = loader.load()
    single = config.api.workers == 1
    app.prepare(
        host=config.api.host,
        port=config.api.port,
        workers=config.api.workers,
        access_log=False,
        motd=False,
        single_process=single,
        backlog=1024,
    )
    if single:
        Sanic.serve_single(primary=app)
    else:

        @app.main_process_ready
        async def start_watch(app: Sanic) -> None:
            threading.Thread(target=watch_workers, args=(app.manager,), name="worker-watch", daemon=True).start()

        Sanic.serve(primary=app, app_loader=loader)


if __name__ == "__main__":
    main()
