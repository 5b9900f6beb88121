"""The .pyi stubs describe the extension that is actually built: mypy's stubtest compares every
name, signature, class and property of tickcore/_tickcore.pyi with the built module (the dict
shapes and the interval alias exist for type checkers only: tickcore/stubtest-allowlist.txt)."""

from __future__ import annotations

import subprocess
import sys

import tickcore
from tests.support.harness import REPO_ROOT


def test_stubtest_finds_no_difference():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy.stubtest",
            "tickcore._tickcore",
            "--allowlist",
            str(REPO_ROOT / "tickcore" / "stubtest-allowlist.txt"),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_package_exports_what_the_extension_exports():
    assert set(tickcore.__all__) == set(tickcore._tickcore.__all__)
