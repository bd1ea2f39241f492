"""The invoicing stage: drafts follow rated usage; due drafts are finalised with gapless numbers."""

import datetime as dt

import dagster as dg

from billbo.invoices import service
from orchestration.automation import RERUN_WHEN_INPUTS_CHANGE
from orchestration.partitions import MONTHLY
from orchestration.rating.assets import RATED_USAGE
from orchestration.resources import PostgresResource

BALANCED = "invoice_lines_sum_to_subtotals"
RECONCILED = "invoice_lines_reconcile_with_rated_usage"
# A month's drafts read the rated usage of the months before it too: usage rated late for a
# finalised month goes on the customer's earliest open draft after that month (D11, D12). So
# re-rating a past month asks for its drafts and those of every later month up to this one; the
# automation sensor makes that one backfill, which refreshes the later months only once the rating
# succeeded. A year back is far beyond any backdating window in use (35 days by default); usage
# rated later still reaches the current month's draft at its next hourly rating.
EARLIER_MONTHS = 12
RATED_BEFORE_AND_IN_THE_MONTH = dg.TimeWindowPartitionMapping(
    start_offset=-EARLIER_MONTHS, end_offset=0, allow_nonexistent_upstream_partitions=True
)


@dg.asset(
    partitions_def=MONTHLY,
    backfill_policy=dg.BackfillPolicy.multi_run(1),
    group_name="invoicing",
    deps=[dg.AssetDep(RATED_USAGE, partition_mapping=RATED_BEFORE_AND_IN_THE_MONTH)],
    automation_condition=RERUN_WHEN_INPUTS_CHANGE,
    check_specs=[
        dg.AssetCheckSpec(BALANCED, asset="invoice_drafts", blocking=True),
        dg.AssetCheckSpec(RECONCILED, asset="invoice_drafts", blocking=True),
    ],
    description="One draft invoice per merchant, customer, period and currency, refreshed from rated usage; "
    "usage rated late for a finalised period goes on the next draft as an adjustment line.",
)
def invoice_drafts(context: dg.AssetExecutionContext, postgres: PostgresResource) -> dg.MaterializeResult:  # type: ignore[type-arg]
    period = dt.date.fromisoformat(context.partition_key)
    with postgres.connect() as conn:
        drafts = service.refresh_drafts(conn, period)
        unbalanced = service.unbalanced_drafts(conn, period)
        unreconciled = service.drafts_versus_rated_usage(conn, period)
    return dg.MaterializeResult(
        metadata={"drafts": drafts},
        check_results=[
            dg.AssetCheckResult(
                check_name=BALANCED,
                passed=not unbalanced,
                description="Each draft's subtotal equals the sum of its lines.",
                metadata={
                    "unbalanced_invoices": len(unbalanced),
                    "examples": str([str(row[0]) for row in unbalanced[:5]]),
                },
            ),
            dg.AssetCheckResult(
                check_name=RECONCILED,
                passed=not unreconciled,
                description="The drafts' lines for the period are exactly its rated usage.",
                metadata={
                    "discrepancies": len(unreconciled),
                    "examples": str([tuple(map(str, row)) for row in unreconciled[:5]]),
                },
            ),
        ],
    )


@dg.asset(
    partitions_def=MONTHLY,
    backfill_policy=dg.BackfillPolicy.multi_run(1),
    group_name="invoicing",
    deps=[invoice_drafts],
    description="The period's drafts whose period and grace period (per merchant) are over, finalised: "
    "refreshed one last time, numbered without gaps, frozen.",
)
def finalized_invoices(context: dg.AssetExecutionContext, postgres: PostgresResource) -> dg.MaterializeResult:  # type: ignore[type-arg]
    period = dt.date.fromisoformat(context.partition_key)
    with postgres.connect() as conn:
        finalized = service.finalize_due(conn, dt.datetime.now(dt.UTC), period)
    context.log.info(f"{period:%Y-%m}: finalized {finalized} invoices")
    return dg.MaterializeResult(metadata={"finalized": finalized})


rating_job = dg.define_asset_job("rating_job", selection=dg.AssetSelection.assets(RATED_USAGE, invoice_drafts))
finalization_job = dg.define_asset_job("finalization_job", selection=[finalized_invoices])


@dg.schedule(job=rating_job, cron_schedule="20 * * * *", execution_timezone="UTC")
def hourly_rating(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Every hour, re-rate the current period so draft invoices follow the usage."""
    now = (context.scheduled_execution_time or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return dg.RunRequest(partition_key=now.date().replace(day=1).isoformat())


@dg.schedule(job=finalization_job, cron_schedule="15 * * * *", execution_timezone="UTC", name="finalization")
def finalization(context: dg.ScheduleEvaluationContext, postgres: PostgresResource) -> list[dg.RunRequest]:
    """Every hour (so a merchant's grace period is honoured within the hour), one run per period
    that has drafts due."""
    now = (context.scheduled_execution_time or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    with postgres.connect() as conn:
        periods = service.due_periods(conn, now)
    return [dg.RunRequest(partition_key=p.isoformat(), run_key=f"{p}@{now:%Y-%m-%dT%H}") for p in periods]
