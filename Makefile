# demine developer recipes. `make demo` and `make test` are the README's quick start.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-sqlite test-postgis lint format system-deps bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

## The main job on the embedded default: build the demo register, summarise it.
demo: $(STAMP)
	rm -f demine.sqlite demine.sqlite-wal demine.sqlite-shm
	$(BIN)/demine demo --scale small
	$(BIN)/demine validate --summary

## The whole suite: lint, then tests on SQLite, then on PostGIS.
test: $(STAMP) system-deps lint test-sqlite test-postgis

system-deps:
	bash scripts/system-deps.sh

test-sqlite: $(STAMP)
	$(BIN)/python -m pytest -q

test-postgis: $(STAMP)
	DEMINE_TEST_DATABASE_URL=$$(bash scripts/postgres.sh) $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check demine tests bench
	$(BIN)/ruff format --check demine tests bench

format: $(STAMP)
	$(BIN)/ruff check --fix demine tests bench
	$(BIN)/ruff format demine tests bench

bench: $(STAMP) system-deps
	DEMINE_BENCH_DATABASE_URL=$$(bash scripts/postgres.sh bench) $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) demine.sqlite* .pytest_cache
