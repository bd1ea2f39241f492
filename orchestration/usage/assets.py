"""The usage stage: deduplicated events in ClickHouse become daily usage rows in Postgres."""

import datetime as dt
from decimal import Decimal

import dagster as dg

from billbo.usage import service as usage
from orchestration.partitions import DAILY
from orchestration.resources import ClickHouseResource, PostgresResource

RECONCILES = "reconciles_with_clickhouse"


@dg.asset(
    partitions_def=DAILY,
    # A backfill of many days is one run and one ClickHouse scan, not one run per day.
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="usage",
    # Blocking: a day that does not reconcile stops its run before rating reads it.
    check_specs=[dg.AssetCheckSpec(RECONCILES, asset="daily_usage", blocking=True)],
    description="Deduplicated quantity, event count and event-id checksum per merchant, customer, SKU and day "
    "(UTC). Re-running a day replaces it exactly.",
)
def daily_usage(
    context: dg.AssetExecutionContext, clickhouse: ClickHouseResource, postgres: PostgresResource
) -> dg.MaterializeResult:  # type: ignore[type-arg]
    window = context.partition_time_window
    start, end = window.start.date(), window.end.date()
    client = clickhouse.client()
    try:
        with postgres.connect() as conn:
            daily = usage.load_days(client, conn, start, end)
    finally:
        client.close()
    loaded, source, stored, wrong = daily.load, daily.clickhouse, daily.postgres, daily.mismatched_days
    context.log.info(f"{start} to {end}: {loaded.rows} usage rows from {loaded.events} events")
    return dg.MaterializeResult(
        metadata={"rows": loaded.rows, "events": loaded.events, "quantity": str(loaded.quantity)},
        check_results=[
            dg.AssetCheckResult(
                check_name=RECONCILES,
                passed=not wrong,
                description="Events and quantity per day in Postgres equal ClickHouse's, deduplicated.",
                metadata={
                    "clickhouse_events": sum(events for events, _ in source.values()),
                    "postgres_events": sum(events for events, _ in stored.values()),
                    "clickhouse_quantity": str(sum((q for _, q in source.values()), Decimal(0))),
                    "postgres_quantity": str(sum((q for _, q in stored.values()), Decimal(0))),
                    "days_that_differ": ", ".join(wrong) or "none",
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
