"""The compose topology of deploy/ run natively: no Docker engine here, so the same processes, with the
commands and environment read from deploy/docker-compose.yml and deploy/Dockerfile (tests/deploy/
compose.py), run as an unprivileged user behind Debian's nginx with deploy/nginx.conf.

Stand-ins for the images the platform does not build: the embedded PostgreSQL (TimescaleDB when it
is built in, as the test harness starts it) for `timescaledb`, the embedded Redis for `redis`, the
OpenSearch test node for `opensearch` — each started by devtools' own start functions. A small
supervisor applies compose's `restart:` policy (unless-stopped: a process that exits is started
again, after compose's back-off: 100 ms doubling, reset after 10 s of running).
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from core.retry import Backoff
from devtools.embedded import free_port
from tests.deploy import compose

RUN_AS = "krx"  # the image's user (deploy/Dockerfile: uid 10001)
RUN_AS_UID = 10001
NGINX_USER = "www-data"
RESTART_FIRST_DELAY_S = 0.1  # compose's restart back-off
RESTART_MAX_DELAY_S = 60.0
RESTART_RESET_AFTER_S = 10.0


def ensure_user(name: str = RUN_AS, uid: int = RUN_AS_UID) -> tuple[int, int] | None:
    """(uid, gid) of the unprivileged user the processes run as; created when missing. None when this
    test itself is not root (then everything already runs unprivileged, as this user)."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        taken = any(e.pw_uid == uid for e in pwd.getpwall())
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "--user-group"]
            + ([] if taken else ["--uid", str(uid)])
            + [name],
            check=True,
            capture_output=True,
        )
        entry = pwd.getpwnam(name)
    return entry.pw_uid, entry.pw_gid


def make_reachable(path: Path) -> list[Path]:
    """Let every user reach `path` (the interpreter of the checkout's virtualenv, e.g. pyenv's under
    /root, mode 700): search permission only (o+x, no listing) on each ancestor folder that lacks
    it. Returns the folders changed. The processes must run unprivileged, so they need this."""
    changed = []
    for folder in reversed(path.resolve().parents):
        mode = folder.stat().st_mode
        if not mode & 0o001:
            folder.chmod(mode | 0o001)
            changed.append(folder)
    return changed


def chown_tree(path: Path, ids: tuple[int, int] | None) -> None:
    if ids is None:
        return
    for folder, dirs, files in os.walk(path):
        os.chown(folder, *ids)
        for name in dirs + files:
            os.chown(os.path.join(folder, name), *ids)


@dataclass
class Process:
    """One compose service's process under the restart policy."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    restart: str = "no"
    ids: tuple[int, int] | None = None
    popen: subprocess.Popen | None = None
    started_at: float = 0.0
    starts: int = 0
    next_start: float = 0.0
    backoff: Backoff = field(default_factory=lambda: Backoff(RESTART_FIRST_DELAY_S, RESTART_MAX_DELAY_S, jitter=False))

    def start(self) -> None:
        user = {"user": self.ids[0], "group": self.ids[1], "extra_groups": []} if self.ids else {}
        log = open(self.log_path, "ab")
        try:
            self.popen = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=compose.REPO_ROOT,  # the images' WORKDIR /app
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Sanic ends its own process group; a kill reaches only this one
                **user,
            )
        finally:
            log.close()
        self.started_at = time.monotonic()
        self.starts += 1

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def exited(self) -> int | None:
        return None if self.popen is None else self.popen.poll()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 15.0) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        self.popen.terminate()
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()


class Supervisor:
    """compose's `restart: unless-stopped` for our processes (`no`: left as they ended)."""

    def __init__(self) -> None:
        self.processes: dict[str, Process] = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="restart-policy", daemon=True)
        self._thread.start()

    def add(self, process: Process) -> Process:
        with self._lock:
            self.processes[process.name] = process
            process.start()
        return process

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            with self._lock:
                now = time.monotonic()
                for process in self.processes.values():
                    if process.restart != "unless-stopped" or process.exited() is None:
                        continue
                    if process.next_start == 0.0:
                        if now - process.started_at > RESTART_RESET_AFTER_S:
                            process.backoff.reset()
                        process.next_start = now + process.backoff.next()
                    elif now >= process.next_start:
                        process.next_start = 0.0
                        try:
                            os.killpg(process.pid, signal.SIGKILL)  # what the dead one left (a container ends whole)
                        except (ProcessLookupError, PermissionError):
                            pass
                        process.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        with self._lock:
            for process in reversed(list(self.processes.values())):
                process.stop()


# ---------------------------------------------------------------------------------------- nginx

NGINX_MAIN = """# the nginx image's /etc/nginx/nginx.conf, as it applies to deploy/nginx.conf
{user}worker_processes 2;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {run}/access.log;
    sendfile on;
    keepalive_timeout 65;
    client_body_temp_path {run}/tmp/body;
    proxy_temp_path {run}/tmp/proxy;
    fastcgi_temp_path {run}/tmp/fastcgi;
    uwsgi_temp_path {run}/tmp/uwsgi;
    scgi_temp_path {run}/tmp/scgi;
    include {run}/default.conf;
}}
"""


def nginx_site(host_map: compose.HostMap, web_port: int, spa_root: Path) -> tuple[str, list[tuple[str, str]]]:
    """deploy/nginx.conf with only its ports, upstream host and SPA folder substituted; the changed
    lines are returned so a test can check that nothing else changed."""
    original = compose.NGINX_CONF.read_text(encoding="utf-8").splitlines()
    changed_lines = []
    out = []
    for line in original:
        new = host_map.value(line)
        stripped = new.strip()
        if stripped.startswith("listen 80 "):
            new = new.replace("listen 80 ", f"listen 127.0.0.1:{web_port} ", 1)
        elif stripped == "root /usr/share/nginx/html;":
            new = new.replace("/usr/share/nginx/html", str(spa_root))
        if new != line:
            changed_lines.append((line.strip(), new.strip()))
        out.append(new)
    return "\n".join(out) + "\n", changed_lines


def start_nginx(run_dir: Path, site: str) -> subprocess.Popen:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise RuntimeError("nginx is not installed (apt-get install -y nginx; .ci/run does it)")
    (run_dir / "tmp").mkdir(parents=True, exist_ok=True)
    user = f"user {NGINX_USER};\n" if os.geteuid() == 0 else ""
    (run_dir / "nginx.conf").write_text(NGINX_MAIN.format(user=user, run=run_dir))
    (run_dir / "default.conf").write_text(site)
    if os.geteuid() == 0:
        entry = pwd.getpwnam(NGINX_USER)
        chown_tree(run_dir / "tmp", (entry.pw_uid, entry.pw_gid))
    check = subprocess.run([nginx, "-t", "-c", str(run_dir / "nginx.conf")], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
    return subprocess.Popen(
        [nginx, "-c", str(run_dir / "nginx.conf"), "-g", "daemon off;"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=open(run_dir / "nginx.stderr", "wb"),
        start_new_session=True,
    )


# ------------------------------------------------------------------------------- healthchecks


def healthcheck_argv(service: dict, own: compose.HostMap, name: str) -> list[str] | None:
    """The compose healthcheck's test as a local command (its 127.0.0.1 is the service's own host)."""
    check = service.get("healthcheck") or {}
    if check.get("disable") or not check.get("test"):
        return None
    test = check["test"]
    if isinstance(test, str):
        return ["sh", "-c", own.value(test)]
    kind, *argv = test
    argv = [own.value(arg) for arg in argv]
    return ["sh", "-c", argv[0]] if kind == "CMD-SHELL" else argv


def wait_healthy(argv: list[str], env: dict[str, str], timeout: float, what: str) -> float:
    """Run the healthcheck until it passes; seconds it took."""
    started = time.monotonic()
    last = ""
    while time.monotonic() - started < timeout:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=15, cwd=compose.REPO_ROOT)
        if done.returncode == 0:
            return time.monotonic() - started
        last = (done.stdout + done.stderr).strip()[-500:]
        time.sleep(0.3)
    raise AssertionError(f"{what} not healthy after {timeout:.0f} s: {shlex.join(argv)}: {last}")


def python_path_env(extra: dict[str, str], home: Path) -> dict[str, str]:
    """What a container's process environment has besides compose's and the image's: PATH (the
    checkout's virtualenv stands in for the image's site-packages), HOME, a UTF-8 locale."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        **extra,
    }


def port_listening(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


__all__ = [
    "Process",
    "Supervisor",
    "chown_tree",
    "ensure_user",
    "free_port",
    "healthcheck_argv",
    "nginx_site",
    "port_listening",
    "python_path_env",
    "start_nginx",
    "wait_healthy",
]
