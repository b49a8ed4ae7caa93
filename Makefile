# demine developer recipes. `make demo` and `make test` are the README's quick start.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

LOCALES := demine/i18n/locales
POT := $(LOCALES)/demine.pot
PO_FILES := $(wildcard $(LOCALES)/*/LC_MESSAGES/demine.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: docs-reference demo web-assets test test-sqlite test-postgis lint format system-deps bench clean \
	messages messages-extract messages-update messages-init

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

## Translations (docs/translating.md). `messages` compiles the .po files that
## translators edit into the .mo files demine reads; demo and test do it first.
messages: $(MO_FILES)

$(LOCALES)/%/LC_MESSAGES/demine.mo: $(LOCALES)/%/LC_MESSAGES/demine.po $(STAMP)
	$(BIN)/pybabel -q compile -D demine -i $< -o $@

## Collect every marked text of the code, templates and scripts into the template.
messages-extract: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k NC_:1c,2 --add-comments=Translators: \
	  --add-location=file --no-wrap --project=demine \
	  --copyright-holder="demine contributors" -o $(POT) .

## Bring every language's .po up to date with the code (new texts come in empty).
messages-update: messages-extract
	$(BIN)/pybabel -q update -D demine -i $(POT) -d $(LOCALES) --no-wrap --ignore-obsolete
	$(BIN)/python -m demine.i18n.english

## Start a new language: make messages-init NEW=uk
messages-init: messages-extract
	$(BIN)/pybabel init -D demine -i $(POT) -d $(LOCALES) --no-wrap -l $(NEW)

## The main job on the embedded default: build the demo register (once), add an
## administrator with a one-time password, and serve the web application.
demo: $(STAMP) messages
	test -f demine.sqlite || { $(BIN)/demine demo --scale small && $(BIN)/demine validate --summary; }
	$(BIN)/demine user add admin --role admin --generate \
	  || echo "user 'admin' exists already; 'demine user add NAME' adds another"
	$(BIN)/demine serve

## docs/cli.md from the Typer app and docs/api.md from the OpenAPI document
## (tests/docs/test_reference.py fails when they are stale).
docs-reference: $(STAMP)
	$(BIN)/python scripts/docs_reference.py

## Rebuild the MapLibre GL JS files in demine/web/static/vendor from npm.
web-assets:
	npm ci --no-audit --no-fund
	npm run build

## The whole suite: lint, then the tests on SQLite and on PostGIS side by side.
test: $(STAMP) messages system-deps lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgis

system-deps:
	bash scripts/system-deps.sh

test-sqlite: $(STAMP) messages
	$(BIN)/python -m pytest -q -p no:cacheprovider --durations=10

test-postgis: $(STAMP) messages
	DEMINE_TEST_DATABASE_URL=$$(bash scripts/postgres.sh) \
	  $(BIN)/python -m pytest -q -p no:cacheprovider --durations=10

## Style, the layers of the README's picture (import contracts in
## pyproject.toml), and types (mypy: strict on domain, geo and store).
lint: $(STAMP)
	$(BIN)/ruff check demine tests bench scripts conftest.py
	$(BIN)/ruff format --check demine tests bench scripts conftest.py
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix demine tests bench scripts conftest.py
	$(BIN)/ruff format demine tests bench scripts conftest.py

bench: $(STAMP) system-deps
	DEMINE_BENCH_DATABASE_URL=$$(bash scripts/postgres.sh bench) $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) demine.sqlite* .pytest_cache node_modules artifacts
