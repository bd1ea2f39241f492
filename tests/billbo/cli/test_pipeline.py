"""``billbo rate --period`` and ``billbo invoices close`` end to end: events to finalised invoices."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from clickhouse_connect.driver.client import Client

from billbo.migrations.runner import Databases
from tests.orchestration.usage.test_daily_usage import _store

pytestmark = pytest.mark.e2e
BILLBO = str(Path(sys.executable).parent / "billbo")


def test_rate_a_period_then_close_it(databases: Databases, ch: Client, tmp_path: Path) -> None:
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        merchant = conn.execute("insert into merchants (name) values ('Rated') returning id").fetchone()[0]  # type: ignore[index]
        customer = uuid.uuid4()
        conn.execute(
            "insert into customers (merchant_id, id, name, currency) values (%s, %s, 'C', 'USD')", [merchant, customer]
        )
        conn.execute(
            "insert into skus (merchant_id, id, name, unit, currency) values (%s, %s, 'S', 'u', 'USD')",
            [merchant, uuid.UUID(int=9)],
        )
        conn.execute(
            "insert into price_versions (merchant_id, sku_id, version, model, effective_from, package_size, "
            "package_price) values (%s, %s, 1, 'package', '2026-01-01', 10, 2.50)",
            [merchant, uuid.UUID(int=9)],
        )
    # 25 units in April over three days, one of them sent twice: 3 packages of 10 -> 7.50 USD.
    april = [dt.datetime(2026, 4, d, 12, tzinfo=dt.UTC) for d in (1, 15, 30)]
    _store(ch, merchant, [(f"apr-{i}", customer, "8.333333333333", at) for i, at in enumerate(april)])
    _store(ch, merchant, [("apr-0", customer, "8.333333333333", april[0])])
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILLBO_")}
    env.update(
        BILLBO_POSTGRES_URL=databases.postgres_url,
        BILLBO_CLICKHOUSE_URL=databases.clickhouse_url,
        BILLBO_DATA_DIR=str(tmp_path),
        DAGSTER_HOME=str(tmp_path),
    )
    rated = subprocess.run(
        [BILLBO, "rate", "--period", "2026-04"], env=env, capture_output=True, text=True, timeout=600
    )
    assert rated.returncode == 0, rated.stdout + rated.stderr
    with psycopg.connect(databases.postgres_url) as conn:
        draft = conn.execute(
            "select status, subtotal_minor from invoices where merchant_id = %s and period_start = '2026-04-01'",
            [merchant],
        ).fetchall()
        line = conn.execute(
            "select l.quantity, l.event_count, l.amount_unrounded from invoice_lines l join invoices i on i.id = l.invoice_id "
            "where i.merchant_id = %s",
            [merchant],
        ).fetchone()
    assert draft == [("draft", 750)]
    assert line == (Decimal("24.999999999999"), 3, Decimal("7.50"))
    closed = subprocess.run([BILLBO, "invoices", "close"], env=env, capture_output=True, text=True, timeout=120)
    assert closed.returncode == 0, closed.stderr
    with psycopg.connect(databases.postgres_url) as conn:
        final = conn.execute("select status, number from invoices where merchant_id = %s", [merchant]).fetchall()
    assert final == [("finalized", 1)]
    wrong = subprocess.run([BILLBO, "rate", "--period", "April"], env=env, capture_output=True, text=True, timeout=60)
    assert wrong.returncode == 2
    assert "YYYY-MM" in wrong.stderr
