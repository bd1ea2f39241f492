"""Request and response models of SKUs and their versioned prices. Money is a decimal string or an
exact JSON number on the way in (billbo/fields.py), a decimal string on the way out."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from billbo.fields import Currency, NonNegativeDecimal, Timestamp
from billbo.pricing import models as pricing

Model = Literal["per_unit", "graduated", "volume", "package"]


class TierIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    up_to: NonNegativeDecimal | None = Field(description="Inclusive upper bound; null on the last tier.")
    unit_price: NonNegativeDecimal
    flat_fee: NonNegativeDecimal = Decimal(0)


class PriceIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "model": "graduated",
                    "tiers": [
                        {"up_to": "1000", "unit_price": "0.01", "flat_fee": "0"},
                        {"up_to": None, "unit_price": "0.005"},
                    ],
                    "included_quantity": "100",
                    "minimum_charge": "5.00",
                },
                {"model": "package", "package_size": "1000", "package_price": "2.50"},
            ]
        },
    )

    model: Model
    unit_price: NonNegativeDecimal | None = None
    package_size: NonNegativeDecimal | None = None
    package_price: NonNegativeDecimal | None = None
    tiers: list[TierIn] = Field(default_factory=list, max_length=50)
    included_quantity: NonNegativeDecimal = Decimal(0)
    minimum_charge: NonNegativeDecimal = Decimal(0)


class SkuIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    unit: str = Field(min_length=1, max_length=50, examples=["API call", "GB"])
    currency: Currency
    price: PriceIn
    effective_from: Timestamp | None = Field(
        None,
        description="Default: the start of the current period. Earlier is allowed while no finalised invoice "
        "covers that time.",
    )


class SkuUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    unit: str = Field(min_length=1, max_length=50)


class PriceChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    price: PriceIn
    effective_from: Timestamp | None = Field(None, description="Default: the start of the next period.")


class TierOut(BaseModel):
    up_to: Decimal | None
    unit_price: Decimal
    flat_fee: Decimal


class PriceVersion(BaseModel):
    id: uuid.UUID
    version: int
    model: Model
    effective_from: dt.datetime
    unit_price: Decimal | None
    package_size: Decimal | None
    package_price: Decimal | None
    included_quantity: Decimal
    minimum_charge: Decimal
    tiers: list[TierOut]
    locked: bool


def to_price(terms: PriceIn | PriceVersion) -> pricing.Price:
    """The terms of a price as ``billbo.pricing`` rates them: those of a request, or of a stored version."""
    return pricing.Price(
        model=terms.model,
        unit_price=terms.unit_price,
        package_size=terms.package_size,
        package_price=terms.package_price,
        tiers=tuple(pricing.Tier(t.up_to, t.unit_price, t.flat_fee) for t in terms.tiers),
        included_quantity=terms.included_quantity,
        minimum_charge=terms.minimum_charge,
    )


class Sku(BaseModel):
    id: uuid.UUID
    name: str
    unit: str
    currency: str
    created_at: dt.datetime
    archived_at: dt.datetime | None
    current_price: PriceVersion | None
    versions: list[PriceVersion] = Field(default_factory=list)


class PreviewLine(BaseModel):
    description: str
    tier: int | None
    tier_from: Decimal | None
    tier_up_to: Decimal | None
    quantity: Decimal
    unit_price: Decimal
    flat_fee: Decimal
    amount: Decimal


class Preview(BaseModel):
    sku_id: uuid.UUID
    price_version: int
    currency: str
    quantity: Decimal
    billable_quantity: Decimal
    lines: list[PreviewLine]
    subtotal: Decimal
    minimum_top_up: Decimal
    amount: Decimal = Field(description="Unrounded.")
    amount_minor: int = Field(description="In the currency's minor units, rounded half away from zero.")
