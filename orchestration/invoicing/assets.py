"""The invoicing stage: draft invoices follow rated usage; due drafts are finalised daily."""

import datetime as dt

import dagster as dg

from billbo.invoicing import service
from orchestration.rating.assets import MONTHLY, rated_usage
from orchestration.resources import PostgresResource


@dg.asset(
    partitions_def=MONTHLY,
    group_name="invoicing",
    deps=[rated_usage],
    automation_condition=dg.AutomationCondition.eager(),
    description="One draft invoice per merchant, customer, period and currency, refreshed from rated usage.",
)
def invoice_drafts(context: dg.AssetExecutionContext, postgres: PostgresResource) -> dg.MaterializeResult:  # type: ignore[type-arg]
    period = dt.date.fromisoformat(context.partition_key)
    with postgres.connect() as conn:
        drafts = service.refresh_drafts(conn, period)
    return dg.MaterializeResult(metadata={"drafts": drafts})


@dg.op
def finalize_due_invoices(context: dg.OpExecutionContext, postgres: PostgresResource) -> int:
    with postgres.connect() as conn:
        finalized = service.finalize_due(conn, dt.datetime.now(dt.UTC))
    context.log.info(f"finalized {finalized} invoices")
    return finalized


@dg.job
def finalize_invoices() -> None:
    finalize_due_invoices()


rating_job = dg.define_asset_job("rating_job", selection=[rated_usage, invoice_drafts])


@dg.schedule(job=rating_job, cron_schedule="20 * * * *", execution_timezone="UTC")
def hourly_rating(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Every hour, re-rate the current period so draft invoices follow the usage."""
    now = (context.scheduled_execution_time or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return dg.RunRequest(partition_key=now.date().replace(day=1).isoformat())


daily_finalization = dg.ScheduleDefinition(job=finalize_invoices, cron_schedule="15 * * * *",
                                           execution_timezone="UTC", name="finalization")  # fmt: skip
