"""The TimescaleDB build tool: the vendored archive is the one recorded, a different file is refused
before anything is built, and the stamp says what is installed."""

from __future__ import annotations

import pytest

from devtools import timescale


def test_the_vendored_archive_is_the_recorded_one():
    assert timescale.sha256_of(timescale.ARCHIVE) == timescale.ARCHIVE_SHA256
    readme = (timescale.REPO_ROOT / "vendor" / "README.md").read_text()
    assert timescale.ARCHIVE_SHA256 in readme and timescale.ARCHIVE.name in readme


def test_a_changed_archive_is_refused_before_building(tmp_path, monkeypatch):
    forged = tmp_path / timescale.ARCHIVE.name
    forged.write_bytes(timescale.ARCHIVE.read_bytes()[:-1] + b"\x00")
    monkeypatch.setattr(timescale, "ARCHIVE", forged)
    monkeypatch.setattr(timescale, "installed", lambda: False)
    with pytest.raises(timescale.BuildError, match="sha256 .* is not the recorded"):
        timescale.build()


@pytest.mark.timescale
def test_the_stamp_names_the_installed_archive():
    assert timescale.installed()
    assert timescale.stamp_path().read_text().strip() == timescale.ARCHIVE_SHA256
    assert (timescale.library_dir() / f"timescaledb-tsl-{timescale.VERSION}.so").exists()
