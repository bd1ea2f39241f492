"""Draft invoices follow rated usage; finalised ones get gapless numbers and never change."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from billbo.dbt import rate_period
from billbo.invoices import service
from billbo.migrations.runner import Databases

PERIOD = dt.date(2026, 2, 1)


def _seed(conn: Any) -> tuple[uuid.UUID, list[uuid.UUID]]:
    merchant = conn.execute("insert into merchants (name) values ('Invoicer') returning id").fetchone()[0]
    sku = conn.execute(
        "insert into skus (merchant_id, name, unit, currency) values (%s, 'GB', 'GB', 'JPY') returning id", [merchant]
    ).fetchone()[0]
    conn.execute(
        "insert into price_versions (merchant_id, sku_id, version, model, effective_from, unit_price) "
        "values (%s, %s, 1, 'per_unit', '2026-01-01', 0.5)",
        [merchant, sku],
    )
    customers = [uuid.uuid4(), uuid.uuid4()]
    for customer, quantity in zip(customers, ("3", "1.2"), strict=True):  # 1.5 JPY and 0.6 JPY
        conn.execute(
            "insert into usage_daily values (%s, %s, %s, '2026-02-10', %s, 2, 1)", [merchant, customer, sku, quantity]
        )
    return merchant, customers


def _rate(databases: Databases) -> None:
    assert rate_period("2026-02", databases.postgres_url)


def test_drafts_then_finalised_invoices_with_gapless_numbers(databases: Databases) -> None:
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        merchant, customers = _seed(conn)
    _rate(databases)
    with psycopg.connect(databases.postgres_url) as conn:
        assert service.refresh_drafts(conn, PERIOD) >= 2
        assert service.refresh_drafts(conn, PERIOD) >= 2  # again: same drafts, no duplicate lines
        invoices = conn.execute(
            "select i.id, i.customer_id, i.subtotal_minor, (select count(*) from invoice_lines l where l.invoice_id = i.id), "
            "(select sum(amount_minor) from invoice_lines l where l.invoice_id = i.id) "
            "from invoices i where merchant_id = %s order by subtotal_minor desc",
            [merchant],
        ).fetchall()
        # JPY has no minor unit: 1.5 rounds half away from zero to 2, 0.6 to 1.
        assert [(row[1], row[2], row[3]) for row in invoices] == [(customers[0], 2, 1), (customers[1], 1, 1)]
        assert all(row[2] == row[4] for row in invoices)  # subtotal equals the sum of its lines
        grace_not_over = dt.datetime(2026, 3, 1, 0, 59, tzinfo=dt.UTC)
        service.finalize_due(conn, grace_not_over)  # the period ended, but its hour of grace has not
        assert _numbers(conn, merchant) == []
        service.finalize_due(conn, dt.datetime(2026, 3, 1, 1, 0, 1, tzinfo=dt.UTC))
        assert _numbers(conn, merchant) == [1, 2]
        locked = conn.execute("select locked_at from price_versions where merchant_id = %s", [merchant]).fetchone()
        assert locked is not None
        assert locked[0] is not None
        conn.commit()
        with pytest.raises(psycopg.errors.CheckViolation, match="finalized"):
            conn.execute("update invoice_lines set amount_minor = 0 where invoice_id = %s", [invoices[0][0]])
        conn.rollback()
        # Rating again changes nothing on finalised invoices.
        service.refresh_drafts(conn, PERIOD)
        assert conn.execute("select subtotal_minor from invoices where id = %s", [invoices[0][0]]).fetchone() == (2,)


def _numbers(conn: Any, merchant: uuid.UUID) -> list[int]:
    rows = conn.execute(
        "select number from invoices where merchant_id = %s and status = 'finalized' order by number", [merchant]
    ).fetchall()
    return [int(r[0]) for r in rows]


def test_usage_after_finalisation_is_billed_once_on_the_next_invoice(databases: Databases) -> None:
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        merchant, customers = _seed(conn)
    _rate(databases)
    with psycopg.connect(databases.postgres_url) as conn:
        service.refresh_drafts(conn, PERIOD)
        service.finalize_due(conn, dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    # Late usage for February arrives after its invoice was finalised: 4 more GB for the first customer.
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        sku = conn.execute("select id from skus where merchant_id = %s", [merchant]).fetchone()[0]  # type: ignore[index]
        conn.execute(
            "insert into usage_daily values (%s, %s, %s, '2026-02-20', 4, 1, 7)", [merchant, customers[0], sku]
        )
    _rate(databases)  # February again: rated usage now says 7 GB (3.5 JPY)
    march = dt.date(2026, 3, 1)
    with psycopg.connect(databases.postgres_url) as conn:
        for _ in range(2):  # refreshing twice must not bill it twice
            service.refresh_drafts(conn, march)
        lines = conn.execute(
            "select i.period_start, i.status, l.usage_period_start, l.quantity, l.amount_minor "
            "from invoices i join invoice_lines l on l.invoice_id = i.id "
            "where i.merchant_id = %s and i.customer_id = %s order by i.period_start",
            [merchant, customers[0]],
        ).fetchall()
        february = conn.execute(
            "select subtotal_minor from invoices where merchant_id = %s and customer_id = %s and period_start = %s",
            [merchant, customers[0], PERIOD],
        ).fetchone()
    assert february == (2,)  # the finalized invoice did not change
    # March's draft carries one adjustment line naming February: 4 GB; 3.5 rounds to 4, minus the 2 billed.
    assert lines == [
        (PERIOD, "finalized", PERIOD, Decimal(3), 2),
        (march, "draft", PERIOD, Decimal(4), 2),
    ]


def _line_versions(conn: Any, merchant: uuid.UUID) -> dict[uuid.UUID, tuple[Any, ...]]:
    """Each draft line of the merchant by customer: its id, the transaction that last wrote it, its amount."""
    rows = conn.execute(
        "select i.customer_id, l.id, l.xmin::text, l.quantity, l.amount_minor, i.subtotal_minor "
        "from invoice_lines l join invoices i on i.id = l.invoice_id where i.merchant_id = %s",
        [merchant],
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def test_a_refresh_rewrites_only_the_lines_whose_rated_usage_changed(databases: Databases) -> None:
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        merchant, (a, b) = _seed(conn)
    _rate(databases)
    with psycopg.connect(databases.postgres_url) as conn:
        service.refresh_drafts(conn, PERIOD)
        first = _line_versions(conn, merchant)
        service.refresh_drafts(conn, PERIOD)
        assert _line_versions(conn, merchant) == first  # nothing changed: nothing written

        # a uses 5 more GB: its line changes in place (same id, 4 JPY), b's line is not touched.
        conn.execute("update usage_daily set quantity = 8 where merchant_id = %s and customer_id = %s", [merchant, a])
        conn.commit()
        _rate(databases)
        service.refresh_drafts(conn, PERIOD)
        after = _line_versions(conn, merchant)
        assert after[b] == first[b]
        assert after[a][0] == first[a][0] and after[a][1] != first[a][1]
        assert after[a][2:] == (Decimal(8), 4, 4)

        # a's usage is gone: its line goes, its draft stays with nothing to bill.
        conn.execute("delete from usage_daily where merchant_id = %s and customer_id = %s", [merchant, a])
        conn.commit()
        _rate(databases)
        service.refresh_drafts(conn, PERIOD)
        assert set(_line_versions(conn, merchant)) == {b}
        subtotal = conn.execute(
            "select subtotal_minor from invoices where merchant_id = %s and customer_id = %s", [merchant, a]
        ).fetchone()
        assert subtotal == (0,)


def test_finalisation_numbers_each_merchants_drafts_after_its_last_number(databases: Databases) -> None:
    june = dt.date(2026, 6, 1)
    with psycopg.connect(databases.postgres_url) as conn:
        merchants = [
            conn.execute("insert into merchants (name) values (%s) returning id", [name]).fetchone()[0]  # type: ignore[index]
            for name in ("First", "Second")
        ]
        # The first merchant has issued 7 invoices already; the second none.
        conn.execute("insert into invoice_number_counters values (%s, 7)", [merchants[0]])
        customers = sorted(uuid.uuid4() for _ in range(3))
        for merchant in merchants:
            for customer in reversed(customers):
                conn.execute(
                    "insert into invoices (merchant_id, customer_id, currency, period_start) values (%s, %s, 'EUR', %s)",
                    [merchant, customer, june],
                )
        assert service.finalize_due(conn, dt.datetime(2026, 7, 2, tzinfo=dt.UTC), june) >= 6
        numbers = conn.execute(
            "select merchant_id, customer_id, number from invoices where merchant_id = any(%s) and status = 'finalized'",
            [merchants],
        ).fetchall()
        by_merchant = {m: [n for mm, _, n in sorted(numbers, key=lambda r: r[1]) if mm == m] for m in merchants}
        # In customer order, after the merchant's last number, without gaps.
        assert by_merchant == {merchants[0]: [8, 9, 10], merchants[1]: [1, 2, 3]}
        assert conn.execute(
            "select last_number from invoice_number_counters where merchant_id = any(%s) order by last_number",
            [merchants],
        ).fetchall() == [(3,), (10,)]
