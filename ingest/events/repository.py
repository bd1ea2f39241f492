"""ClickHouse SQL for events."""

from __future__ import annotations

from clickhouse_connect.driver.client import Client

from ingest.events.native import COLUMN_NAMES


def insert_block(client: Client, block: bytes) -> None:
    """Insert one Native block into ``events``; returns once ClickHouse has stored it."""
    client.raw_insert("events", COLUMN_NAMES, insert_block=block, fmt="Native")
