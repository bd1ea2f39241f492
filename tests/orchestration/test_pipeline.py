"""The whole pipeline in-process (the stages ``billbo rate`` runs), against the embedded ClickHouse
and Postgres: events become exact invoices, every asset check passes, a re-run changes nothing,
and events that arrive after finalisation are billed once, on the next draft."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import dagster as dg
import psycopg
import pytest
from clickhouse_connect.driver.client import Client

from billbo.migrations.runner import Databases
from orchestration import pipeline
from orchestration.definitions import resources
from tests.orchestration.usage.test_daily_usage import _store

pytestmark = pytest.mark.e2e
JULY, SEPTEMBER = dt.date(2026, 7, 1), dt.date(2026, 9, 1)
SKU = uuid.UUID(int=9)  # the SKU _store gives events


def _seed(conn: Any) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    merchant = conn.execute("insert into merchants (name) values ('Pipeline') returning id").fetchone()[0]
    conn.execute(
        "insert into skus (merchant_id, id, name, unit, currency) values (%s, %s, 'API calls', 'call', 'EUR')",
        [merchant, SKU],
    )
    version = conn.execute(
        "insert into price_versions (merchant_id, sku_id, version, model, effective_from, minimum_charge) "
        "values (%s, %s, 1, 'graduated', '2026-01-01', 1) returning id",
        [merchant, SKU],
    ).fetchone()[0]
    conn.execute("insert into price_tiers values (%s, 0, 10, 0.5, 0), (%s, 1, null, 0.125, 3)", [version, version])
    return merchant, uuid.UUID(int=1), uuid.UUID(int=2)


def _run(databases: Databases, stages: list[pipeline.Stage]) -> list[dg.AssetCheckEvaluation]:
    checks: list[dg.AssetCheckEvaluation] = []
    for done in pipeline.run(stages, resources(databases), dg.DagsterInstance.ephemeral()):
        checks.extend(done.result.get_asset_check_evaluations())
    return checks


def _snapshot(conn: Any, merchant: uuid.UUID) -> dict[str, list[tuple[Any, ...]]]:
    queries = {
        "usage": "select customer_id, day, quantity, event_count, event_checksum from usage_daily "
        "where merchant_id = %s order by 1, 2",
        "rated": "select customer_id, period_start, quantity, event_count, price_version_id, tier_breakdown::text, "
        "amount_unrounded, amount_minor from rating.rated_usage where merchant_id = %s order by 1, 2",
        "invoices": "select customer_id, period_start, status, number, subtotal_minor from invoices "
        "where merchant_id = %s order by 1, 2",
        "lines": "select i.customer_id, i.period_start, l.usage_period_start, l.quantity, l.amount_unrounded, "
        "l.amount_minor from invoice_lines l join invoices i on i.id = l.invoice_id where i.merchant_id = %s "
        "order by 1, 2, 3",
    }
    return {name: conn.execute(sql, [merchant]).fetchall() for name, sql in queries.items()}


def test_events_become_exact_invoices_and_re_runs_change_nothing(databases: Databases, ch: Client) -> None:
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        merchant, a, b = _seed(conn)
    july = [dt.datetime(2026, 7, d, 9, tzinfo=dt.UTC) for d in (1, 15, 31)]
    # a: 4 + 8 + 2.5 = 14.5 calls (one event sent twice); b: 3 calls and a correction of -3.
    _store(
        ch,
        merchant,
        [
            ("p-1", a, "4", july[0]),
            ("p-2", a, "8", july[1]),
            ("p-3", a, "2.5", july[2]),
            ("p-4", b, "3", july[0]),
            ("p-5", b, "-3", july[2]),
        ],
    )
    _store(ch, merchant, [("p-2", a, "8", july[1])])
    checks = _run(databases, pipeline.rating_stages(JULY))
    assert checks and all(check.passed for check in checks), [c.check_name for c in checks if not c.passed]
    assert {c.check_name for c in checks} >= {
        "reconciles_with_clickhouse",
        "rated_usage_reconciles_with_usage",
        "price_tiers_are_contiguous",
        "invoice_lines_sum_to_subtotals",
        "invoice_lines_reconcile_with_rated_usage",
    }
    with psycopg.connect(databases.postgres_url) as conn:
        first = _snapshot(conn, merchant)
    # a: 10 x 0.5 + 4.5 x 0.125 + 3 (tier 2's fee) = 8.5625 -> 8.56 EUR; b: net 0 with usage -> the 1.00 minimum.
    assert [(row[0], row[4]) for row in first["invoices"]] == [(a, 856), (b, 100)]
    assert [row[3:] for row in first["lines"]] == [
        (Decimal("14.5"), Decimal("8.5625"), 856),
        (Decimal(0), Decimal(1), 100),
    ]

    # The same events and prices again: identical rows, no second invoice.
    _run(databases, pipeline.rating_stages(JULY))
    with psycopg.connect(databases.postgres_url) as conn:
        assert _snapshot(conn, merchant) == first

    checks = _run(databases, [pipeline.finalization_stage(JULY)])
    with psycopg.connect(databases.postgres_url) as conn:
        finalized = _snapshot(conn, merchant)
    assert [(row[2], row[3] is not None) for row in finalized["invoices"]] == [("finalized", True)] * 2
    assert sorted(row[3] for row in finalized["invoices"]) == [1, 2]  # gapless, from 1

    # Late: 2 more calls for a in July, after July was finalised. July's invoice stays as it was;
    # the next draft bills the difference of the re-rated July (8.5625 + 0.25 = 8.8125 -> 8.81) once.
    _store(ch, merchant, [("p-late", a, "2", dt.datetime(2026, 7, 20, tzinfo=dt.UTC))])
    day = dt.date(2026, 7, 20)
    checks = _run(databases, pipeline.rating_stages(JULY, load=(day, day)) + pipeline.rating_stages(SEPTEMBER)[1:])
    assert all(check.passed for check in checks)
    _run(databases, pipeline.rating_stages(SEPTEMBER)[1:])  # and again: still billed once
    with psycopg.connect(databases.postgres_url) as conn:
        after = _snapshot(conn, merchant)
    assert [row for row in after["invoices"] if row[1] == JULY] == finalized["invoices"]
    adjustments = [row for row in after["lines"] if row[1] == SEPTEMBER]
    assert adjustments == [(a, SEPTEMBER, JULY, Decimal(2), Decimal("0.2500"), 25)]
