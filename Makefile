# Fupin — two commands to know: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run console printing test test-embedded infra infra-down up down status migrate seed docs bench lint clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	@$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

venv: $(STAMP)

## Embedded mode: every service in one process on http://127.0.0.1:$${PORT:-8000}, SQLite under var/,
## with the operator console at / (built first when its sources changed; skipped, with a message, without Node).
run: $(STAMP)
	@bash deploy/console.sh build || echo "console: build failed; serving the API only" >&2
	@$(BIN)/fupin run

## The whole suite, both modes: starts PostgreSQL and Kafka when they do not answer; installs Chromium
## and a CJK font for the console's browser tests and builds the console first; poppler-utils for the printing tests.
## Two xdist workers by default (TEST_WORKERS=0 runs in one process); the slowest tests are listed
## at the end so a slow machine shows where its time went.
TEST_WORKERS ?= 2
test: $(STAMP) infra console printing
	@$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup --durations=25 $(PYTEST_ARGS)

## The operator console: Debian's Chromium + CJK font for its browser tests, npm ci + vite build when changed.
console:
	@bash deploy/browser.sh
	@bash deploy/console.sh build --strict

## Printed notices and statements: a CJK font fontconfig finds, and pdftoppm/pdftotext for their tests.
printing:
	@bash deploy/printing.sh

## A quick loop without PostgreSQL and Kafka.
test-embedded: $(STAMP) printing
	@FUPIN_TEST_MODES=embedded $(BIN)/python -m pytest -m "not distributed" $(PYTEST_ARGS)

infra:
	@bash deploy/infra.sh up

infra-down:
	@bash deploy/infra.sh down

## Distributed mode under supervisord: PostgreSQL + Kafka, a process per service (ports 8001–8005)
## and the ledger consumer (health :8015), each restarted when it crashes.
up: $(STAMP) infra
	@bash deploy/distributed.sh up

## Stops the supervised processes (PostgreSQL and Kafka keep running: `make infra-down` stops them).
down:
	@bash deploy/distributed.sh down

## What runs (supervisorctl status) and what each process answers on /readyz.
status:
	@bash deploy/distributed.sh status

migrate: $(STAMP)
	@$(BIN)/fupin migrate

seed: $(STAMP)
	@$(BIN)/fupin seed

## The gate CI runs before the tests: formatting, lint rules and types (pyproject.toml configures all three),
## and no `type: ignore` without a reason on its line in the typed packages.
LINT_REASONED := shared policy fupin verifier services
lint: $(STAMP)
	@$(BIN)/ruff format --check .
	@$(BIN)/ruff check .
	@$(BIN)/mypy
	@if grep -rnE --include='*.py' 'type: *ignore(\[[^]]*\])? *$$' $(LINT_REASONED); then \
		echo "lint: a type: ignore above gives no reason on its line (# type: ignore[code]  # why)" >&2; exit 1; fi

docs: $(STAMP) printing
	@$(BIN)/python -m shared.eventdoc && echo "docs/events.md regenerated"
	@$(BIN)/python -m services.ledger.statements.sample docs/oversight

bench: $(STAMP) infra
	@bash bench/run.sh

clean:
	@bash deploy/distributed.sh down; bash deploy/infra.sh down
	rm -rf var .pytest_cache .hypothesis
