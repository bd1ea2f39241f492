"""The usage stage: deduplicated events in ClickHouse become daily usage rows in Postgres."""

import datetime as dt
from decimal import Decimal

import dagster as dg

from orchestration.resources import ClickHouseResource, PostgresResource
from orchestration.usage import load

DAILY = dg.DailyPartitionsDefinition(start_date="2026-01-01", timezone="UTC", end_offset=1)  # today included
RECONCILES = "reconciles_with_clickhouse"


@dg.asset(
    partitions_def=DAILY,
    group_name="usage",
    check_specs=[dg.AssetCheckSpec(RECONCILES, asset="daily_usage")],
    description="Deduplicated quantity, event count and event-id checksum per merchant, customer, SKU and day "
    "(UTC). Re-running a day replaces it exactly.",
)
def daily_usage(
    context: dg.AssetExecutionContext, clickhouse: ClickHouseResource, postgres: PostgresResource
) -> dg.MaterializeResult:  # type: ignore[type-arg]
    day = dt.date.fromisoformat(context.partition_key)
    client = clickhouse.client()
    try:
        frame = load.read_day(client, day)
        with postgres.connect() as conn:
            loaded = load.replace_day(conn, day, frame)
            stored = load.postgres_day_totals(conn, day)
        source = load.clickhouse_day_totals(client, day)
    finally:
        client.close()
    context.log.info(f"{day}: {loaded.rows} usage rows from {loaded.events} events")
    return dg.MaterializeResult(
        metadata={"rows": loaded.rows, "events": loaded.events, "quantity": loaded.quantity},
        check_results=[
            dg.AssetCheckResult(
                check_name=RECONCILES,
                passed=stored[0] == source[0] and Decimal(stored[1]) == Decimal(source[1]),
                metadata={
                    "clickhouse_events": source[0],
                    "postgres_events": stored[0],
                    "clickhouse_quantity": source[1],
                    "postgres_quantity": stored[1],
                },
            )
        ],
    )


usage_job = dg.define_asset_job("usage_job", selection=[daily_usage])


@dg.schedule(job=usage_job, cron_schedule="5 * * * *", execution_timezone="UTC")
def hourly_usage(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Every hour, reload today (in UTC) so the dashboards' Postgres usage stays fresh."""
    today = (context.scheduled_execution_time or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).date()
    return dg.RunRequest(partition_key=today.isoformat())
