# Dossier — `make help` lists the targets.
# Everything runs inside .venv, created and installed from pyproject.toml on first use.

# The Python 3.11 that makes .venv: the quickest of those on the PATH, by a short loop
# run in each (~0.2 s), then the first python3.11 or python3 if none can make a venv.
# Builds differ: a distribution's python3.11 is built with profile-guided and link-time
# optimization, pyenv's by default is not, and serving a key then costs ~14 % more CPU
# (docs/serving.md, "Which Python serves"). `make PYTHON=/path/to/python3.11` chooses.
define QUICKEST
import sys, time, ensurepip, venv
assert sys.version_info[:2] == (3, 11)
def work():
    class P:
        def __init__(s, x, y): s.x = x; s.y = y
        def add(s, o): return P(s.x + o.x, s.y + o.y)
    a, d, parts = P(0, 0), {}, []
    for i in range(60000):
        a = a.add(P(i, 1)); d[i & 255] = str(i) + str(a.y); parts.append(d[i & 255][:3])
    return len(parts)
def timed():
    began = time.thread_time(); work(); return time.thread_time() - began
print(round(min(timed() for _ in range(5)), 4), sys.executable)
endef
define newline


endef
PYTHON ?= $(or $(shell IFS=:; for d in $$PATH; do for n in python3.11 python3; do [ -x "$$d/$$n" ] && \
    "$$d/$$n" -c 'exec("$(subst $(newline),\n,$(QUICKEST))")' 2>/dev/null; done; done | sort -n | head -n 1 | cut -d " " -f 2-),\
    $(shell command -v python3.11 || command -v python3))
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help run test bench lint typecheck check clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# Made only when missing (order-only below), so the choice of Python runs once: an existing
# .venv keeps its Python when pyproject.toml changes; `make clean` first to change it.
$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
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
