# The README's commands. Each bootstraps first: a fresh machine needs nothing installed by hand.
.PHONY: up test fuzz lint typecheck pytest bootstrap bench-clickhouse-server bench-ingest bench-dashboard bench-pipeline bench-stripe

VENV := .venv/bin

up: bootstrap
	$(VENV)/billbo up

test: bootstrap lint typecheck pytest

bootstrap:
	@scripts/bootstrap

lint:
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .

typecheck:
	$(VENV)/mypy

pytest:
	$(VENV)/pytest

# Schemathesis over both APIs with 10,000 cases each and a new seed (the test suite runs 1,000).
fuzz: bootstrap
	FUZZ_CASES=10000 FUZZ_SEED=random $(VENV)/pytest -m fuzz tests/billbo/http

bench-clickhouse-server: bootstrap
	$(VENV)/python -m bench.clickhouse_server

bench-ingest: bootstrap
	$(VENV)/python -m bench.ingest

bench-dashboard: bootstrap
	$(VENV)/python -m bench.dashboard

bench-pipeline: bootstrap
	$(VENV)/python -m bench.pipeline

bench-stripe: bootstrap
	$(VENV)/python -m bench.stripe_export
