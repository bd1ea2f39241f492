"""Response models of rated usage and invoices."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from pydantic import BaseModel, Field

from dashboard_api.skus.schemas import PreviewLine


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


class LineExplanation(BaseModel):
    line: InvoiceLine
    price_version: int
    pricing_model: str
    effective_from: dt.datetime
    tiers: list[PreviewLine] = Field(description="The tier-by-tier calculation of the line's amount.")
    included_quantity: Decimal
    minimum_top_up: Decimal
    days: list[UsageDay] = Field(description="The daily usage the line sums, with each day's event checksum.")
