"""ingest refuses to start, with the reason, when DATA_DIR cannot be written: it spills there while
PostgreSQL is away, and finding out only then (as a root-owned /app in the old image did) loses rows."""

from __future__ import annotations

import subprocess
import sys

from tests.support import harness


def test_ingest_stops_at_start_when_its_data_folder_is_not_writable(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where DATA_DIR's folder should be")
    env = harness.platform_env("postgresql://x@127.0.0.1:1/x", "redis://127.0.0.1:1/0", DATA_DIR=str(blocked))
    done = subprocess.run(
        [sys.executable, "-m", "ingest"], env=env, cwd=harness.REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("설정 오류 (configuration error): DATA_DIR: ")
    assert str(blocked / "ingest" / "spool") in lines[0] and "not writable" in lines[0]
