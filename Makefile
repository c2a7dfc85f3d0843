# The two commands: `make demo` and `make test`. Both install what they need.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PIP     = $(BIN)/python -m pip --disable-pip-version-check -q
DEMO_CONFIG = config/demo.toml
DEMO_STATE  = var/demo

.PHONY: demo test install install-test lint typecheck clean demo-reset

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
install-test: $(VENV)/.installed-test

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
