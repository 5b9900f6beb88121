#!/usr/bin/env bash
# What `make run` and `make test` need on a fresh machine, checked up front: one line per missing
# tool, naming it and what it is for, then exit 1. (Debian's Chromium and the CJK fonts for the
# browser tests are installed by `make test` itself, with apt-get.)
set -u
target="${1:-run}"
missing=()

need() {  # need COMMAND "what it is for" [MIN_VERSION VERSION_COMMAND...]
  local cmd="$1" why="$2"
  if ! command -v "$cmd" >/dev/null 2>&1; then
    missing+=("$cmd — $why")
  fi
}

version_at_least() {  # version_at_least HAVE WANT
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

need python3 "Python 3.11+ (every process, the tests)"
if command -v python3 >/dev/null 2>&1; then
  have=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  version_at_least "$have" 3.11 || missing+=("python3 ≥ 3.11 — found $have")
fi
command -v cargo >/dev/null 2>&1 || [ -x "$HOME/.cargo/bin/cargo" ] || missing+=("cargo — Rust by rustup (https://rustup.rs), builds tickcore")
need node "Node.js 20+ (builds the SPA)"
need npm "npm (the SPA's packages)"
if command -v node >/dev/null 2>&1; then
  have=$(node -p 'process.versions.node')
  version_at_least "$have" 20.19 || missing+=("node ≥ 20.19 — found $have")
fi
need cc "a C compiler (Python packages with C parts, TimescaleDB)"
need cmake "cmake (builds TimescaleDB from vendor/ into the embedded PostgreSQL; e.g. apt-get install cmake)"
if [ "$target" = "test" ]; then
  need java "a JDK 17+ (the OpenSearch test node)"
  need javac "a JDK 17+ with javac (compiles the test node's Korean analysis plugin)"
  need mvn "Maven (fetches the OpenSearch test node into .cache/)"
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "make $target needs what this machine does not have:" >&2
  for item in "${missing[@]}"; do echo "  - $item" >&2; done
  exit 1
fi
