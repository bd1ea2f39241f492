"""Response models of live usage and its estimated cost."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from pydantic import BaseModel, Field


class UsageRow(BaseModel):
    day: dt.date | None = None
    customer_id: uuid.UUID | None = None
    sku_id: uuid.UUID | None = None
    quantity: Decimal
    events: int


class CurrencyTotal(BaseModel):
    currency: str
    amount: Decimal = Field(description="Sum of the unrounded line amounts.")
    amount_minor: int = Field(description="Sum of the lines, each rounded once to minor units.")


class Unpriced(BaseModel):
    customer_id: uuid.UUID
    sku_id: uuid.UUID
    quantity: Decimal
    events: int
    reasons: list[str] = Field(description="unknown_customer, unknown_sku, no_price_in_force")


class EstimatedCost(BaseModel):
    note: str = "Each customer and SKU's quantity over the window, rated at the prices in force now."
    totals: list[CurrencyTotal]
    unpriced: list[Unpriced]


class Usage(BaseModel):
    sent_from: dt.datetime
    sent_to: dt.datetime
    group_by: list[str]
    rows: list[UsageRow]
    estimated_cost: EstimatedCost | None = None


class UnpricedUsage(BaseModel):
    sent_from: dt.datetime
    sent_to: dt.datetime
    rows: list[Unpriced]
