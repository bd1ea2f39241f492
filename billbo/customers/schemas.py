"""Request and response models of customers."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema

from billbo.fields import Currency, Email

METADATA_MAX_KEYS = 50
METADATA_MAX_KEY_LENGTH = 40
METADATA_MAX_VALUE_LENGTH = 500


def _metadata_value(value: Any) -> str | bool | int | float | None:
    """A metadata value as Postgres gives it back: a string, a boolean, null, or a number (JSON
    read into a double, integers as such; one no double can hold is refused, not made infinite)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        if len(value) > METADATA_MAX_VALUE_LENGTH:
            raise ValueError(f"must be at most {METADATA_MAX_VALUE_LENGTH} characters")
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal | float):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError("is a number beyond what can be stored (about 1.8e308)")
        return number
    raise ValueError("must be a string, a number, a boolean or null")


MetadataValue = Annotated[Any, PlainValidator(_metadata_value)]
_METADATA_SCHEMA = {
    "type": "object",
    "maxProperties": METADATA_MAX_KEYS,
    "propertyNames": {"type": "string", "minLength": 1, "maxLength": METADATA_MAX_KEY_LENGTH},
    "additionalProperties": {
        "anyOf": [
            {"type": "string", "maxLength": METADATA_MAX_VALUE_LENGTH},
            {"type": "number"},
            {"type": "boolean"},
            {"type": "null"},
        ]
    },
}
Metadata = Annotated[
    dict[Annotated[str, Field(min_length=1, max_length=METADATA_MAX_KEY_LENGTH)], MetadataValue],
    Field(
        max_length=METADATA_MAX_KEYS,
        description=f"Your own key-value data: at most {METADATA_MAX_KEYS} keys of up to {METADATA_MAX_KEY_LENGTH} "
        f"characters, each value a string (up to {METADATA_MAX_VALUE_LENGTH} characters), a number (stored as a "
        "double), a boolean or null.",
    ),
    WithJsonSchema(_METADATA_SCHEMA),
]


class CustomerIn(BaseModel):
    """A customer as a merchant's backend or dashboard writes it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Globex Corporation",
                    "email": "billing@globex.com",
                    "currency": "USD",
                    "metadata": {"crm_id": "0012345"},
                }
            ],
        },
    )

    name: str = Field(min_length=1, max_length=500)
    email: Email | None = None
    currency: Currency
    metadata: Metadata = Field(default_factory=dict)


class Customer(CustomerIn):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime
    archived_at: dt.datetime | None = None


class NewCustomer(CustomerIn):
    id: uuid.UUID | None = None  # the dashboard's create: BillBo picks the id unless one is given


class CustomerPage(BaseModel):
    customers: list[Customer]
    next_cursor: str | None
