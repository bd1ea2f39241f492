"""ClickHouse's Native format for the events table, built column by column without a driver.

Each request encodes its own rows into column fragments as it arrives; a flush joins the
fragments of many requests into one block. clickhouse-connect then sends that block as it is
(``raw_insert``, format Native), so the hot path never builds Python rows for the driver.
"""

from __future__ import annotations

import datetime as dt
import struct
import uuid
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

COLUMNS: tuple[tuple[str, str], ...] = (
    ("merchant_id", "UUID"),
    ("event_id", "String"),
    ("customer_id", "UUID"),
    ("sku_id", "UUID"),
    ("amount", "Decimal(38, 12)"),
    ("sent_at", "DateTime64(6, 'UTC')"),
    ("ingested_at", "DateTime64(6, 'UTC')"),
)
COLUMN_NAMES = [name for name, _ in COLUMNS]
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_INT64 = struct.Struct("<q")


def varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


_LOW_64 = (1 << 64) - 1


def uuid_bytes(value: uuid.UUID) -> bytes:
    """ClickHouse stores a UUID as two little-endian 64-bit halves, high half first."""
    number = value.int
    return ((number & _LOW_64) << 64 | number >> 64).to_bytes(16, "little")


_MICROSECOND = dt.timedelta(microseconds=1)


def micros(value: dt.datetime) -> int:
    return (value - _EPOCH) // _MICROSECOND


class Row(Protocol):
    """What a row needs besides its id and amount (billbo.events.schemas.EventIn and SentEvent have it)."""

    @property
    def customer_id(self) -> uuid.UUID: ...
    @property
    def sku_id(self) -> uuid.UUID: ...
    @property
    def sent_at(self) -> dt.datetime: ...


@dataclass(slots=True)
class Fragment:
    """The rows of one request, one bytes object per column."""

    rows: int
    columns: list[bytes]


def encode(
    merchant_id: uuid.UUID,
    events: Sequence[Row],
    event_ids: Sequence[str],
    scaled_amounts: Sequence[int],
    ingested_at: dt.datetime,
) -> Fragment:
    n = len(events)
    event_id_column = bytearray()
    for event_id in event_ids:
        encoded = event_id.encode()
        event_id_column += varint(len(encoded))
        event_id_column += encoded
    return Fragment(
        rows=n,
        columns=[
            uuid_bytes(merchant_id) * n,
            bytes(event_id_column),
            b"".join([uuid_bytes(e.customer_id) for e in events]),
            b"".join([uuid_bytes(e.sku_id) for e in events]),
            b"".join([a.to_bytes(16, "little", signed=True) for a in scaled_amounts]),
            array("q", [micros(e.sent_at) for e in events]).tobytes(),
            _INT64.pack(micros(ingested_at)) * n,
        ],
    )


def block(fragments: Sequence[Fragment]) -> bytes:
    """One Native block holding every fragment's rows, in order."""
    rows = sum(f.rows for f in fragments)
    parts = [varint(len(COLUMNS)), varint(rows)]
    for index, (name, type_name) in enumerate(COLUMNS):
        parts += [varint(len(name)), name.encode(), varint(len(type_name)), type_name.encode()]
        parts += [f.columns[index] for f in fragments]
    return b"".join(parts)
