# Two set-up commands: `make demo` (run it) and `make test` (check it). See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EMS := $(BIN)/ems
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
DEMO_ELECTORS ?= 20000
DEMO_SEED ?= 2026
DEMO_ADDR ?= 127.0.0.1:8000
PG_URL ?= $(or $(DATABASE_URL_PG),postgresql://postgres@127.0.0.1:5432/ems)

.PHONY: help install demo serve test lint typecheck checks test-sqlite test-postgres bench messages clean

help:
	@echo "make demo   - install, migrate SQLite under var/, load the demo authority, serve with a worker"
	@echo "make test   - install, lint, type-check, import contracts, migrations check, tests on SQLite and PostgreSQL"
	@echo "make lint   - ruff (lint + format check), mypy, import-linter"
	@echo "make bench  - benchmarks, JSON written to bench/results/"

# ---- installation (idempotent; stamps make a second run fast) -----------------------------
$(VENV)/.installed: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --locked --quiet
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets/build/.built: node_modules/.installed assets/build.mjs $(wildcard assets/src/*)
	npm run --silent build
	@touch $@

install: $(VENV)/.installed assets/build/.built

# ---- running ------------------------------------------------------------------------------
demo: install
	$(EMS) migrate --no-input -v 0
	$(EMS) demo-data --electors $(DEMO_ELECTORS) --seed $(DEMO_SEED)
	$(EMS) demo-elections
	@echo ""
	@echo "EMS is starting at http://$(DEMO_ADDR)/ (web server, task worker and scheduler). Ctrl-C stops it."
	$(EMS) serve $(DEMO_ADDR)

serve: install
	$(EMS) serve $(DEMO_ADDR)

# ---- checks -------------------------------------------------------------------------------
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src
	$(BIN)/lint-imports

checks: lint
	DJANGO_SETTINGS_MODULE=ems.config.settings.test $(EMS) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=ems.config.settings.test $(EMS) check --fail-level WARNING

test-sqlite: install
	@echo "== pytest: law rules (no Django) =="
	$(BIN)/pytest -p no:django tests/rules -q
	@echo "== pytest: SQLite =="
	env -u DATABASE_URL -u DJANGO_SETTINGS_MODULE $(BIN)/pytest --ignore=tests/rules -q

test-postgres: install
	@if $(BIN)/python bench/pg_reachable.py "$(PG_URL)"; then \
	  echo "== pytest: PostgreSQL ($(PG_URL)) =="; \
	  env -u DJANGO_SETTINGS_MODULE DATABASE_URL="$(PG_URL)" $(BIN)/pytest --ignore=tests/rules -q || exit 1; \
	  echo "PostgreSQL run: done"; \
	else \
	  echo "PostgreSQL run: SKIPPED - no PostgreSQL reachable at $(PG_URL)"; \
	  if [ -n "$$CI" ]; then echo "CI requires PostgreSQL"; exit 1; fi; \
	fi

test: checks test-sqlite test-postgres
	@echo "make test: all checks passed"

bench: install
	$(BIN)/python bench/run.py

messages: install
	cd src/ems && ../../$(EMS) makemessages -l cy -e html,py --ignore 'migrations/*' && ../../$(EMS) compilemessages

clean:
	rm -rf $(VENV) node_modules assets/build var .pytest_cache .mypy_cache .ruff_cache
