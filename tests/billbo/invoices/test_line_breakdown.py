"""Each invoice line stores the calculation that priced it when it is written: its rated usage's
tier breakdown, billable quantity and minimum top-up, its price version's included quantity; an
adjustment line also what was billed before. A finalised line's breakdown is frozen with it."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings

from billbo.dbt import rate_period
from billbo.invoices import service
from billbo.migrations.runner import Databases
from billbo.pricing.models import Price, rate
from tests.billbo.pricing.test_sql_function import _call, prices, quantities

# Months no other test rates or loads usage for (a run rates and loads a month for every merchant).
MARCH, APRIL = dt.date(2025, 3, 1), dt.date(2025, 4, 1)
STORED = (
    "billable_quantity, included_quantity, tier_breakdown, minimum_top_up, billed_before_quantity, billed_before_minor"
)


def _seed(conn: Any) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """A graduated price (the first 10 GB at 1.00 USD, then 0.10) with 5 GB free and a 2.00 minimum."""
    merchant = conn.execute("insert into merchants (name) values ('Breakdown') returning id").fetchone()[0]
    sku = conn.execute(
        "insert into skus (merchant_id, name, unit, currency) values (%s, 'GB', 'GB', 'USD') returning id", [merchant]
    ).fetchone()[0]
    version = conn.execute(
        "insert into price_versions (merchant_id, sku_id, version, model, effective_from, included_quantity, "
        "minimum_charge) values (%s, %s, 1, 'graduated', '2025-01-01', 5, 2) returning id",
        [merchant, sku],
    ).fetchone()[0]
    conn.execute("insert into price_tiers values (%s, 0, 10, 1, 0), (%s, 1, null, 0.1, 0)", [version, version])
    customer = uuid.uuid4()
    conn.execute("insert into usage_daily values (%s, %s, %s, '2025-03-10', 12, 2, 1)", [merchant, customer, sku])
    return merchant, customer, sku


def _lines(conn: psycopg.Connection[Any], merchant: uuid.UUID) -> list[tuple[Any, ...]]:
    return conn.execute(
        f"select i.period_start, i.status::text, l.usage_period_start, l.quantity, l.amount_minor, {STORED} "
        "from invoices i join invoice_lines l on l.invoice_id = i.id where i.merchant_id = %s "
        "order by i.period_start, l.usage_period_start",
        [merchant],
    ).fetchall()


def _steps(*steps: tuple[int, str, str | None, str, str, str]) -> list[dict[str, Any]]:
    return [
        {
            "tier": tier,
            "from": lower,
            "up_to": up_to,
            "quantity": quantity,
            "unit_price": unit_price,
            "flat_fee": "0",
            "amount": amount,
        }
        for tier, lower, up_to, quantity, unit_price, amount in steps
    ]


def test_lines_store_what_priced_them_and_adjustments_what_was_billed_before(databases: Databases) -> None:
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        merchant, customer, sku = _seed(conn)
    assert rate_period("2025-03", databases.postgres_url)
    with psycopg.connect(databases.postgres_url) as conn:
        service.refresh_drafts(conn, MARCH)
        # 12 GB, 5 free: 7 billable, all in the first tier: 7.00 USD (above the 2.00 minimum).
        assert _lines(conn, merchant) == [
            (
                MARCH,
                "draft",
                MARCH,
                Decimal(12),
                700,
                Decimal(7),
                Decimal(5),
                _steps((1, "0", "10", "7", "1", "7")),
                Decimal(0),
                None,
                None,
            ),
        ]
        # The invoicing stage's reconciliation check compares the stored breakdown with rated usage too.
        assert [row for row in service.drafts_versus_rated_usage(conn, MARCH) if row[0] == merchant] == []
        conn.execute(
            "update invoice_lines set minimum_top_up = 1 where invoice_id in "
            "(select id from invoices where merchant_id = %s)",
            [merchant],
        )
        mine = [row for row in service.drafts_versus_rated_usage(conn, MARCH) if row[0] == merchant]
        assert mine == [(merchant, customer, sku)]
        service.finalize_due(conn, dt.datetime(2025, 4, 2, tzinfo=dt.UTC), MARCH)  # refreshes it first
        with pytest.raises(psycopg.errors.CheckViolation), conn.transaction():
            conn.execute(
                "update invoice_lines set tier_breakdown = '[]' where invoice_id in "
                "(select id from invoices where merchant_id = %s)",
                [merchant],
            )
    # 6 GB more for March arrive late: 18 GB, 13 billable: 10 x 1.00 + 3 x 0.10 = 10.30 USD.
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        conn.execute("insert into usage_daily values (%s, %s, %s, '2025-03-25', 6, 1, 2)", [merchant, customer, sku])
    assert rate_period("2025-03", databases.postgres_url)
    with psycopg.connect(databases.postgres_url) as conn:
        service.refresh_drafts(conn, APRIL)
        lines = _lines(conn, merchant)
    # The finalised line kept what priced it; April's adjustment line stores March rated again
    # as a whole (its tiers, 13 billable) and what March's invoice billed (12 GB, 7.00 USD).
    assert lines == [
        (
            MARCH,
            "finalized",
            MARCH,
            Decimal(12),
            700,
            Decimal(7),
            Decimal(5),
            _steps((1, "0", "10", "7", "1", "7")),
            Decimal(0),
            None,
            None,
        ),
        (
            APRIL,
            "draft",
            MARCH,
            Decimal(6),
            330,
            Decimal(13),
            Decimal(5),
            _steps((1, "0", "10", "10", "1", "10"), (2, "10", None, "3", "0.1", "0.3")),
            Decimal(0),
            Decimal(12),
            700,
        ),
    ]


@pytest.fixture(scope="module")
def conn(databases: Databases) -> Any:
    with psycopg.connect(databases.postgres_url, autocommit=True) as connection:
        yield connection


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(price=prices(), quantity=quantities)
def test_a_stored_step_is_described_as_the_pricing_module_describes_it(
    conn: Any, price: Price, quantity: Decimal
) -> None:
    steps = _call(conn, "billbo_rating", price, quantity)["lines"]
    expected = [line.description for line in rate(price, quantity).lines]
    assert [service.step_description(price.model, step, price.package_size) for step in steps] == expected
