"""The models of events: the ingest wire format, decoded with msgspec (pydantic stays off the
hot path), and the dashboard's response models."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import msgspec
from pydantic import BaseModel, Field


class SentEvent(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """One usage event as sent, with its exact amount. An absent ``event_id`` is UNSET (BillBo assigns a
    UUIDv7); ``null`` is not an id and is refused."""

    customer_id: uuid.UUID
    sku_id: uuid.UUID
    amount: Decimal
    sent_at: dt.datetime
    event_id: str | msgspec.UnsetType = msgspec.UNSET


class EventIn(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """One event as the fast path decodes it: ``amount`` stays the JSON text it was sent as (a
    number, or a decimal string), so that a string is held to the decimal string syntax; all the
    amounts of a request are then decoded at once (billbo.events.validation.amounts_of)."""

    customer_id: uuid.UUID
    sku_id: uuid.UUID
    amount: msgspec.Raw
    sent_at: dt.datetime
    event_id: str | msgspec.UnsetType = msgspec.UNSET


class Body(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """A request body: one event, or ``{"events": [...]}``. Every field is optional here so one
    decode serves both shapes; which fields a shape needs is checked after decoding."""

    events: list[EventIn] | msgspec.UnsetType = msgspec.UNSET
    customer_id: uuid.UUID | msgspec.UnsetType = msgspec.UNSET
    sku_id: uuid.UUID | msgspec.UnsetType = msgspec.UNSET
    amount: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    sent_at: dt.datetime | msgspec.UnsetType = msgspec.UNSET
    event_id: str | msgspec.UnsetType = msgspec.UNSET


class Accepted(msgspec.Struct):
    accepted: int
    event_ids: list[str]


BODY_DECODER = msgspec.json.Decoder(Body)
ENCODER = msgspec.json.Encoder(decimal_format="string")

EVENT_FIELDS = ("customer_id", "sku_id", "amount", "sent_at", "event_id")
REQUIRED_FIELDS = EVENT_FIELDS[:4]


# The dashboard's events explorer (pydantic: off the ingest hot path).


class Event(BaseModel):
    event_id: str
    customer_id: uuid.UUID
    sku_id: uuid.UUID
    amount: Decimal
    sent_at: dt.datetime
    ingested_at: dt.datetime


class EventPage(BaseModel):
    events: list[Event]
    next_cursor: str | None = Field(description="Pass as cursor for the next (older) page; null on the last.")
