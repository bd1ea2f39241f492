"""Request and response models of SKUs and their versioned prices. Money is a decimal string."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator


def _decimal_string(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError('give decimals as strings, e.g. "0.0025", so no precision is lost in JSON')
    return value


DecimalString = Annotated[Decimal, BeforeValidator(_decimal_string), Field(allow_inf_nan=False)]
Model = Literal["per_unit", "graduated", "volume", "package"]


class TierIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    up_to: DecimalString | None = Field(description="Inclusive upper bound; null on the last tier.")
    unit_price: DecimalString
    flat_fee: DecimalString = Decimal(0)


class PriceIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"model": "graduated", "tiers": [{"up_to": "1000", "unit_price": "0.01", "flat_fee": "0"},
                                         {"up_to": None, "unit_price": "0.005"}],
         "included_quantity": "100", "minimum_charge": "5.00"},
        {"model": "package", "package_size": "1000", "package_price": "2.50"},
    ]})  # fmt: skip

    model: Model
    unit_price: DecimalString | None = None
    package_size: DecimalString | None = None
    package_price: DecimalString | None = None
    tiers: list[TierIn] = Field(default_factory=list, max_length=50)
    included_quantity: DecimalString = Decimal(0)
    minimum_charge: DecimalString = Decimal(0)


class SkuIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    unit: str = Field(min_length=1, max_length=50, examples=["API call", "GB"])
    currency: str = Field(pattern=r"^[A-Za-z]{3}$")
    price: PriceIn
    effective_from: dt.datetime | None = Field(None, description="Default: the start of the current period.")

    @field_validator("currency")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class SkuUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    unit: str = Field(min_length=1, max_length=50)


class PriceChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    price: PriceIn
    effective_from: dt.datetime | None = Field(None, description="Default: the start of the next period.")


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
