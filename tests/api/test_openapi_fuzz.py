"""schemathesis over /api/openapi.json against a real api: every check (no 5xx, responses match the
document's schemas, status codes and content types; requests valid per the document are accepted,
invalid ones refused), bounded examples (tests/api/schemathesis.toml), a fixed seed so a failure
reproduces. What the run skips and why is in that file."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.api.conftest import new_user, start_api
from tests.support import harness

CONFIG = Path(__file__).with_name("schemathesis.toml")
SEED = "16"


@pytest.fixture(scope="module")
def fuzz_api(snapshot_database_url, redis_url, output_dir):
    server = start_api(snapshot_database_url, redis_url, output_dir / "api_fuzz.log", RATE_LIMIT_ENABLED="false")
    yield server
    server.stop()


def test_schemathesis_finds_nothing(fuzz_api, output_dir):
    import subprocess

    _, signed_in = new_user(fuzz_api.url)
    _, logging_out = new_user(fuzz_api.url)
    _, account = new_user(fuzz_api.url)
    st = Path(sys.executable).with_name("st")
    assert st.exists() or shutil.which("st"), "schemathesis is installed with the test extra"
    report_dir = output_dir / "schemathesis"
    result = subprocess.run(
        [
            str(st),
            "--config-file",
            str(CONFIG),
            "run",
            fuzz_api.url + "/api/openapi.json",
            "--header",
            f"Authorization: Bearer {signed_in['accessToken']}",
            "--checks",
            "all",
            "--seed",
            SEED,
            "--report",
            "junit",
            "--report-dir",
            str(report_dir),
            "--no-color",
        ],
        env={**os.environ, "ST_LOGOUT_TOKEN": logging_out["accessToken"], "ST_ACCOUNT_TOKEN": account["accessToken"]},
        cwd=harness.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    (output_dir / "schemathesis.log").write_text(result.stdout + result.stderr)
    assert result.returncode == 0, (result.stdout + result.stderr)[-8000:]
    assert "unhandled error" not in fuzz_api.output() and "Traceback" not in fuzz_api.output()
