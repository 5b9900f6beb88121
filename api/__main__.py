"""`python -m api`: run the api server with API_WORKERS worker processes."""

from __future__ import annotations

from functools import partial

from sanic import Sanic
from sanic.worker.loader import AppLoader

from api.app import create_app
from core import logs, settings


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
        Sanic.serve(primary=app, app_loader=loader)


if __name__ == "__main__":
    main()
