# The two commands: `make run` (the whole platform) and `make test` (every check and test suite).
# Everything is installed into this folder: .venv (Python + the Rust extension), frontend/node_modules.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export VIRTUAL_ENV := $(abspath $(VENV))
export PATH := $(abspath $(BIN)):$(HOME)/.cargo/bin:$(PATH)

RUST_SOURCES     := $(shell find tickcore/src -name '*.rs' 2>/dev/null) tickcore/Cargo.toml Cargo.toml
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/public -type f 2>/dev/null) \
                    $(wildcard frontend/*.json frontend/*.ts frontend/*.js)

.PHONY: run test setup prerequisites prerequisites-test python-deps extension timescale frontend-build browser nginx \
        lint lint-python lint-rust lint-frontend test-rust test-python test-frontend clean help

help:
	@echo "make run   - install what is missing and start the whole platform (Ctrl-C stops it)"
	@echo "make test  - install what is missing, run the linters and the architecture test, then every suite"
	@echo "make lint  - the linters only (ruff, mypy, clippy, rustfmt, ESLint, Prettier)"
	@echo "benchmarks: see bench/README.md (one command each)"

run: prerequisites setup
	$(BIN)/python -m devtools.runall

test: prerequisites-test setup browser nginx
	$(MAKE) lint
	$(BIN)/python -m pytest -q tests/architecture
	$(MAKE) test-rust test-python test-frontend

prerequisites:
	@devtools/check-prerequisites.sh run

prerequisites-test:
	@devtools/check-prerequisites.sh test

setup: python-deps extension timescale frontend-build

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade "pip>=24"

# Dependencies are pinned by constraints.txt (what was tested); the package itself is editable.
$(VENV)/.deps-installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install -q -c constraints.txt -e '.[dev,test]'
	@touch $@

python-deps: $(VENV)/.deps-installed

$(VENV)/.extension-built: $(VENV)/.deps-installed $(RUST_SOURCES)
	$(BIN)/maturin develop --release -q
	@touch $@

extension: $(VENV)/.extension-built

# TimescaleDB from vendor/ into the embedded PostgreSQL (~2 min once; a no-op while its stamp matches).
timescale: $(VENV)/.deps-installed
	$(BIN)/python -m devtools.timescale build

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	cd frontend && npm run build

frontend-build: $(if $(wildcard frontend/package.json),frontend/dist/index.html,)

# Debian's Chromium for the browser tests (no browser download from a test tool).
browser:
	@command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi "noto sans cjk" \
	  || (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)

# Debian's nginx for tests/deploy (deploy/nginx.conf in front of the natively started topology).
nginx:
	@command -v nginx >/dev/null || command -v /usr/sbin/nginx >/dev/null \
	  || (apt-get update -qq && apt-get install -y -qq nginx >/dev/null)

lint: lint-python lint-rust lint-frontend

lint-python: $(VENV)/.deps-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

lint-rust:
	cargo fmt --check
	cargo clippy --release -p tickcore --all-targets --features python -- -D warnings

lint-frontend: frontend/node_modules/.installed
	cd frontend && npm run --silent lint

test-rust:
	cargo test --release -p tickcore

# Every suite on TimescaleDB (the default), then the storage tests again on plain PostgreSQL.
test-python:
	$(BIN)/python -m pytest --ignore=tests/architecture
	KRX_TEST_STORAGE=postgres $(BIN)/python -m pytest -m storage --ignore=tests/architecture

test-frontend:
	@if [ -f frontend/package.json ]; then cd frontend && npm test; fi

clean:
	rm -rf $(VENV) target frontend/node_modules frontend/dist test-output
