# The README's commands. Each bootstraps first: a fresh machine needs nothing installed by hand.
# Benchmarks: the events of `make bench-dashboard` and `make bench-pipeline` (EVENTS=100000000 for 100M).
EVENTS ?= 10000000

.PHONY: up test fuzz lint typecheck webtest pytest web-dev bootstrap bench-clickhouse-server bench-ingest bench-dashboard bench-pipeline bench-stripe bench-web bench-idle

VENV := .venv/bin

up: bootstrap
	$(VENV)/billbo up

# The dashboard with hot reload: Vite's dev server on :5173, the API proxied to a running make up.
web-dev: bootstrap
	npm --prefix web run dev

test: bootstrap lint typecheck webtest pytest

bootstrap:
	@scripts/bootstrap

lint:
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	npm --prefix web run lint

typecheck:
	$(VENV)/mypy
	npm --prefix web run typecheck

# The dashboard's unit tests (vitest).
webtest:
	npm --prefix web test

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
	$(VENV)/python -m bench.dashboard --events $(EVENTS) --out bench/results/dashboard-$(EVENTS).json

bench-pipeline: bootstrap
	$(VENV)/python -m bench.pipeline --events $(EVENTS) --out bench/results/pipeline-$(EVENTS).json

bench-stripe: bootstrap
	$(VENV)/python -m bench.stripe_export

bench-web: bootstrap
	$(VENV)/python -m bench.web

bench-idle: bootstrap
	$(VENV)/python -m bench.idle
