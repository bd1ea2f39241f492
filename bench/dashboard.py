"""Dashboard API reads over 10 million events of one merchant: explorer and live usage latency.

Run: ``make bench-dashboard`` (or ``.venv/bin/python -m bench.dashboard [--events 10000000]``).

Starts what ``billbo up`` starts (embedded Postgres, the local ClickHouse server, the dashboard
API as its own process), signs a merchant up over HTTP, creates 1,000 customers and 20 priced
SKUs, writes the events straight into ClickHouse (one month: 1,000 customers x 20 SKUs, spread
evenly) and then times each read through the API with the merchant's session cookies, after one
warm-up request: p50 and p95 of ``--requests`` calls each.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench.stack import migrated_stack, write_results
from billbo.clickhouse.client import create_client
from billbo.local.services import Service, service_env

INSERT = """
INSERT INTO events (merchant_id, event_id, customer_id, sku_id, amount, sent_at, ingested_at)
SELECT {merchant:UUID}, concat('evt-', toString(number)),
       toUUID(concat('00000000-0000-4000-8000-', leftPad(toString(number % 1000), 12, '0'))),
       toUUID(concat('00000000-0000-4000-9000-', leftPad(toString(intDiv(number, 1000) % 20), 12, '0'))),
       toDecimal128(number % 100, 12) / 4,
       toDateTime64({start:String}, 6, 'UTC')
           + toIntervalMicrosecond(intDiv(number * {span_us:UInt64}, {n:UInt64})),
       now64(6)
FROM numbers({n:UInt64})
"""


def timed(client: httpx.Client, path: str, params: dict[str, Any], n: int) -> dict[str, float]:
    client.get(path, params=params).raise_for_status()  # warm-up
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path, params=params)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--out", type=Path, default=Path("bench/results/dashboard.json"))
    args = parser.parse_args()
    with migrated_stack("dashboard_port") as stack:
        settings, databases = stack.settings, stack.databases
        service = Service("dashboard", [sys.executable, "-m", "dashboard_api"], "127.0.0.1", settings.dashboard_port)
        service.start(service_env(settings, databases) | {"BILLBO_LOG_LEVEL": "WARNING"}, stack.directory / "logs")
        try:
            results = run(service.url, databases.clickhouse_url, args)
        finally:
            service.stop()
    write_results(results, args.out)


OCTOBER_US = 31 * 24 * 3600 * 1_000_000


def seed(
    client: httpx.Client,
    clickhouse_url: str,
    events: int,
    start: str = "2026-10-01 00:00:00",
    span_us: int = OCTOBER_US,
) -> tuple[dict[str, Any], float, int]:
    """Signs the bench merchant up on ``client``, creates its 1,000 customers and 20 graduated SKUs,
    and writes ``events`` events spread evenly over ``span_us`` microseconds from ``start`` straight
    into ClickHouse. Returns the seat, the seconds the insert took and the events stored."""
    me = client.post(
        "/api/auth/signup", json={"email": "bench@acme.io", "password": "benchmark password", "organisation": "Bench"}
    ).json()
    client.headers["X-CSRF-Token"] = client.cookies["bb_csrf"]
    for i in range(1000):
        client.post(
            "/api/customers",
            json={"id": f"00000000-0000-4000-8000-{i:012d}", "name": f"Customer {i}", "currency": "USD"},
        ).raise_for_status()
    for i in range(20):
        client.post(
            "/api/skus",
            json={
                "name": f"SKU {i}",
                "unit": "unit",
                "currency": "USD",
                "effective_from": start.replace(" ", "T") + "Z",
                "price": {
                    "model": "graduated",
                    "tiers": [{"up_to": "1000", "unit_price": "0.01"}, {"up_to": None, "unit_price": "0.005"}],
                },
            },
        )
    ch = create_client(clickhouse_url)
    started = time.perf_counter()
    ch.command(
        INSERT,
        parameters={"merchant": me["merchant_id"], "n": events, "start": start, "span_us": span_us},
        settings={"max_insert_block_size": 1_000_000},
    )
    load_seconds = round(time.perf_counter() - started, 1)
    stored = int(str(ch.command("SELECT count() FROM events")))
    ch.close()
    return me, load_seconds, stored


def run(url: str, clickhouse_url: str, args: argparse.Namespace) -> dict[str, Any]:
    client = httpx.Client(base_url=url, timeout=60)
    _, load_seconds, stored = seed(client, clickhouse_url, args.events)
    month = {"from": "2026-10-01T00:00:00Z", "to": "2026-11-01T00:00:00Z"}
    first = client.get("/api/events", params={"limit": 50}).json()
    cursor = first["next_cursor"]
    for _ in range(9):  # ten pages deep
        cursor = client.get("/api/events", params={"limit": 50, "cursor": cursor}).json()["next_cursor"]
    n = args.requests
    return {
        "events": stored,
        "load_seconds": load_seconds,
        "explorer_first_page": timed(client, "/api/events", {"limit": 50}, n),
        "explorer_page_10": timed(client, "/api/events", {"limit": 50, "cursor": cursor}, n),
        "explorer_one_customer": timed(
            client, "/api/events", {"limit": 50, "customer_id": "00000000-0000-4000-8000-000000000007"}, n
        ),
        "event_by_id": timed(client, "/api/events/evt-4242", {}, n),
        "usage_by_day_for_a_month": timed(client, "/api/usage", {**month, "group_by": "day"}, n),
        "usage_by_day_and_sku_for_a_month": timed(client, "/api/usage", {**month, "group_by": ["day", "sku"]}, n),
        "usage_with_estimated_cost": timed(client, "/api/usage", {**month, "include_cost": True}, max(5, n // 4)),
        "targets": {"explorer_p95_ms": 150, "usage_by_day_p95_ms": 300},
    }


if __name__ == "__main__":
    main()
