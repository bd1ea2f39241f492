"""Durability and outages, with the real ingest process and a ClickHouse server of the test's own.

* kill -9 of ingest in the middle of a load: every event that got a 202 is in ClickHouse.
* the ClickHouse server stops during a load: requests get 503 and Retry-After; it starts again;
  ingest recovers by itself; clients retry with the same ids and every event counts once.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import signal
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from billbo.clickhouse.client import create_client
from billbo.local import processes
from billbo.local.clickhouse import EmbeddedClickHouse
from billbo.migrations import clickhouse as ch_migrations
from billbo.migrations.runner import Databases
from billbo.settings import Settings
from tests.conftest import free_port
from tests.ingest.conftest import MerchantKey, make_merchant_key

pytestmark = pytest.mark.e2e

CUSTOMER = "0190c1e2-7b7e-7c3e-9d2a-1f2e3d4c5b6a"
SKU = "0190c1e3-0a1b-7c3e-8d2a-1f2e3d4c5b6b"


@pytest.fixture
def own_clickhouse(tmp_path: Path, settings: Settings) -> Iterator[EmbeddedClickHouse]:
    server = EmbeddedClickHouse(root=tmp_path / "clickhouse", port=free_port())
    server.start()
    client = create_client(server.url, database="default")
    ch_migrations.migrate(client, ch_migrations.Topology("billbo"), settings.migrations_dir / "clickhouse")
    client.close()
    yield server
    server.stop()


class IngestProcess:
    def __init__(self, postgres_url: str, clickhouse_url: str, log: Path) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("BILLBO_")}
        env.update(
            BILLBO_POSTGRES_URL=postgres_url,
            BILLBO_CLICKHOUSE_URL=clickhouse_url,
            BILLBO_INGEST_PORT=str(self.port),
            BILLBO_LOG_LEVEL="WARNING",
        )
        self.process = processes.spawn([sys.executable, "-m", "ingest"], env=env, log_path=log)
        processes.wait_until(self.healthy, name="ingest", process=self.process, timeout=60, log_path=log)

    def healthy(self) -> bool:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as response:
            return bool(response.status == 200)

    def stop(self) -> None:
        if self.process.poll() is None:
            processes.stop(self.process, signal.SIGTERM, timeout=15)


def batch(prefix: str, n: int) -> bytes:
    now = dt.datetime.now(dt.UTC).isoformat()
    events = [
        {"event_id": f"{prefix}-{i}", "customer_id": CUSTOMER, "sku_id": SKU, "amount": 1, "sent_at": now}
        for i in range(n)
    ]
    return json.dumps({"events": events}).encode()


def send(conn: http.client.HTTPConnection, merchant: MerchantKey, body: bytes) -> tuple[int, dict[str, str], bytes]:
    conn.request("POST", "/v1/events", body=body, headers={**merchant.headers, "Content-Type": "application/json"})
    response = conn.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def stored_ids(clickhouse_url: str, merchant: MerchantKey) -> list[str]:
    client = create_client(clickhouse_url)
    rows = client.query(
        "SELECT event_id FROM events FINAL WHERE merchant_id = {m:UUID}", parameters={"m": merchant.merchant_id}
    ).result_rows
    client.close()
    return [r[0] for r in rows]


def test_kill_9_mid_load_loses_no_acknowledged_event(
    databases: Databases, own_clickhouse: EmbeddedClickHouse, tmp_path: Path
) -> None:
    merchant = make_merchant_key(databases.postgres_url)
    ingest = IngestProcess(databases.postgres_url, own_clickhouse.url, tmp_path / "ingest.log")
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(worker: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", ingest.port, timeout=10)
        n = 0
        while not stop.is_set():
            try:
                status, _, body = send(conn, merchant, batch(f"w{worker}-{n}", 200))
            except (OSError, http.client.HTTPException):
                return  # the process is gone
            if status == 202:
                with lock:
                    acknowledged.extend(json.loads(body)["event_ids"])
            n += 1

    workers = [threading.Thread(target=client, args=(w,)) for w in range(4)]
    for w in workers:
        w.start()
    time.sleep(2.0)
    os.kill(ingest.process.pid, signal.SIGKILL)
    ingest.process.wait(10)
    stop.set()
    for w in workers:
        w.join(15)
    assert len(acknowledged) > 1000, "the load never got going"
    missing = set(acknowledged) - set(stored_ids(own_clickhouse.url, merchant))
    assert missing == set()


def test_clickhouse_outage_503_then_recovery_without_restart(
    databases: Databases, own_clickhouse: EmbeddedClickHouse, tmp_path: Path
) -> None:
    merchant = make_merchant_key(databases.postgres_url)
    ingest = IngestProcess(databases.postgres_url, own_clickhouse.url, tmp_path / "ingest.log")
    try:
        conn = http.client.HTTPConnection("127.0.0.1", ingest.port, timeout=30)
        before = batch("before", 50)
        assert send(conn, merchant, before)[0] == 202

        own_clickhouse.stop()
        during = batch("during", 50)
        status, headers, body = send(conn, merchant, during)
        assert status == 503
        assert int(headers["retry-after"]) >= 1
        assert json.loads(body)["error"]["code"] == "service_unavailable"

        own_clickhouse.start()
        deadline = time.monotonic() + 30
        while True:  # a client honouring Retry-After, sending the same ids again
            status, headers, _ = send(conn, merchant, during)
            if status == 202:
                break
            assert status == 503
            assert time.monotonic() < deadline, "ingest did not recover"
            time.sleep(min(1.0, float(headers.get("retry-after", "1"))))
        assert send(conn, merchant, before)[0] == 202  # a late retry of an acknowledged batch
        assert ingest.process.poll() is None  # recovered without a restart
        ids = stored_ids(own_clickhouse.url, merchant)
        assert sorted(ids) == sorted([f"before-{i}" for i in range(50)] + [f"during-{i}" for i in range(50)])
    finally:
        ingest.stop()
