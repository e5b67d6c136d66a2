# Dossier — `make help` lists the targets.
# Everything runs inside .venv, created and installed from pyproject.toml on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help run test bench lint typecheck check clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP) ## open the default dossier in the browser
	$(VENV)/bin/dossier

test: $(STAMP) ## run every test (not the benchmarks), on up to 4 processes
	$(PY) -m pytest -q -n auto --maxprocesses 4

bench: $(STAMP) ## run the benchmarks in tests/bench and print the figures (SIZES=1m,10m for 10M beside 1M)
	$(PY) -m tests.bench $(if $(SIZES),--sizes $(SIZES))

lint: $(STAMP) ## ruff, and the layer contracts in pyproject.toml (import-linter)
	$(VENV)/bin/ruff check dossier tests
	$(VENV)/bin/lint-imports --no-cache

typecheck: $(STAMP) ## mypy --strict
	$(VENV)/bin/mypy

check: lint typecheck test ## lint, typecheck and test

clean: ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
