"""The soak benchmark's 60-second mode runs end to end and loses nothing (its figures are for
bench/RESULTS.md, by hand: nothing here asserts a latency)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support.harness import REPO_ROOT


@pytest.mark.timeout(240)
def test_soak_quick_runs_and_loses_nothing(tmp_path):
    result = subprocess.run(
        [sys.executable, "bench/soak.py", "--quick", "--out", str(tmp_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=230,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((tmp_path / "soak.json").read_text())
    counts = report["counts"]
    assert counts["sent"] > 10_000
    assert counts["lost_from_storage"] == 0 and counts["duplicates_stored"] == 0
    assert counts["stored_not_in_send_log"] == 0
    assert counts["not_published"] == 0
    assert counts["delivered_ws"] > 0 and counts["delivered_sse"] > 0
    assert counts["client_out_of_order"] == 0 and counts["client_repeated"] == 0
    missing = counts["client_missing"]
    # a client misses only ticks the server told it it dropped, or those of a reconnect (the KIS drop
    # of the quick run reconnects ingest, not the clients)
    assert missing["within_connection"] <= missing["dropped_by_server"]
    assert counts["unmatched_latency"] == 0  # every delivered tick found its send time
    assert report["rest_ms"]["overall"]["requests"] > 0
    assert [f["kind"] for f in report["faults"]] == ["kis"]
