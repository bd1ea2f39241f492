"""ClickHouse SQL of events: the insert of Native blocks (billbo.events.native) and the reads of
both APIs. Every read sees each (merchant, event_id) once: the first stored copy (see
docs/decisions.md, D4)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from clickhouse_connect.driver.client import Client

from billbo.clickhouse.client import LazyClient
from billbo.errors import ServiceUnavailable
from billbo.events.native import COLUMN_NAMES

ISO = "'%Y-%m-%dT%H:%i:%S.%fZ'"
_FIELDS = f"""event_id, toString(customer_id), toString(sku_id), toString(amount),
              formatDateTime(sent_at, {ISO}), formatDateTime(ingested_at, {ISO})"""


def client(lazy: LazyClient) -> Client:
    """The client of a dashboard read (events or usage); 503 while ClickHouse cannot be reached."""
    try:
        return lazy.get()
    except Exception as exc:
        lazy.reset()
        raise ServiceUnavailable("Usage cannot be read right now; retry shortly.") from exc


def insert_block(client: Client, block: bytes) -> None:
    """Insert one Native block into ``events``; returns once ClickHouse has stored it."""
    client.raw_insert("events", COLUMN_NAMES, insert_block=block, fmt="Native")


@dataclass(frozen=True, slots=True)
class EventRow:
    event_id: str
    customer_id: str
    sku_id: str
    amount: str
    sent_at: str
    ingested_at: str


# The sorting key's prefix: the granules of that one id.
FIND = (
    f"SELECT {_FIELDS} FROM events WHERE merchant_id = {{merchant:UUID}} AND event_id = {{event_id:String}} "
    "ORDER BY ingested_at LIMIT 1"
)
# The table's own sorting key serves it; weighing the explorer's three projections too cost 1.5-2 ms
# of its 7 ms (10M-event trial, p50 6.9 -> 5.1-5.4 ms).
FIND_SETTINGS = {"optimize_use_projections": 0}


def find(client: Client, merchant_id: uuid.UUID, event_id: str) -> EventRow | None:
    """The first stored copy of an event."""
    result = client.query(FIND, parameters={"merchant": merchant_id, "event_id": event_id}, settings=FIND_SETTINGS)
    return EventRow(*result.result_rows[0]) if result.result_rows else None


# DateTime64's range in ClickHouse. A filter bound beyond it (any RFC 3339 time is a valid filter)
# selects what the range's end selects: no stored event lies outside it.
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2299, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC)


def storable_time(value: dt.datetime) -> dt.datetime:
    return min(max(value, EARLIEST), LATEST)


@dataclass(frozen=True)
class EventFilter:
    customer_id: uuid.UUID | None = None
    sku_id: uuid.UUID | None = None
    sent_from: dt.datetime | None = None
    sent_to: dt.datetime | None = None

    def sql(self, params: dict[str, Any]) -> str:
        """The filter's conditions (`` AND ...``), their values put in ``params``."""
        return self.dimensions_sql(params) + self._times_sql(params)

    def dimensions_sql(self, params: dict[str, Any]) -> str:
        """The customer and SKU conditions alone (usage reads bound the time their own way)."""
        clauses = []
        if self.customer_id is not None:
            clauses.append("customer_id = {customer:UUID}")
            params["customer"] = self.customer_id
        if self.sku_id is not None:
            clauses.append("sku_id = {sku:UUID}")
            params["sku"] = self.sku_id
        return "".join(f" AND {c}" for c in clauses)

    def _times_sql(self, params: dict[str, Any]) -> str:
        clauses = []
        if self.sent_from is not None:
            clauses.append("sent_at >= {sent_from:DateTime64(6, 'UTC')}")
            params["sent_from"] = storable_time(self.sent_from)
        if self.sent_to is not None:
            clauses.append("sent_at < {sent_to:DateTime64(6, 'UTC')}")
            params["sent_to"] = storable_time(self.sent_to)
        return "".join(f" AND {c}" for c in clauses)


def page(
    client: Client,
    merchant_id: uuid.UUID,
    where: EventFilter,
    *,
    before: tuple[dt.datetime, str] | None,
    limit: int,
) -> list[EventRow]:
    """Newest first, each event once, the page below ``before`` (keyset on (sent_at, event_id)).
    Served by the events_by_time projection, or events_by_customer / events_by_sku when filtered
    by customer or SKU (ClickHouse picks the one with the fewest granules to read)."""
    query, params = page_query(merchant_id, where, before=before, limit=limit)
    return [EventRow(*row) for row in client.query(query, parameters=params).result_rows]


def page_query(
    merchant_id: uuid.UUID, where: EventFilter, *, before: tuple[dt.datetime, str] | None, limit: int
) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {"merchant": merchant_id, "limit": limit}
    keyset = ""
    if before is not None:
        keyset = " AND (sent_at, event_id) < ({before_at:DateTime64(6, 'UTC')}, {before_id:String})"
        params.update(before_at=storable_time(before[0]), before_id=before[1])
    query = (
        f"SELECT {_FIELDS} FROM events WHERE merchant_id = {{merchant:UUID}}{where.sql(params)}{keyset} "
        "ORDER BY sent_at DESC, event_id DESC, ingested_at ASC LIMIT 1 BY event_id LIMIT {limit:UInt32}"
    )
    return query, params
