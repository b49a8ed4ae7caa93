# demine developer recipes. `make demo` and `make test` are the README's quick start.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo web-assets test test-sqlite test-postgis lint format system-deps bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

## The main job on the embedded default: build the demo register (once), add an
## administrator with a one-time password, and serve the web application.
demo: $(STAMP)
	test -f demine.sqlite || { $(BIN)/demine demo --scale small && $(BIN)/demine validate --summary; }
	$(BIN)/demine user add admin --role admin --generate \
	  || echo "user 'admin' exists already; 'demine user add NAME' adds another"
	$(BIN)/demine serve

## Rebuild the MapLibre GL JS files in demine/web/static/vendor from npm.
web-assets:
	npm ci --no-audit --no-fund
	npm run build

## The whole suite: lint, then the tests on SQLite and on PostGIS side by side.
test: $(STAMP) system-deps lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgis

system-deps:
	bash scripts/system-deps.sh

test-sqlite: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider --durations=10

test-postgis: $(STAMP)
	DEMINE_TEST_DATABASE_URL=$$(bash scripts/postgres.sh) \
	  $(BIN)/python -m pytest -q -p no:cacheprovider --durations=10

## Style, the layers of the README's picture (import contracts in
## pyproject.toml), and types (mypy: strict on domain, geo and store).
lint: $(STAMP)
	$(BIN)/ruff check demine tests bench scripts
	$(BIN)/ruff format --check demine tests bench scripts
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix demine tests bench scripts
	$(BIN)/ruff format demine tests bench scripts

bench: $(STAMP) system-deps
	DEMINE_BENCH_DATABASE_URL=$$(bash scripts/postgres.sh bench) $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) demine.sqlite* .pytest_cache node_modules artifacts
