"""Dashboard API reads over 10 million events of one merchant: explorer and live usage latency.

Run: ``make bench-dashboard`` (``make bench-dashboard EVENTS=100000000`` for 100 million; or
``.venv/bin/python -m bench.dashboard [--events 10000000]``).

Starts what ``billbo up`` starts (embedded Postgres, the local ClickHouse server, the dashboard
API as its own process), signs a merchant up over HTTP, creates 1,000 customers and 20 priced
SKUs, writes the events straight into ClickHouse (one month: 1,000 customers x 20 SKUs, spread
evenly) and then times each read through the API with the merchant's session cookies, after one
warm-up request: p50 and p95 of ``--requests`` calls each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench.stack import migrated_stack, write_results
from billbo.clickhouse.client import create_client
from billbo.local.services import Service, service_env
from billbo.usage import service as usage

INSERT = """
INSERT INTO events (merchant_id, event_id, customer_id, sku_id, amount, sent_at, ingested_at)
SELECT {merchant:UUID}, concat('evt-', toString(number)),
       toUUID(concat('00000000-0000-4000-8000-', leftPad(toString(number % 1000), 12, '0'))),
       {skus:Array(UUID)}[intDiv(number, 1000) % 20 + 1],
       toDecimal128(number % 100, 12) / 4,
       toDateTime64({start:String}, 6, 'UTC')
           -- in 128 bits: number x span overflows 64 (10M events of a month fell in its first 22 days)
           + toIntervalMicrosecond(intDiv(toUInt128(number) * {span_us:UInt64}, {n:UInt64})) AS sent_at,
       sent_at + toIntervalSecond(1)  -- each event stored a second after it was sent, as it streams in
FROM numbers({n:UInt64})
"""
# Events stored just now (after the days were loaded): what the reads' tail must add.
FRESH = """
INSERT INTO events (merchant_id, event_id, customer_id, sku_id, amount, sent_at)
SELECT {merchant:UUID}, concat('fresh-', toString(number)),
       toUUID(concat('00000000-0000-4000-8000-', leftPad(toString(number % 1000), 12, '0'))),
       {skus:Array(UUID)}[intDiv(number, 1000) % 20 + 1],
       toDecimal128(1, 12), toDateTime64('2026-10-31 23:00:00', 6, 'UTC')
FROM numbers({n:UInt64})
"""
# The raw ClickHouse ceiling: the same month's usage by day as one bare aggregation, no FINAL.
CEILING = """
SELECT toDate(sent_at) AS day, sum(amount), count() FROM events
WHERE merchant_id = {merchant:UUID} AND sent_at >= '2026-10-01' AND sent_at < '2026-11-01'
GROUP BY day ORDER BY day
"""


def percentiles(call: Callable[[], object], n: int) -> dict[str, float]:
    """p50 and p95 in ms of ``n`` calls, after one warm-up call."""
    call()
    times = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1)}


def timed(client: httpx.Client, path: str, params: dict[str, Any], n: int) -> dict[str, float]:
    return percentiles(lambda: client.get(path, params=params).raise_for_status(), n)


def clickhouse_timed(ch: Any, query: str, parameters: dict[str, Any], n: int) -> dict[str, float]:
    return percentiles(lambda: ch.query(query, parameters=parameters), n)


def disk_bytes(ch: Any, table: str) -> int:
    return int(str(ch.command(f"SELECT sum(bytes_on_disk) FROM system.parts WHERE active AND table = '{table}'")))


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
            results = run(service.url, databases.clickhouse_url, databases.postgres_url, args)
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
    skus = []
    for i in range(20):
        sku = client.post(
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
        sku.raise_for_status()
        skus.append(sku.json()["id"])
    me["sku_ids"] = skus
    ch = create_client(clickhouse_url, send_receive_timeout=3600)  # OPTIMIZE of 100M events: minutes
    started = time.perf_counter()
    ch.command(
        INSERT,
        parameters={"merchant": me["merchant_id"], "skus": skus, "n": events, "start": start, "span_us": span_us},
        settings={"max_insert_block_size": 1_000_000},
    )
    load_seconds = round(time.perf_counter() - started, 1)
    stored = int(str(ch.command("SELECT count() FROM events")))
    ch.close()
    return me, load_seconds, stored


def run(url: str, clickhouse_url: str, postgres_url: str, args: argparse.Namespace) -> dict[str, Any]:
    client = httpx.Client(base_url=url, timeout=120)
    me, load_seconds, stored = seed(client, clickhouse_url, args.events)
    ch = create_client(clickhouse_url, send_receive_timeout=3600)  # OPTIMIZE of 100M events: minutes
    ch.command("OPTIMIZE TABLE events FINAL")  # the state background merges reach after a while
    # The daily load Dagster runs (every hour, and a minute after late events): it also writes the
    # pre-aggregated days the reads use.
    started = time.perf_counter()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        usage.load_days(ch, conn, dt.date(2026, 10, 1), dt.date(2026, 11, 1))
    daily_load_seconds = round(time.perf_counter() - started, 1)
    month = {"from": "2026-10-01T00:00:00Z", "to": "2026-11-01T00:00:00Z"}
    first = client.get("/api/events", params={"limit": 50}).json()
    cursor = first["next_cursor"]
    for _ in range(9):  # ten pages deep
        cursor = client.get("/api/events", params={"limit": 50, "cursor": cursor}).json()["next_cursor"]
    n = args.requests
    results: dict[str, Any] = {
        "events": stored,
        "load_seconds": load_seconds,
        "explorer_first_page": timed(client, "/api/events", {"limit": 50}, n),
        "explorer_page_10": timed(client, "/api/events", {"limit": 50, "cursor": cursor}, n),
        "explorer_one_customer": timed(
            client, "/api/events", {"limit": 50, "customer_id": "00000000-0000-4000-8000-000000000007"}, n
        ),
        "explorer_one_sku": timed(client, "/api/events", {"limit": 50, "sku_id": me["sku_ids"][3]}, n),
        "explorer_one_day": timed(
            client, "/api/events", {"limit": 50, "from": "2026-10-15T00:00:00Z", "to": "2026-10-16T00:00:00Z"}, n
        ),
        "event_by_id": timed(client, "/api/events/evt-4242", {}, n),
        "usage_by_day_for_a_month": timed(client, "/api/usage", {**month, "group_by": "day"}, n),
        "usage_by_day_and_sku_for_a_month": timed(client, "/api/usage", {**month, "group_by": ["day", "sku"]}, n),
        "usage_with_estimated_cost": timed(client, "/api/usage", {**month, "include_cost": True}, max(5, n // 4)),
    }
    # The first read of a window after a load: the pre-aggregated days are not remembered yet (a
    # load changes the watermarks the dashboard remembers them by). Each call a window not read
    # before: October 1st to October 31st, 30th, ... (the first call, the warm-up, included).
    cold: Iterator[dict[str, str]] = iter(
        [
            {"from": month["from"], "to": f"2026-10-{31 - k:02d}T00:00:00Z", "include_cost": "true"}
            for k in range(n // 2 + 1)
        ]
    )
    results["usage_with_estimated_cost_first_read"] = percentiles(
        lambda: client.get("/api/usage", params=next(cold)).raise_for_status(), n // 2
    )
    raw_ceiling = clickhouse_timed(ch, CEILING, {"merchant": me["merchant_id"]}, n)
    # 10,000 events stored after the load, for a day already loaded: read from the raw table (tail).
    ch.command(FRESH, parameters={"merchant": me["merchant_id"], "skus": me["sku_ids"], "n": 10_000})
    results["usage_by_day_with_10k_fresh_events"] = timed(client, "/api/usage", {**month, "group_by": "day"}, n)
    fresh = client.get("/api/usage", params={**month, "group_by": "day"}).json()
    results["fresh_events_counted"] = sum(row["events"] for row in fresh["rows"]) == stored + 10_000
    results.update(
        daily_load_seconds=daily_load_seconds,
        raw_clickhouse_usage_by_day_no_final=raw_ceiling,
        disk_bytes={"events": disk_bytes(ch, "events"), "usage_daily": disk_bytes(ch, "usage_daily")},
        targets={"explorer_p95_ms": 50, "event_by_id_p95_ms": 10, "usage_by_day_p95_ms": 50, "usage_cost_p95_ms": 100},
    )
    ch.close()
    return results


if __name__ == "__main__":
    main()
