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


# The sorting key's prefix: the granules of that one id. Every copy comes back (one, or the few a
# client resent) and the first stored is picked here: ClickHouse's ORDER BY ... LIMIT 1 cost 2.5
# of the query's 8 ms (10M events).
FIND = f"SELECT {_FIELDS} FROM events WHERE merchant_id = {{merchant:UUID}} AND event_id = {{event_id:String}}"
# The table's own sorting key serves it; weighing the explorer's three projections too cost 1.5-2 ms
# of its 7 ms (10M-event trial, p50 6.9 -> 5.1-5.4 ms).
FIND_SETTINGS = {"optimize_use_projections": 0}


def find(client: Client, merchant_id: uuid.UUID, event_id: str) -> EventRow | None:
    """The first stored copy of an event."""
    result = client.query(FIND, parameters={"merchant": merchant_id, "event_id": event_id}, settings=FIND_SETTINGS)
    # ingested_at (the last field) is a fixed-width ISO text: its order is time's; ties by the rest.
    first = min(result.result_rows, key=lambda row: (row[-1], row), default=None)
    return EventRow(*first) if first is not None else None


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

    def sql(self, params: dict[str, Any], columns: Columns | None = None) -> str:
        """The filter's conditions (`` AND ...``) on ``columns`` (the events table's by default),
        their values put in ``params``."""
        return self.dimensions_sql(params, columns) + self._times_sql(params, columns or Columns())

    def dimensions_sql(self, params: dict[str, Any], columns: Columns | None = None) -> str:
        """The customer and SKU conditions alone (usage reads bound the time their own way)."""
        names, clauses = columns or Columns(), []
        if self.customer_id is not None:
            clauses.append(f"{names.customer_id} = {{customer:UUID}}")
            params["customer"] = self.customer_id
        if self.sku_id is not None:
            clauses.append(f"{names.sku_id} = {{sku:UUID}}")
            params["sku"] = self.sku_id
        return "".join(f" AND {c}" for c in clauses)

    def _times_sql(self, params: dict[str, Any], names: Columns) -> str:
        clauses = []
        if self.sent_from is not None:
            clauses.append(f"{names.sent_at} >= {{sent_from:DateTime64(6, 'UTC')}}")
            params["sent_from"] = storable_time(self.sent_from)
        if self.sent_to is not None:
            clauses.append(f"{names.sent_at} < {{sent_to:DateTime64(6, 'UTC')}}")
            params["sent_to"] = storable_time(self.sent_to)
        return "".join(f" AND {c}" for c in clauses)


@dataclass(frozen=True)
class Columns:
    """Where a filter finds an event's customer, SKU and sending time."""

    customer_id: str = "customer_id"
    sku_id: str = "sku_id"
    sent_at: str = "sent_at"


def page(
    client: Client,
    merchant_id: uuid.UUID,
    where: EventFilter,
    *,
    before: tuple[dt.datetime, str] | None,
    limit: int,
) -> list[EventRow]:
    """Newest first, the page below ``before`` (keyset on (sent_at, event_id)) of the events whose
    first stored copy matches the filter, each shown as that copy (D33: as the usage counts them
    and the read by id shows them). Two reads: the candidates, the newest copies that match, from
    the events_by_time projection, or events_by_customer / events_by_sku when filtered by customer
    or SKU (ClickHouse picks the one with the fewest granules to read); then their ids' copies by
    the sorting key, without weighing the projections (as one query, whose four reads were each
    planned over the projections, a page took twice as long: 24 -> 13 ms at 10M events). A page
    short of ``limit`` because candidates were later copies reads on."""
    rows: list[EventRow] = []
    candidates = limit + _SLACK
    while True:
        query, params = candidates_query(merchant_id, where, before=before, candidates=candidates)
        found = client.query(query, parameters=params, settings=PAGE_SETTINGS).result_rows
        if not found:
            return rows
        lowest = min((sent_at.replace(tzinfo=dt.UTC), event_id) for event_id, sent_at in found)
        query, params = first_copies_query(
            merchant_id, where, [event_id for event_id, _ in found], lowest=lowest, limit=limit - len(rows)
        )
        result = client.query(query, parameters=params, settings=FIRST_SETTINGS).result_rows
        rows.extend(EventRow(*row) for row in result)
        if len(rows) >= limit or len(found) < candidates:  # the page is full, or no copy is left below it
            return rows
        before = lowest  # on below the candidates read
        candidates *= 4


# Candidates read beyond the page: later copies among them leave the page short by as many, and a
# page short reads on (a measured 5% of the read for each doubling of the candidates).
_SLACK = 16
# The candidates: the newest copies that match (sent_at and event_id are the keyset; ties of
# one id's copies sent at the same time are the same event).
_CANDIDATES = (
    "SELECT event_id, sent_at FROM events WHERE merchant_id = {{merchant:UUID}}{filters} "
    "ORDER BY sent_at DESC, event_id DESC LIMIT {{candidates:UInt32}}"
)
# The candidates' first copies, over every month (the sorting key), shown when they match and lie
# at or above the lowest candidate: every copy that matches above it is a candidate, so every
# such first copy is found.
_FIRST_COPIES = f"""
SELECT event_id, first.1, first.2, first.3, first.4, first.5
FROM (
    SELECT event_id, argMin(
        (toString(customer_id), toString(sku_id), toString(amount), formatDateTime(sent_at, {ISO}),
         formatDateTime(ingested_at, {ISO}), customer_id, sku_id, sent_at), ingested_at) AS first
    FROM events
    WHERE merchant_id = {{merchant:UUID}} AND event_id IN {{ids:Array(String)}}
    GROUP BY event_id
)
WHERE (first.8, event_id) >= ({{lowest_at:DateTime64(6, 'UTC')}}, {{lowest_id:String}}){{first_filters}}
ORDER BY first.8 DESC, event_id DESC
LIMIT {{limit:UInt32}}"""
PAGE_SETTINGS = {"distributed_product_mode": "local"}  # on a cluster: an event's copies share a shard
FIRST_SETTINGS = {**PAGE_SETTINGS, "optimize_use_projections": 0}  # the sorting key serves it


def candidates_query(
    merchant_id: uuid.UUID,
    where: EventFilter,
    *,
    before: tuple[dt.datetime, str] | None,
    limit: int = 50,
    candidates: int | None = None,
) -> tuple[str, dict[str, Any]]:
    """The candidates of a page: the read a projection serves."""
    params: dict[str, Any] = {"merchant": merchant_id, "candidates": candidates or limit + _SLACK}
    if before is not None:
        params.update(before_at=storable_time(before[0]), before_id=before[1])
    return _CANDIDATES.format(filters=where.sql(params) + _keyset(before, "sent_at")), params


def first_copies_query(
    merchant_id: uuid.UUID, where: EventFilter, ids: list[str], *, lowest: tuple[dt.datetime, str], limit: int
) -> tuple[str, dict[str, Any]]:
    """The first copies of the candidates' ``ids`` that match the filter, at or above the lowest
    candidate, newest first."""
    params: dict[str, Any] = {
        "merchant": merchant_id,
        "ids": ids,
        "lowest_at": lowest[0],
        "lowest_id": lowest[1],
        "limit": limit,
    }
    first = Columns(customer_id="first.6", sku_id="first.7", sent_at="first.8")
    return _FIRST_COPIES.replace("{first_filters}", where.sql(params, first)), params


def _keyset(before: tuple[dt.datetime, str] | None, sent_at: str) -> str:
    if before is None:
        return ""
    return f" AND ({sent_at}, event_id) < ({{before_at:DateTime64(6, 'UTC')}}, {{before_id:String}})"
