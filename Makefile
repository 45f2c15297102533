# cmmisvc: `make run` and `make test` install what they need and are safe to repeat.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
export DEBUG ?= true

.PHONY: install system-deps run test test-postgres lint format migrations-check bench bench-write bench-results bench-load demo

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Headless Chromium for the browser tests, from Debian's packages (never a browser download).
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! command -v pdftoppm >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium poppler-utils >/dev/null; \
	fi

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loaddata cmmi_svc_draft_2007 cmmi_dev_1_2 cmmi_svc_1_3
	$(BIN)/python manage.py loaddata cmmi_correspondences
	$(BIN)/python manage.py seed_demo

run: demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install system-deps
	DEBUG=false $(BIN)/pytest -n 2 --dist loadfile

test-postgres: install system-deps
	DEBUG=false DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cmmisvc} $(BIN)/pytest -n 2 --dist loadfile

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r assessments models_catalog reports audit evidence improvement cmmisvc -c pyproject.toml

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: install
	$(BIN)/python bench/run.py

bench-write: install
	$(BIN)/python bench/bench_write.py

# The results page of the full data set, cold and warm cache (docs/benchmarks.md).
bench-results: install
	$(BIN)/python bench/bench_results.py

# gunicorn + PostgreSQL + Redis under 8 and 16 raters, beside pgbench (docs/benchmarks.md).
bench-load: install
	$(BIN)/python bench/load.py
