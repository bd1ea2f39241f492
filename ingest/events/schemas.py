"""The wire format of events, decoded with msgspec: pydantic stays off the hot path."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import msgspec


class Event(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """One usage event. ``amount`` is a JSON number (or a decimal string), kept exactly."""

    customer_id: uuid.UUID
    sku_id: uuid.UUID
    amount: Decimal
    sent_at: dt.datetime
    event_id: str | None = None


class Body(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """A request body: one event, or ``{"events": [...]}``. Every field is optional here so one
    decode serves both shapes; which fields a shape needs is checked after decoding."""

    events: list[Event] | msgspec.UnsetType = msgspec.UNSET
    customer_id: uuid.UUID | msgspec.UnsetType = msgspec.UNSET
    sku_id: uuid.UUID | msgspec.UnsetType = msgspec.UNSET
    amount: Decimal | msgspec.UnsetType = msgspec.UNSET
    sent_at: dt.datetime | msgspec.UnsetType = msgspec.UNSET
    event_id: str | msgspec.UnsetType | None = msgspec.UNSET


class Accepted(msgspec.Struct):
    accepted: int
    event_ids: list[str]


BODY_DECODER = msgspec.json.Decoder(Body)
ENCODER = msgspec.json.Encoder(decimal_format="string")

EVENT_FIELDS = ("customer_id", "sku_id", "amount", "sent_at", "event_id")
