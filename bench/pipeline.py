"""10 million events from ClickHouse to finalised invoices, through Dagster and dbt, stage by stage.

Run: ``make bench-pipeline`` (``make bench-pipeline EVENTS=100000000`` for 100 million; or
``.venv/bin/python -m bench.pipeline [--events 10000000]``).

Starts the embedded Postgres and the local ClickHouse server (as ``billbo up`` does), creates a
merchant with 1,000 customers and 20 SKUs (five of each pricing model, some with included
quantities, minimum charges and tier flat fees), writes the events straight into ClickHouse (one
month, 1,000 customers x 20 SKUs, evenly spread), then runs the stages ``billbo rate`` runs
(``orchestration/pipeline.py``: the Dagster assets materialised against a persistent Dagster
instance, dbt as a subprocess through dagster-dbt) and the finalisation, timing each one. Then
1,000,000 late events spread over one already-loaded day: the day reloaded, the month re-rated
and the drafts refreshed, timed the same way, before finalisation.

Memory: the peak RSS of this process plus its children (the dbt subprocess), sampled every 50 ms,
and separately the ClickHouse and Postgres servers' peaks. The run ends by checking the totals:
every event counted once, invoice subtotals equal to the sum of their lines and of rated usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
import uuid
from pathlib import Path
from typing import Any

import dagster as dg
import psycopg

from bench.dashboard import INSERT, OCTOBER_US
from bench.memory import MemorySampler
from bench.stack import migrated_stack, write_results
from billbo.clickhouse.client import create_client
from billbo.local.services import dagster_home
from billbo.local.stack import DatabaseServers
from billbo.migrations.runner import Databases
from orchestration import pipeline
from orchestration.definitions import resources

PERIOD = dt.date(2026, 10, 1)
LATE_DAY = dt.date(2026, 10, 15)
CUSTOMER = "00000000-0000-4000-8000-{:012d}"  # the ids bench.dashboard's INSERT gives customers
SKU = "00000000-0000-4000-9000-{:012d}"  # and the SKUs given to it
LATE_INSERT = """
INSERT INTO events (merchant_id, event_id, customer_id, sku_id, amount, sent_at, ingested_at)
SELECT {merchant:UUID}, concat('late-', toString(number)),
       toUUID(concat('00000000-0000-4000-8000-', leftPad(toString(number % 1000), 12, '0'))),
       toUUID(concat('00000000-0000-4000-9000-', leftPad(toString(intDiv(number, 1000) % 20), 12, '0'))),
       toDecimal128(number % 7, 12) / 8,
       {day:DateTime64(6, 'UTC')} + toIntervalMicrosecond(intDiv(number * 86400000000, {n:UInt64})),
       now64(6)
FROM numbers({n:UInt64})
"""


def seed_prices(conn: psycopg.Connection[Any]) -> uuid.UUID:
    """A merchant, 1,000 customers, and 20 SKUs: five per pricing model, with every price feature."""
    merchant = uuid.uuid4()
    conn.execute("insert into merchants (id, name) values (%s, 'Bench')", [merchant])
    with conn.cursor() as cursor:
        cursor.executemany(
            "insert into customers (merchant_id, id, name, currency) values (%s, %s, %s, 'USD')",
            [(merchant, CUSTOMER.format(i), f"Customer {i}") for i in range(1000)],
        )
    for i in range(20):
        sku = SKU.format(i)
        conn.execute(
            "insert into skus (merchant_id, id, name, unit, currency) values (%s, %s, %s, 'unit', 'USD')",
            [merchant, sku, f"SKU {i}"],
        )
        model = ("per_unit", "graduated", "volume", "package")[i % 4]
        version = conn.execute(
            "insert into price_versions (merchant_id, sku_id, version, model, effective_from, unit_price, "
            "package_size, package_price, included_quantity, minimum_charge) "
            "values (%s, %s, 1, %s, '2026-01-01', %s, %s, %s, %s, %s) returning id",
            [
                merchant,
                sku,
                model,
                "0.0125" if model == "per_unit" else None,
                "10" if model == "package" else None,
                "0.99" if model == "package" else None,
                "50" if i % 3 == 0 else "0",
                "5.00" if i % 5 == 0 else "0",
            ],
        ).fetchone()[0]  # type: ignore[index]
        if model in ("graduated", "volume"):
            conn.execute(
                "insert into price_tiers values (%s, 0, 100, 0.02, 0), (%s, 1, 1000, 0.015, 1.5), "
                "(%s, 2, null, 0.0101, 0)",
                [version, version, version],
            )
    return merchant


def totals(conn: psycopg.Connection[Any], merchant: uuid.UUID) -> dict[str, Any]:
    row = conn.execute(
        """
        select (select sum(event_count) from usage_daily where merchant_id = %(m)s),
               (select sum(amount_minor) from rating.rated_usage where merchant_id = %(m)s),
               (select count(*) from invoices where merchant_id = %(m)s),
               (select count(*) from invoices where merchant_id = %(m)s and status = 'finalized'),
               (select sum(subtotal_minor) from invoices where merchant_id = %(m)s),
               (select sum(l.amount_minor) from invoice_lines l join invoices i on i.id = l.invoice_id
                where i.merchant_id = %(m)s)
        """,
        {"m": merchant},
    ).fetchone()
    assert row is not None
    keys = ["usage_events", "rated_minor", "invoices", "finalized", "subtotals_minor", "lines_minor"]
    return dict(zip(keys, (int(v or 0) for v in row), strict=True))


class Peaks:
    """Peak memory of this process with its children, and of each database server."""

    def __init__(self, servers: DatabaseServers) -> None:
        assert servers.clickhouse and servers.clickhouse.process and servers.postgres and servers.postgres.process
        clickhouse, postgres = servers.clickhouse.process.pid, servers.postgres.process.pid
        self.samplers = {
            # this process and the dbt processes it starts; the database servers are counted apart
            "pipeline_process_tree_mb": MemorySampler(
                os.getpid(), tree=True, exclude=frozenset({clickhouse, postgres})
            ),
            "clickhouse_server_mb": MemorySampler(clickhouse, tree=True),
            "postgres_server_mb": MemorySampler(postgres, tree=True),
            # all of it at the same instant: the pipeline with both database servers
            "all_processes_mb": MemorySampler(os.getpid(), tree=True),
        }
        for sampler in self.samplers.values():
            sampler.start()

    def reset(self) -> None:
        for sampler in self.samplers.values():
            sampler.reset()

    def read(self) -> dict[str, float]:
        return {name: round(sampler.peak, 1) for name, sampler in self.samplers.items()}

    def stop(self) -> None:
        for sampler in self.samplers.values():
            sampler.stop()


def timed_stages(stages: list[pipeline.Stage], urls: Databases, instance: dg.DagsterInstance) -> dict[str, Any]:
    """Each stage's wall time (one Dagster run each) and, within it, each step's, by Dagster's account."""
    seconds: dict[str, Any] = {}
    for done in pipeline.run(stages, resources(urls), instance):
        seconds[done.name] = {"run": round(done.seconds, 2)} | {
            step: round(took, 2) for step, took in done.step_seconds().items()
        }
    seconds["total"] = round(sum(stage["run"] for stage in seconds.values()), 2)
    return seconds


def run(servers: DatabaseServers, urls: Databases, dagster_home: Path, n: int, late: int) -> dict[str, Any]:
    with psycopg.connect(urls.postgres_url, autocommit=True) as conn:
        merchant = seed_prices(conn)
    ch = create_client(urls.clickhouse_url, send_receive_timeout=3600)  # OPTIMIZE of 100M events: minutes
    started = time.perf_counter()
    skus = [SKU.format(i) for i in range(20)]
    ch.command(
        INSERT,
        parameters={"merchant": merchant, "skus": skus, "n": n, "start": "2026-10-01 00:00:00", "span_us": OCTOBER_US},
        settings={"max_insert_block_size": 1_000_000},
    )
    insert_seconds = round(time.perf_counter() - started, 1)
    ch.command("OPTIMIZE TABLE events FINAL")  # as ClickHouse's background merges leave a month: a few parts
    instance = dg.DagsterInstance.from_config(str(dagster_home))
    peaks = Peaks(servers)
    try:
        peaks.reset()
        month = timed_stages([*pipeline.rating_stages(PERIOD)], urls, instance)
        month_peaks = peaks.read()
        with psycopg.connect(urls.postgres_url) as conn:
            drafted = totals(conn, merchant)

        ch.command(
            LATE_INSERT, parameters={"merchant": merchant, "n": late, "day": dt.datetime(2026, 10, 15, tzinfo=dt.UTC)}
        )
        peaks.reset()
        late_stages = timed_stages(pipeline.rating_stages(PERIOD, load=(LATE_DAY, LATE_DAY)), urls, instance)
        late_peaks = peaks.read()
        with psycopg.connect(urls.postgres_url) as conn:
            redrafted = totals(conn, merchant)

        peaks.reset()
        finalization = timed_stages([pipeline.finalization_stage(PERIOD)], urls, instance)
        final_peaks = peaks.read()
        with psycopg.connect(urls.postgres_url) as conn:
            finalized = totals(conn, merchant)
    finally:
        peaks.stop()
        ch.close()
    return {
        "events": n,
        "late_events": late,
        "clickhouse_insert_seconds": insert_seconds,
        "month_to_drafts_seconds": month,
        "finalization_seconds": finalization,
        "events_to_finalized_invoices_seconds": round(month["total"] + finalization["total"], 2),
        "late_day_to_drafts_seconds": late_stages,
        "peak_rss": {"month": month_peaks, "late_day": late_peaks, "finalization": final_peaks},
        "totals_after_month": drafted,
        "totals_after_late_day": redrafted,
        "totals_after_finalization": finalized,
        "exact": drafted["usage_events"] == n
        and redrafted["usage_events"] == n + late
        and finalized["subtotals_minor"] == finalized["lines_minor"] == finalized["rated_minor"]
        and finalized["finalized"] == finalized["invoices"] == 1000,
        "targets": {
            "events_to_finalized_invoices_seconds": 10 if n <= 10_000_000 else 60,
            "late_day_to_drafts_seconds": 5,
            "peak_rss_mb_of_any_process": 1024,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--late-events", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("bench/results/pipeline.json"))
    args = parser.parse_args()
    with migrated_stack() as stack:  # Dagster's instance as `billbo up` configures it
        results = run(stack.servers, stack.databases, dagster_home(stack.settings), args.events, args.late_events)
    write_results(results, args.out)


if __name__ == "__main__":
    main()
