# The two commands (see README): `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app portal
PYBABEL := $(VENV)/bin/pybabel
RUNTIME_STAMP := $(VENV)/.runtime-installed
TEST_STAMP := $(VENV)/.test-installed
NODE_STAMP := node_modules/.installed
# The browser suite runs in this many processes, each with its own portal and Chromium (one
# browser leaves a core idle while it waits for the server and the server for it; with 2
# processes on 2 cores a quarter of the CPU was still idle, with 3 about an eighth).
A11Y_WORKERS ?= 3
# The app tests run in this many processes too (on PostgreSQL each gets its own database).
TEST_WORKERS ?= 3

.PHONY: run test bench setup test-setup translations i18n-update browser-deps test-sqlite test-postgres test-browser clean

## Set up and serve the demo portal on SQLite at http://127.0.0.1:5000. No Redis needed: without
## CELERY_BROKER_URL background tasks run in-process (the portal says so at start-up).
run: setup translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	UNIFIED_ID_ISSUER="$${UNIFIED_ID_ISSUER:-http://127.0.0.1:5000/dev-identity}" $(FLASK) run --host 127.0.0.1 --port 5000

# The tests in parallel, then those that compare response times (marker `timing`) alone, so
# that no other test shares the cores while they measure.
UNIT_TESTS = $(PY) -m pytest tests -q -p no:cacheprovider -n $(TEST_WORKERS) -m "not timing" && \
	$(PY) -m pytest tests -q -p no:cacheprovider -n 0 -m timing

## Set up and run every test: unit/app tests on SQLite (and PostgreSQL when TEST_POSTGRES_URL
## is set), then the browser accessibility suite in headless Chromium – the pages in parallel,
## then the checks that read every page they built (the HTML checker, consistent help).
test: test-setup translations browser-deps
	$(UNIT_TESTS)
	@if [ -n "$$TEST_POSTGRES_URL" ]; then \
	  echo "== the same tests on PostgreSQL ($$TEST_POSTGRES_URL)"; \
	  export TEST_DATABASE_URL="$$TEST_POSTGRES_URL"; $(UNIT_TESTS); \
	fi
	status=0; \
	$(PY) -m pytest a11y_tests -q -p no:cacheprovider -n $(A11Y_WORKERS) -m "not whole_run" || status=1; \
	$(PY) -m pytest a11y_tests -q -p no:cacheprovider -m whole_run || status=1; \
	echo "== the accessibility report: a11y_results/index.html (README: The accessibility report)"; \
	exit $$status

## The performance benchmark and its budgets (README "Performance"): seeds 100,000 applications
## into its own SQLite file and PostgreSQL database (BENCH_POSTGRES_URL, default
## postgresql://postgres@127.0.0.1:5432/huyi_bench_v2, created when missing), serves the portal and a
## bare Flask app with gunicorn, loads five pages, prints PASS/FAIL per budget; fails if any fails.
## Options: make bench BENCH_ARGS="--count 2000 --seconds 3 --databases sqlite"
bench: setup translations
	PYTHONPATH=$(CURDIR) $(PY) -m bench $(BENCH_ARGS)

setup: $(RUNTIME_STAMP)
test-setup: $(TEST_STAMP)

$(VENV)/bin/python:
	python="$$(scripts/find-python)" && "$$python" -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(RUNTIME_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[test]'
	touch $@ $(RUNTIME_STAMP)

## Compile the message catalogues (.po → .mo); the set-up always does this.
translations: $(RUNTIME_STAMP)
	$(PYBABEL) -q compile -d translations -D messages

## After changing UI text: extract messages and update the English catalogue.
i18n-update: $(RUNTIME_STAMP)
	$(PYBABEL) -q extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
	  -o translations/messages.pot portal templates
	$(PYBABEL) -q update -i translations/messages.pot -d translations -D messages \
	  --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date --init-missing -l en

## Chromium + driver (Debian packages), Java for the HTML checker, and the Node packages.
browser-deps: $(NODE_STAMP)
	scripts/install-browser-deps

$(NODE_STAMP): package.json package-lock.json
	command -v npm >/dev/null || scripts/install-browser-deps
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) node_modules a11y_results instance/portal.sqlite3
