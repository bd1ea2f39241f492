"""Late events: events stored after their day was loaded. Only the days they belong to reload."""

import datetime as dt

import dagster as dg

from orchestration.resources import ClickHouseResource
from orchestration.usage.assets import usage_job

# Days with events stored after the cursor (reads only recent parts, via the ingested_at index).
NEW_SINCE = """
SELECT toString(toDate(sent_at)) AS day, max(ingested_at) AS newest
FROM events
WHERE ingested_at > {since:DateTime64(6, 'UTC')}
GROUP BY day
ORDER BY day
"""
FIRST_CURSOR = "1970-01-01T00:00:00+00:00"


def days_with_new_events(clickhouse: ClickHouseResource, since: dt.datetime) -> tuple[list[str], dt.datetime]:
    client = clickhouse.client()
    try:
        rows = client.query(NEW_SINCE, parameters={"since": since}).result_rows
    finally:
        client.close()
    newest = max((row[1].replace(tzinfo=dt.UTC) for row in rows), default=since)
    return [row[0] for row in rows], newest


@dg.sensor(job=usage_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def late_events(context: dg.SensorEvaluationContext, clickhouse: ClickHouseResource) -> dg.SensorResult:
    """Reload the days that received events since the last look, one run per day (run keys make
    the same day and cursor request only once)."""
    since = dt.datetime.fromisoformat(context.cursor or FIRST_CURSOR)
    days, newest = days_with_new_events(clickhouse, since)
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=day, run_key=f"{day}@{newest.isoformat()}") for day in days],
        cursor=newest.isoformat(),
    )
