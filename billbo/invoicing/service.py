"""Invoices: drafts that follow rated usage, finalised after the period and its grace period."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg

from billbo.invoicing import repository


def refresh_drafts(conn: psycopg.Connection[Any], period_start: dt.date) -> int:
    with conn.transaction():
        return repository.refresh_drafts(conn, period_start)


def finalize_due(conn: psycopg.Connection[Any], now: dt.datetime) -> int:
    """Finalise every due draft in one transaction: all get their merchant's next numbers, or (on
    any failure) none do, so numbers stay gapless."""
    with conn.transaction():
        due = repository.due_drafts(conn, now)
        for invoice_id, merchant_id in due:
            repository.finalize(conn, invoice_id, repository.next_number(conn, merchant_id))
    return len(due)
