"""The frontend's end-to-end suite in headless Chromium against the platform started as
`make run` starts it (devtools.runall with its own embedded servers). Screenshots go to
test-output/e2e/."""

import os
import shutil
import subprocess
import time

import psutil
import pytest

from devtools.embedded import free_port
from tests.foundation.test_crash_recovery import kill9, module
from tests.foundation.test_runall import _start, _stop, _wait_healthy
from tests.support import harness
from tests.support.harness import http

FRONTEND = harness.REPO_ROOT / "frontend"


@pytest.fixture(scope="module")
def platform_url(output_dir):
    root = harness.server_folder("krx-e2e-")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = output_dir / "platform.log"
    process, log = _start(root / "data", port, log_path)
    try:
        _wait_healthy(url, process, log_path)
        make_a_gap_in_the_feed(url, psutil.Process(process.pid))
        yield url
    finally:
        _stop(process, log)
        shutil.rmtree(root, ignore_errors=True)


def make_a_gap_in_the_feed(url: str, supervisor: psutil.Process) -> None:
    """kill -9 of ingest once it streams: the chart must then show the gap it leaves (a real one)."""
    deadline = time.monotonic() + 60
    while True:
        ingest = http("GET", url + "/api/health").json()["data"]["ingest"]
        counters = (ingest.get("detail") or {}).get("metrics", {}).get("counters", {})
        if ingest.get("connected") and counters.get("rows_written_ticks"):
            break
        assert time.monotonic() < deadline, ingest
        time.sleep(0.5)
    time.sleep(1.0)
    kill9(module("ingest")(supervisor))
    deadline = time.monotonic() + 30
    while not ((http("GET", url + "/api/health").json()["data"]["ingest"].get("detail") or {}).get("gap") or {}).get(
        "endedAt"
    ):
        assert time.monotonic() < deadline, "the restarted ingest recorded no gap"
        time.sleep(0.5)


def test_browser_flows(platform_url, output_dir):
    assert shutil.which("chromium"), "Debian's chromium is required (make test installs it)"
    env = {
        **os.environ,
        "E2E_BASE_URL": platform_url,
        "E2E_OUTPUT_DIR": str(output_dir / "screenshots"),
        "E2E_EXPECT_FEED_GAP": "1",
    }
    result = subprocess.run(
        ["npm", "run", "--silent", "e2e"], cwd=FRONTEND, env=env, capture_output=True, text=True, timeout=600
    )
    (output_dir / "e2e.log").write_text(result.stdout + "\n" + result.stderr)
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
