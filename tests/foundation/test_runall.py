"""`make run`'s supervisor end to end: embedded servers, migrations, snapshot, every process,
health green, a clean stop on Ctrl-C, and a second start that reuses the data."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devtools.embedded import free_port
from tests.support import harness
from tests.support.harness import http

STARTUP_TIMEOUT_S = 120


def _start(data_dir: Path, port: int, log_path: Path, **overrides: str) -> tuple[subprocess.Popen, object]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "JWT_SECRET", "KIS_APP_KEYS", "OPENSEARCH_URL")
    }
    env.update(DATA_DIR=str(data_dir), API_PORT=str(port), LOG_LEVEL="INFO", KISSIM_SPEED="600", **overrides)
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.runall"],
        env=env,
        cwd=harness.REPO_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    return process, log


def _wait_healthy(url: str, process: subprocess.Popen, log_path: Path) -> dict:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    last = None
    while time.monotonic() < deadline:
        assert process.poll() is None, log_path.read_text(errors="replace")[-4000:]
        try:
            last = http("GET", url + "/api/health", timeout=3)
            if last.status == 200:
                return last.json()["data"]
        except OSError:
            pass
        time.sleep(1)
    pytest.fail(
        f"health not green within {STARTUP_TIMEOUT_S} s: {last and last.body!r}\n"
        + log_path.read_text(errors="replace")[-4000:]
    )


def _stop(process: subprocess.Popen, log) -> int:
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(60)
    finally:
        log.close()


def test_make_run_brings_up_everything_and_stops_cleanly(output_dir):
    root = harness.server_folder("krx-runall-")
    data_dir = root / "data"
    port = free_port()
    url = f"http://127.0.0.1:{port}"

    first_log = output_dir / "runall-first.log"
    process, log = _start(data_dir, port, first_log)
    try:
        health = _wait_healthy(url, process, first_log)
        assert health["database"]["ok"] and health["redis"]["ok"] and health["search"]["ok"]
        assert health["ingest"]["ok"] and health["ingest"]["source"] == "kissim"
        shell = http("GET", url + "/")
        assert shell.status == 200 and b"<html" in shell.body.lower()
        text = first_log.read_text(errors="replace")
        assert "bundled KRX snapshot loaded" in text
        assert f"http://127.0.0.1:{port}/" in text
    finally:
        code = _stop(process, log)
    assert code == 0, first_log.read_text(errors="replace")[-3000:]
    assert not (data_dir / "postgres" / "pgdata" / "postmaster.pid").exists()

    second_log = output_dir / "runall-second.log"
    process, log = _start(data_dir, port, second_log)
    try:
        _wait_healthy(url, process, second_log)
        text = second_log.read_text(errors="replace")
        assert "schema up to date (0 migration(s) applied now)" in text
        assert "bundled KRX snapshot loaded" not in text
    finally:
        assert _stop(process, log) == 0
    shutil.rmtree(root, ignore_errors=True)
