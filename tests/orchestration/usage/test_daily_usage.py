"""The usage asset, materialised in-process against the embedded ClickHouse and Postgres."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import dagster as dg
import psycopg
from clickhouse_connect.driver.client import Client

from billbo.events import native, repository
from billbo.events.schemas import SentEvent
from billbo.migrations.runner import Databases
from orchestration.resources import ClickHouseResource, PostgresResource
from orchestration.usage.assets import daily_usage

DAY = dt.date(2026, 3, 14)  # a day no other test writes


def _store(ch: Client, merchant: uuid.UUID, events: list[tuple[str, uuid.UUID, str, dt.datetime]]) -> None:
    rows = [SentEvent(customer, uuid.UUID(int=9), Decimal(amount), sent_at) for _, customer, amount, sent_at in events]
    ids = [event_id for event_id, *_ in events]
    scaled = [int(Decimal(amount) * 10**12) for _, _, amount, _ in events]
    repository.insert_block(ch, native.block([native.encode(merchant, rows, ids, scaled, dt.datetime.now(dt.UTC))]))


def _materialize(databases: Databases) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [daily_usage],
        partition_key=DAY.isoformat(),
        resources={
            "clickhouse": ClickHouseResource(url=databases.clickhouse_url),
            "postgres": PostgresResource(url=databases.postgres_url),
        },
    )


def _usage(databases: Databases, merchant: uuid.UUID) -> list[tuple[object, ...]]:
    with psycopg.connect(databases.postgres_url) as conn:
        return conn.execute(
            "select customer_id, quantity, event_count, event_checksum from usage_daily "
            "where merchant_id = %s and day = %s order by customer_id",
            [merchant, DAY],
        ).fetchall()


def test_a_day_of_usage_is_loaded_exactly_and_reloads_replace_it(databases: Databases, ch: Client) -> None:
    merchant, a, b = uuid.uuid4(), uuid.UUID(int=1), uuid.UUID(int=2)
    noon = dt.datetime(2026, 3, 14, 12, tzinfo=dt.UTC)
    _store(
        ch,
        merchant,
        [
            ("e1", a, "1.5", noon),
            ("e2", a, "0.000000000001", noon),
            ("e3", b, "-2", noon),
            ("e4", b, "7", noon + dt.timedelta(hours=13)),
        ],
    )  # e4 is the next day
    _store(ch, merchant, [("e1", a, "99", noon)])  # a duplicate: the first copy counts
    result = _materialize(databases)
    assert result.success
    checks = result.get_asset_check_evaluations()
    assert [c.passed for c in checks] == [True]
    first = _usage(databases, merchant)
    assert [(row[0], row[1], row[2]) for row in first] == [(a, Decimal("1.500000000001"), 2), (b, Decimal(-2), 1)]
    # Re-running replaces the day exactly: same rows, no duplicates.
    assert _materialize(databases).success
    assert _usage(databases, merchant) == first
    # A late event for the day changes the count and the checksum after a reload.
    _store(ch, merchant, [("e5", a, "1", noon)])
    assert _materialize(databases).success
    late = _usage(databases, merchant)
    assert late[0][1:3] == (Decimal("2.500000000001"), 3)
    assert late[0][3] != first[0][3]
