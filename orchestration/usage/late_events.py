"""Late events: events stored after their day was loaded. Only the days they belong to reload."""

import datetime as dt

import dagster as dg

from billbo.usage import repository as usage
from orchestration.resources import ClickHouseResource
from orchestration.usage.assets import usage_job

FIRST_CURSOR = "1970-01-01T00:00:00+00:00"


@dg.sensor(job=usage_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def late_events(context: dg.SensorEvaluationContext, clickhouse: ClickHouseResource) -> dg.SensorResult:
    """Reload the days that received events since the last look, one run per day (run keys make
    the same day and cursor request only once)."""
    since = dt.datetime.fromisoformat(context.cursor or FIRST_CURSOR)
    client = clickhouse.client()
    try:
        days, newest = usage.days_with_new_events(client, since)
    finally:
        client.close()
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=day, run_key=f"{day}@{newest.isoformat()}") for day in days],
        cursor=newest.isoformat(),
    )
