"""Ingest throughput, latency and memory against the raw ClickHouse insert ceiling, in one run.

Run: ``make bench-ingest`` (or ``.venv/bin/python -m bench.ingest [--seconds 60]``).

It starts what ``billbo up`` starts (embedded Postgres, the local ClickHouse server, the ingest
API as its own process), then measures in this order:
1. the ceiling: the same events, already encoded as Native blocks of 20,000 rows, inserted
   straight into ClickHouse through the local server with clickhouse-connect;
2. batches of 1,000 events from a load generator in a separate process (bench/loadgen.py);
3. single-event requests from the same load generator.
The ingest process's resident memory is sampled every 100 ms throughout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg

from bench.memory import MemorySampler, rss_mb
from bench.stack import migrated_stack, write_results
from billbo.api_keys import keys
from billbo.api_keys import repository as api_keys
from billbo.clickhouse.client import create_client
from billbo.events import native, repository
from billbo.events.schemas import SentEvent
from billbo.local.services import Service, service_env
from billbo.local.stack import DatabaseServers
from billbo.merchants import repository as merchants


def servers_clickhouse_pid(servers: DatabaseServers) -> int:
    assert servers.clickhouse is not None and servers.clickhouse.process is not None
    return servers.clickhouse.process.pid


def ceiling(clickhouse_url: str, merchant_id: uuid.UUID, seconds: float) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    events = [
        SentEvent(uuid.UUID(int=i % 1000 + 1), uuid.UUID(int=10**6 + i % 20), Decimal(i % 97) / 4, now)
        for i in range(1000)
    ]
    amounts = [int(e.amount * 10**12) for e in events]
    blocks = [  # encoded before the clock starts: the ceiling is ClickHouse's insert alone
        native.block(
            [
                native.encode(merchant_id, events, [f"ceil-{b}-{f}-{i}" for i in range(1000)], amounts, now)
                for f in range(20)
            ]
        )
        for b in range(10)
    ]
    client = create_client(clickhouse_url)
    rows = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        repository.insert_block(client, blocks[rows // 20_000 % len(blocks)])
        rows += 20_000
    elapsed = time.perf_counter() - started
    client.close()
    return {"rows": rows, "seconds": round(elapsed, 2), "events_per_s": round(rows / elapsed)}


def insert_stats(port: int) -> dict[str, float]:
    """Inserts so far, from the ingest API's own /metrics."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    values = {}
    for name in ("billbo_ingest_batch_rows_sum", "billbo_ingest_batch_rows_count", "billbo_ingest_insert_seconds_sum"):
        values[name] = next(float(line.split()[1]) for line in text.splitlines() if line.startswith(name + " "))
    return values


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(
    port: int,
    key: str,
    events_per_request: int,
    concurrency: int,
    seconds: float,
    pids: dict[str, int],
    profile: Path | None,
) -> dict[str, Any]:
    pid = pids["ingest"]
    sampler = MemorySampler(pid)
    sampler.start()
    before = insert_stats(port)
    cpu_before = {name: cpu_seconds(p) for name, p in pids.items()}
    spy = None
    if profile is not None:  # py-spy samples the ingest process while the load runs
        py_spy = str(Path(sys.executable).parent / "py-spy")
        record = f"record -p {pid} -d {int(seconds)} -f speedscope --nonblocking".split()
        spy = subprocess.Popen(
            [py_spy, *record, "-o", str(profile)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    options = f"--port {port} --events-per-request {events_per_request} --concurrency {concurrency}"
    options += f" --seconds {seconds}"
    result = subprocess.run(
        [sys.executable, "-m", "bench.loadgen", *options.split(), "--key", key],
        capture_output=True,
        text=True,
        check=True,
    )
    report: dict[str, Any] = json.loads(result.stdout)
    report["ingest_peak_rss_mb"] = sampler.stop()
    after = insert_stats(port)
    inserts = after["billbo_ingest_batch_rows_count"] - before["billbo_ingest_batch_rows_count"]
    rows = after["billbo_ingest_batch_rows_sum"] - before["billbo_ingest_batch_rows_sum"]
    insert_seconds = after["billbo_ingest_insert_seconds_sum"] - before["billbo_ingest_insert_seconds_sum"]
    report["clickhouse_inserts"] = {
        "count": int(inserts),
        "mean_rows": round(rows / inserts) if inserts else 0,
        "mean_ms": round(insert_seconds / inserts * 1000, 1) if inserts else 0,
    }
    report["cpu_cores_used"] = {
        name: round((cpu_seconds(p) - cpu_before[name]) / report["seconds"], 2) for name, p in pids.items()
    }
    if spy is not None:
        spy.wait(30)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--single-seconds", type=float, default=30)
    parser.add_argument("--batch-concurrency", type=int, default=16)
    parser.add_argument("--single-concurrency", type=int, default=128)
    parser.add_argument("--out", type=Path, default=Path("bench/results/ingest.json"))
    parser.add_argument("--profile", action="store_true", help="py-spy the ingest process (speedscope files)")
    args = parser.parse_args()
    with migrated_stack("ingest_port") as stack:
        settings, databases, databases_servers = stack.settings, stack.databases, stack.servers
        with psycopg.connect(databases.postgres_url) as conn:
            merchant_id = merchants.create(conn, name="Bench")
            key = keys.generate()
            api_keys.create(
                conn,
                merchant_id=merchant_id,
                name="bench",
                prefix=keys.display_prefix(key),
                key_sha256=keys.digest(key),
            )
        service = Service("ingest", [sys.executable, "-m", "ingest"], "127.0.0.1", settings.ingest_port)
        env = service_env(settings, databases) | {"BILLBO_LOG_LEVEL": "WARNING"}
        service.start(env, stack.directory / "logs")
        assert service.process is not None
        pid = service.process.pid
        assert servers_clickhouse_pid(databases_servers) is not None
        pids = {"ingest": pid, "clickhouse": servers_clickhouse_pid(databases_servers)}
        try:
            results: dict[str, Any] = {"idle_ingest_rss_mb": round(rss_mb(pid), 1)}
            results["ceiling_raw_insert"] = ceiling(databases.clickhouse_url, merchant_id, min(args.seconds, 20))
            profile_dir = args.out.parent if args.profile else None
            args.out.parent.mkdir(parents=True, exist_ok=True)
            batch = load(
                settings.ingest_port,
                key,
                1000,
                args.batch_concurrency,
                args.seconds,
                pids,
                profile_dir / "ingest-batch.speedscope.json" if profile_dir else None,
            )
            batch["ratio_to_ceiling"] = round(batch["events_per_s"] / results["ceiling_raw_insert"]["events_per_s"], 3)
            results["batches_of_1000"] = batch
            results["single_events"] = load(
                settings.ingest_port,
                key,
                1,
                args.single_concurrency,
                args.single_seconds,
                pids,
                profile_dir / "ingest-single.speedscope.json" if profile_dir else None,
            )
        finally:
            service.stop()
    results["machine"] = "x86_64, 2 cores (shared: ratios matter more than absolutes)"
    write_results(results, args.out)


if __name__ == "__main__":
    main()
