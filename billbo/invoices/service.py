"""Invoices: drafts that follow rated usage, finalised after the period and its grace period; what
the dashboard reads of them, and the explanation of a line."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import psycopg

from billbo.errors import Conflict, NotFound
from billbo.invoices import repository
from billbo.invoices.schemas import (
    Adjustment,
    Invoice,
    InvoiceDetail,
    InvoiceLine,
    LineExplanation,
    RatedUsage,
    UsageDay,
)
from billbo.postgres.connection import Conn
from billbo.skus import repository as skus
from billbo.skus.schemas import PreviewLine, PriceVersion
from billbo.stripe import repository as stripe_exports


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
            count = repository.finalize(conn, repository.due_drafts(conn, now, due_period))
            finalized += count
            if on_period is not None:
                on_period(due_period, count)
    return finalized


def due_periods(conn: psycopg.Connection[Any], now: dt.datetime) -> list[dt.date]:
    return repository.due_periods(conn, now)


def unbalanced_drafts(conn: psycopg.Connection[Any], period_start: dt.date) -> list[Any]:
    """The period's drafts whose lines do not add up to their subtotal (none, unless a bug)."""
    return repository.unbalanced_drafts(conn, period_start)


def drafts_versus_rated_usage(conn: psycopg.Connection[Any], period_start: dt.date) -> list[Any]:
    """Rated usage of the period missing from, or different on, its draft invoices (none, unless a bug)."""
    return repository.drafts_versus_rated_usage(conn, period_start)


def rated_usage(conn: Conn, merchant_id: uuid.UUID, period_start: dt.date) -> list[RatedUsage]:
    if not repository.rated_usage_exists(conn):
        return []  # nothing has been rated yet
    return [RatedUsage.model_validate(row) for row in repository.rated_usage(conn, merchant_id, period_start)]


def invoices(conn: Conn, merchant_id: uuid.UUID, period_start: dt.date | None) -> list[Invoice]:
    return [Invoice.model_validate(row) for row in repository.invoices(conn, merchant_id, period_start)]


def invoice(conn: Conn, merchant_id: uuid.UUID, invoice_id: uuid.UUID) -> Invoice:
    row = repository.invoice(conn, merchant_id, invoice_id)
    if row is None:
        raise NotFound(f"No invoice {invoice_id}.")
    return Invoice(**row, lines=[InvoiceLine.model_validate(line) for line in repository.lines(conn, invoice_id)])


def invoice_detail(conn: Conn, merchant_id: uuid.UUID, invoice_id: uuid.UUID) -> InvoiceDetail:
    """The invoice, its lines and its export to Stripe (null when there is none: a draft, or a
    merchant without Stripe)."""
    found = invoice(conn, merchant_id, invoice_id)
    row = stripe_exports.merchant_export(conn, merchant_id, invoice_id)
    export = stripe_exports.as_status(row) if row is not None else None
    return InvoiceDetail(**found.model_dump(), stripe=export)


def step_description(model: str, step: dict[str, Any], package_size: Decimal | None) -> str:
    """The label billbo.pricing gives the same step of its calculation (the stored breakdown keeps
    the numbers; the words are the pricing model's)."""
    if model == "graduated":
        return f"tier {step['tier']}"
    if model == "volume":
        return f"tier {step['tier']} (volume)"
    if model == "package":
        return f"{Decimal(step['quantity'])} package(s) of {package_size}"
    return "per unit"


def _tier(version: PriceVersion, step: dict[str, Any]) -> PreviewLine:
    """One step of a stored breakdown (numbers as exact strings, billbo_rating's keys)."""
    return PreviewLine(
        description=step_description(version.model, step, version.package_size),
        tier=step["tier"],
        tier_from=step["from"],
        tier_up_to=step["up_to"],
        quantity=step["quantity"],
        unit_price=step["unit_price"],
        flat_fee=step["flat_fee"],
        amount=step["amount"],
    )


def explain(conn: Conn, merchant_id: uuid.UUID, invoice_id: uuid.UUID, line_id: uuid.UUID) -> LineExplanation:
    """Why a line costs what it costs: its price version, and the calculation stored with the line
    when it was written (tiers, included quantity, minimum top-up; for an adjustment line, its
    period rated as a whole and what was billed before), with the days and events it counts. Read,
    never rated again: the explanation stays what was billed whatever the code or rated usage
    become."""
    found = invoice(conn, merchant_id, invoice_id)
    line = next((item for item in found.lines if item.id == line_id), None)
    if line is None:
        raise NotFound(f"No line {line_id} on invoice {invoice_id}.")
    adjusts = line.usage_period_start != found.period_start
    stored = repository.line_breakdown(conn, invoice_id, line_id)
    priced = skus.price_version(conn, merchant_id, line.sku_id, line.price_version_id)
    days = repository.usage_days(conn, merchant_id, found.customer_id, line.sku_id, line.usage_period_start)
    assert stored is not None
    if stored["tier_breakdown"] is None or (adjusts and stored["billed_before_quantity"] is None):
        raise Conflict(
            f"Line {line_id} was written before invoice lines stored the calculation that priced them, and "
            "its rated usage has changed since: "
            + ("the draft's next refresh stores it." if found.status == "draft" else "it has no stored explanation.")
        )
    assert priced is not None  # a line's version is never deleted (a foreign key)
    version = priced[0]
    adjustment = None
    if adjusts:  # the period rated again as a whole; the line is the difference
        adjustment = Adjustment(
            period_quantity=line.quantity + stored["billed_before_quantity"],
            period_amount_minor=line.amount_minor + stored["billed_before_minor"],
            billed_quantity=stored["billed_before_quantity"],
            billed_minor=stored["billed_before_minor"],
        )
    return LineExplanation(
        line=line,
        price_version=version.version,
        pricing_model=version.model,
        effective_from=version.effective_from,
        tiers=[_tier(version, step) for step in stored["tier_breakdown"]],
        included_quantity=stored["included_quantity"],
        minimum_top_up=stored["minimum_top_up"],
        adjustment=adjustment,
        days=[UsageDay.model_validate(day) for day in days],
    )
