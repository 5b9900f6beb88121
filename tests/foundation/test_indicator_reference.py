"""The SPA's indicator fixture (frontend/src/lib/indicators/reference/) is what its script computes
from the bundled KRX data today: pandas and plain loops agree, and the committed JSON is reproducible."""

from __future__ import annotations

import subprocess
import sys

from tests.support.harness import REPO_ROOT

REFERENCE = REPO_ROOT / "frontend" / "src" / "lib" / "indicators" / "reference"


def test_committed_fixture_is_reproduced_from_the_bundled_data(tmp_path):
    out = tmp_path / "fixture.json"
    result = subprocess.run(
        [sys.executable, str(REFERENCE / "make_fixture.py"), "--symbol", "005930", "--out", str(out)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert out.read_bytes() == (REFERENCE / "fixture-005930.json").read_bytes()
