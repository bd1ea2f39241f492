"""ClickHouse SQL for events."""

from __future__ import annotations

import uuid

from clickhouse_connect.driver.client import Client

from ingest.events.native import COLUMN_NAMES
from ingest.events.schemas import StoredEvent


def insert_block(client: Client, block: bytes) -> None:
    """Insert one Native block into ``events``; returns once ClickHouse has stored it."""
    client.raw_insert("events", COLUMN_NAMES, insert_block=block, fmt="Native")


def find(client: Client, merchant_id: uuid.UUID, event_id: str) -> StoredEvent | None:
    """The first stored copy of an event: the one every read path counts."""
    result = client.query(
        """
        SELECT event_id, toString(customer_id), toString(sku_id), toString(amount),
               formatDateTime(sent_at, '%Y-%m-%dT%H:%i:%S.%fZ'),
               formatDateTime(ingested_at, '%Y-%m-%dT%H:%i:%S.%fZ')
        FROM events
        WHERE merchant_id = {merchant:UUID} AND event_id = {event_id:String}
        ORDER BY ingested_at
        LIMIT 1
        """,
        parameters={"merchant": merchant_id, "event_id": event_id},
    )
    if not result.result_rows:
        return None
    return StoredEvent(*result.result_rows[0])
