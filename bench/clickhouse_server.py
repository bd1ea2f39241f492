"""How much the local ClickHouse server costs over chDB in-process, on event-shaped inserts and reads.

Run: ``make bench-clickhouse-server`` (or ``.venv/bin/python -m bench.clickhouse_server``).

The same Native-format blocks of 10,000 events are inserted (1) in-process through chDB's
streaming inserter, the ceiling; (2) through the local server with clickhouse-connect's
``raw_insert`` (HTTP + LZ4 + the server); (3) through the local server with clickhouse-connect's
``insert`` from Python rows (adds the client's own encoding). Small-query round trips and four
concurrent clients complete the picture. Everything runs in one process tree, one after the
other, so the ratios are taken under the same machine load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import chdb
import clickhouse_connect

from billbo.local.clickhouse import EmbeddedClickHouse
from billbo.local.processes import port_is_free

TABLE = """
CREATE TABLE IF NOT EXISTS events (
    merchant_id UUID, event_id String, customer_id UUID, sku_id UUID,
    amount Decimal(38, 12), sent_at DateTime64(6, 'UTC')
) ENGINE = ReplacingMergeTree ORDER BY (merchant_id, event_id)
"""
COLUMNS = ["merchant_id", "event_id", "customer_id", "sku_id", "amount", "sent_at"]
BLOCK_SQL = """
SELECT toUUID('0190c1e2-7b7e-7c3e-9d2a-1f2e3d4c5b6a') AS merchant_id,
       concat('evt-', toString({offset:UInt64} + number)) AS event_id,
       generateUUIDv4(number) AS customer_id,
       generateUUIDv4(number % 20) AS sku_id,
       toDecimal128(number % 1000, 12) / 7 AS amount,
       toDateTime64('2026-11-01 00:00:00', 6, 'UTC') + toIntervalSecond(number % 2592000) AS sent_at
FROM numbers({rows:UInt64}) FORMAT Native
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    assert port_is_free("127.0.0.1", port)
    return port


def make_blocks(count: int, rows: int) -> list[bytes]:
    conn = chdb.connect(":memory:")
    sql = BLOCK_SQL.replace("{rows:UInt64}", str(rows))
    blocks = [bytes(conn.query(sql.replace("{offset:UInt64}", str(i * rows)), "Native").bytes()) for i in range(count)]
    conn.close()
    return blocks


def in_process(blocks: list[bytes], data_dir: Path) -> float:
    conn = chdb.connect(str(data_dir))
    conn.query(TABLE)
    started = time.perf_counter()
    for block in blocks:
        inserter = conn.send_insert("INSERT INTO events", "Native")
        inserter.append(block)  # type: ignore[no-untyped-call]
        inserter.finish()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def timed_inserts(client: Any, blocks: list[bytes]) -> float:
    started = time.perf_counter()
    for block in blocks:
        client.raw_insert("events", insert_block=block, fmt="Native")
    return time.perf_counter() - started


def round_trips(client: Any, n: int) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        client.command("SELECT 1")
        times.append((time.perf_counter() - started) * 1000)
    return times


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--blocks", type=int, default=100)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=Path("bench/results/clickhouse_server.json"))
    args = parser.parse_args()
    total = args.blocks * args.rows
    blocks = make_blocks(args.blocks, args.rows)
    results: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "rows": total,
        "rows_per_insert": args.rows,
    }
    with tempfile.TemporaryDirectory() as tmp:
        ceiling = in_process(blocks, Path(tmp) / "inproc")
        results["in_process_rows_per_s"] = round(total / ceiling)

        server = EmbeddedClickHouse(root=Path(tmp) / "server", port=_free_port())
        server.start()
        try:
            client = clickhouse_connect.get_client(
                host="127.0.0.1", port=server.port, autogenerate_session_id=False, compress="lz4"
            )
            client.command(TABLE)
            raw = timed_inserts(client, blocks)
            results["server_raw_insert_rows_per_s"] = round(total / raw)
            results["server_raw_insert_ratio_to_ceiling"] = round(ceiling / raw, 3)

            rows = client.query("SELECT * FROM events LIMIT {n:UInt64}", parameters={"n": args.rows}).result_rows
            started = time.perf_counter()
            for _ in range(10):
                client.insert(
                    "events",
                    rows,
                    column_names=["merchant_id", "event_id", "customer_id", "sku_id", "amount", "sent_at"],
                )
            python_rows = time.perf_counter() - started
            results["server_insert_from_python_rows_per_s"] = round(10 * args.rows / python_rows)

            latencies = round_trips(client, 500)
            results["select_1_round_trip_ms"] = {
                "p50": round(statistics.median(latencies), 3),
                "p99": round(percentile(latencies, 0.99), 3),
            }

            per_client = args.blocks // 4
            errors: list[BaseException] = []

            def worker(chunk: list[bytes]) -> None:
                try:
                    c = clickhouse_connect.get_client(
                        host="127.0.0.1", port=server.port, autogenerate_session_id=False, compress="lz4"
                    )
                    timed_inserts(c, chunk)
                    c.close()
                except BaseException as exc:  # noqa: BLE001 - reported below
                    errors.append(exc)

            threads = [
                threading.Thread(target=worker, args=(blocks[i * per_client : (i + 1) * per_client],)) for i in range(4)
            ]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            concurrent = time.perf_counter() - started
            assert not errors, errors
            results["server_4_clients_rows_per_s"] = round(4 * per_client * args.rows / concurrent)
            results["server_4_clients_ratio_to_ceiling"] = round(
                (4 * per_client * args.rows / concurrent) / (total / ceiling), 3
            )
            stored = int(str(client.command("SELECT count() FROM events FINAL")))
            results["rows_stored_distinct"] = stored
            assert stored == total, (stored, total)
            client.close()
        finally:
            server.stop()
    print(json.dumps(results, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
