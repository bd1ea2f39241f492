"""SQL for rated usage and invoices (tables written by the rating pipeline)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import psycopg
from psycopg.rows import dict_row

Conn = psycopg.Connection[Any]


def rated_usage_exists(conn: Conn) -> bool:
    row = conn.execute("select to_regclass('rating.rated_usage') is not null").fetchone()
    return bool(row and row[0])


def rated_usage(conn: Conn, merchant_id: uuid.UUID, period_start: dt.date) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "select customer_id, sku_id, period_start, quantity, event_count, price_version_id, price_version, "
            "pricing_model::text as pricing_model, currency, amount_unrounded, amount_minor "
            "from rating.rated_usage where merchant_id = %s and period_start = %s order by customer_id, sku_id",
            [merchant_id, period_start],
        ).fetchall()


_INVOICE = (
    "select id, customer_id, currency, period_start, status::text as status, number, subtotal_minor, finalized_at "
    "from invoices"
)


def invoices(conn: Conn, merchant_id: uuid.UUID, period_start: dt.date | None) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        if period_start is None:
            return cur.execute(_INVOICE + " where merchant_id = %s order by period_start desc, customer_id",
                               [merchant_id]).fetchall()  # fmt: skip
        return cur.execute(_INVOICE + " where merchant_id = %s and period_start = %s order by customer_id",
                           [merchant_id, period_start]).fetchall()  # fmt: skip


def invoice(conn: Conn, merchant_id: uuid.UUID, invoice_id: uuid.UUID) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(_INVOICE + " where merchant_id = %s and id = %s", [merchant_id, invoice_id]).fetchone()


def lines(conn: Conn, invoice_id: uuid.UUID) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "select id, sku_id, usage_period_start, price_version_id, quantity, event_count, amount_unrounded, "
            "amount_minor from invoice_lines where invoice_id = %s order by sku_id, usage_period_start",
            [invoice_id],
        ).fetchall()


def usage_days(
    conn: Conn, merchant_id: uuid.UUID, customer_id: uuid.UUID, sku_id: uuid.UUID, period_start: dt.date
) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "select day, quantity, event_count, event_checksum from usage_daily where merchant_id = %s "
            "and customer_id = %s and sku_id = %s and day >= %s and day < (%s::date + interval '1 month') order by day",
            [merchant_id, customer_id, sku_id, period_start, period_start],
        ).fetchall()


def billed_before(
    conn: Conn, merchant_id: uuid.UUID, customer_id: uuid.UUID, sku_id: uuid.UUID, usage_period: dt.date,
    billing_period: dt.date,
) -> dict[str, Any]:  # fmt: skip
    """What finalised invoices of billing periods before ``billing_period`` billed for a customer's
    SKU's usage in ``usage_period``."""
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(
            "select coalesce(sum(quantity), 0) as quantity, coalesce(sum(event_count), 0) as event_count, "
            "coalesce(sum(amount_minor), 0) as amount_minor from billed_usage "
            "where merchant_id = %s and customer_id = %s and sku_id = %s and usage_period_start = %s "
            "and billing_period_start < %s",
            [merchant_id, customer_id, sku_id, usage_period, billing_period],
        ).fetchone()
    assert row is not None
    return row
