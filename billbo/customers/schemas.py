"""Request and response models of customers."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator


class CustomerIn(BaseModel):
    """A customer as a merchant's backend or dashboard writes it."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"name": "Globex Corporation", "email": "billing@globex.test", "currency": "USD",
                      "metadata": {"crm_id": "0012345"}}],
    })  # fmt: skip

    name: str = Field(min_length=1, max_length=500)
    email: EmailStr | None = None
    currency: str = Field(pattern=r"^[A-Za-z]{3}$", description="ISO 4217 code, e.g. USD")
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("currency")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class Customer(CustomerIn):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime
    archived_at: dt.datetime | None = None
