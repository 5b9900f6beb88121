"""`make run`: the whole platform on one machine, as one supervised group.

Starts PostgreSQL and Redis under ./.data (unless DATABASE_URL / REDIS_URL are set), applies
sql/, loads the bundled KRX snapshot into an empty database, then runs the api, the KIS replay
simulator (until KIS keys are configured), ingest, the scheduler and a worker. Anything that
dies — one of these children or the embedded PostgreSQL or Redis — is reaped and started again
with back-off (core/retry.Backoff); a server comes back on the same port and data folder, so
the clients reconnect by themselves. Ctrl-C (or SIGTERM) stops everything cleanly.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from core.retry import Backoff
from db import migrate, snapshot
from devtools.embedded import EmbeddedPostgres, EmbeddedRedis, EmbeddedServer, free_port

log = logging.getLogger("runall")

REPO_ROOT = Path(__file__).resolve().parents[1]
MAX_BACKOFF_S = 30.0
STOP_GRACE_S = 15.0
HEALTHY_AFTER_S = 60.0  # a child that ran this long restarts after the shortest delay
SERVER_FIRST_DELAY_S = 0.5  # a dead PostgreSQL or Redis is started again this soon, then backing off
SERVER_MAX_BACKOFF_S = 10.0


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    backoff: Backoff = field(default_factory=lambda: Backoff(1.0, MAX_BACKOFF_S, jitter=False))
    next_start: float = 0.0
    started_at: float = field(default=0.0)

    def start(self, env: dict[str, str]) -> None:
        # Own session: Sanic kills its whole process group on shutdown, and Ctrl-C reaches only us.
        self.process = subprocess.Popen(
            self.argv, env=env, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, start_new_session=True
        )
        self.started_at = time.monotonic()
        log.info("started %s (pid %d)", self.name, self.process.pid)

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def kill_leftovers(self) -> None:
        """After the child died: end what it started (e.g. worker processes), so none keeps its port."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session: the group id is its pid
        except (ProcessLookupError, PermissionError):
            pass


@dataclass
class ServerWatch:
    """An embedded server under supervision: restarted in place when its process ends."""

    server: EmbeddedServer
    backoff: Backoff = field(default_factory=lambda: Backoff(SERVER_FIRST_DELAY_S, SERVER_MAX_BACKOFF_S, jitter=False))
    next_start: float = 0.0
    started_at: float = field(default_factory=time.monotonic)

    def check(self, now: float) -> None:
        """Called every supervision round: notice a death (the poll reaps it), restart when due."""
        if self.next_start == 0.0:
            code = self.server.exited()
            if code is None:
                return
            if now - self.started_at > HEALTHY_AFTER_S:
                self.backoff.reset()
            delay = self.backoff.next()
            self.next_start = now + delay
            log.warning("%s exited with %s; restarting it in %.1f s", self.server.name, code, delay)
            return
        if now < self.next_start:
            return
        try:
            self.server.restart()
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            delay = self.backoff.next()
            self.next_start = time.monotonic() + delay
            log.warning("%s did not start (%s); trying again in %.1f s", self.server.name, exc, delay)
            return
        self.next_start = 0.0
        self.started_at = time.monotonic()


def _local_secret(data_dir: Path, name: str) -> str:
    """A random secret for the local platform, kept under .data so sessions survive restarts."""
    path = data_dir / name
    if path.exists():
        return path.read_text().strip()
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


def prepare_environment(data_dir: Path) -> tuple[dict[str, str], list[EmbeddedServer]]:
    """Start what the environment does not provide; return the children's environment and servers."""
    env = dict(os.environ)
    servers: list[EmbeddedServer] = []
    data_dir.mkdir(parents=True, exist_ok=True)
    if not env.get("DATABASE_URL"):
        pg = EmbeddedPostgres(data_dir / "postgres")
        env["DATABASE_URL"] = pg.start()
        servers.append(pg)
    if not env.get("REDIS_URL"):
        redis_server = EmbeddedRedis(data_dir / "redis")
        env["REDIS_URL"] = redis_server.start()
        servers.append(redis_server)
    env.setdefault("JWT_SECRET", _local_secret(data_dir, "jwt_secret"))
    env.setdefault("DATA_DIR", str(data_dir))
    env.setdefault("LOG_FORMAT", "text")
    return env, servers


def children_for(env: dict[str, str]) -> list[Child]:
    python = sys.executable
    children = [Child("api", [python, "-m", "api"])]
    if not env.get("KIS_APP_KEYS"):
        # No broker keys: ingest reads the replay simulator, in always-open demo mode.
        port = free_port()
        env["INGEST_SOURCE"] = "kissim"
        env["KISSIM_PORT"] = str(port)
        env["KIS_REST_URL"] = f"http://127.0.0.1:{port}"
        env["KIS_WS_URL"] = f"ws://127.0.0.1:{port}"
        env["KIS_APP_KEYS"] = f"kissim-demo-{secrets.token_hex(8)}:{secrets.token_hex(32)}"
        children.append(Child("kissim", [python, "-m", "devtools.kissim", "--port", str(port)]))
    children += [
        Child("ingest", [python, "-m", "ingest"]),
        Child("scheduler", [python, "-m", "jobs", "scheduler"]),
        Child("worker", [python, "-m", "jobs", "worker"]),
    ]
    missing = [c.name for c in children if not _module_exists(c.argv[2])]
    if missing:
        log.warning("not started (module not present in this checkout): %s", ", ".join(missing))
    return [c for c in children if c.name not in missing]


def _module_exists(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _wait_for_api(url: str, children: list[Child], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(c.exited() is not None for c in children if c.name == "api"):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except urllib.error.HTTPError:
            return True  # the server answers (health may still be 503 while ingest starts)
        except OSError:
            time.sleep(0.3)
    return False


async def _checkpoint(database_url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("CHECKPOINT")
    finally:
        await conn.close()


def stop_children(children: list[Child]) -> None:
    for child in reversed(children):
        if child.exited() is None and child.process is not None:
            child.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_S
    for child in reversed(children):
        if child.process is None:
            continue
        try:
            child.process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop in time; killing it", child.name)
            child.process.kill()


def main() -> None:
    from core import logs

    logs.configure("runall", os.environ.get("LOG_LEVEL", "INFO"), "text")
    data_dir = Path(os.environ.get("DATA_DIR", REPO_ROOT / ".data"))
    env, servers = prepare_environment(data_dir)
    stop = [False]

    def request_stop(signum, frame) -> None:
        stop[0] = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    children: list[Child] = []
    try:
        applied = asyncio.run(migrate.apply_url(env["DATABASE_URL"]))
        log.info("schema up to date (%d migration(s) applied now)", len(applied))
        if asyncio.run(snapshot.load(env["DATABASE_URL"], if_empty=True)):
            log.info("bundled KRX snapshot loaded")
            if any(isinstance(server, EmbeddedPostgres) for server in servers):
                # else a crash soon after would replay the whole load's WAL (~450 MB, ~15 s) on restart
                asyncio.run(_checkpoint(env["DATABASE_URL"]))
        env.setdefault("API_PORT", "8000")
        children = children_for(env)
        port = env["API_PORT"]
        host = env.get("API_HOST", "127.0.0.1")
        for child in children:
            child.start(env)
        if _wait_for_api(f"http://{host}:{port}/api/health", children):
            print(
                f"\n  플랫폼이 실행 중입니다 — the platform is running: http://{host}:{port}/\n"
                f"  API: http://{host}:{port}/api/health   (Ctrl-C to stop)\n",
                flush=True,
            )
        supervise(children, env, stop, [ServerWatch(server) for server in servers])
    except migrate.MigrationError as exc:
        log.error("migration failed: %s", exc)
    finally:
        stop_children(children)
        for server in reversed(servers):
            server.stop()
        log.info("stopped")


def supervise(
    children: list[Child], env: dict[str, str], stop: list[bool], servers: list[ServerWatch] | None = None
) -> None:
    """Restart servers and children that exit, with back-off, until a stop is requested."""
    while not stop[0]:
        now = time.monotonic()
        for watch in servers or ():
            watch.check(now)
        now = time.monotonic()
        for child in children:
            if child.exited() is None:
                continue
            if child.next_start == 0.0:
                child.kill_leftovers()
                if now - child.started_at > HEALTHY_AFTER_S:
                    child.backoff.reset()
                delay = child.backoff.next()
                child.next_start = now + delay
                log.warning("%s exited with %s; restarting in %.0f s", child.name, child.exited(), delay)
            elif now >= child.next_start:
                child.next_start = 0.0
                child.start(env)
        time.sleep(0.2)


if __name__ == "__main__":
    main()
