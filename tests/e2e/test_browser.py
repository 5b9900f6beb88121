"""The frontend's end-to-end suite in headless Chromium against the platform started as
`make run` starts it (devtools.runall with its own embedded servers). Screenshots go to
test-output/e2e/."""

import os
import shutil
import subprocess

import pytest

from devtools.embedded import free_port
from tests.foundation.test_runall import _start, _stop, _wait_healthy
from tests.support import harness

FRONTEND = harness.REPO_ROOT / "frontend"


@pytest.fixture(scope="module")
def platform_url(tmp_path_factory, output_dir):
    root = tmp_path_factory.mktemp("e2e")
    root.chmod(0o755)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = output_dir / "platform.log"
    process, log = _start(root / "data", port, log_path)
    try:
        _wait_healthy(url, process, log_path)
        yield url
    finally:
        _stop(process, log)


def test_browser_flows(platform_url, output_dir):
    assert shutil.which("chromium"), "Debian's chromium is required (make test installs it)"
    env = {**os.environ, "E2E_BASE_URL": platform_url, "E2E_OUTPUT_DIR": str(output_dir / "screenshots")}
    result = subprocess.run(
        ["npm", "run", "--silent", "e2e"], cwd=FRONTEND, env=env, capture_output=True, text=True, timeout=600
    )
    (output_dir / "e2e.log").write_text(result.stdout + "\n" + result.stderr)
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
