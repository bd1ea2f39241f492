"""Invoices: drafts that follow rated usage, finalised after the period and its grace period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import psycopg

from billbo.invoicing import repository


def refresh_drafts(conn: psycopg.Connection[Any], period_start: dt.date) -> int:
    with conn.transaction():
        return repository.refresh_drafts(conn, period_start)


def finalize_due(
    conn: psycopg.Connection[Any],
    now: dt.datetime,
    period: dt.date | None = None,
    on_period: Callable[[dt.date, int], object] | None = None,
) -> int:
    """Finalise every due draft (of one period, or of all), in one transaction: all get their
    merchant's next numbers, or (on any failure) none do, so numbers stay gapless.

    Each period's drafts are refreshed from rated usage first, in the same transaction, and periods
    go oldest first: a finalised invoice bills exactly the rated usage of the moment, and a later
    draft sees the adjustments an earlier one just billed."""
    finalized = 0
    with conn.transaction():
        for due_period in repository.due_periods(conn, now, period):
            repository.refresh_drafts(conn, due_period)
            drafts = repository.due_drafts(conn, now, due_period)
            for invoice_id, merchant_id in drafts:
                repository.finalize(conn, invoice_id, repository.next_number(conn, merchant_id))
            finalized += len(drafts)
            if on_period is not None:
                on_period(due_period, len(drafts))
    return finalized


def due_periods(conn: psycopg.Connection[Any], now: dt.datetime) -> list[dt.date]:
    return repository.due_periods(conn, now)


def unbalanced_drafts(conn: psycopg.Connection[Any], period_start: dt.date) -> list[Any]:
    """The period's drafts whose lines do not add up to their subtotal (none, unless a bug)."""
    return repository.unbalanced_drafts(conn, period_start)


def drafts_versus_rated_usage(conn: psycopg.Connection[Any], period_start: dt.date) -> list[Any]:
    """Rated usage of the period missing from, or different on, its draft invoices (none, unless a bug)."""
    return repository.drafts_versus_rated_usage(conn, period_start)
