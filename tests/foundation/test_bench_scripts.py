"""Every benchmark still starts: its imports and arguments are those of today's code (the runs
themselves are by hand, bench/README.md)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.harness import REPO_ROOT

SCRIPTS = sorted(path.name for path in (REPO_ROOT / "bench").glob("*.py"))


@pytest.mark.parametrize("script", SCRIPTS)
def test_benchmark_answers_help(script):
    result = subprocess.run(
        [sys.executable, f"bench/{script}", "--help"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "usage" in result.stdout.lower()
