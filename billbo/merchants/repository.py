"""SQL for merchants."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row


def create(
    conn: psycopg.Connection[Any], *, name: str, backdating_window: dt.timedelta = dt.timedelta(days=35)
) -> uuid.UUID:
    row = conn.execute(
        "insert into merchants (name, backdating_window) values (%s, %s) returning id", [name, backdating_window]
    ).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def ids(conn: psycopg.Connection[Any]) -> list[uuid.UUID]:
    """Every merchant's id."""
    return [uuid.UUID(str(row[0])) for row in conn.execute("select id from merchants order by id").fetchall()]


_SETTINGS = """
select extract(epoch from invoice_grace_period)::bigint / 60 as invoice_grace_period_minutes,
       extract(epoch from backdating_window)::bigint / 86400 as backdating_window_days,
       collection_method, days_until_due, send_zero_amount_invoices
from merchants where id = %s
"""


def billing_settings(conn: psycopg.Connection[Any], merchant_id: uuid.UUID) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(_SETTINGS, [merchant_id]).fetchone()


def update_billing_settings(conn: psycopg.Connection[Any], merchant_id: uuid.UUID, changes: dict[str, Any]) -> None:
    """Set the given fields (names of ``BillingSettings``); the intervals from minutes and days."""
    columns = {
        "invoice_grace_period_minutes": ("invoice_grace_period", "make_interval(mins => %s)"),
        "backdating_window_days": ("backdating_window", "make_interval(days => %s)"),
        "collection_method": ("collection_method", "%s"),
        "days_until_due": ("days_until_due", "%s"),
        "send_zero_amount_invoices": ("send_zero_amount_invoices", "%s"),
    }
    assignments = [sql.SQL("{} = " + columns[name][1]).format(sql.Identifier(columns[name][0])) for name in changes]
    if not assignments:
        return
    query = sql.SQL("update merchants set {} where id = %s").format(sql.SQL(", ").join(assignments))
    conn.execute(query, [*changes.values(), merchant_id])
