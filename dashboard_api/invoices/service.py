"""Reading rated usage and invoices, and explaining an invoice line."""

from __future__ import annotations

import datetime as dt
import uuid

from psycopg_pool import ConnectionPool

from billbo.errors import NotFound
from billbo.pricing import models as pricing
from dashboard_api.auth.deps import User
from dashboard_api.invoices import repository
from dashboard_api.invoices.schemas import (
    Adjustment,
    Invoice,
    InvoiceLine,
    LineExplanation,
    RatedUsage,
    UsageDay,
)
from dashboard_api.skus import repository as skus
from dashboard_api.skus.schemas import PreviewLine, PriceIn, PriceVersion
from dashboard_api.skus.service import to_price


def rated_usage(pool: ConnectionPool, user: User, period_start: dt.date) -> list[RatedUsage]:
    with pool.connection() as conn:
        if not repository.rated_usage_exists(conn):
            return []  # nothing has been rated yet
        return [RatedUsage.model_validate(row) for row in repository.rated_usage(conn, user.merchant_id, period_start)]


def invoices(pool: ConnectionPool, user: User, period_start: dt.date | None) -> list[Invoice]:
    with pool.connection() as conn:
        return [Invoice.model_validate(row) for row in repository.invoices(conn, user.merchant_id, period_start)]


def invoice(pool: ConnectionPool, user: User, invoice_id: uuid.UUID) -> Invoice:
    with pool.connection() as conn:
        row = repository.invoice(conn, user.merchant_id, invoice_id)
        if row is None:
            raise NotFound(f"No invoice {invoice_id}.")
        return Invoice(**row, lines=[InvoiceLine.model_validate(line) for line in repository.lines(conn, invoice_id)])


def explain(pool: ConnectionPool, user: User, invoice_id: uuid.UUID, line_id: uuid.UUID) -> LineExplanation:
    """Why a line costs what it costs: price version, tiers, and the days and events it counts."""
    found = invoice(pool, user, invoice_id)
    line = next((item for item in found.lines if item.id == line_id), None)
    if line is None:
        raise NotFound(f"No line {line_id} on invoice {invoice_id}.")
    adjusts = line.usage_period_start != found.period_start
    with pool.connection() as conn:
        versions = skus.versions(conn, user.merchant_id, line.sku_id)
        days = repository.usage_days(conn, user.merchant_id, found.customer_id, line.sku_id, line.usage_period_start)
        billed = None
        if adjusts:
            billed = repository.billed_before(
                conn, user.merchant_id, found.customer_id, line.sku_id, line.usage_period_start, found.period_start
            )
    version = PriceVersion.model_validate(next(v for v in versions if v["id"] == line.price_version_id))
    price = to_price(PriceIn.model_validate(version.model_dump(exclude={"id", "version", "effective_from", "locked"})))
    adjustment = None
    quantity, events = line.quantity, line.event_count
    if billed is not None:  # the period is rated as a whole again; the line is the difference
        quantity, events = quantity + billed["quantity"], events + billed["event_count"]
        adjustment = Adjustment(
            period_quantity=quantity,
            period_amount_minor=line.amount_minor + billed["amount_minor"],
            billed_quantity=billed["quantity"],
            billed_minor=billed["amount_minor"],
        )
    rating = pricing.rate(price, quantity, had_usage=events > 0)
    return LineExplanation(
        line=line, price_version=version.version, pricing_model=version.model, effective_from=version.effective_from,
        tiers=[PreviewLine(**step.__dict__) for step in rating.lines], included_quantity=price.included_quantity,
        minimum_top_up=rating.minimum_top_up, adjustment=adjustment,
        days=[UsageDay.model_validate(day) for day in days],
    )  # fmt: skip
