"""The late-events sensor asks for exactly the days that received events since it last looked."""

from __future__ import annotations

import datetime as dt
import uuid

import dagster as dg
from clickhouse_connect.driver.client import Client

from billbo.migrations.runner import Databases
from orchestration.resources import ClickHouseResource
from orchestration.usage.late_events import late_events
from tests.orchestration.usage.test_daily_usage import _store


def evaluate(databases: Databases, cursor: str | None) -> dg.SensorResult:
    resources = {"clickhouse": ClickHouseResource(url=databases.clickhouse_url)}
    result = late_events(dg.build_sensor_context(cursor=cursor, resources=resources))
    assert isinstance(result, dg.SensorResult)
    return result


def test_only_days_with_new_events_are_reloaded(databases: Databases, ch: Client) -> None:
    # Start from "now": what earlier tests stored is not new for this sensor.
    start = dt.datetime.now(dt.UTC).isoformat()
    quiet = evaluate(databases, start)
    assert quiet.run_requests == []
    merchant = uuid.uuid4()
    _store(
        ch,
        merchant,
        [
            ("late-1", uuid.UUID(int=1), "1", dt.datetime(2026, 2, 3, 10, tzinfo=dt.UTC)),
            ("late-2", uuid.UUID(int=1), "1", dt.datetime(2026, 2, 5, 10, tzinfo=dt.UTC)),
        ],
    )
    result = evaluate(databases, quiet.cursor or start)
    assert [r.partition_key for r in result.run_requests or []] == ["2026-02-03", "2026-02-05"]
    again = evaluate(databases, result.cursor)
    assert again.run_requests == []  # nothing new since
