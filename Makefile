# Two commands on a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export SCORECARD_DUCKDB ?= warehouse/scorecard.duckdb
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export DO_NOT_TRACK := 1
# pytest workers for make test (pytest-xdist): one per core by default; TEST_WORKERS=0 runs in one process
TEST_WORKERS ?= auto

.PHONY: run test lint format generate build bench clean

# The venv is rebuilt only when missing or when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "scorecard needs Python 3.11 or newer, found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/scorecard run

test: $(STAMP) lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check scorecard tests scripts lint
	$(BIN)/ruff format --check scorecard tests scripts lint
	$(BIN)/sqlfluff lint models metrics macros checks

format: $(STAMP)
	$(BIN)/ruff check --fix scorecard tests scripts lint
	$(BIN)/ruff format scorecard tests scripts lint
	$(BIN)/sqlfluff fix models metrics macros checks

generate: $(STAMP)
	$(BIN)/scorecard generate

bench: $(STAMP)
	$(BIN)/python scripts/bench_generate.py

clean:
	rm -rf warehouse target logs reports .pytest_cache
