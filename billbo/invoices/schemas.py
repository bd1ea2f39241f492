"""Response models of rated usage and invoices."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from pydantic import BaseModel, Field

from billbo.skus.schemas import PreviewLine
from billbo.stripe.schemas import StripeExportStatus


class RatedUsage(BaseModel):
    customer_id: uuid.UUID
    sku_id: uuid.UUID
    period_start: dt.date
    quantity: Decimal
    event_count: int
    price_version_id: uuid.UUID
    price_version: int
    pricing_model: str
    currency: str
    amount_unrounded: Decimal
    amount_minor: int


class InvoiceLine(BaseModel):
    id: uuid.UUID
    sku_id: uuid.UUID
    usage_period_start: dt.date
    price_version_id: uuid.UUID
    quantity: Decimal
    event_count: int
    amount_unrounded: Decimal
    amount_minor: int


class Invoice(BaseModel):
    id: uuid.UUID
    customer_id: uuid.UUID
    currency: str
    period_start: dt.date
    status: str
    number: int | None
    subtotal_minor: int
    finalized_at: dt.datetime | None
    lines: list[InvoiceLine] = Field(default_factory=list)


class UsageDay(BaseModel):
    day: dt.date
    quantity: Decimal
    event_count: int
    event_checksum: Decimal = Field(description="XOR of cityHash64(event_id) over the day's counted events.")


class Adjustment(BaseModel):
    """An adjustment line bills what an earlier, finalised period owes beyond what it was billed:
    the period is rated again as a whole (and rounded once), less what its invoices billed."""

    period_quantity: Decimal = Field(description="The period's whole quantity, as rated now.")
    period_amount_minor: int = Field(description="What the whole period costs now, in minor units.")
    billed_quantity: Decimal = Field(description="The quantity finalised invoices already billed for the period.")
    billed_minor: int = Field(description="What finalised invoices already billed for the period, in minor units.")


class LineExplanation(BaseModel):
    line: InvoiceLine
    price_version: int
    pricing_model: str
    effective_from: dt.datetime
    tiers: list[PreviewLine] = Field(
        description="The tier-by-tier calculation: of the line's amount, or for an adjustment line of the "
        "whole period's amount (see adjustment)."
    )
    included_quantity: Decimal
    minimum_top_up: Decimal
    adjustment: Adjustment | None = Field(
        None, description="Set on an adjustment line (usage_period_start before the invoice's period)."
    )
    days: list[UsageDay] = Field(description="The daily usage of the line's period, with each day's event checksum.")


class InvoiceDetail(Invoice):
    stripe: StripeExportStatus | None = Field(
        None, description="The invoice's export to Stripe; null while it is a draft or Stripe is not connected."
    )
