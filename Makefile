# The two commands: `make demo` and `make test`. Both install what they need.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PIP     = $(BIN)/python -m pip --disable-pip-version-check -q
DEMO_CONFIG = config/demo.toml
DEMO_STATE  = var/demo

.PHONY: demo test install install-test chromium lint typecheck clean demo-reset

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the project's metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	@touch $@

# torch first, pinned: pip then takes the CPU wheel instead of a multi-GB CUDA build.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install torch==2.13.0
	$(PIP) install -e '.[test]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test chromium

# The browser tests drive Debian's Chromium through Playwright (never `playwright install`).
# Idempotent: apt-get runs only when /usr/bin/chromium is missing.
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@test -x /usr/bin/chromium || { \
	  echo "installing Debian chromium for the browser tests (tests/web/test_browser.py)"; \
	  $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y chromium; }

## demo: install, then one full daemon pass on the embedded default (offline)
demo: install
	@mkdir -p $(DEMO_STATE)
	@test -f $(DEMO_STATE)/feed.jsonl || cp config/demo/feed.jsonl $(DEMO_STATE)/feed.jsonl
	$(BIN)/sitewatch run --once --config $(DEMO_CONFIG)
	@echo
	$(BIN)/sitewatch incidents list --config $(DEMO_CONFIG)
	@echo
	@echo "E-mails are in $(DEMO_STATE)/outbox/ (one .eml per message)."

## demo-reset: forget the demo's state (store, outbox, feed copy)
demo-reset:
	rm -rf $(DEMO_STATE)

## test: install test needs, run every test (PostgreSQL at 127.0.0.1:5432), then lint
test: install-test
	$(BIN)/python -m pytest
	@$(MAKE) --no-print-directory lint

lint: install-test
	$(BIN)/ruff check src connectors tests $(wildcard bench)
	$(BIN)/ruff format --check src connectors tests $(wildcard bench)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

# systemd-analyze verifies the units in systemd/ (tests/ops/test_units.py); Debian ships it in
# `systemd`. Idempotent: installs only when the tool is missing.
.PHONY: systemd-tools
install-test: systemd-tools
systemd-tools:
	@command -v systemd-analyze >/dev/null 2>&1 || { \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends systemd; }
